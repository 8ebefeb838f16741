package demo_test

import (
	"context"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// The demo's noise depends on the wall clock (and its level on the time of
// day): over many start moments across a day, the triage of the checkout
// incident must name alice's change every time, whether it runs as the alarm
// fires (as someone pressing enter on the new alarm does, and the end-to-end
// test), a minute later, or minutes later (as the triage CLI test does).
func TestTriageNamesAliceWhateverTheClock(t *testing.T) {
	base := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 96; i++ {
		start := base.Add(time.Duration(i) * (15*time.Minute + 7*time.Second))
		src := demo.New(demo.Options{Start: start, IncidentAfter: 3 * time.Second})
		for _, after := range []time.Duration{31 * time.Second, 90 * time.Second, 4 * time.Minute} {
			now := src.ChangeTime().Add(after)
			src := demo.New(demo.Options{Start: start, IncidentAfter: 3 * time.Second, Now: func() time.Time { return now }})
			alarms, _ := src.ListAlarms(context.Background())
			var alarm sources.Alarm
			for _, a := range alarms {
				if a.Name == "checkout-api-errors" {
					alarm = a
				}
			}
			if alarm.State != sources.StateAlarm {
				t.Fatalf("start %s, %s after the change: checkout-api-errors is %s", start.Format(time.TimeOnly), after, alarm.State)
			}
			msg := sources.Triage(context.Background(), src, alarm, sources.TriageOptions{Now: now})
			if len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != "alice" {
				top := "none"
				if len(msg.Suspects) > 0 {
					top = msg.Suspects[0].Event.Name + " by " + msg.Suspects[0].Event.User
				}
				t.Errorf("start %s, triage %s after the change: onset %v at %s, top suspect %s; metric %v", start.Format(time.TimeOnly),
					after, msg.Onset, msg.Onset.Time.Format(time.TimeOnly), top, msg.Series.Values)
			}
		}
	}
}
