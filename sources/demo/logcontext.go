package demo

import (
	"context"
	"time"

	"watchtrail/sources"
)

var _ sources.LogContexter = (*Source)(nil)

// contextWindow is how far around the event the demo looks for its
// neighbours: every demo stream writes a line at least every few seconds.
const contextWindow = 10 * time.Minute

// LogContext returns the lines around e in its stream.
func (s *Source) LogContext(ctx context.Context, e sources.LogEvent, before, after int) ([]sources.LogEvent, error) {
	events, err := s.FetchLogs(ctx, sources.LogQuery{Group: e.Group, Start: e.Time.Add(-contextWindow), End: e.Time.Add(contextWindow)})
	if err != nil {
		return nil, err
	}
	var stream []sources.LogEvent
	for _, ev := range events {
		if ev.Stream == e.Stream {
			stream = append(stream, ev)
		}
	}
	return sources.Around(stream, e, before, after)
}
