package demo

import (
	"fmt"
	"time"

	"watchtrail/sources"
)

// compositeAlarm watches checkout-api as a whole: in ALARM while either of
// its metric alarms is.
const compositeAlarm = "checkout-api-health"

var compositeChildren = []string{"checkout-api-errors", "checkout-api-duration-p99"}

// compositeAt is the composite alarm as CloudWatch would report it at now,
// given its children's states then.
func (s *Source) compositeAt(children []sources.Alarm) sources.Alarm {
	rule := fmt.Sprintf("ALARM(%q) OR ALARM(%q)", compositeChildren[0], compositeChildren[1])
	a := sources.Alarm{Name: compositeAlarm, State: sources.StateOK, Composite: true, Rule: rule,
		Children: append([]string(nil), compositeChildren...),
		ARN:      fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, accountID, compositeAlarm)}
	var firstAlarm, lastChange time.Time
	var firing []string
	for _, c := range children {
		if c.StateChanged.After(lastChange) {
			lastChange = c.StateChanged
		}
		if c.State == sources.StateAlarm {
			firing = append(firing, c.Name)
			if firstAlarm.IsZero() || c.StateChanged.Before(firstAlarm) {
				firstAlarm = c.StateChanged
			}
		}
	}
	// ALARM since its first child fired; OK since its last child recovered.
	a.StateChanged = lastChange
	a.Reason = "Alarm rule evaluated to FALSE"
	if len(firing) > 0 {
		a.State, a.StateChanged = sources.StateAlarm, firstAlarm
		a.Reason = fmt.Sprintf("Alarm rule evaluated to TRUE: %v in ALARM", firing)
	}
	return a
}

// withComposite adds the composite alarm to the metric alarms at now.
func (s *Source) withComposite(alarms []sources.Alarm) []sources.Alarm {
	var children []sources.Alarm
	for _, a := range alarms {
		for _, name := range compositeChildren {
			if a.Name == name {
				children = append(children, a)
			}
		}
	}
	return append(alarms, s.compositeAt(children))
}
