package triage

import "time"

// breachRuns: the points before a breaching run must be at least
// breachBase, and breachNormal of them not breaching, for the run's start
// to be a change (not a metric that always breaches).
const (
	breachBase   = 8
	breachNormal = 0.8
)

// BreachingSince is where the breaching run that ends at the alarm's
// firing began: walking back from the last point at or before anchor plus
// one period (which must breach), across at most gap points in a row that
// do not (an "M out of N" alarm fires on interleaved points), to the first
// breaching point of the run. times are sorted. It is found only when the
// points before the run mostly did not breach, so that the series changed
// there; an alarm created, re-enabled or edited while the metric already
// breached fires long after this moment.
func BreachingSince(times []time.Time, values []float64, breaches func(float64) bool, anchor time.Time, period time.Duration, gap int) (time.Time, bool) {
	last := -1
	for i, t := range times {
		if !t.After(anchor.Add(period)) {
			last = i
		}
	}
	if last < 0 || !breaches(values[last]) {
		return time.Time{}, false
	}
	first, quiet := last, 0
	for i := last - 1; i >= 0; i-- {
		missing := int(times[i+1].Sub(times[i])/period) - 1
		if !breaches(values[i]) {
			quiet++
		} else {
			quiet = 0
		}
		if quiet+missing > gap {
			break
		}
		if quiet == 0 {
			first = i
		}
	}
	if first < breachBase {
		return time.Time{}, false
	}
	normal := 0
	for _, v := range values[:first] {
		if !breaches(v) {
			normal++
		}
	}
	if float64(normal) < breachNormal*float64(first) {
		return time.Time{}, false
	}
	return times[first], true
}
