package panes

import (
	"strings"

	"watchtrail/sources"
)

// alarmStates maps alarm names to states, so composites can show their
// children's. Names are only unique within a source, hence the label.
func alarmStates(alarms []sources.Alarm) map[string]sources.AlarmState {
	states := make(map[string]sources.AlarmState, len(alarms))
	for _, a := range alarms {
		states[a.Source+"|"+a.Name] = a.State
	}
	return states
}

// compositeChildren is a composite's children with their states, firing
// ones first: "◆ ALARM checkout-api-errors · OK checkout-api-p99".
func compositeChildren(a sources.Alarm, states map[string]sources.AlarmState) string {
	var firing, rest []string
	for _, c := range a.Children {
		st, ok := states[a.Source+"|"+c]
		word := "?"
		if ok {
			word = alarmsStateWord(st)
		}
		if st == sources.StateAlarm {
			firing = append(firing, word+" "+c)
		} else {
			rest = append(rest, word+" "+c)
		}
	}
	return "◆ " + strings.Join(append(firing, rest...), " · ")
}
