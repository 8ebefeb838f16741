package feed

import (
	"context"
	"time"

	"watchtrail/sources"
)

// metricSettle is how long after a period closes CloudWatch is given to
// publish its datapoint before the period is fetched.
const metricSettle = time.Minute

// metricFeed fetches the watched metrics, each once per its period when cost
// aware (GetMetricData is billed per metric requested) and at most one
// call's worth a poll however many alarms there are, and keeps the latest
// series of every metric, so each poll still delivers the whole set.
type metricFeed struct {
	specs     []sources.MetricSpec // the feed's inputs
	visible   []string             // keys of the metrics on screen (SetVisibleMetrics)
	specsFrom []sources.Alarm      // the alarms specs were worked out from
	schedule  *MetricSchedule      // nil: every metric every poll
	budget    MetricBudget         // with a schedule, the most a poll requests
	latest    map[string]sources.Series
	inTurn    int // metrics a poll requests while they are refreshed in turn
}

func newMetricFeed(costAware bool) *metricFeed {
	f := &metricFeed{budget: OneMetricCall, latest: map[string]sources.Series{}}
	if costAware {
		f.schedule = NewMetricSchedule(metricSettle)
	}
	return f
}

// fetch requests the metrics that are due at, the urgent ones first when not
// all fit the budget (see MetricSchedule.Pick), and returns the latest series
// of all specs in their order, pending ones empty. Only one fetch runs at a
// time (the feed's).
func (f *metricFeed) fetch(ctx context.Context, src sources.Source, specs []sources.MetricSpec, urgent map[string]int, at time.Time) (sources.MetricsMsg, error) {
	due := specs
	if f.schedule != nil {
		due = f.schedule.Due(specs, at)
		pick := f.schedule.Pick(due, metricWindow, f.budget, urgent)
		switch {
		case len(pick) < len(due):
			f.inTurn = len(pick)
		case len(specs) <= f.budget.Queries:
			f.inTurn = 0
		}
		due = pick
	}
	if len(due) > 0 {
		series, err := src.FetchMetrics(ctx, due, at.Add(-metricWindow), at)
		if err != nil {
			return sources.MetricsMsg{}, err
		}
		for _, s := range series {
			f.latest[s.Spec.Key()] = s
		}
		if f.schedule != nil {
			f.schedule.Fetched(due, at)
		}
	}
	msg := sources.MetricsMsg{Series: make([]sources.Series, 0, len(specs)), At: at, InTurn: f.inTurn}
	for _, spec := range specs {
		s, ok := f.latest[spec.Key()]
		if !ok {
			s = sources.Series{Spec: spec, Pending: true}
		}
		msg.Series = append(msg.Series, s)
	}
	return msg, nil
}
