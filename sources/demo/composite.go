package demo

import (
	"fmt"
	"sort"

	"watchtrail/sources"
)

// compositeAlarm watches checkout-api as a whole: in ALARM while either of
// its metric alarms is.
const compositeAlarm = "checkout-api-health"

var compositeChildren = []string{"checkout-api-errors", "checkout-api-duration-p99"}

// compositeHistory is every transition of the composite alarm, oldest
// first, regardless of Now: its rule evaluated at each child transition.
func (s *Source) compositeHistory() []sources.StateChange {
	type childChange struct {
		child string
		sources.StateChange
	}
	var all []childChange
	for _, def := range alarmDefs {
		for _, name := range compositeChildren {
			if def.name == name {
				for _, c := range s.history(def) {
					all = append(all, childChange{name, c})
				}
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	states := map[string]sources.AlarmState{}
	current := sources.StateInsufficient
	var changes []sources.StateChange
	for _, c := range all {
		states[c.child] = c.To
		next := sources.StateOK
		for _, st := range states {
			if st == sources.StateAlarm {
				next = sources.StateAlarm
			}
		}
		if next != current {
			changes = append(changes, change(c.Time, current, next))
			current = next
		}
	}
	return changes
}

// withComposite adds the composite alarm as CloudWatch would report it at
// now to the metric alarms.
func (s *Source) withComposite(alarms []sources.Alarm) []sources.Alarm {
	now := s.now()
	a := sources.Alarm{Name: compositeAlarm, State: sources.StateInsufficient, Composite: true,
		Rule:     fmt.Sprintf("ALARM(%q) OR ALARM(%q)", compositeChildren[0], compositeChildren[1]),
		Children: append([]string(nil), compositeChildren...),
		ARN:      fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, accountID, compositeAlarm)}
	for _, c := range s.compositeHistory() {
		if c.Time.After(now) {
			break
		}
		a.State, a.StateChanged = c.To, c.Time
	}
	var firing []string
	for _, child := range sources.FiringChildren(a, alarms) {
		firing = append(firing, child.Name)
	}
	a.Reason = "Alarm rule evaluated to FALSE"
	if len(firing) > 0 {
		a.Reason = fmt.Sprintf("Alarm rule evaluated to TRUE: %v in ALARM", firing)
	}
	return append(alarms, a)
}
