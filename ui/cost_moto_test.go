package ui

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
)

// countingMoto is an AWS source on moto that counts the metrics requested
// with GetMetricData, the unit CloudWatch bills.
func countingMoto(t *testing.T) (*awssrc.Source, *atomic.Int64) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	endpoint := motoserver.Shared(t)
	cfg := motoserver.Config()
	n := motoserver.CountMetricsRequested(&cfg)
	return awssrc.New(cfg, endpoint), n
}

// TestMetricsFeedFetchesEachMetricOncePerPeriod polls the dashboard's
// metrics feed against moto every 15 s of a simulated hour: 5-minute
// metrics are requested once per period, 1-minute ones once a minute, and
// every poll still delivers every series.
func TestMetricsFeedFetchesEachMetricOncePerPeriod(t *testing.T) {
	src, requested := countingMoto(t)
	var specs []sources.MetricSpec
	for i := range 20 {
		period := time.Minute
		if i%2 == 0 {
			period = 5 * time.Minute
		}
		specs = append(specs, sources.MetricSpec{Namespace: fmt.Sprintf("WT/Cost%d", time.Now().UnixNano()), Metric: "CPUUtilization",
			Stat: "Average", Period: period, Dims: []sources.Dimension{{Name: "InstanceId", Value: fmt.Sprintf("i-%d", i)}}})
	}
	c := &clock{T: time.Now().UTC().Add(-time.Hour).Truncate(time.Hour).Add(7 * time.Second)}
	start := c.T
	m := New(Config{Source: src, Refresh: 15 * time.Second, Metrics: specs, Now: c.Now, LogGroups: []string{"/none"}})
	polls := 0
	for ; c.T.Before(start.Add(time.Hour)); c.T = c.T.Add(15 * time.Second) {
		msg, ok := m.sched.Poll(sources.FeedMetrics)().(sources.MetricsMsg)
		if !ok || len(msg.Series) != len(specs) {
			t.Fatalf("poll at %s: %#v, want all %d series", c.T, msg, len(specs))
		}
		polls++
	}
	// 10 five-minute metrics 13 times (the first poll and 12 periods), 10
	// one-minute metrics 60 times; polling all every 15 s would be 4800.
	if got, naive := requested.Load(), int64(polls*len(specs)); got != 10*13+10*60 || got*4 > naive {
		t.Fatalf("%d polls requested %d metrics, want 730 (naive: %d)", polls, got, naive)
	}
	t.Logf("one simulated hour, %d polls: %d metrics requested (naive %d)", polls, requested.Load(), polls*len(specs))

	m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	m.Update(sources.AlarmsMsg{At: c.T})
	want := feed.EstimateCost(feed.CostConfig{Metrics: specs, Refresh: 15 * time.Second, CostAware: true, LogGroups: 1}).Summary()
	if status := lineWith(screen(m), "refresh 15s"); !strings.Contains(status, want) || !strings.Contains(want, "/day") {
		t.Fatalf("status line %q lacks the cost %q", status, want)
	}
}
