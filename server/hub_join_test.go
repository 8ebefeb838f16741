package server

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/ui"
)

// flaky is the demo account with an outage switch.
type flaky struct {
	sources.Source
	down atomic.Bool
}

var errRefused = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")

func (f *flaky) ListAlarms(ctx context.Context) ([]sources.Alarm, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Source.ListAlarms(ctx)
}

func (f *flaky) FetchMetrics(ctx context.Context, specs []sources.MetricSpec, start, end time.Time) ([]sources.Series, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Source.FetchMetrics(ctx, specs, start, end)
}

func (f *flaky) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Source.FetchLogs(ctx, q)
}

func (f *flaky) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	return f.Source.FetchTrail(ctx, q)
}

// A viewer who joins while the feeds fail sees what the first viewer sees:
// the last good data, and the failures since.
func TestHubLateJoinerSeesLastGoodDataAndTheFailure(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 25, 19, 5, 0, 0, time.UTC) }
	src := &flaky{Source: demo.New(demo.Options{Start: now().Add(-5 * time.Minute), Now: now, IncidentAfter: time.Minute})}
	cfg := ui.Config{Source: src, Demo: true, Refresh: time.Minute, LogGroups: []string{"/aws/lambda/checkout-api"}, Now: now}
	poller := feed.NewPoller(cfg.WithDefaults().Feed())
	var feeds []Feed
	for _, name := range feed.All {
		feeds = append(feeds, Feed{Name: string(name), Every: poller.Every(), Replay: poller.Replay(name), Failed: poller.Failed,
			Fetch: func(context.Context) tea.Msg { return poller.Fetch(name) }})
	}
	hub := NewHub(feeds...)
	round := func() {
		for _, f := range feeds {
			hub.Publish(f.Name, f.Fetch(context.Background()))
		}
	}
	// join starts a real dashboard fed by the hub; its last screen arrives
	// on the channel when the session ends.
	join := func() <-chan string {
		c := cfg
		c.Shared = hub
		p := tea.NewProgram(ui.New(c), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
		t.Cleanup(p.Kill)
		t.Cleanup(hub.Join(p))
		screen := make(chan string, 1)
		go func() {
			m, err := p.Run()
			if err != nil {
				t.Error(err)
			}
			screen <- ansi.Strip(m.View())
		}()
		p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
		return screen
	}
	last := func(screen <-chan string) string {
		select {
		case s := <-screen:
			return s
		case <-time.After(30 * time.Second):
			t.Fatal("a session never received the end")
			return ""
		}
	}

	first := join()
	round()
	src.down.Store(true)
	round()
	round()
	late := join()
	hub.Publish("end", tea.QuitMsg{}) // after everything else, in every session
	want, got := last(first), last(late)
	if !strings.Contains(want, "firing") || !strings.Contains(want, "connection refused") {
		t.Fatalf("the first viewer should see the data and the failure:\n%s", want)
	}
	if got != want {
		t.Errorf("the late joiner sees\n%s\nwhile the first viewer sees\n%s", got, want)
	}
}
