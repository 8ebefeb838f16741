package demo_test

import (
	"context"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/triage"
)

// The demo's noise depends on the wall clock (and its level on the time of
// day): over many start moments across a day, the triage of each incident
// must name its cause every time, whether it runs as the alarm fires (as
// someone pressing enter on the new alarm does, and the end-to-end test), a
// minute later, or minutes later (as the triage CLI test does).
func TestTriageNamesTheCauseWhateverTheClock(t *testing.T) {
	incidents := []struct {
		alarm, cause string
		after        []time.Duration // from alice's change
	}{
		{"checkout-api-errors", "alice", []time.Duration{31 * time.Second, 90 * time.Second, 4 * time.Minute}},
		// erin's revoke is 12 minutes after alice's change.
		{"prod-web-alb-5xx", "erin", []time.Duration{13*time.Minute + 30*time.Second, 16 * time.Minute}},
	}
	base := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 96; i++ {
		start := base.Add(time.Duration(i) * (15*time.Minute + 7*time.Second))
		change := demo.New(demo.Options{Start: start, IncidentAfter: 3 * time.Second}).ChangeTime()
		for _, inc := range incidents {
			for _, after := range inc.after {
				now := change.Add(after)
				src := demo.New(demo.Options{Start: start, IncidentAfter: 3 * time.Second, Now: func() time.Time { return now }})
				alarm := alarmNamed(t, src, inc.alarm)
				if alarm.State != sources.StateAlarm {
					t.Fatalf("start %s, %s after the change: %s is %s", start.Format(time.TimeOnly), after, inc.alarm, alarm.State)
				}
				msg := triage.Run(context.Background(), src, alarm, triage.Options{Now: now})
				if len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != inc.cause {
					top := "none"
					if len(msg.Suspects) > 0 {
						top = msg.Suspects[0].Event.Name + " by " + msg.Suspects[0].Event.User
					}
					t.Errorf("%s, start %s, triage %s after the change: onset %v at %s, top suspect %s; metric %v", inc.alarm,
						start.Format(time.TimeOnly), after, msg.Onset, msg.Onset.Time.Format(time.TimeOnly), top, msg.Series.Values)
				}
			}
		}
	}
}

func alarmNamed(t *testing.T, src *demo.Source, name string) sources.Alarm {
	t.Helper()
	alarms, err := src.ListAlarms(context.Background())
	for _, a := range alarms {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no alarm %s (%v)", name, err)
	return sources.Alarm{}
}
