package feed

import (
	"time"

	"watchtrail/sources"
)

// Phase is what a feed is doing now.
type Phase int

const (
	PhaseIdle       Phase = iota // waiting for its next slot
	PhasePolling                 // a poll is running
	PhaseStreaming               // the live tail delivers as events arrive
	PhaseBackingOff              // the last poll failed: the next waits longer
)

// State is one feed's phase, schedule and last outcome.
type State struct {
	Phase    Phase
	Failures int
	LastErr  string
	Problem  sources.Problem
	LastOK   time.Time
	Gen      int       // the generation a tick must carry to start a poll
	Anchor   time.Time // the slot the last scheduled poll was due at
	Next     time.Time // the slot of the next poll
	stale    bool      // its inputs changed during a poll, or more is waiting: poll again after it
	Tail     sources.TailStatus
	Problems []sources.GroupProblem // log groups (or Multi members) failing while the others go on
}

// succeeded clears the feed's failures: its data is fresh as of at.
func (f *State) succeeded(at time.Time) {
	f.Failures, f.LastErr, f.Problem, f.LastOK = 0, "", "", at
}

// Delay is how long to wait before the next poll: the refresh interval, doubled
// for each consecutive failure (from a second at least: the logs feed's
// cadence is shorter) up to maxBackoff.
func (f *State) Delay(refresh time.Duration) time.Duration {
	d := refresh
	if f.Failures > 0 {
		d = max(d, time.Second)
	}
	for i := 0; i < f.Failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, max(maxBackoff, refresh))
}
