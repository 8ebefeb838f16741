package awssrc

import (
	"net/url"
	"slices"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/internal/alarmtest"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// PageAlarms hands each DescribeAlarms page over as it arrives, 100 alarms
// a call of both types, and passes the state, names and page limit on.
func TestPageAlarmsFollowsPagesAndFilters(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := alarmtest.Start(t, alarmtest.Many(249, 10, at))
	src := New(testConfig(t), srv.URL)

	var sizes []int
	var all []sources.Alarm
	if err := src.PageAlarms(ctxFor(t), sources.AlarmQuery{}, func(page []sources.Alarm) {
		sizes = append(sizes, len(page))
		all = append(all, page...)
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{100, 100, 50}) || len(all) != 250 {
		t.Fatalf("pages of %v (%d alarms), want 100, 100, 50", sizes, len(all))
	}
	for _, form := range srv.Calls() {
		if form.Get("MaxRecords") != "100" || form.Get("AlarmTypes.member.1") != "MetricAlarm" || form.Get("AlarmTypes.member.2") != "CompositeAlarm" {
			t.Fatalf("a listing asked for %v, want 100 alarms a call of both types", form)
		}
	}
	if i := slices.IndexFunc(all, func(a sources.Alarm) bool { return a.Name == "api-health" }); i < 0 || !all[i].Composite || all[i].State != sources.StateAlarm || !all[i].StateChanged.Equal(at) {
		t.Fatalf("the composite alarm is missing or wrong: %+v", all)
	}

	firing := collect(t, src, sources.AlarmQuery{State: sources.StateAlarm, MaxPages: 1})
	if len(firing) != 26 || slices.ContainsFunc(firing, func(a sources.Alarm) bool { return a.State != sources.StateAlarm }) {
		t.Fatalf("the firing alarms are %d: %+v", len(firing), firing)
	}
	if last := srv.Calls()[len(srv.Calls())-1]; last.Get("StateValue") != "ALARM" {
		t.Fatalf("the firing listing asked %v", last)
	}

	srv2 := alarmtest.Start(t, alarmtest.Many(1000, 10, at)) // 101 firing: two pages
	one := collect(t, New(testConfig(t), srv2.URL), sources.AlarmQuery{State: sources.StateAlarm, MaxPages: 1})
	if len(one) != 100 || slices.ContainsFunc(srv2.Calls(), func(f url.Values) bool { return f.Get("NextToken") != "" }) {
		t.Fatalf("MaxPages 1 read %d alarms, asking %v", len(one), srv2.Calls())
	}

	named := collect(t, src, sources.AlarmQuery{Names: []string{"a-0003", "api-health", "gone"}})
	if len(named) != 2 || named[0].Name != "a-0003" || named[1].Name != "api-health" {
		t.Fatalf("by name: %+v", named)
	}
	if last := srv.Calls()[len(srv.Calls())-1]; last.Get("AlarmNames.member.1") != "a-0003" || last.Get("AlarmNames.member.3") != "gone" {
		t.Fatalf("the names were not asked for: %v", last)
	}

	n := len(srv.Calls())
	tooMany := make([]string, sources.AlarmsPerPage+1)
	if err := src.PageAlarms(ctxFor(t), sources.AlarmQuery{Names: tooMany}, func([]sources.Alarm) {}); err == nil || len(srv.Calls()) != n {
		t.Fatalf("101 names: err %v after %d calls, want an error and no call", err, len(srv.Calls())-n)
	}
}

func collect(t *testing.T, src *Source, q sources.AlarmQuery) []sources.Alarm {
	t.Helper()
	var out []sources.Alarm
	if err := src.PageAlarms(ctxFor(t), q, func(page []sources.Alarm) { out = append(out, page...) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// moto honours the StateValue and AlarmNames filters the firing refresh
// relies on (it ignores MaxRecords: every alarm comes in one answer).
func TestMotoFiltersAlarmsByStateAndNames(t *testing.T) {
	endpoint := motoserver.Start(t)
	seed := motoserver.NewSeeder(t, endpoint)
	dims := []cwtypes.Dimension{}
	seed.Alarm("wt-page-firing", "WT/Pager", "Errors", dims, 1, cwtypes.StateValueAlarm)
	seed.Alarm("wt-page-ok", "WT/Pager", "Errors", dims, 1, cwtypes.StateValueOk)
	seed.Alarm("wt-page-other", "WT/Pager", "Errors", dims, 1, cwtypes.StateValueOk)
	src := New(testConfig(t), endpoint)

	if firing := collect(t, src, sources.AlarmQuery{State: sources.StateAlarm}); len(firing) != 1 || firing[0].Name != "wt-page-firing" {
		t.Fatalf("StateValue=ALARM gave %+v", firing)
	}
	if named := collect(t, src, sources.AlarmQuery{Names: []string{"wt-page-ok", "wt-page-gone"}}); len(named) != 1 || named[0].Name != "wt-page-ok" {
		t.Fatalf("AlarmNames gave %+v", named)
	}
}
