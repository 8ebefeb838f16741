package triage

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
)

// Onset is when the alarm's metric left its normal level: the alarm fires
// evaluation periods later, so changes are judged against this moment.
type Onset struct {
	Found      bool
	FromReason bool          // taken from the datapoints the alarm's state reason cites
	Silent     bool          // the metric stopped reporting then
	Breaching  bool          // where the breaching run that fired the alarm began, long before it fired
	Before     time.Duration // how long before the alarm changed state
	Time       time.Time     // start of the first period out of the baseline
	Baseline   float64       // the baseline's level at Time (its median, or its trend)
	Spread     float64       // robust spread (scaled MAD) of the baseline
	Value      float64       // the metric at Time
}

// String describes the onset for people.
func (o Onset) String() string {
	if !o.Found {
		return "no onset found in the metric"
	}
	if o.FromReason {
		return "the first breaching datapoint the alarm's state reason cites"
	}
	if o.Silent {
		return "the metric stopped reporting"
	}
	if o.Before >= longBefore {
		return fmt.Sprintf("breaching since %s, %s before the alarm changed state", o.Time.UTC().Format("15:04"), roundDuration(o.Before))
	}
	return fmt.Sprintf("the metric left its baseline: %s against %s ± %s", shortNumber(o.Value), shortNumber(o.Baseline), shortNumber(o.Spread))
}

// longBefore: an onset this long before the state change is said so.
const longBefore = 10 * time.Minute

// Onset detection. The baseline's noise is onsetSigmas robust standard
// deviations; what it reaches onsetOrdinary times or more (the spikes of a
// p99, the blips of a sparse count) is routine, and onsetBeyondPeak times
// its largest deviation is clearly beyond it. A point smaller than
// onsetShare of the excursion's median size is not its start unless
// clearly beyond the baseline (a period the change came late in); one at
// the excursion's onsetLow quantile looks like it.
const (
	onsetSigmas     = 4
	onsetOrdinary   = 2
	onsetBeyondPeak = 2
	onsetShare      = 0.35
	onsetLow        = 0.1
	onsetRampNoise  = 0.75 // of the noise, for the points of a leading ramp
	onsetMinBase    = 8    // baseline points needed for a spread worth the name
	// A trend is taken from a baseline this long, when it moves this many
	// of its robust deviations: a short or flat one shows only noise.
	onsetTrendBase    = 24
	onsetTrendSpreads = 2
	onsetTrendPoints  = 150
	// onsetLateBy is how many points back in the baseline may follow the
	// excursion up to the alarm's firing: more, and the metric was already
	// back to normal when the alarm fired, so there is no live excursion.
	onsetLateBy = 2
	// onsetSilence is how many periods before the firing a regular metric
	// must have stopped reporting for its silence to be the onset.
	onsetSilence = 2
	// OnsetLookback is how far before the firing the metric is read, so
	// that the baseline knows a metric's rare spikes and holds enough
	// 5-minute points.
	OnsetLookback = 90 * time.Minute
)

// FindOnset finds when the excursion that fired the alarm began. The
// baseline is every point before the first third of [start, anchor] (of
// [first point, anchor] for a metric that began later): its median, scaled
// MAD and own deviations. The excursion is the alarm's direction
// (Comparison; both ways for anomaly bands): its last point is beyond the
// noise and the routine, no more than onsetLateBy points before one period
// past anchor (when the alarm fired), and its size is measured on the
// points next to it and after the firing. Walking back, a point next to
// the excursion joins it when clearly beyond the baseline, or a sizeable
// part that looks like it or is beyond the baseline; across points back in
// or missing, only a clearly beyond, sizeable point the alarm counts as
// breaching, within its evaluation window (the N of its "M out of the last
// N datapoints"; see evaluationPeriods). Before that, points rising
// gradually into it are its leading ramp (a leak). The onset is the first
// point. An earlier bump that went back to normal is not the onset, nor is
// anything when the metric was back to normal well before the firing.
//
// When the series had been breaching the alarm's threshold since long
// before (an alarm created, re-enabled or edited during the incident), the
// onset is where that breaching run began, over the whole series read (see
// BreachingSince), and Before says how long before the firing.
func FindOnset(s sources.Series, a sources.Alarm, start, anchor time.Time) Onset {
	o := findExcursion(s, a, start, anchor)
	period := s.Spec.WithDefaults().Period
	// The excursion is looked for after the baseline's cut; a run that
	// began before it is this one's to find.
	cut := start.Add(anchor.Sub(start) / 3)
	if since, ok := breachingSince(s, a, anchor); ok && since.Before(cut) && (!o.Found || since.Before(o.Time.Add(-2*period))) {
		o = Onset{Found: true, Breaching: true, Time: since, Baseline: o.Baseline, Spread: o.Spread, Value: valueAt(s, since)}
	}
	if o.Found {
		o.Before = anchor.Sub(o.Time)
	}
	return o
}

// breachingSince is where the breaching run ending at the firing began,
// for an alarm with a threshold.
func breachingSince(s sources.Series, a sources.Alarm, anchor time.Time) (time.Time, bool) {
	if !strings.HasSuffix(a.Comparison, "Threshold") || strings.Contains(a.Comparison, "LowerOrGreater") {
		return time.Time{}, false
	}
	order := make([]int, 0, len(s.Times))
	for i := range s.Times {
		if i < len(s.Values) && !math.IsNaN(s.Values[i]) && !math.IsInf(s.Values[i], 0) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return s.Times[order[i]].Before(s.Times[order[j]]) })
	times, values := make([]time.Time, len(order)), make([]float64, len(order))
	for n, i := range order {
		times[n], values[n] = s.Times[i], s.Values[i]
	}
	gap := max(1, evaluationPeriods(a, anchor)-a.DatapointsToAlarm)
	return BreachingSince(times, values, func(v float64) bool { return breaches(a, v) }, anchor, s.Spec.WithDefaults().Period, gap)
}

func valueAt(s sources.Series, at time.Time) float64 {
	for i, t := range s.Times {
		if t.Equal(at) && i < len(s.Values) {
			return s.Values[i]
		}
	}
	return 0
}

func findExcursion(s sources.Series, a sources.Alarm, start, anchor time.Time) Onset {
	period := s.Spec.WithDefaults().Period
	var baseTimes, times, laterTimes []time.Time
	var base, values, later []float64
	order := make([]int, min(len(s.Times), len(s.Values)))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return s.Times[order[i]].Before(s.Times[order[j]]) })
	// A metric that began within the window (a new resource) has the first
	// third of what there is as its baseline.
	if len(order) > 0 && s.Times[order[0]].After(start) {
		start = s.Times[order[0]]
	}
	cut := start.Add(anchor.Sub(start) / 3)
	for _, i := range order {
		t, v := s.Times[i], s.Values[i]
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
		case t.Before(cut):
			baseTimes, base = append(baseTimes, t), append(base, v)
		case !t.After(anchor.Add(period)):
			times, values = append(times, t), append(values, v)
		default:
			laterTimes, later = append(laterTimes, t), append(later, v)
		}
	}
	if len(base) < onsetMinBase {
		return Onset{}
	}
	// Everything is measured from the baseline's level, a trend when it
	// has one (traffic rising through the morning).
	level := baselineLevel(baseTimes, base)
	fromLevel := func(ts []time.Time, vs []float64) []float64 {
		out := make([]float64, len(vs))
		for i, v := range vs {
			out[i] = v - level(ts[i])
		}
		return out
	}
	baseDev, devs, laterDevs := fromLevel(baseTimes, base), fromLevel(times, values), fromLevel(laterTimes, later)
	spread := 1.4826 * medianAbs(baseDev)
	up, down := alarmDirections(a.Comparison)
	noise := math.Max(onsetSigmas*spread, 1e-9)
	// How far from its level the baseline goes at least onsetOrdinary
	// times (the spikes of a p99, the blips of a sparse count), and at most.
	ordinaryUp, ordinaryDown := baselineReach(baseDev, onsetOrdinary)
	peakUp, peakDown := baselineReach(baseDev, 1)
	unusual := func(d float64) bool {
		return (up && d > max(noise, ordinaryUp)) || (down && d < -max(noise, ordinaryDown))
	}
	last := len(devs) - 1
	for last >= 0 && !unusual(devs[last]) {
		last--
	}
	if last < 0 || len(devs)-1-last > onsetLateBy {
		if at, ok := silentSince(a, baseTimes, slices.Concat(times, laterTimes), cut, anchor, period); ok {
			return Onset{Found: true, Silent: true, Time: at, Baseline: level(at), Spread: spread}
		}
		return Onset{Baseline: level(anchor), Spread: spread}
	}
	side, ordinary, peak := 1.0, ordinaryUp, peakUp
	if devs[last] < 0 {
		side, ordinary, peak = -1, ordinaryDown, peakDown
	}
	size := func(i int) float64 { return devs[i] * side }
	window := max(1, evaluationPeriods(a, anchor)-1)
	// The excursion's sizes: its unusual points next to the last one, and
	// after the firing.
	var sizes []float64
	for i := last; i >= 0 && unusual(devs[i]) && (i == last || times[i+1].Sub(times[i]) <= period); i-- {
		sizes = append(sizes, size(i))
	}
	for _, d := range laterDevs {
		if unusual(d) && d*side > 0 {
			sizes = append(sizes, d*side)
		}
	}
	// Points beyond anything the baseline did, when there are any, are
	// what the excursion is: a run of routine highs just before the jump
	// must not shrink its size (three 2s of a sparse count, then 15).
	if beyond := slices.DeleteFunc(slices.Clone(sizes), func(sz float64) bool { return sz <= peak }); len(beyond) > 0 {
		sizes = beyond
	}
	least, low := onsetShare*medianOf(sizes), quantile(sizes, onsetLow)
	// A point next to the excursion joins it when it is clearly beyond
	// anything the baseline did (a period the change came late in), or is a
	// sizeable part of it that looks like it or is beyond the baseline.
	// Across points back in (or missing) it must be clearly beyond,
	// sizeable and breaching for the alarm.
	joins := func(i, between int) bool {
		sz := size(i)
		if sz <= noise || sz < least/2 {
			return false
		}
		clearly := sz > onsetBeyondPeak*peak
		if between > 0 {
			return clearly && sz >= least && breaches(a, values[i])
		}
		return clearly || (sz >= least && (sz >= low || sz > peak))
	}
	first := last
	for i := last - 1; i >= 0; i-- {
		between := int(times[first].Sub(times[i])/period) - 1
		if between > window {
			break
		}
		if joins(i, between) {
			first = i
		}
	}
	// A leading ramp (a leak): points rising to it by less than least and
	// than their own size (not a jump from a blip), beyond onsetRampNoise
	// of the noise, as the excursion is already established.
	for first > 0 && times[first].Sub(times[first-1]) <= period {
		prev := size(first - 1)
		if step := math.Abs(size(first) - prev); prev <= max(noise*onsetRampNoise, ordinary) || step >= min(least, prev) {
			break
		}
		first--
	}
	return Onset{Found: true, Time: times[first], Baseline: level(times[first]), Spread: spread, Value: values[first]}
}

// silentSince is when a metric that reported (nearly) every period of its
// baseline stopped, at least onsetSilence periods before the firing and for
// good: a consumer disabled, a host gone. Only an alarm that counts missing
// data as breaching (or whose setting is unknown) fires on silence.
func silentSince(a sources.Alarm, base, after []time.Time, cut, anchor time.Time, period time.Duration) (time.Time, bool) {
	if a.TreatMissingData != "" && a.TreatMissingData != "breaching" {
		return time.Time{}, false
	}
	if len(base) == 0 || float64(len(base)) < 0.9*float64(cut.Sub(base[0])/period) {
		return time.Time{}, false
	}
	seen := base[len(base)-1]
	if len(after) > 0 {
		seen = after[len(after)-1]
	}
	stopped := seen.Add(period)
	return stopped, !stopped.Before(cut) && !stopped.After(anchor.Add(-onsetSilence*period))
}

// baselineLevel is the baseline's level over time: its median, or its
// robust straight line (Theil–Sen: the median of the slopes between its
// points) when it has onsetTrendBase points or more and the line moves
// across it by more than onsetTrendSpreads robust deviations around it.
func baselineLevel(times []time.Time, values []float64) func(time.Time) float64 {
	median := medianOf(values)
	flat := func(time.Time) float64 { return median }
	var slopes []float64
	step := len(values)/onsetTrendPoints + 1 // bounds the pairs for high-resolution metrics
	for i := 0; i < len(values); i += step {
		for j := i + step; j < len(values); j += step {
			if dt := times[j].Sub(times[i]).Minutes(); dt > 0 {
				slopes = append(slopes, (values[j]-values[i])/dt)
			}
		}
	}
	if len(slopes) == 0 {
		return flat
	}
	slope := medianOf(slopes)
	minutes := func(t time.Time) float64 { return t.Sub(times[0]).Minutes() }
	offsets := make([]float64, len(values))
	for i, v := range values {
		offsets[i] = v - slope*minutes(times[i])
	}
	intercept := medianOf(offsets)
	for i := range offsets {
		offsets[i] -= intercept
	}
	if len(values) < onsetTrendBase || math.Abs(slope*minutes(times[len(times)-1])) <= onsetTrendSpreads*1.4826*medianAbs(offsets) {
		return flat
	}
	return func(t time.Time) float64 { return intercept + slope*minutes(t) }
}

