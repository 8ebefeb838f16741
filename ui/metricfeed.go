package ui

import (
	"context"
	"time"

	"watchtrail/sources"
)

// metricSettle is how long after a period closes CloudWatch is given to
// publish its datapoint before the period is fetched.
const metricSettle = time.Minute

// metricFeed fetches the watched metrics, each once per its period when cost
// aware (GetMetricData is billed per metric requested), and keeps the latest
// series of every metric, so each poll still delivers the whole set.
type metricFeed struct {
	schedule *sources.MetricSchedule // nil: every metric every poll
	latest   map[string]sources.Series
}

func newMetricFeed(costAware bool) *metricFeed {
	f := &metricFeed{latest: map[string]sources.Series{}}
	if costAware {
		f.schedule = sources.NewMetricSchedule(metricSettle)
	}
	return f
}

// fetch requests the metrics that are due at and returns the latest series
// of all specs, in their order. Only one fetch runs at a time (the feed's).
func (f *metricFeed) fetch(ctx context.Context, src sources.Source, specs []sources.MetricSpec, at time.Time) ([]sources.Series, error) {
	due := specs
	if f.schedule != nil {
		due = f.schedule.Due(specs, at)
	}
	if len(due) > 0 {
		series, err := src.FetchMetrics(ctx, due, at.Add(-metricWindow), at)
		if err != nil {
			return nil, err
		}
		for _, s := range series {
			f.latest[s.Spec.Key()] = s
		}
		if f.schedule != nil {
			f.schedule.Fetched(due, at)
		}
	}
	all := make([]sources.Series, 0, len(specs))
	for _, spec := range specs {
		if s, ok := f.latest[spec.Key()]; ok {
			all = append(all, s)
		}
	}
	return all, nil
}
