package sources

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Onset is when the alarm's metric left its normal level: the alarm fires
// evaluation periods later, so changes are judged against this moment.
type Onset struct {
	Found      bool
	FromReason bool      // taken from the datapoints the alarm's state reason cites
	Time       time.Time // start of the first period out of the baseline
	Baseline   float64   // median of the baseline part of the window
	Spread     float64   // robust spread (scaled MAD) of the baseline
	Value      float64   // the metric at Time
}

// String describes the onset for people.
func (o Onset) String() string {
	if !o.Found {
		return "no onset found in the metric"
	}
	if o.FromReason {
		return "the first breaching datapoint the alarm's state reason cites"
	}
	return fmt.Sprintf("the metric left its baseline: %s against %s ± %s", shortNumber(o.Value), shortNumber(o.Baseline), shortNumber(o.Spread))
}

// onsetSigmas is how many robust standard deviations a point must be from
// the baseline median to count as out; onsetTowards is the share of the way
// to the alarm threshold that also counts, so that a metric flat at zero
// (MAD 0) does not trip on its first blip.
const (
	onsetSigmas  = 4
	onsetTowards = 0.3
	onsetMinBase = 3 // baseline points needed
	// onsetLateBy is how many points back in the baseline may follow the
	// excursion up to the alarm's firing: more, and the metric was already
	// back to normal when the alarm fired, so there is no live excursion.
	onsetLateBy = 2
)

// FindOnset finds when the excursion that fired the alarm began. The
// baseline is the first third of [start, anchor] (median and scaled MAD); a
// point is out when it is beyond the baseline in the alarm's direction
// (Comparison; both ways for anomaly bands). Among the points after the
// baseline and no later than one period past anchor (when the alarm fired),
// the excursion is the run of points out that reaches the last one out (a
// single point back in does not end it), and the onset its first point. An
// earlier bump that went back to normal is not the onset, and nor is
// anything when the metric was back to normal well before the firing.
// Missing points (gaps) are simply absent.
func FindOnset(s Series, a Alarm, start, anchor time.Time) Onset {
	period := s.Spec.WithDefaults().Period
	var base []float64
	var times []time.Time
	var values []float64
	cut := start.Add(anchor.Sub(start) / 3)
	order := make([]int, min(len(s.Times), len(s.Values)))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return s.Times[order[i]].Before(s.Times[order[j]]) })
	for _, i := range order {
		t, v := s.Times[i], s.Values[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if t.Before(cut) {
			base = append(base, v)
		} else if !t.After(anchor.Add(period)) {
			times, values = append(times, t), append(values, v)
		}
	}
	if len(base) < onsetMinBase {
		return Onset{}
	}
	median := medianOf(base)
	dev := make([]float64, len(base))
	for i, v := range base {
		dev[i] = math.Abs(v - median)
	}
	spread := 1.4826 * medianOf(dev)
	up, down := alarmDirections(a.Comparison)
	margin := math.Max(onsetSigmas*spread, 1e-9)
	if towards := onsetTowards * math.Abs(a.Threshold-median); towards > margin {
		margin = towards
	}
	if margin <= 1e-9 {
		margin = math.Max(0.05*math.Abs(median), 1e-9)
	}
	out := func(v float64) bool {
		return (up && v > median+margin) || (down && v < median-margin)
	}
	// The excursion that fired the alarm: the last point out, and the run
	// of points out before it, across single points back in (noise).
	last := len(values) - 1
	for last >= 0 && !out(values[last]) {
		last--
	}
	if last < 0 || len(values)-1-last > onsetLateBy {
		return Onset{Baseline: median, Spread: spread}
	}
	first := last
	for first > 0 && (out(values[first-1]) || (first > 1 && out(values[first-2]))) {
		first--
		if !out(values[first]) {
			first--
		}
	}
	first = trimLeadingNoise(values[first:last+1], median, out) + first
	return Onset{Found: true, Time: times[first], Baseline: median, Spread: spread, Value: values[first]}
}

// onsetShare is the least share of the excursion's size (its median
// distance from the baseline, or its last point's when larger: just after
// the jump, the run may be a blip, a point back in and one real point) that
// its first point must reach: a count flat at zero with blips of 1 or 2 has
// no spread to measure, and a blip just before the jump to 30 is noise, not
// the start.
const onsetShare = 0.25

// trimLeadingNoise is how many points at the start of the excursion run are
// back in, or too small a part of the excursion to be its start.
func trimLeadingNoise(run []float64, median float64, out func(float64) bool) int {
	dev := make([]float64, len(run))
	for i, v := range run {
		dev[i] = math.Abs(v - median)
	}
	least := onsetShare * max(medianOf(dev), dev[len(dev)-1])
	i := 0
	for i < len(run)-1 && (!out(run[i]) || dev[i] < least) {
		i++
	}
	return i
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

func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

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
func OnsetFromReason(a Alarm, anchor time.Time) Onset {
	if a.State != StateAlarm || !a.StateChanged.Equal(anchor) {
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
