package ui

import (
	"slices"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// newTestScheduler is a scheduler on the demo account, on a wall clock the
// test moves.
func newTestScheduler(t *testing.T) (*feed.Scheduler, *clock, *clock) {
	t.Helper()
	data := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	wall := &clock{T: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	d := demo.New(demo.Options{Start: demoStart, Now: data.Now, IncidentAfter: incidentAfter, Composite: true})
	s := feed.NewScheduler(Config{Source: d, Refresh: 10 * time.Second, Now: data.Now}.Feed())
	s.SetWall(wall.Now)
	return s, data, wall
}

func TestSchedulerKeepsAFixedCadence(t *testing.T) {
	s, _, wall := newTestScheduler(t)
	start := wall.T
	s.Start()
	for i := 1; i <= 3; i++ {
		wall.T = wall.T.Add(3 * time.Second) // each poll takes 3 s
		s.Handle(sources.TrailMsg{At: wall.T})
		st := s.State(sources.FeedTrail)
		if want := start.Add(time.Duration(i) * 10 * time.Second); !st.Next.Equal(want) || st.Phase != feed.PhaseIdle {
			t.Fatalf("poll %d: next at %s (phase %d), want %s: the cadence drifts", i, st.Next.Sub(start), st.Phase, want.Sub(start))
		}
		wall.T = st.Next
		if s.Handle(feed.PollMsg{Feed: sources.FeedTrail, Gen: st.Gen, Slot: st.Next}) == nil || s.State(sources.FeedTrail).Phase != feed.PhasePolling {
			t.Fatalf("poll %d: the tick did not start a poll", i)
		}
	}
	// A poll that overruns its period skips the slots it missed.
	wall.T = wall.T.Add(25 * time.Second)
	s.Handle(sources.TrailMsg{At: wall.T})
	if st := s.State(sources.FeedTrail); !st.Next.Equal(start.Add(60 * time.Second)) {
		t.Fatalf("after an overrun: next at %s, want 60s", st.Next.Sub(start))
	}
}

func TestSchedulerPollsMetricsAtOnceWhenAlarmsArrive(t *testing.T) {
	s, data, _ := newTestScheduler(t)
	s.Start()
	metrics := s.Poll(sources.FeedMetrics)().(sources.MetricsMsg)
	if len(metrics.Series) != 0 {
		t.Fatalf("metrics before any alarm: %d series", len(metrics.Series))
	}
	s.Handle(metrics)
	if st := s.State(sources.FeedMetrics); st.Phase != feed.PhaseIdle {
		t.Fatalf("metrics phase %d after its poll, want idle", st.Phase)
	}
	alarms, _ := s.Config().Source.ListAlarms(t.Context())
	s.Handle(sources.AlarmsMsg{Alarms: alarms, At: data.T})
	if st := s.State(sources.FeedMetrics); st.Phase != feed.PhasePolling {
		t.Fatalf("metrics phase %d after the alarms arrived, want polling at once", st.Phase)
	}
	got := s.Poll(sources.FeedMetrics)().(sources.MetricsMsg)
	if len(got.Series) == 0 || got.Series[0].Spec.Key() != alarms[0].Metric.WithDefaults().Key() {
		t.Fatalf("the poll did not fetch the alarms' metrics: %d series", len(got.Series))
	}
	if groups := s.LogGroups(); len(groups) == 0 {
		t.Fatal("the logs feed did not take the alarms' log groups")
	}

	// Alarms arriving while metrics poll with old inputs: polled again after.
	s, data, _ = newTestScheduler(t)
	s.Start()
	s.Handle(sources.AlarmsMsg{Alarms: alarms, At: data.T})
	if cmd := s.Handle(sources.MetricsMsg{At: data.T}); cmd == nil || s.State(sources.FeedMetrics).Phase != feed.PhasePolling {
		t.Fatal("a metrics poll with stale inputs was not followed by one at once")
	}
}

func TestSchedulerPollsMetricsAgainOnlyWhenTheAlarmsMetricsChange(t *testing.T) {
	s, data, _ := newTestScheduler(t)
	s.Start()
	alarms, _ := s.Config().Source.ListAlarms(t.Context())
	s.Handle(sources.AlarmsMsg{Alarms: alarms, At: data.T})
	for i := 0; i < 3 && s.State(sources.FeedMetrics).Phase == feed.PhasePolling; i++ {
		s.Handle(s.Poll(sources.FeedMetrics)())
	}
	if st := s.State(sources.FeedMetrics); st.Phase != feed.PhaseIdle {
		t.Fatalf("metrics phase %d after its polls, want idle", st.Phase)
	}
	// The next poll: other states, the same metrics.
	next := slices.Clone(alarms)
	next[0].State, next[0].StateChanged = sources.StateOK, data.T
	s.Handle(sources.AlarmsMsg{Alarms: next, At: data.T})
	if st := s.State(sources.FeedMetrics); st.Phase != feed.PhaseIdle {
		t.Fatalf("metrics phase %d after alarms with the same metrics, want idle", st.Phase)
	}
	// One alarm now watches another instance.
	moved := slices.Clone(next)
	moved[1].Metric.Dims = []sources.Dimension{{Name: "InstanceId", Value: "i-moved"}}
	s.Handle(sources.AlarmsMsg{Alarms: moved, At: data.T})
	if st := s.State(sources.FeedMetrics); st.Phase != feed.PhasePolling {
		t.Fatalf("metrics phase %d after an alarm's metric changed, want polling at once", st.Phase)
	}
	want := moved[1].Metric.WithDefaults().Key()
	if !slices.ContainsFunc(s.MetricSpecs(), func(m sources.MetricSpec) bool { return m.Key() == want }) {
		t.Fatalf("the metrics feed does not watch %s", want)
	}
}
