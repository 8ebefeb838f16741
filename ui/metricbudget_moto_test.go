package ui

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
)

// budgetDashboard is a dashboard on moto charting n one-minute metrics, the
// last of which has data, and the counters of its GetMetricData calls and
// metrics requested.
func budgetDashboard(t *testing.T, n int, c *clock) (m *Model, calls, requested *atomic.Int64) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	endpoint := motoserver.Shared(t)
	cfg := motoserver.Config()
	calls, requested = motoserver.CountGetMetricData(&cfg)
	ns := fmt.Sprintf("WT/Budget%d", time.Now().UnixNano())
	var specs []sources.MetricSpec
	for i := range n {
		specs = append(specs, sources.MetricSpec{Namespace: ns, Metric: "Requests", Stat: "Sum", Period: time.Minute,
			Dims: []sources.Dimension{{Name: "Service", Value: fmt.Sprintf("svc-%04d", i)}}})
	}
	last := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(fmt.Sprintf("svc-%04d", n-1))}}
	motoserver.NewSeeder(t, endpoint).Metric(ns, "Requests", last, c.T.Add(-time.Minute), 41, 42, 43)
	m = New(Config{Source: awssrc.New(cfg, endpoint), Refresh: 15 * time.Second, Metrics: specs, Now: c.Now, LogGroups: []string{"/none"}})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	return m, calls, requested
}

// pollMetrics runs one metrics poll through the dashboard and returns its
// message and the GetMetricData calls it made.
func pollMetrics(t *testing.T, m *Model, calls *atomic.Int64) (sources.MetricsMsg, int64) {
	t.Helper()
	before := calls.Load()
	got := m.sched.Poll(sources.FeedMetrics)()
	msg, ok := got.(sources.MetricsMsg)
	if !ok {
		t.Fatalf("metrics poll failed: %v", got)
	}
	m.Update(msg)
	return msg, calls.Load() - before
}

func pending(msg sources.MetricsMsg) (n int) {
	for _, s := range msg.Series {
		if s.Pending {
			n++
		}
	}
	return n
}

// TestMotoMetricsFeedMakesOneCallAPoll charts 1,200 one-minute metrics
// against moto every 15 s of a fixed clock: each poll makes at most one
// GetMetricData call of at most 500 metrics, every metric arrives within
// ceil(1200/500) polls, a metric filtered onto the screen comes before the
// others, and the pane says the metrics are refreshed in turn.
func TestMotoMetricsFeedMakesOneCallAPoll(t *testing.T) {
	const n, polls = 1200, 8 // two minutes: the second fetches every metric again
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Hour).Add(7 * time.Second)
	c := &clock{T: start}
	m, calls, requested := budgetDashboard(t, n, c)

	var total int64
	for i := range polls {
		msg, made := pollMetrics(t, m, calls)
		total += made
		if made > 1 || len(msg.Series) != n {
			t.Fatalf("poll %d: %d GetMetricData calls, %d series; want at most 1 call and all %d series", i, made, len(msg.Series), n)
		}
		switch i {
		case 0:
			if pending(msg) != n-500 || msg.InTurn != 500 {
				t.Fatalf("first poll: %d pending, in turn %d; want 700 pending, 500 a poll", pending(msg), msg.InTurn)
			}
			if title := lineWith(screen(m), "Metrics"); !strings.Contains(title, "refreshing 500 of 1,200 a poll") {
				t.Fatalf("the metrics pane does not say they are refreshed in turn: %q", title)
			}
			// The last metric would come on the third poll; on screen, it comes next.
			press(m, "tab", "/")
			press(m, strings.Split("svc-1199", "")...)
			press(m, "enter")
			if row := metricRow(screen(m), "svc-1199"); !strings.Contains(row, "…") {
				t.Fatalf("the filtered metric is not shown pending: %q", row)
			}
		case 1:
			if s := msg.Series[n-1]; s.Pending || len(s.Values) == 0 {
				t.Fatalf("the metric on screen was not fetched on the next poll: pending %v, %d values", s.Pending, len(s.Values))
			}
			if row := metricRow(screen(m), "svc-1199"); !strings.Contains(row, "43") {
				t.Fatalf("the metric on screen does not show its value: %q", row)
			}
		case int(math.Ceil(n/500.0)) - 1:
			if p := pending(msg); p != 0 {
				t.Fatalf("after %d polls %d of %d metrics were never fetched", i+1, p, n)
			}
		}
		c.T = c.T.Add(15 * time.Second)
	}
	if got := requested.Load(); got > polls*500 {
		t.Fatalf("%d metrics requested in %d polls, more than 500 a poll", got, polls)
	}

	if total != 2*int64(math.Ceil(n/500.0)) {
		t.Fatalf("%d GetMetricData calls in %d polls, want each of the 1,200 metrics twice in calls of 500", total, polls)
	}
	// Without the budget, the first poll asks for everything at once.
	unbounded, calls2, _ := budgetDashboard(t, n, &clock{T: start})
	unbounded.sched.SetMetricBudget(feed.MetricBudget{Queries: math.MaxInt, Datapoints: math.MaxInt})
	if _, made := pollMetrics(t, unbounded, calls2); made != 3 {
		t.Fatalf("unbounded: %d calls in the first poll, want ceil(1200/500) = 3", made)
	}
	t.Logf("%d metrics, %d polls at 15 s: %d GetMetricData calls, at most 1 a poll, %d metrics requested (unbounded: 3 calls in the first poll)",
		n, polls, total, requested.Load())
}

// metricRow is the first screen line below the titles that holds text,
// and the next (a metric's sparkline and value when it takes two lines).
func metricRow(out, text string) string {
	lines := strings.Split(out, "\n")
	for i := 2; i < len(lines)-1; i++ {
		if strings.Contains(lines[i], text) {
			return lines[i] + "\n" + lines[i+1]
		}
	}
	return ""
}
