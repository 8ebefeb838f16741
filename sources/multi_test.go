package sources_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// broken is a demo account whose every call fails, as an unreachable region would.
type broken struct{ *demo.Source }

var errDown = errors.New("dial tcp: connection refused")

func (broken) ListAlarms(context.Context) ([]sources.Alarm, error) { return nil, errDown }
func (broken) FetchTrail(context.Context, sources.TrailQuery) ([]sources.TrailEvent, error) {
	return nil, errDown
}
func (broken) FetchMetrics(context.Context, []sources.MetricSpec, time.Time, time.Time) ([]sources.Series, error) {
	return nil, errDown
}

func twoDemos(t *testing.T) (*sources.Multi, time.Time) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	clock := func() time.Time { return now }
	prod := demo.New(demo.Options{Start: start, Now: clock})
	// The second account's incident is already over: its alarms are OK.
	dev := demo.New(demo.Options{Start: start, Now: clock, IncidentAfter: -3 * time.Hour})
	m, err := sources.NewMulti(sources.Member{Label: "prod/us-east-1", Source: prod}, sources.Member{Label: "dev/eu-west-1", Source: dev})
	if err != nil {
		t.Fatal(err)
	}
	return m, now
}

func TestMultiMergesAndLabelsAlarms(t *testing.T) {
	m, now := twoDemos(t)
	if m.Describe() != "2 sources: prod/us-east-1, dev/eu-west-1" {
		t.Errorf("Describe = %q", m.Describe())
	}
	alarms, err := m.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, a := range alarms {
		bySource[a.Source]++
		if a.Metric.Source != a.Source {
			t.Errorf("%s: metric labelled %q, alarm %q", a.Name, a.Metric.Source, a.Source)
		}
	}
	if bySource["prod/us-east-1"] == 0 || bySource["prod/us-east-1"] != bySource["dev/eu-west-1"] {
		t.Errorf("alarms per source %v", bySource)
	}
	first := alarms[0]
	if first.State != sources.StateAlarm || first.Source != "prod/us-east-1" {
		t.Errorf("first alarm %s %s from %s, want prod's firing alarm", first.Name, first.State, first.Source)
	}

	// Metrics go to their own member: the same metric differs between accounts.
	var specs []sources.MetricSpec
	for _, a := range alarms {
		if a.Name == first.Name {
			specs = append(specs, a.Metric)
		}
	}
	series, err := m.FetchMetrics(context.Background(), specs, now.Add(-10*time.Minute), now)
	if err != nil || len(series) != 2 {
		t.Fatalf("series %d, %v", len(series), err)
	}
	if series[0].Spec.Key() == series[1].Spec.Key() || !strings.HasPrefix(series[0].Spec.Key(), series[0].Spec.Source+"|") {
		t.Errorf("keys %q and %q should differ by source", series[0].Spec.Key(), series[1].Spec.Key())
	}
	prodMax, devMax := maxOf(series[0].Values), maxOf(series[1].Values)
	if series[0].Spec.Source == "dev/eu-west-1" {
		prodMax, devMax = devMax, prodMax
	}
	if prodMax <= devMax {
		t.Errorf("prod %s peaks at %v, dev at %v: want prod's incident to show", first.Name, prodMax, devMax)
	}

	// The drill-down reads the alarm's own source.
	own := sources.SourceOf(m, first)
	if own == sources.Source(m) {
		t.Fatal("SourceOf returned the Multi, want the prod member")
	}
	history, err := own.AlarmHistory(context.Background(), first.Name, now.Add(-time.Hour), now)
	if err != nil || len(history) == 0 || history[len(history)-1].To != sources.StateAlarm {
		t.Errorf("own history %+v, %v", history, err)
	}
	merged, err := m.AlarmHistory(context.Background(), first.Name, now.Add(-24*time.Hour), now)
	if err != nil || len(merged) <= len(history) {
		t.Errorf("merged history %d changes, own %d", len(merged), len(history))
	}
	if got := sources.SourceOf(demo.New(demo.Options{}), first); got == sources.Source(m) {
		t.Error("SourceOf a plain source must be that source")
	}
}

