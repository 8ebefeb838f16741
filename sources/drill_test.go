package sources_test

import (
	"context"
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
	if err != nil || len(alarms) == 0 || alarms[0].Name != "checkout-api-errors" {
		t.Fatalf("want checkout-api-errors firing first, got %v, %v", alarms, err)
	}
	msg := sources.Drill(context.Background(), d, alarms[0], d.LogGroups(), now)
	if len(msg.Errors) > 0 {
		t.Fatalf("drill errors: %v", msg.Errors)
	}
	cause := sources.LikelyCause(msg.Trail, alarms[0].StateChanged)
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
