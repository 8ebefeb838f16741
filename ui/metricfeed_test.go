package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// TestMetricsPaneSaysWhenMetricsAreRefreshedInTurn charts more metrics than
// one poll requests: the pane's title says so, the metrics not fetched yet
// are listed pending, and every row keeps the pane's width; with few
// metrics nothing is said.
func TestMetricsPaneSaysWhenMetricsAreRefreshedInTurn(t *testing.T) {
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter})
	specs := d.WatchedMetrics()
	for i := range 1500 {
		specs = append(specs, sources.MetricSpec{Namespace: "Custom/App", Metric: "QueueDepth",
			Dims: []sources.Dimension{{Name: "Queue", Value: fmt.Sprintf("q-%04d", i)}}})
	}
	m := New(Config{Source: d, Demo: true, Refresh: 15 * time.Second, LogGroups: d.LogGroups(), Metrics: specs, Now: c.Now})
	for _, size := range [][2]int{{200, 50}, {120, 40}, {80, 24}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		pump(t, m)
		out := screen(m)
		assertFills(t, out, size[0], size[1])
		if size[0] == 200 {
			n := len(m.sched.MetricSpecs()) // the alarms' metrics and the configured ones, each once
			total := fmt.Sprintf("%d,%03d", n/1000, n%1000)
			if title := lineWith(out, "Metrics"); !strings.Contains(title, "refreshing 500 of "+total+" a poll") {
				t.Fatalf("the metrics title does not say they are refreshed in turn: %q", title)
			}
			press(m, "tab", "/", "q", "-", "1", "4", "9", "9", "enter")
			if row := metricRow(screen(m), "q-1499"); !strings.Contains(row, "…") {
				t.Fatalf("a metric not fetched yet is not shown pending: %q", row)
			}
			press(m, "esc")
		}
	}

	few, _ := newDemoModel(t, incidentAfter+2*time.Minute, 200, 50)
	pump(t, few)
	if title := lineWith(screen(few), "Metrics"); strings.Contains(title, "refreshing") {
		t.Fatalf("with few metrics the title speaks of refreshing in turn: %q", title)
	}
}

// TestCostEstimateKeepsToTheMetricBudget: the --dry-run and status-line
// estimate of 10,000 alarms on one-minute metrics counts one GetMetricData
// call of 500 metrics a refresh, as the feed makes, not 20.
func TestCostEstimateKeepsToTheMetricBudget(t *testing.T) {
	alarms := make([]sources.Alarm, 10000)
	for i := range alarms {
		alarms[i] = sources.Alarm{Name: fmt.Sprintf("a-%05d", i), State: sources.StateOK, Metric: sources.MetricSpec{
			Namespace: "AWS/Lambda", Metric: "Errors", Stat: "Sum", Period: time.Minute,
			Dims: []sources.Dimension{{Name: "FunctionName", Value: fmt.Sprintf("fn-%05d", i)}}}}
	}
	c := CostConfig(Config{Refresh: 15 * time.Second}, alarms)
	e := feed.EstimateCost(c)
	if len(c.Metrics) != 10000 || e.GetMetricDataCalls != 5760 || e.MetricsRequested != 5760*500 {
		t.Fatalf("%d metrics: %v GetMetricData calls and %v metrics a day, want 5,760 calls of 500 (one a 15 s refresh)",
			len(c.Metrics), e.GetMetricDataCalls, e.MetricsRequested)
	}
}
