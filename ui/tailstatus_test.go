package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// crowdedSource is the demo account with extra Lambda alarms (more log
// groups than the automatic cap) and one log group whose reads are denied.
type crowdedSource struct {
	*demo.Source
	extra   int
	denied  string
	mu      sync.Mutex     // the tail reads groups concurrently
	fetched map[string]int // FetchLogs calls by group
}

func (s *crowdedSource) ListAlarms(ctx context.Context) ([]sources.Alarm, error) {
	alarms, err := s.Source.ListAlarms(ctx)
	for i := range s.extra {
		fn := fmt.Sprintf("worker-%02d", i)
		alarms = append(alarms, sources.Alarm{Name: fn + "-errors", State: sources.StateOK,
			Metric: sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors", Stat: "Sum",
				Dims: []sources.Dimension{{Name: "FunctionName", Value: fn}}}})
	}
	return alarms, err
}

func (s *crowdedSource) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	s.mu.Lock()
	s.fetched[q.Group]++
	s.mu.Unlock()
	switch {
	case strings.HasPrefix(q.Group, "/aws/lambda/worker-"): // the extra alarms' groups: quiet
		return nil, nil
	case q.Group == s.denied:
		return nil, &sources.Error{Problem: sources.ProblemAccess, Detail: "AccessDeniedException",
			Err: errors.New("api error AccessDeniedException: not authorized to perform logs:FilterLogEvents")}
	}
	return s.Source.FetchLogs(ctx, q)
}

