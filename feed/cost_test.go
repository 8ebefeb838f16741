package feed

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEstimateCostOfAHundredAlarms(t *testing.T) {
	base := CostConfig{Alarms: 100, Refresh: 15 * time.Second, LogGroups: 2}
	cases := []struct {
		name      string
		period    time.Duration
		costAware bool
		month     float64
	}{
		{"naive polling, any period", 5 * time.Minute, false, 172.80}, // 100 × 5,760 a day
		{"5-minute metrics", 5 * time.Minute, true, 8.64},             // 100 × 288 a day
		{"1-minute metrics", time.Minute, true, 43.20},                // 100 × 1,440 a day
	}
	for _, c := range cases {
		cfg := base
		cfg.Metrics, cfg.CostAware = specs(100, c.period), c.costAware
		est := EstimateCost(cfg)
		if !near(est.PerMonth(), c.month) {
			t.Errorf("%s: $%.4f a month, want $%.2f", c.name, est.PerMonth(), c.month)
		}
		if want := fmt.Sprintf("($%.2f/month)", c.month); !strings.HasSuffix(est.Summary(), want) {
			t.Errorf("%s: summary %q does not end in %q", c.name, est.Summary(), want)
		}
		if want := est.MetricsRequested / 100; est.GetMetricDataCalls != want {
			t.Errorf("%s: %v GetMetricData calls a day, want %v (100 metrics fit one call)", c.name, est.GetMetricDataCalls, want)
		}
	}
}

func TestEstimateCostCountsFreeCallsAndLiveTail(t *testing.T) {
	polled := EstimateCost(CostConfig{Alarms: 250, Refresh: time.Minute, LogGroups: 3})
	if polled.PerDay != 0 || polled.Summary() != "API ≈ $0/day" {
		t.Fatalf("alarms, logs and trail polling are not billed, got $%v a day", polled.PerDay)
	}
	// Quiet groups are polled every second while there is room (issue 19),
	// whatever the refresh.
	for name, want := range map[string]float64{"DescribeAlarms": 1440 * 3, "FilterLogEvents": 86400 * 3, "LookupEvents": 1440} {
		if polled.FreeCalls[name] != want {
			t.Errorf("%s: %v calls a day, want %v", name, polled.FreeCalls[name], want)
		}
	}
	// Issue 18 item 12: however many groups, one token bucket holds them to
	// 5 calls a second (432,000 a day), quiet ones to about half of it.
	for groups, want := range map[int][2]float64{1: {86400, 432000}, 10: {216000, 432000}, 5000: {172869, 432000}} {
		e := EstimateCost(CostConfig{Refresh: 10 * time.Second, LogGroups: groups})
		if got := [2]float64{math.Round(e.FreeCalls["FilterLogEvents"]), e.LogCallsMost}; got != want {
			t.Errorf("%d groups: %v FilterLogEvents a day quiet and at most, want %v", groups, got, want)
		}
	}
	live := EstimateCost(CostConfig{Refresh: time.Minute, LogGroups: 12, LiveTail: true})
	if live.LiveTailMinutes != 2*1440 || !near(live.PerDay, 28.80) {
		t.Fatalf("12 groups in two Live Tail sessions: %v minutes, $%v a day; want 2880 minutes, $28.80", live.LiveTailMinutes, live.PerDay)
	}
	if _, polls := live.FreeCalls["FilterLogEvents"]; polls {
		t.Fatal("live-tailed groups are also counted as polled")
	}
	bucket := EstimateCost(CostConfig{Refresh: time.Minute, TrailBucket: true})
	if bucket.S3Requests != 1440+288 || bucket.FreeCalls["LookupEvents"] != 0 || bucket.PerDay <= 0 {
		t.Fatalf("trail bucket: %+v", bucket)
	}
	// An organisation's bucket: every account folder is listed each poll.
	org := EstimateCost(CostConfig{Refresh: 30 * time.Second, TrailBucket: true, TrailFolders: 400})
	if org.S3Requests != 400*(2880+288) || !near(org.PerDay, 400*(2.880*0.005+0.288*0.0004)) {
		t.Fatalf("200 accounts × 2 regions: %+v", org)
	}
}

func TestAthenaScanCost(t *testing.T) {
	if got := ScanSummary(0, 0); got != "" {
		t.Errorf("before any query: %q", got)
	}
	// 2 TB at $5/TB; a query bills 10 MB at least.
	if got := ScanSummary(2e12, 3); got != "Athena 2.0 TB scanned in 3 queries ≈ $10.00" {
		t.Errorf("ScanSummary = %q", got)
	}
	if got := ScanCost(1000, 1); got != 10e6/1e12*5 {
		t.Errorf("a tiny query costs %v, want the 10 MB minimum", got)
	}
	// A day of 30-second polls at the mean measured so far: 2880 × 50 MB.
	e := EstimateCost(CostConfig{Refresh: 30 * time.Second, Scanned: 100e6, Queries: 2})
	if e.AthenaBytes != 2880*50e6 || math.Abs(e.PerDay-2880*50e6/1e12*5) > 1e-9 || e.FreeCalls["LookupEvents"] != 0 {
		t.Errorf("estimate = %+v", e)
	}
}
