package sources

import (
	"sync"
	"time"
)

// CloudTrailLag is how long after an API call its event can still reach
// event history (LookupEvents) or the trail's S3 files: CloudTrail
// delivers within about 15 minutes of the call.
const CloudTrailLag = 15 * time.Minute

// Delivery is what one trail reader has delivered: how late its events can
// arrive, and the newest event time it has delivered so far.
type Delivery struct {
	Reader string        // "LookupEvents", "S3 files", "CloudWatch Logs", "Athena", "change feed"
	Lag    time.Duration // an event can arrive this long after its call
	Newest time.Time     // the newest event it has delivered; zero when none yet
}

// Deliverer is a source whose trail readers say how late they deliver, so
// that triage knows when a window is complete.
type Deliverer interface {
	Deliveries() []Delivery
}

// NewestSeen records the newest event time a reader has delivered; safe
// for concurrent use.
type NewestSeen struct {
	mu     sync.Mutex
	newest time.Time
}

// See notes the events' times.
func (n *NewestSeen) See(events []TrailEvent) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, e := range events {
		if e.Time.After(n.newest) {
			n.newest = e.Time
		}
	}
}

// Newest is the newest event time seen.
func (n *NewestSeen) Newest() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.newest
}
