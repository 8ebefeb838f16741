package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// streamingDemo is the demo account with a Live Tail whose batches and
// errors the test sends.
type streamingDemo struct {
	*demo.Source
	events   chan []sources.LogEvent
	errs     chan error
	startErr error

	calls   int
	groups  []string
	pattern string
	ctx     context.Context
}

func (s *streamingDemo) StreamLogs(ctx context.Context, groups []string, pattern string) (<-chan []sources.LogEvent, <-chan error, error) {
	s.calls++
	s.ctx, s.groups, s.pattern = ctx, groups, pattern
	if s.startErr != nil {
		return nil, nil, s.startErr
	}
	return s.events, s.errs, nil
}

func newLiveModel(t *testing.T, groups []string) (*Model, *streamingDemo, *clock) {
	t.Helper()
	c := &clock{T: demoStart.Add(5 * time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter, Composite: true})
	s := &streamingDemo{Source: d, events: make(chan []sources.LogEvent, 4), errs: make(chan error, 1)}
	if groups == nil {
		groups = d.LogGroups()
	}
	m := New(Config{Source: s, LiveTail: true, Refresh: 2 * time.Second, LogGroups: groups,
		LogFilter: "?ERROR", Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return m, s, c
}

// deliver runs cmd, hands its message to the model and returns the next
// command.
func deliver(t *testing.T, m *Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command to run")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		_, next := m.Update(msg)
		return next
	case <-time.After(5 * time.Second):
		t.Fatal("command still blocked after 5s")
	}
	return nil
}

func liveLine(at time.Time, group, msg string) sources.LogEvent {
	return sources.LogEvent{ID: msg, Group: group, Stream: "s", Time: at, Message: msg}
}

func TestLiveTailStreamsBatchesThenFallsBackToPolling(t *testing.T) {
	m, s, c := newLiveModel(t, nil)
	group := s.LogGroups()[0]

	wait := deliver(t, m, m.sched.StartFeed(sources.FeedLogs))
	if s.calls != 1 || strings.Join(s.groups, ",") != strings.Join(s.LogGroups(), ",") || s.pattern != "?ERROR" {
		t.Fatalf("StreamLogs called %d× with %q %q", s.calls, s.groups, s.pattern)
	}
	if m.sched.Handle(feed.PollMsg{Feed: sources.FeedLogs, Gen: m.sched.FeedState(sources.FeedLogs).Gen}) != nil {
		t.Fatal("the logs feed polls while it streams")
	}

	s.events <- []sources.LogEvent{liveLine(c.T, group, "live one"), liveLine(c.T.Add(time.Second), group, "live two")}
	wait = deliver(t, m, wait)
	s.events <- []sources.LogEvent{liveLine(c.T.Add(2*time.Second), group, "live three")}
	wait = deliver(t, m, wait)
	out := screen(m)
	one, two, three := strings.Index(out, "live one"), strings.Index(out, "live two"), strings.Index(out, "live three")
	if one < 0 || !(one < two && two < three) {
		t.Fatalf("streamed lines missing or out of order:\n%s", out)
	}
	if m.logs.Len() != 3 {
		t.Fatalf("logs pane holds %d lines, want only the 3 streamed", m.logs.Len())
	}

	s.errs <- &sources.Error{Problem: sources.ProblemService, Detail: "SessionStreamingException: internal failure",
		Err: errors.New("api error SessionStreamingException: internal failure")}
	tick := deliver(t, m, wait)
	if m.sched.Streaming() || s.ctx.Err() == nil {
		t.Fatal("the stream was not given up (or its context not cancelled) after an error")
	}
	status := lastLine(screen(m))
	for _, want := range []string{"logs:", "SessionStreamingException", "polling"} {
		if !strings.Contains(status, want) {
			t.Errorf("status line lacks %q: %q", want, status)
		}
	}
	if tick == nil {
		t.Fatal("no poll scheduled after the stream failed")
	}

	// The scheduled tick (after the usual backoff from the 1 s log cadence)
	// polls FilterLogEvents.
	st := m.sched.FeedState(sources.FeedLogs)
	if st.Failures != 1 || m.sched.Delay(sources.FeedLogs) != 2*time.Second {
		t.Errorf("failures %d, delay %s: want the usual backoff", st.Failures, m.sched.Delay(sources.FeedLogs))
	}
	c.T = c.T.Add(2 * time.Second)
	_, poll := m.Update(feed.PollMsg{Feed: sources.FeedLogs, Gen: st.Gen})
	deliver(t, m, poll)
	if m.logs.Len() <= 3 {
		t.Fatalf("polling added nothing: %d lines", m.logs.Len())
	}
	if st.LastErr != "" || m.sched.Streaming() || s.calls != 1 {
		t.Errorf("after the fallback poll: lastErr %q, live %v, StreamLogs calls %d", st.LastErr, m.sched.Streaming(), s.calls)
	}
	if strings.Contains(lastLine(screen(m)), "⚠") {
		t.Errorf("status still shows an error: %q", lastLine(screen(m)))
	}
}

func TestLiveTailThatCannotStartFallsBackToPolling(t *testing.T) {
	m, s, _ := newLiveModel(t, nil)
	m.Update(tea.WindowSizeMsg{Width: 130, Height: 40}) // the whole error beside "? help"
	s.startErr = &sources.Error{Problem: sources.ProblemAccess, Detail: "AccessDeniedException: not authorized to perform: logs:StartLiveTail",
		Err: errors.New("api error AccessDeniedException: not authorized to perform: logs:StartLiveTail")}
	tick := deliver(t, m, m.sched.StartFeed(sources.FeedLogs))
	if m.sched.Streaming() || !m.sched.LiveOff() || tick == nil {
		t.Fatalf("live %v, off %v, tick %v: want polling scheduled", m.sched.Streaming(), m.sched.LiveOff(), tick != nil)
	}
	if status := lastLine(screen(m)); !strings.Contains(status, "access denied") || !strings.Contains(status, "polling") {
		t.Errorf("status line %q", status)
	}
	_, poll := m.Update(feed.PollMsg{Feed: sources.FeedLogs, Gen: m.sched.FeedState(sources.FeedLogs).Gen})
	deliver(t, m, poll)
	if m.logs.Len() == 0 || s.calls != 1 {
		t.Fatalf("after fallback: %d lines, %d StreamLogs calls", m.logs.Len(), s.calls)
	}
}

func TestLiveTailOnlyForConfiguredGroupsAndStreamingSources(t *testing.T) {
	// No --log-group: the groups come from the alarms, and are polled.
	m, s, _ := newLiveModel(t, []string{})
	if m.sched.StartFeed(sources.FeedLogs) == nil || m.sched.Streaming() || s.calls != 0 {
		t.Fatal("live tail started without configured log groups")
	}
	// A source without StreamLogs (the demo) polls.
	d := demo.New(demo.Options{Start: demoStart, Now: func() time.Time { return demoStart }})
	m = New(Config{Source: d, LiveTail: true, LogGroups: d.LogGroups(), Now: func() time.Time { return demoStart }})
	if m.sched.StartFeed(sources.FeedLogs) == nil || m.sched.Streaming() {
		t.Fatal("the demo source does not stream; its logs must be polled")
	}
	// Without the flag nothing changes.
	m, s, _ = newLiveModel(t, nil)
	m.sched.Config().LiveTail = false
	m.Init()
	if m.sched.Streaming() || s.calls != 0 {
		t.Fatal("live tail used without LiveTail")
	}
}

func TestLiveTailEndingWithoutErrorFallsBack(t *testing.T) {
	m, s, _ := newLiveModel(t, nil)
	wait := deliver(t, m, m.sched.StartFeed(sources.FeedLogs))
	close(s.events)
	deliver(t, m, wait)
	if m.sched.Streaming() || !strings.Contains(m.sched.FeedState(sources.FeedLogs).LastErr, "live tail ended") {
		t.Fatalf("live %v, lastErr %q", m.sched.Streaming(), m.sched.FeedState(sources.FeedLogs).LastErr)
	}
}

func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }
