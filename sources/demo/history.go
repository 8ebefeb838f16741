package demo

import (
	"context"
	"time"

	"watchtrail/sources"
)

// AlarmHistory returns the alarm's state transitions in [start, end] that
// have happened by Now, oldest first: for the steady alarms the one change
// into their state long ago, for the incident alarms also the scripted
// OK→ALARM and ALARM→OK, and the composite alarm's follow its children's.
// An unknown alarm has no history, as in CloudWatch.
func (s *Source) AlarmHistory(ctx context.Context, name string, start, end time.Time) ([]sources.StateChange, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	var all []sources.StateChange
	for _, def := range alarmDefs {
		if def.name == name {
			all = s.history(def)
		}
	}
	if s.composite && name == compositeAlarm {
		all = s.compositeHistory()
	}
	now := s.now()
	var out []sources.StateChange
	for _, c := range all {
		if c.Time.After(now) {
			break
		}
		if !c.Time.Before(start) && !c.Time.After(end) {
			out = append(out, c)
		}
	}
	return out, nil
}

// history is every transition of the alarm, oldest first, regardless of Now.
func (s *Source) history(def alarmDef) []sources.StateChange {
	from := sources.StateInsufficient // a new alarm starts with no data
	if def.state == sources.StateInsufficient {
		from = sources.StateOK
	}
	changes := []sources.StateChange{change(s.start.Truncate(time.Minute).Add(-def.since), from, def.state)}
	if def.script != nil {
		for _, t := range def.script(s.story) {
			changes = append(changes, change(t.at, changes[len(changes)-1].To, t.state))
		}
	}
	return changes
}

func change(at time.Time, from, to sources.AlarmState) sources.StateChange {
	return sources.StateChange{Time: at, From: from, To: to, Summary: "Alarm updated from " + string(from) + " to " + string(to)}
}
