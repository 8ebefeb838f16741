package feed

import (
	"fmt"
	"testing"
	"time"

	"watchtrail/sources"
)

func specs(n int, period time.Duration) []sources.MetricSpec {
	out := make([]sources.MetricSpec, n)
	for i := range out {
		out[i] = sources.MetricSpec{Namespace: "AWS/EC2", Metric: "CPUUtilization", Stat: "Average", Period: period,
			Dims: []sources.Dimension{{Name: "InstanceId", Value: fmt.Sprintf("i-%04d-%s", i, period)}}}
	}
	return out
}

// simulateHour refreshes every refresh for two hours of fake time and
// returns the metrics requested in the second (the first starts by fetching
// everything) with and without the schedule.
func simulateHour(all []sources.MetricSpec, refresh time.Duration) (scheduled, naive int) {
	sched := NewMetricSchedule(time.Minute)
	start := time.Date(2026, 3, 2, 9, 0, 7, 0, time.UTC) // not on a period boundary
	for now := start; now.Before(start.Add(2 * time.Hour)); now = now.Add(refresh) {
		due := sched.Due(all, now)
		sched.Fetched(due, now)
		if now.Sub(start) >= time.Hour {
			naive += len(all)
			scheduled += len(due)
		}
	}
	return scheduled, naive
}

func TestScheduleCostsAQuarterOfNaivePolling(t *testing.T) {
	all := append(specs(50, 5*time.Minute), specs(50, time.Minute)...)
	scheduled, naive := simulateHour(all, 15*time.Second)
	if naive != 240*100 {
		t.Fatalf("naive polling at 15s requested %d metrics in an hour, want 24000", naive)
	}
	// 5-minute metrics 12 times an hour, 1-minute ones 60 times.
	if want := 50*12 + 50*60; scheduled != want {
		t.Fatalf("the schedule requested %d metrics in an hour, want %d", scheduled, want)
	}
	if scheduled*4 > naive {
		t.Fatalf("the schedule requested %d metrics, more than a quarter of naive polling's %d", scheduled, naive)
	}
	// The estimate counts what the schedule does.
	est := EstimateCost(CostConfig{Metrics: all, Refresh: 15 * time.Second, CostAware: true})
	if est.MetricsRequested != float64(scheduled*24) {
		t.Fatalf("estimate: %v metrics a day, the simulated hour ×24 is %d", est.MetricsRequested, scheduled*24)
	}
}

func TestScheduleWaitsForThePeriodToSettle(t *testing.T) {
	sched := NewMetricSchedule(time.Minute)
	spec := specs(1, 5*time.Minute)
	at := func(hms string) time.Time {
		tm, _ := time.Parse("15:04:05", hms)
		return tm
	}
	steps := []struct {
		at  string
		due bool
	}{
		{"12:05:30", true},  // never fetched: window ends 12:00
		{"12:05:45", false}, // the 12:00–12:05 period has not settled yet
		{"12:06:00", true},  // now it has: window ends 12:05
		{"12:10:59", false},
		{"12:11:00", true},
	}
	for _, s := range steps {
		due := len(sched.Due(spec, at(s.at))) == 1
		if due != s.due {
			t.Fatalf("at %s due = %v, want %v", s.at, due, s.due)
		}
		if due {
			sched.Fetched(spec, at(s.at))
		}
	}
}

func TestScheduleKeepsFailedFetchesDue(t *testing.T) {
	sched := NewMetricSchedule(0)
	spec := specs(1, time.Minute)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if len(sched.Due(spec, now)) != 1 || len(sched.Due(spec, now.Add(10*time.Second))) != 1 {
		t.Fatal("a metric whose fetch was never recorded is not due again")
	}
	sched.Fetched(spec, now)
	if len(sched.Due(spec, now.Add(10*time.Second))) != 0 {
		t.Fatal("a fetched metric is due again within its period")
	}
	// The same metric at another period is scheduled on its own.
	other := spec[0]
	other.Period = 5 * time.Minute
	if len(sched.Due([]sources.MetricSpec{other}, now.Add(10*time.Second))) != 1 {
		t.Fatal("the same metric at a different period shares the schedule")
	}
}
