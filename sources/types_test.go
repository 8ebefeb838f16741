package sources

import (
	"testing"
	"time"
)

func TestParseMetricSpec(t *testing.T) {
	spec, err := ParseMetricSpec("AWS/EC2/CPUUtilization/InstanceId=i-0abc:Maximum")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Namespace != "AWS/EC2" || spec.Metric != "CPUUtilization" || spec.Stat != "Maximum" ||
		len(spec.Dims) != 1 || spec.Dims[0] != (Dimension{"InstanceId", "i-0abc"}) || spec.Period != time.Minute {
		t.Fatalf("parsed %+v", spec)
	}
	spec, err = ParseMetricSpec("MyApp/Latency/Service=api,Stage=prod")
	if err != nil || spec.Stat != "Average" || len(spec.Dims) != 2 || spec.Namespace != "MyApp" {
		t.Fatalf("parsed %+v, %v", spec, err)
	}
	if spec.Key() != "MyApp/Latency/Service=api,Stage=prod:Average" {
		t.Fatalf("key %q", spec.Key())
	}
	for _, bad := range []string{"", "justone", "NS/Metric/=x:Sum", "/Metric"} {
		if _, err := ParseMetricSpec(bad); err == nil {
			t.Errorf("ParseMetricSpec(%q) accepted", bad)
		}
	}
}

func TestSortAlarmsPutsFiringFirst(t *testing.T) {
	now := time.Now()
	alarms := []Alarm{
		{Name: "ok-old", State: StateOK, StateChanged: now.Add(-time.Hour)},
		{Name: "insufficient", State: StateInsufficient},
		{Name: "firing-old", State: StateAlarm, StateChanged: now.Add(-time.Hour)},
		{Name: "firing-new", State: StateAlarm, StateChanged: now},
	}
	SortAlarms(alarms)
	want := []string{"firing-new", "firing-old", "insufficient", "ok-old"}
	for i, a := range alarms {
		if a.Name != want[i] {
			t.Fatalf("order %v, want %v", alarms, want)
		}
	}
}
