package demo_test

import (
	"context"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// The demo's noise depends on the wall clock: over many start moments the
// triage of the checkout incident must name alice's change every time.
func TestTriageNamesAliceWhateverTheClock(t *testing.T) {
	base := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 96; i++ {
		start := base.Add(time.Duration(i) * (15*time.Minute + 7*time.Second))
		now := start.Add(4 * time.Minute)
		src := demo.New(demo.Options{Start: start, IncidentAfter: -4 * time.Minute, Now: func() time.Time { return now }})
		alarms, _ := src.ListAlarms(context.Background())
		var alarm sources.Alarm
		for _, a := range alarms {
			if a.Name == "checkout-api-errors" {
				alarm = a
			}
		}
		msg := sources.Triage(context.Background(), src, alarm, sources.TriageOptions{Now: now})
		if len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != "alice" {
			top := "none"
			if len(msg.Suspects) > 0 {
				top = msg.Suspects[0].Event.Name + " by " + msg.Suspects[0].Event.User
			}
			t.Errorf("start %s: onset %v at %s, top suspect %s; metric %v", start.Format(time.TimeOnly), msg.Onset, msg.Onset.Time.Format(time.TimeOnly), top, msg.Series.Values)
		}
	}
}
