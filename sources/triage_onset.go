package sources

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Onset is when the alarm's metric left its normal level: the alarm fires
// evaluation periods later, so changes are judged against this moment.
type Onset struct {
	Found    bool
	Time     time.Time // start of the first period out of the baseline
	Baseline float64   // median of the baseline part of the window
	Spread   float64   // robust spread (scaled MAD) of the baseline
	Value    float64   // the metric at Time
}

// String describes the onset for people.
func (o Onset) String() string {
	if !o.Found {
		return "no onset found in the metric"
	}
	return fmt.Sprintf("%s: %s (baseline %s ± %s)", o.Time.UTC().Format("15:04:05"), shortNumber(o.Value),
		shortNumber(o.Baseline), shortNumber(o.Spread))
}

// onsetSigmas is how many robust standard deviations a point must be from
// the baseline median to count as out; onsetTowards is the share of the way
// to the alarm threshold that also counts, so that a metric flat at zero
// (MAD 0) does not trip on its first blip.
const (
	onsetSigmas  = 4
	onsetTowards = 0.3
	onsetMinBase = 3 // baseline points needed
)

// FindOnset finds the first point of s, after the baseline (the first third
// of [start, anchor]) and no later than one period past anchor (when the
// alarm fired), where the series leaves its baseline in the alarm's direction
// (Comparison; both ways for anomaly bands) and stays out: at least two of it
// and the next two points are out. Missing points (gaps) are simply absent.
func FindOnset(s Series, a Alarm, start, anchor time.Time) Onset {
	period := s.Spec.WithDefaults().Period
	var base []float64
	var times []time.Time
	var values []float64
	cut := start.Add(anchor.Sub(start) / 3)
	for i, t := range s.Times {
		v := s.Values[i]
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
	for i, v := range values {
		if !out(v) {
			continue
		}
		n, hits := 0, 0
		for _, w := range values[i:min(i+3, len(values))] {
			n++
			if out(w) {
				hits++
			}
		}
		if hits >= min(2, n) {
			return Onset{Found: true, Time: times[i], Baseline: median, Spread: spread, Value: v}
		}
	}
	return Onset{Baseline: median, Spread: spread}
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
