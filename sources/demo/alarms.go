package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

// ListAlarms returns every alarm in its state as of Now, ALARM first.
func (s *Source) ListAlarms(ctx context.Context) ([]sources.Alarm, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	alarms := make([]sources.Alarm, 0, len(alarmDefs))
	for _, def := range alarmDefs {
		alarms = append(alarms, s.alarmAt(def, now))
	}
	if s.composite {
		alarms = s.withComposite(alarms)
	}
	sources.SortAlarms(alarms)
	return alarms, nil
}

// alarmAt is the alarm as CloudWatch would report it at now.
func (s *Source) alarmAt(def alarmDef, now time.Time) sources.Alarm {
	// Every demo alarm fires on 1 datapoint out of 1, as its reasons cite,
	// and leaves missing data missing (orders-write-throttles sits in
	// INSUFFICIENT_DATA for want of datapoints).
	a := sources.Alarm{Name: text.Sanitize(def.name), State: def.state, Metric: def.metric, Threshold: def.threshold, Comparison: def.comparison,
		EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: "missing"}
	a.StateChanged = s.start.Truncate(time.Minute).Add(-def.since)
	a.Reason = text.Sanitize(s.reason(def, a.State, a.StateChanged.Add(-time.Minute), a.StateChanged))
	if def.script == nil {
		return a
	}
	for _, t := range def.script(s.story) {
		if t.at.After(now) {
			break
		}
		a.State, a.StateChanged = t.state, t.at
		a.Reason = s.reason(def, t.state, t.point, t.at)
	}
	return a
}

// reason words the state change like CloudWatch does, citing the datapoint
// of the bucket starting at point as it looked at the evaluation time.
func (s *Source) reason(def alarmDef, state sources.AlarmState, point, evaluated time.Time) string {
	if state == sources.StateInsufficient {
		return "Insufficient Data: 1 datapoint was unknown."
	}
	spec := def.metric.WithDefaults()
	key := strings.TrimSuffix(spec.Key(), ":"+spec.Stat)
	value := s.bucketValue(profileFor(spec), key, spec.Stat, point, spec.Period, evaluated)
	verb := comparisonWords(def.comparison)
	if state == sources.StateOK {
		verb = "not " + verb
	}
	return fmt.Sprintf("Threshold Crossed: 1 datapoint [%s (%s)] was %s the threshold (%s).",
		cloudWatchNumber(value), point.UTC().Format("02/01/06 15:04:05"), verb, cloudWatchNumber(def.threshold))
}

func comparisonWords(comparison string) string {
	switch comparison {
	case "GreaterThanOrEqualToThreshold":
		return "greater than or equal to"
	case "LessThanThreshold":
		return "less than"
	case "LessThanOrEqualToThreshold":
		return "less than or equal to"
	}
	return "greater than"
}

// cloudWatchNumber prints 23 as "23.0" and 2987.41 as "2987.41".
func cloudWatchNumber(v float64) string {
	text := strconv.FormatFloat(round(v, 4), 'f', -1, 64)
	if !strings.Contains(text, ".") {
		text += ".0"
	}
	return text
}
