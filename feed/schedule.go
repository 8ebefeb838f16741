package feed

import (
	"time"

	"watchtrail/sources"
)

// MetricSchedule decides which metrics a refresh should request, so each is
// asked for once per period: a 5-minute basic metric at most every 5
// minutes, a 1-minute metric every minute. GetMetricData is billed per
// metric requested, and a window whose newest closed period has not moved
// holds nothing new. Not safe for concurrent use.
type MetricSchedule struct {
	// Settle is how long after a period closes its datapoint is awaited
	// before the period is requested (CloudWatch publishes with a delay).
	Settle  time.Duration
	fetched map[string]time.Time // scheduleKey → window end last requested
}

// scheduleKey is a spec's schedule entry: the same metric at two periods
// is two. key is spec.Key(), passed in where the caller has it already.
func scheduleKey(key string, spec sources.MetricSpec) string {
	return key + "@" + spec.WithDefaults().Period.String()
}

// NewMetricSchedule makes a schedule that waits settle after each period.
func NewMetricSchedule(settle time.Duration) *MetricSchedule {
	return &MetricSchedule{Settle: settle, fetched: map[string]time.Time{}}
}

// WindowEnd is the end of spec's newest settled period at now: requests
// end there, so the same end means the same answer.
func (s *MetricSchedule) WindowEnd(spec sources.MetricSpec, now time.Time) time.Time {
	return now.Add(-s.Settle).Truncate(spec.WithDefaults().Period)
}

// Due returns the specs whose window end moved since they were last
// fetched (or that never were), in the order given.
func (s *MetricSchedule) Due(specs []sources.MetricSpec, now time.Time) []sources.MetricSpec {
	var due []sources.MetricSpec
	for _, spec := range specs {
		last, ok := s.fetched[scheduleKey(spec.Key(), spec)]
		if !ok || s.WindowEnd(spec, now).After(last) {
			due = append(due, spec)
		}
	}
	return due
}

// Fetched records that specs were requested at now. A failed request is
// not recorded, so its specs stay due.
func (s *MetricSchedule) Fetched(specs []sources.MetricSpec, now time.Time) {
	for _, spec := range specs {
		s.fetched[scheduleKey(spec.Key(), spec)] = s.WindowEnd(spec, now)
	}
}
