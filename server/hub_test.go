package server

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// recorder is a session's model: it counts the data messages it receives.
type recorder struct{ got *atomic.Int64 }

func (r recorder) Init() tea.Cmd { return nil }
func (r recorder) View() string  { return "" }
func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case sources.AlarmsMsg, sources.MetricsMsg:
		r.got.Add(1)
	}
	return r, nil
}

// demoFeeds polls the demo account through the hub, counting source calls.
func demoFeeds(calls *atomic.Int64) []Feed {
	src := demo.New(demo.Options{})
	return []Feed{
		{Name: "alarms", Every: 15 * time.Second, Fetch: func(ctx context.Context) tea.Msg {
			calls.Add(1)
			alarms, err := src.ListAlarms(ctx)
			if err != nil {
				return sources.ErrMsg{Feed: sources.FeedAlarms, Err: err}
			}
			return sources.AlarmsMsg{Alarms: alarms}
		}},
		{Name: "metrics", Every: time.Minute, Fetch: func(ctx context.Context) tea.Msg {
			calls.Add(1)
			end := time.Now()
			series, err := src.FetchMetrics(ctx, src.WatchedMetrics(), end.Add(-time.Hour), end)
			if err != nil {
				return sources.ErrMsg{Feed: sources.FeedMetrics, Err: err}
			}
			return sources.MetricsMsg{Series: series}
		}},
	}
}

// simulateHour runs a hub for a simulated hour with n sessions and returns
// the source calls made and the messages each session received.
func simulateHour(t *testing.T, sessions int) (calls int64, received []int64) {
	var counter atomic.Int64
	hub := NewHub(demoFeeds(&counter)...)
	got := make([]*atomic.Int64, sessions)
	for i := range got {
		got[i] = new(atomic.Int64)
		p := tea.NewProgram(recorder{got[i]}, tea.WithInput(nil), tea.WithOutput(io.Discard),
			tea.WithoutRenderer(), tea.WithoutSignalHandler())
		go func() { _, _ = p.Run() }()
		t.Cleanup(p.Kill)
		t.Cleanup(hub.Join(p))
	}
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for s := 0; s < 3600; s++ {
		hub.pollDue(ctx, start.Add(time.Duration(s)*time.Second)).Wait()
	}
	calls = counter.Load()
	deadline := time.Now().Add(10 * time.Second)
	for i := range got {
		for got[i].Load() < calls && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		received = append(received, got[i].Load())
	}
	return calls, received
}

func TestHubSourceCallsDoNotGrowWithSessions(t *testing.T) {
	one, received1 := simulateHour(t, 1)
	five, received5 := simulateHour(t, 5)
	if one != five {
		t.Fatalf("source calls in an hour: %d with 1 session, %d with 5", one, five)
	}
	if want := int64(3600/15 + 60); one != want {
		t.Fatalf("source calls in an hour: %d, want %d (alarms every 15s, metrics every minute)", one, want)
	}
	for i, n := range append(received1, received5...) {
		if n != one {
			t.Fatalf("session %d received %d messages, want all %d", i, n, one)
		}
	}
}

// chanSender collects what a hub sends.
type chanSender chan tea.Msg

func (c chanSender) Send(msg tea.Msg) { c <- msg }

func TestHubLateJoinerGetsLatestState(t *testing.T) {
	hub := NewHub(Feed{Name: "alarms"}, Feed{Name: "logs", Replay: 2})
	hub.Publish("logs", "line 1")
	hub.Publish("alarms", "alarms v1")
	hub.Publish("logs", "line 2")
	hub.Publish("alarms", "alarms v2")
	hub.Publish("logs", "line 3")

	got := make(chanSender, 10)
	leave := hub.Join(got)
	defer leave()
	hub.Publish("alarms", "alarms v3")
	want := []tea.Msg{"line 2", "line 3", "alarms v2", "alarms v3"}
	for i, w := range want {
		select {
		case msg := <-got:
			if msg != w {
				t.Fatalf("message %d: got %v, want %v", i, msg, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d (%v) never arrived", i, w)
		}
	}
}

func TestHubRefreshFetchesOnceForManyViewers(t *testing.T) {
	var calls atomic.Int64
	hub := NewHub(Feed{Name: "alarms", Every: time.Minute, Fetch: func(context.Context) tea.Msg {
		calls.Add(1)
		return "alarms"
	}})
	ctx, now := context.Background(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hub.pollDue(ctx, now).Wait()
	hub.pollDue(ctx, now.Add(time.Second)).Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d fetches within the feed's minute, want 1", calls.Load())
	}
	for range 5 { // five viewers press r
		hub.Refresh()
	}
	hub.pollDue(ctx, now.Add(2*time.Second)).Wait()
	hub.pollDue(ctx, now.Add(3*time.Second)).Wait()
	if calls.Load() != 2 {
		t.Fatalf("%d fetches after five refreshes, want 2", calls.Load())
	}
}