func maxOf(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

func TestMultiKeepsDataWhenASourceFails(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return start.Add(3 * time.Minute) }
	ok := demo.New(demo.Options{Start: start, Now: clock})
	m, err := sources.NewMulti(sources.Member{Label: "prod/us-east-1", Source: ok},
		sources.Member{Label: "prod/ap-south-1", Source: broken{demo.New(demo.Options{Start: start, Now: clock})}})
	if err != nil {
		t.Fatal(err)
	}
	alarms, err := m.ListAlarms(context.Background())
	var partial *sources.PartialError
	if !errors.As(err, &partial) || partial.All() || len(partial.Failed) != 1 || partial.Failed[0].Label != "prod/ap-south-1" {
		t.Fatalf("err = %v, want a partial error naming ap-south-1", err)
	}
	if !strings.Contains(err.Error(), "1 of 2 sources failed: prod/ap-south-1: endpoint unreachable") {
		t.Errorf("message %q", err.Error())
	}
	if len(alarms) == 0 {
		t.Error("the healthy source's alarms were lost")
	}
	events, err := m.FetchTrail(context.Background(), sources.TrailQuery{Start: start.Add(-time.Hour), End: clock()})
	if !errors.As(err, &partial) || len(events) == 0 {
		t.Errorf("trail: %d events, err %v", len(events), err)
	}
	if _, err := m.FetchTrail(context.Background(), sources.TrailQuery{Source: "prod/ap-south-1"}); !errors.As(err, &partial) || !partial.All() {
		t.Errorf("trail of the broken source alone: %v, want All()", err)
	}
	if _, err := m.FetchLogs(context.Background(), sources.LogQuery{Source: "nowhere"}); err == nil || !strings.Contains(err.Error(), `no source labelled "nowhere"`) {
		t.Errorf("unknown label: %v", err)
	}
	spec := alarms[0].Metric
	other := spec
	other.Source = "prod/ap-south-1"
	series, err := m.FetchMetrics(context.Background(), []sources.MetricSpec{spec, other}, start, clock())
	if !errors.As(err, &partial) || len(series) != 2 || len(series[0].Values) == 0 || len(series[1].Values) != 0 || series[1].Spec.Key() != other.Key() {
		t.Errorf("metrics with one source down: %+v, %v", series, err)
	}
	for _, bad := range [][]sources.Member{nil, {{Label: "", Source: ok}}, {{Label: "a", Source: ok}, {Label: "a", Source: ok}}} {
		if _, err := sources.NewMulti(bad...); err == nil {
			t.Errorf("NewMulti(%v): want an error", bad)
		}
	}
}

// A limited request answers as one source would: the newest events, all of
// the window from the oldest of them, so a history search paging back from
// there misses none of any member.
func TestMultiTrailLimitKeepsTheNewestOfAll(t *testing.T) {
	m, now := twoDemos(t)
	ctx := context.Background()
	window := sources.TrailQuery{Start: now.Add(-time.Hour), End: now}
	var times []time.Time
	for _, mb := range m.Members() {
		events, err := mb.Source.FetchTrail(ctx, sources.TrailQuery{Start: window.Start, End: window.End, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			times = append(times, e.Time)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	limited := window
	limited.Limit = 10
	if len(times) <= 2*limited.Limit {
		t.Fatalf("only %d events in the window: the test needs more than twice the limit", len(times))
	}
	got, err := m.FetchTrail(ctx, limited)
	if err != nil {
		t.Fatal(err)
	}
	var gotTimes []time.Time
	for _, e := range got {
		gotTimes = append(gotTimes, e.Time)
	}
	if want := times[len(times)-limited.Limit:]; !slices.EqualFunc(gotTimes, want, time.Time.Equal) {
		t.Errorf("limited to %d: %v, want the newest of both members %v", limited.Limit, gotTimes, want)
	}

	// A history search over both finds every member's events.
	found, err := filter.SearchTrail(ctx, m, filter.TrailSearch{Since: window.Start, Until: window.End, Limit: 100000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range found {
		ids[e.ID] = true
	}
	for _, mb := range m.Members() {
		own, _ := filter.SearchTrail(ctx, mb.Source, filter.TrailSearch{Since: window.Start, Until: window.End, Limit: 100000}, nil)
		for _, e := range own {
			if !ids[e.ID] {
				t.Fatalf("%s's event %s %s at %s is missing from the search over both", mb.Label, e.ID, e.Name, e.Time)
			}
		}
	}
}
