package feed

import (
	"cmp"
	"slices"
	"time"

	"watchtrail/sources"
)

// MetricBudget bounds what one poll of the metrics requests, so the calls a
// minute do not grow with the alarms. A GetMetricData call takes at most 500
// queries and returns at most 100,800 datapoints before it pages (each page
// is another call).
type MetricBudget struct {
	Queries    int
	Datapoints int
}

// OneMetricCall is the budget of one GetMetricData call.
var OneMetricCall = MetricBudget{Queries: maxMetricsPerCall, Datapoints: maxDatapointsPerCall}

// Ranks of the metrics Pick requests before the others.
const (
	RankFiring  = iota // the metric of a firing alarm
	RankVisible        // on screen
)

// urgentShare is the part of a budget the ranked metrics may take: the rest
// goes to the longest waiting, so a storm of firing alarms starves nothing.
const urgentShare = 0.75

// Pick chooses the due specs one poll requests within budget, each asking
// for window of data. Ranked specs (urgent: by Key, see RankFiring) come
// first, lowest rank first, within urgentShare of the budget; the rest of
// it goes to the others in the order they became due. A spec requested
// becomes due again only after every spec waiting now, so with M specs,
// nothing ranked and the datapoints to spare, each is requested within
// ceil(M/budget.Queries) polls of coming due.
func (s *MetricSchedule) Pick(due []sources.MetricSpec, window time.Duration, budget MetricBudget, urgent map[string]int) []sources.MetricSpec {
	if len(due) <= budget.Queries && datapoints(due, window) <= budget.Datapoints {
		return due
	}
	type candidate struct {
		spec   sources.MetricSpec
		since  time.Time
		rank   int
		ranked bool
		taken  bool
	}
	waiting := make([]*candidate, len(due))
	for i, spec := range due {
		key := spec.Key()
		rank, ranked := urgent[key]
		waiting[i] = &candidate{spec: spec, since: s.dueSince(key, spec), rank: rank, ranked: ranked}
	}
	slices.SortStableFunc(waiting, func(a, b *candidate) int { return a.since.Compare(b.since) })
	ranked := slices.DeleteFunc(slices.Clone(waiting), func(c *candidate) bool { return !c.ranked })
	slices.SortStableFunc(ranked, func(a, b *candidate) int { return cmp.Compare(a.rank, b.rank) })

	var pick []sources.MetricSpec
	queries, points := 0, 0
	take := func(candidates []*candidate, share float64) {
		maxQueries, maxPoints := int(float64(budget.Queries)*share), int(float64(budget.Datapoints)*share)
		for _, c := range candidates {
			if queries >= maxQueries {
				return
			}
			if p := specPoints(c.spec, window); !c.taken && points+p <= maxPoints {
				c.taken = true
				pick = append(pick, c.spec)
				queries, points = queries+1, points+p
			}
		}
	}
	take(ranked, urgentShare)
	take(waiting, 1)
	return pick
}

// dueSince is when spec (whose Key is key) came due: when the period after
// the last it was requested for closed, the zero time if it never was.
func (s *MetricSchedule) dueSince(key string, spec sources.MetricSpec) time.Time {
	last, ok := s.fetched[scheduleKey(key, spec)]
	if !ok {
		return time.Time{}
	}
	return last.Add(spec.WithDefaults().Period)
}

func datapoints(specs []sources.MetricSpec, window time.Duration) int {
	n := 0
	for _, spec := range specs {
		n += specPoints(spec, window)
	}
	return n
}

// specPoints is the most datapoints a window of spec can hold.
func specPoints(spec sources.MetricSpec, window time.Duration) int {
	return int(window/max(spec.WithDefaults().Period, time.Second)) + 1
}
