package triage

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Write is one write call as routine detection sees it: who made which
// call on what (Key), when, and the settings it set (name → value).
type Write struct {
	Key      string
	Time     time.Time
	Settings map[string]string
}

// Cadence describes a write that recurs on a schedule.
type Cadence struct {
	Routine bool
	Every   time.Duration // the typical interval
	Since   time.Time     // the first occurrence seen
}

// Reason is "routine: every ~5 min since 14:02".
func (c Cadence) Reason() string {
	return fmt.Sprintf("routine: every ~%s since %s", roughDuration(c.Every), c.Since.UTC().Format("15:04"))
}

// Routine thresholds: a cadence needs routineRuns occurrences before the
// onset over at least routineSpan, at intervals within routineJitter of
// their median for routineRegular of them.
const (
	routineRuns    = 3
	routineSpan    = 10 * time.Minute
	routineJitter  = 0.5
	routineRegular = 0.75
	routineMax     = 6 * time.Hour
)

// Routine learns from the trail's own history which writes are routine:
// the same caller making the same call on the same resource on a cadence
// before the onset, while the metric stayed at its baseline (agents
// checking in, automation creating things on a schedule). An occurrence
// is routine when its key is, it keeps the cadence (not an extra call
// between two beats) and it sets nothing to a value other than the one the
// earlier occurrences always set (a bot that always sets desiredCount 3
// and now sets 0 made a change). The result is parallel to writes.
func Routine(writes []Write, onset time.Time) []Cadence {
	out := make([]Cadence, len(writes))
	groups := map[string][]int{}
	for i, w := range writes {
		groups[w.Key] = append(groups[w.Key], i)
	}
	for _, idx := range groups {
		sort.SliceStable(idx, func(a, b int) bool { return writes[idx[a]].Time.Before(writes[idx[b]].Time) })
		var before []time.Time
		for _, i := range idx {
			if writes[i].Time.Before(onset) {
				before = append(before, writes[i].Time)
			}
		}
		every, ok := cadence(before)
		if !ok {
			continue
		}
		var beat time.Time // the last routine occurrence
		for n, i := range idx {
			if !beat.IsZero() && writes[i].Time.Sub(beat) < time.Duration(float64(every)*routineJitter) {
				continue // an extra call between beats
			}
			if deviates(writes, idx[:n], i) {
				continue
			}
			out[i], beat = Cadence{Routine: true, Every: every, Since: writes[idx[0]].Time}, writes[i].Time
		}
	}
	return out
}

// cadence is the typical interval of times when they recur regularly.
func cadence(times []time.Time) (time.Duration, bool) {
	if len(times) < routineRuns || times[len(times)-1].Sub(times[0]) < routineSpan {
		return 0, false
	}
	gaps := make([]time.Duration, 0, len(times)-1)
	for i := 1; i < len(times); i++ {
		gaps = append(gaps, times[i].Sub(times[i-1]))
	}
	sorted := slices.Clone(gaps)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	if median <= 0 || median > routineMax {
		return 0, false
	}
	regular := 0
	for _, g := range gaps {
		if d := float64(g - median); d <= routineJitter*float64(median) && -d <= routineJitter*float64(median) {
			regular++
		}
	}
	return median, float64(regular) >= routineRegular*float64(len(gaps))
}

// deviates reports whether write i sets a setting to another value than
// the single one all earlier writes of its key set it to.
func deviates(writes []Write, earlier []int, i int) bool {
	for k, v := range writes[i].Settings {
		usual, seen := "", false
		constant := true
		for _, j := range earlier {
			ev, ok := writes[j].Settings[k]
			if !ok {
				continue
			}
			if seen && ev != usual {
				constant = false
				break
			}
			usual, seen = ev, true
		}
		if seen && constant && usual != v {
			return true
		}
	}
	return false
}

// roughDuration prints 5 min, 90 s, 2 h.
func roughDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d.Round(time.Hour)/time.Hour))
}
