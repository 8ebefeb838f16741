package sources

import (
	"context"
	"fmt"
)

// LogContexter is optionally implemented by a Source that can read the
// lines around one log event in its own stream.
type LogContexter interface {
	// LogContext returns up to before events preceding e in e's stream, e
	// itself and up to after events following it, oldest first.
	LogContext(ctx context.Context, e LogEvent, before, after int) ([]LogEvent, error)
}

// Around finds e in stream (one stream's events, oldest first) and returns
// it with up to before events ahead of it and after events behind it. e is
// found by ID when both have one, else by time and message.
func Around(stream []LogEvent, e LogEvent, before, after int) ([]LogEvent, error) {
	for i, s := range stream {
		same := s.ID != "" && e.ID != "" && s.ID == e.ID
		if s.ID == "" || e.ID == "" {
			same = s.Time.Equal(e.Time) && s.Message == e.Message
		}
		if same {
			return stream[max(i-before, 0):min(i+after+1, len(stream))], nil
		}
	}
	return nil, fmt.Errorf("log event at %s is no longer in stream %q of %s", e.Time.UTC().Format("15:04:05.000"), e.Stream, e.Group)
}
