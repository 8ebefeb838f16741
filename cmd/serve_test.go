package cmd

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/feed"
	"watchtrail/server"
	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/ui"
)

// countingSource counts every call a feed makes to the data source.
type countingSource struct {
	sources.Source
	calls atomic.Int64
}

func (c *countingSource) ListAlarms(ctx context.Context) ([]sources.Alarm, error) {
	c.calls.Add(1)
	return c.Source.ListAlarms(ctx)
}

func (c *countingSource) FetchMetrics(ctx context.Context, specs []sources.MetricSpec, start, end time.Time) ([]sources.Series, error) {
	c.calls.Add(1)
	return c.Source.FetchMetrics(ctx, specs, start, end)
}

func (c *countingSource) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	c.calls.Add(1)
	return c.Source.FetchLogs(ctx, q)
}

func (c *countingSource) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	c.calls.Add(1)
	return c.Source.FetchTrail(ctx, q)
}

// sharedRounds runs sessions real dashboards fed by serve's hub and poller
// for rounds of polls of every feed, the way the hub polls, and returns the
// source calls made and each session's last screen.
func sharedRounds(t *testing.T, sessions, rounds int) (int64, []string) {
	now := func() time.Time { return time.Date(2026, 11, 25, 19, 5, 0, 0, time.UTC) }
	src := &countingSource{Source: demo.New(demo.Options{Start: now().Add(-5 * time.Minute), Now: now, IncidentAfter: time.Minute})}
	cfg := ui.Config{Source: src, Demo: true, Refresh: time.Minute, LogGroups: []string{"/aws/lambda/checkout-api"}, Now: now}
	feeds := hubFeeds(feed.NewPoller(cfg.WithDefaults().Feed()))
	hub := server.NewHub(feeds...)
	done := make(chan tea.Model, sessions)
	for range sessions {
		c := cfg
		c.Shared = hub
		p := tea.NewProgram(ui.New(c), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
		defer hub.Join(p)()
		go func() {
			m, err := p.Run()
			if err != nil {
				t.Error(err)
			}
			done <- m
		}()
		p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	}
	for range rounds {
		for _, f := range feeds {
			hub.Publish(f.Name, f.Fetch(context.Background()))
		}
	}
	hub.Publish("end", tea.QuitMsg{}) // after everything else, in every session
	var screens []string
	for range sessions {
		select {
		case m := <-done:
			screens = append(screens, ansi.Strip(m.View()))
		case <-time.After(30 * time.Second):
			t.Fatal("a session never received the end")
		}
	}
	return src.calls.Load(), screens
}

func TestSharedSessionsMakeNoCallsOfTheirOwn(t *testing.T) {
	one, _ := sharedRounds(t, 1, 5)
	five, screens := sharedRounds(t, 5, 5)
	// At least the alarms each round and the metrics once (the clock stands still).
	if one != five || one < 5+1 {
		t.Fatalf("source calls in 5 rounds: %d with 1 session, %d with 5; want them equal", one, five)
	}
	for i, s := range screens {
		if !strings.Contains(s, "firing") || !strings.Contains(s, "RequestId") || !strings.Contains(s, "svc-reports") {
			t.Fatalf("session %d does not show the shared data:\n%s", i, s)
		}
	}
	t.Logf("5 rounds of every feed: %d source calls with 1 session and with 5", one)
}

func TestSharedDrillDownsAreGatheredOncePerRefresh(t *testing.T) {
	calls := func(sessions int) int64 {
		now := time.Date(2026, 11, 25, 19, 5, 0, 0, time.UTC)
		src := &countingSource{Source: demo.New(demo.Options{Start: now.Add(-5 * time.Minute), Now: func() time.Time { return now }, IncidentAfter: time.Minute})}
		alarms, err := src.ListAlarms(context.Background())
		if err != nil || len(alarms) == 0 {
			t.Fatal(alarms, err)
		}
		poller := feed.NewPoller(ui.Config{Source: src, Refresh: time.Hour}.WithDefaults().Feed())
		before := src.calls.Load()
		var wg sync.WaitGroup
		for range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if msg := poller.Triage(context.Background(), alarms[0], nil, now); msg.Alarm.Name != alarms[0].Name {
					t.Errorf("drill-down of %q for %q", msg.Alarm.Name, alarms[0].Name)
				}
			}()
		}
		wg.Wait()
		return src.calls.Load() - before
	}
	if one, five := calls(1), calls(5); one != five || one == 0 {
		t.Fatalf("source calls of one drill-down: %d for 1 session, %d for 5 at once", one, five)
	}
}
