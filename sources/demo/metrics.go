package demo

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
)

// maxPoints bounds one series.
const maxPoints = 10000

// FetchMetrics returns one Series per spec, in order, for [start, end]
// (never past Now). Unknown metrics get a generic plausible series.
func (s *Source) FetchMetrics(ctx context.Context, specs []sources.MetricSpec, start, end time.Time) ([]sources.Series, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]sources.Series, len(specs))
	for i, spec := range specs {
		out[i] = s.series(spec, start, earlier(end, now), now)
	}
	return out, nil
}

func (s *Source) series(spec sources.MetricSpec, start, end, now time.Time) sources.Series {
	spec = spec.WithDefaults()
	p := profileFor(spec)
	unit := spec.Unit
	if unit == "" {
		unit = p.unit
	}
	out := sources.Series{Spec: spec, Unit: unit}
	if p.noData || end.Before(start) {
		return out
	}
	period := max(spec.Period.Truncate(time.Minute), time.Minute)
	start = later(start, end.Add(-(maxPoints-1)*period)) // a longer window keeps its newest points
	first := time.Unix(floorDiv(start.Unix(), int64(period.Seconds()))*int64(period.Seconds()), 0)
	key := strings.TrimSuffix(spec.Key(), ":"+spec.Stat)
	for b := first; !b.After(end); b = b.Add(period) {
		out.Times = append(out.Times, b)
		out.Values = append(out.Values, s.bucketValue(p, key, spec.Stat, b, period, now))
	}
	return out
}

// bucketValue aggregates the minutes of one period: counts add up under Sum
// and SampleCount, everything else averages.
func (s *Source) bucketValue(p profile, key, stat string, b time.Time, period time.Duration, now time.Time) float64 {
	total, n := 0.0, 0
	for m := b; m.Before(b.Add(period)); m = m.Add(time.Minute) {
		total += s.minuteValue(p, key, stat, m, now)
		n++
	}
	if p.count && (stat == "Sum" || stat == "SampleCount") {
		return total
	}
	return round(total/float64(n), 4)
}

// minuteValue is the statistic for the one-minute bucket starting at m, as
// seen at now (a bucket still filling shows only the incident so far).
func (s *Source) minuteValue(p profile, key, stat string, m, now time.Time) float64 {
	minute := m.Unix() / 60
	v := p.base * (1 + p.daily*daily(m) + p.drift*drift(key, minute) + p.jitter*(2*unit(hash(key, minute))-1))
	v = max(v, 0)
	for _, inc := range []struct {
		w, level float64
		key      string
	}{
		{s.story.weight(m, time.Minute, now), p.incident, "#incident"},
		{s.story.web.weight(m, time.Minute, now), p.webIncident, "#web"},
	} {
		if inc.w > 0 && inc.level > 0 {
			peak := inc.level * (1 + 0.15*(2*unit(hash(key+inc.key, minute))-1))
			v += inc.w * (peak - v)
		}
	}
	if p.count {
		v = math.Round(v)
		if stat != "Sum" && stat != "SampleCount" {
			v /= 60 // loosely: a per-second rate
		}
	} else {
		v *= statScale(stat)
	}
	if p.max > 0 {
		v = min(v, p.max)
	}
	return round(v, 4)
}

// daily swings between -1 and 1 over a UTC day, peaking mid-afternoon.
func daily(t time.Time) float64 {
	h := float64(t.UTC().Hour()) + float64(t.UTC().Minute())/60
	return math.Sin(2 * math.Pi * (h - 9) / 24)
}

// drift is smooth noise in [-1, 1]: cosine-interpolated knots every 20 min.
func drift(key string, minute int64) float64 {
	const span = 20
	k := floorDiv(minute, span)
	a, b := unit(hash(key+"~", k)), unit(hash(key+"~", k+1))
	f := float64(minute-k*span) / span
	f = (1 - math.Cos(f*math.Pi)) / 2
	return 2*(a+(b-a)*f) - 1
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// statScale turns an average into other statistics of a gauge, loosely.
func statScale(stat string) float64 {
	switch stat {
	case "Average", "Sum", "SampleCount", "":
		return 1
	case "Minimum":
		return 0.45
	case "Maximum":
		return 1.9
	}
	if strings.HasPrefix(stat, "p") {
		if pct, err := strconv.ParseFloat(stat[1:], 64); err == nil && pct > 0 && pct <= 100 {
			if pct <= 50 {
				return 0.9 * pct / 50
			}
			x := (pct - 50) / 49
			return 0.9 + 1.6*x*x
		}
	}
	return 1
}

// profileFor finds the metric's profile: the resource's own, else the
// metric's generic one, else a guess from the metric's name.
func profileFor(spec sources.MetricSpec) profile {
	var generic *profile
	for i := range profiles {
		p := &profiles[i]
		if p.namespace != spec.Namespace || p.metric != spec.Metric {
			continue
		}
		if p.resource == "" {
			if generic == nil {
				generic = p
			}
			continue
		}
		for _, d := range spec.Dims {
			if d.Value == p.resource {
				return *p
			}
		}
	}
	if generic != nil {
		return *generic
	}
	return guessProfile(spec)
}

// guessProfile invents a plausible series for a metric the demo doesn't know.
func guessProfile(spec sources.MetricSpec) profile {
	name := strings.ToLower(spec.Metric)
	scale := 0.6 + 0.8*unit(hash(spec.Namespace+"/"+spec.Metric, 0))
	p := profile{unit: sources.GuessUnit(spec.Namespace, spec.Metric), daily: 0.25, drift: 0.15, jitter: 0.08}
	switch {
	case strings.Contains(name, "utilization") || strings.Contains(name, "percent"):
		p.base, p.max = 40*scale, 100
		p.unit = "Percent"
	case strings.Contains(name, "latency") || strings.Contains(name, "duration") || strings.Contains(name, "time"):
		p.base = 120 * scale
	case strings.Contains(name, "error") || strings.Contains(name, "throttl") || strings.Contains(name, "fail") || strings.Contains(name, "5xx"):
		p.count, p.base, p.jitter = true, 1.5*scale, 1.5
	case strings.Contains(name, "count") || strings.Contains(name, "request") || strings.Contains(name, "invocation") || strings.Contains(name, "messages"):
		p.count, p.base = true, 300*scale
	default:
		p.base = 50 * scale
	}
	if p.unit == "" {
		p.unit = "None"
	}
	return p
}
