package awssrc

import (
	"fmt"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// pollHour refreshes every 15 s for a simulated hour, asking moto for the
// metrics pick chooses, and returns the metrics and calls CloudWatch saw.
func pollHour(t *testing.T, pick func(now time.Time) []sources.MetricSpec) (metrics int64, calls int) {
	t.Helper()
	cfg := testConfig(t)
	requested, ops := motoserver.CountMetricsRequested(&cfg), countOps(&cfg)
	s := New(cfg, motoserver.Shared(t))
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Hour).Add(7 * time.Second)
	for now := start; now.Before(start.Add(time.Hour)); now = now.Add(15 * time.Second) {
		if due := pick(now); len(due) > 0 {
			if _, err := s.FetchMetrics(ctxFor(t), due, now.Add(-2*time.Hour), now); err != nil {
				t.Fatal(err)
			}
		}
	}
	return requested.Load(), ops.get("GetMetricData")
}

func TestMotoCostAwarePollingOverAnHour(t *testing.T) {
	var specs []sources.MetricSpec
	for i := range 20 {
		period := time.Minute
		if i%2 == 0 {
			period = 5 * time.Minute
		}
		specs = append(specs, sources.MetricSpec{Namespace: unique(t, "Watchtrail"), Metric: "CPUUtilization", Stat: "Average",
			Period: period, Dims: []sources.Dimension{{Name: "InstanceId", Value: fmt.Sprintf("i-%d", i)}}})
	}
	naive, naiveCalls := pollHour(t, func(time.Time) []sources.MetricSpec { return specs })
	sched := feed.NewMetricSchedule(time.Minute)
	scheduled, scheduledCalls := pollHour(t, func(now time.Time) []sources.MetricSpec {
		due := sched.Due(specs, now)
		sched.Fetched(due, now)
		return due
	})
	if naive != 240*20 || naiveCalls != 240 {
		t.Fatalf("naive polling: %d metrics in %d calls, want 4800 in 240", naive, naiveCalls)
	}
	// 10 five-minute metrics 13 times (the first refresh and 12 periods),
	// 10 one-minute metrics 60 times.
	if scheduled != 10*13+10*60 || scheduled*4 > naive {
		t.Fatalf("cost-aware polling requested %d metrics (%d calls), want 730, at most a quarter of %d", scheduled, scheduledCalls, naive)
	}
	t.Logf("one simulated hour at 15 s refresh: %d metrics in %d GetMetricData calls cost-aware, %d in %d naive",
		scheduled, scheduledCalls, naive, naiveCalls)
}