func medianAbs(v []float64) float64 {
	abs := make([]float64, len(v))
	for i, x := range v {
		abs[i] = math.Abs(x)
	}
	return medianOf(abs)
}

// baselineReach is how far above and below its level (devs are from it)
// the baseline goes at least k times.
func baselineReach(devs []float64, k int) (up, down float64) {
	var ups, downs []float64
	for _, d := range devs {
		ups, downs = append(ups, math.Max(d, 0)), append(downs, math.Max(-d, 0))
	}
	slices.Sort(ups)
	slices.Sort(downs)
	i := max(len(devs)-k, 0)
	return ups[i], downs[i]
}

// quantile is the q-quantile of v by linear interpolation.
func quantile(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	x := q * float64(len(s)-1)
	i := int(x)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (s[i+1]-s[i])*(x-float64(i))
}

// mOfN is "M out of the last N datapoints" in an alarm's state reason.
var mOfN = regexp.MustCompile(`out of the last (\d+) datapoints`)

// evaluationPeriods is the alarm's N of "M out of the last N datapoints":
// its setting when known, else what its state reason cites when that is
// about the firing at anchor; 0 unknown.
func evaluationPeriods(a sources.Alarm, anchor time.Time) int {
	if a.EvaluationPeriods > 0 {
		return a.EvaluationPeriods
	}
	if a.State != sources.StateAlarm || !a.StateChanged.Equal(anchor) {
		return 0
	}
	m := mOfN.FindStringSubmatch(a.Reason)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// breaches reports whether the alarm counts v as a breaching datapoint;
// true for anomaly bands, whose band is not known here.
func breaches(a sources.Alarm, v float64) bool {
	switch a.Comparison {
	case "GreaterThanThreshold":
		return v > a.Threshold
	case "GreaterThanOrEqualToThreshold":
		return v >= a.Threshold
	case "LessThanThreshold":
		return v < a.Threshold
	case "LessThanOrEqualToThreshold":
		return v <= a.Threshold
	}
	return true
}

// alarmDirections says which way the metric goes when the alarm fires.
func alarmDirections(comparison string) (up, down bool) {
	switch {
	case strings.HasPrefix(comparison, "Greater"):
		return true, false
	case strings.HasPrefix(comparison, "Less") && !strings.Contains(comparison, "Greater"):
		return false, true
	}
	return true, true // anomaly bands, unknown comparisons
}

func medianOf(v []float64) float64 { return quantile(v, 0.5) }

func shortNumber(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}

// reasonDatapoint is a datapoint's time as CloudWatch cites it in a state
// reason: "[95.0 (27/11/26 05:40:00), 91.0 (27/11/26 05:39:00)]", in UTC.
var reasonDatapoint = regexp.MustCompile(`\((\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\)`)

// OnsetFromReason is the earliest datapoint the alarm's state reason cites,
// for when the metric shows no onset (no data, too little baseline). The
// reason describes the alarm's latest change, so it is used only when that
// change is the firing being analysed (at anchor).
func OnsetFromReason(a sources.Alarm, anchor time.Time) Onset {
	if a.State != sources.StateAlarm || !a.StateChanged.Equal(anchor) {
		return Onset{}
	}
	var first time.Time
	for _, m := range reasonDatapoint.FindAllStringSubmatch(a.Reason, -1) {
		at, err := time.Parse("02/01/06 15:04:05", m[1])
		if err == nil && !at.After(anchor) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	if first.IsZero() {
		return Onset{}
	}
	return Onset{Found: true, FromReason: true, Time: first}
}
