package sources_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
)

// A Multi pages every member's alarms, labelled, or only the member a query
// names; members that cannot page give their filtered list as one page, and
// a failing member leaves the others' pages with a PartialError.
func TestMultiPagesAlarmsByMember(t *testing.T) {
	m, _ := twoDemos(t)
	all, err := m.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	page := func(q sources.AlarmQuery) (pages int, alarms []sources.Alarm, err error) {
		err = m.PageAlarms(context.Background(), q, func(p []sources.Alarm) { pages, alarms = pages+1, append(alarms, p...) })
		return pages, alarms, err
	}
	pages, alarms, err := page(sources.AlarmQuery{})
	if err != nil || pages != 2 || len(alarms) != len(all) {
		t.Fatalf("every alarm: %d pages, %d alarms (want 2, %d), %v", pages, len(alarms), len(all), err)
	}
	_, firing, _ := page(sources.AlarmQuery{State: sources.StateAlarm})
	if len(firing) == 0 {
		t.Fatal("the prod demo fires nothing")
	}
	for _, a := range firing {
		if a.State != sources.StateAlarm || a.Source != "prod/us-east-1" || a.Metric.Source != a.Source {
			t.Fatalf("the firing listing gave %s %s from %q", a.Name, a.State, a.Source)
		}
	}
	name := firing[0].Name
	pages, named, err := page(sources.AlarmQuery{Names: []string{name}, Source: "dev/eu-west-1"})
	if err != nil || pages != 1 || len(named) != 1 || named[0].Source != "dev/eu-west-1" || named[0].State == sources.StateAlarm {
		t.Fatalf("%s of the dev source alone: %d pages %+v, %v", name, pages, named, err)
	}
	if _, _, err := page(sources.AlarmQuery{Source: "nope"}); err == nil {
		t.Fatal("an unknown source label was accepted")
	}

	prod, _ := m.Member("prod/us-east-1")
	half, err := sources.NewMulti(sources.Member{Label: "ok", Source: prod}, sources.Member{Label: "down", Source: broken{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []sources.Alarm
	err = half.PageAlarms(context.Background(), sources.AlarmQuery{}, func(p []sources.Alarm) { got = append(got, p...) })
	var partial *sources.PartialError
	if !errors.As(err, &partial) || partial.All() || len(got) == 0 {
		t.Fatalf("one member down: %d alarms, %v", len(got), err)
	}
}

// The cost estimate counts the DescribeAlarms calls of the budget: 10,000
// alarms at 15 s are listed every 5 minutes (100 calls) and the firing ones
// asked for at the 19 refreshes between, about 24 calls a minute.
func TestEstimateCostCountsTheAlarmsBudget(t *testing.T) {
	est := feed.EstimateCost(feed.CostConfig{Alarms: 10_000, Refresh: 15 * time.Second})
	if got, want := est.FreeCalls["DescribeAlarms"], 288*100+5760-288.0; got != want {
		t.Fatalf("%v DescribeAlarms calls a day, want %v", got, want)
	}
}
