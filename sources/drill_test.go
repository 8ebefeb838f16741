package sources_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

func TestDrillOnTheDemoIncidentFindsTheChangeAndTheErrors(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	alarms, err := d.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(alarms, func(a sources.Alarm) bool { return a.Name == "checkout-api-errors" })
	if i < 0 || alarms[i].State != sources.StateAlarm {
		t.Fatalf("want checkout-api-errors firing, got %v", alarms)
	}
	alarm := alarms[i]
	msg := sources.Drill(context.Background(), d, alarm, d.LogGroups(), now)
	if len(msg.Errors) > 0 {
		t.Fatalf("drill errors: %v", msg.Errors)
	}
	cause := sources.LikelyCause(msg.Trail, alarm.StateChanged)
	if cause < 0 || msg.Trail[cause].User != "alice" || !strings.HasPrefix(msg.Trail[cause].Name, "UpdateFunctionConfiguration") {
		t.Fatalf("likely cause is %d in %+v, want alice's UpdateFunctionConfiguration", cause, msg.Trail)
	}
	timedOut := 0
	for _, e := range msg.Logs {
		if strings.Contains(e.Message, "Task timed out") {
			timedOut++
		}
	}
	if timedOut == 0 || len(msg.Logs) > 500 {
		t.Fatalf("got %d log lines with %d timeouts; want the incident's timeouts within the cap", len(msg.Logs), timedOut)
	}
	if len(msg.Series.Values) == 0 {
		t.Fatal("no metric data in the drill-down")
	}
}
