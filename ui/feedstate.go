package ui

import (
	"time"

	"watchtrail/sources"
)

// feedPhase is what a feed is doing now.
type feedPhase int

const (
	phaseIdle       feedPhase = iota // waiting for its next slot
	phasePolling                     // a poll is running
	phaseStreaming                   // the live tail delivers as events arrive
	phaseBackingOff                  // the last poll failed: the next waits longer
)

// feedState is one feed's phase, schedule and last outcome.
type feedState struct {
	phase    feedPhase
	failures int
	lastErr  string
	problem  sources.Problem
	lastOK   time.Time
	gen      int       // the generation a tick must carry to start a poll
	anchor   time.Time // the slot the last scheduled poll was due at
	next     time.Time // the slot of the next poll
	stale    bool      // its inputs changed during a poll, or more is waiting: poll again after it
	tail     sources.TailStatus
	problems []sources.GroupProblem // log groups (or Multi members) failing while the others go on
}

// succeeded clears the feed's failures: its data is fresh as of at.
func (f *feedState) succeeded(at time.Time) {
	f.failures, f.lastErr, f.problem, f.lastOK = 0, "", "", at
}

// delay is how long to wait before the next poll: the refresh interval, doubled
// for each consecutive failure (from a second at least: the logs feed's
// cadence is shorter) up to maxBackoff.
func (f *feedState) delay(refresh time.Duration) time.Duration {
	d := refresh
	if f.failures > 0 {
		d = max(d, time.Second)
	}
	for i := 0; i < f.failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, max(maxBackoff, refresh))
}