// TestAutomaticLogGroupsAreCappedAndOneFailingGroupStallsNoOther runs the
// dashboard without --log-group on an account with more Lambda alarms than
// the cap, one of whose groups denies reads.
func TestAutomaticLogGroupsAreCappedAndOneFailingGroupStallsNoOther(t *testing.T) {
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter})
	src := &crowdedSource{Source: d, extra: 25, fetched: map[string]int{}}
	alarms, _ := src.ListAlarms(t.Context())
	chosen, rest := feed.AutoLogGroups(alarms, feed.AutoGroupCap)
	if len(chosen) != feed.AutoGroupCap || len(rest) == 0 {
		t.Fatalf("the fixture needs more groups than the cap: %d chosen, %d rest", len(chosen), len(rest))
	}
	src.denied = chosen[1]

	m := New(Config{Source: src, Refresh: 2 * time.Second, Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	for range 3 {
		pump(t, m)
		c.T = c.T.Add(5 * time.Second)
	}
	if got := m.sched.LogGroups(); len(got) != feed.AutoGroupCap || got[0] != chosen[0] {
		t.Fatalf("the logs feed follows %d groups starting %v, want the %d chosen, the firing alarm's first", len(got), got[:1], feed.AutoGroupCap)
	}
	out := screen(m)
	t.Log("\n" + out)
	for _, want := range []string{
		fmt.Sprintf("+%d more groups (a: add)", len(rest)),
		"1 group failing: " + chosen[1] + " access denied",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "behind by") {
		t.Errorf("a failing group counts as behind:\n%s", out)
	}
	st := m.sched.State(sources.FeedLogs)
	if st.Failures != 0 || st.Phase == feed.PhaseBackingOff || st.LastErr != "" {
		t.Errorf("one failing group put the logs feed into backoff: failures %d, phase %d, %q", st.Failures, st.Phase, st.LastErr)
	}
	if m.logs.Len() == 0 || src.fetched[chosen[0]] < 2 {
		t.Errorf("the other groups stalled: %d lines, %d polls of %s", m.logs.Len(), src.fetched[chosen[0]], chosen[0])
	}
	if src.fetched[rest[0]] != 0 {
		t.Errorf("a group beyond the cap was polled %d times", src.fetched[rest[0]])
	}

	press(m, "!")
	if out := screen(m); !strings.Contains(out, "Feed problems") || !strings.Contains(out, chosen[1]) ||
		!strings.Contains(out, "AccessDeniedException") {
		t.Errorf("the problems view does not list the failing group:\n%s", out)
	}
	press(m, "esc")

	m.focus = paneLogs
	if press(m, "a") == nil {
		t.Fatal("a in the logs pane started no poll")
	}
	if got := m.sched.LogGroups(); len(got) != len(chosen)+len(rest) {
		t.Fatalf("after a: %d groups, want all %d", len(got), len(chosen)+len(rest))
	}
	pump(t, m)
	if out := screen(m); strings.Contains(out, "more groups") {
		t.Errorf("the title still offers more groups:\n%s", out)
	}
	if src.fetched[rest[0]] == 0 {
		t.Error("a group added on demand was not polled")
	}
}

// TestTailBordersSayHowTheFeedsKeepUp draws what a poll that cannot keep up
// reports: behind and sampling for logs, behind and bad log files for the
// trail, with the files listed by !.
func TestTailBordersSayHowTheFeedsKeepUp(t *testing.T) {
	m, c := newDemoModel(t, incidentAfter+2*time.Minute, 200, 50)
	pump(t, m)
	m.Update(sources.LogsMsg{At: c.T, Tail: sources.TailStatus{Behind: 40 * time.Second, Sampling: true}})
	m.Update(sources.TrailMsg{At: c.T, Tail: sources.TailStatus{Behind: 75 * time.Second, Sampling: true}, BadFiles: 2,
		RecentBad: []sources.BadFile{{Name: "s3://trail/a.json.gz", Err: "gzip: invalid header", Found: c.T},
			{Name: "s3://trail/b.json.gz", Err: "unexpected EOF", Found: c.T}}})
	out := screen(m)
	t.Log("\n" + out)
	assertFills(t, out, 200, 50)
	for _, want := range []string{"behind by 40 s, sampling — try --live-tail", "behind by 75 s, sampling — try w (write calls only) · 2 bad trail files · ! list"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	press(m, "!")
	out = screen(m)
	for _, want := range []string{"2 bad trail files skipped", "s3://trail/b.json.gz", "unexpected EOF", "s3://trail/a.json.gz"} {
		if !strings.Contains(out, want) {
			t.Errorf("problems view lacks %q:\n%s", want, out)
		}
	}

	// Caught up again: the borders say nothing.
	press(m, "esc")
	m.Update(sources.LogsMsg{At: c.T})
	m.Update(sources.TrailMsg{At: c.T})
	if out := screen(m); strings.Contains(out, "behind by") || strings.Contains(out, "bad trail") {
		t.Errorf("notes stay after the feeds caught up:\n%s", out)
	}
}

func TestSchedulerPollsATailAgainAtOnceWhileMoreIsWaiting(t *testing.T) {
	s, data, _ := newTestScheduler(t)
	s.Start()
	if s.Handle(sources.LogsMsg{At: data.T, Tail: sources.TailStatus{Again: true}}) == nil || s.State(sources.FeedLogs).Phase != feed.PhasePolling {
		t.Fatal("a logs poll with more waiting was not followed by one at once")
	}
	s.Handle(sources.LogsMsg{At: data.T})
	if st := s.State(sources.FeedLogs); st.Phase != feed.PhaseIdle || st.Next.Sub(st.Anchor) != feed.LogCadence {
		t.Fatalf("logs feed: phase %d, next after %s, want idle for the %s log cadence", st.Phase, st.Next.Sub(st.Anchor), feed.LogCadence)
	}
	if cmd := s.SetTrailQuery(sources.TrailQuery{WriteOnly: true}); cmd != nil {
		t.Fatal("a query change during a poll started a second poll")
	}
	s.Handle(sources.TrailMsg{At: data.T})
	if st := s.State(sources.FeedTrail); st.Phase != feed.PhasePolling {
		t.Fatal("the trail feed was not polled again with its new query")
	}
	if s.SetTrailQuery(sources.TrailQuery{WriteOnly: true}) != nil {
		t.Fatal("setting the same query restarted the feed")
	}
}
