package sources

import (
	"context"
	"errors"
	"sort"
	"time"
)

// ErrNoLogGroups means there is nothing to tail yet.
var ErrNoLogGroups = errors.New("no log groups to tail: pass --log-group or add log-group = … to the config file")

// Tailing by polling: each poll asks for [next-overlap, now) and drops events
// already delivered, so events that reach AWS late (ingestion or CloudTrail
// delivery delay) within the overlap are still shown, and never twice.
const (
	logOverlap   = time.Minute
	trailOverlap = 15 * time.Minute // LookupEvents can lag by several minutes
	logBackfill  = 10 * time.Minute
	trailLimit   = 200
	logPollLimit = 2000
)

// seenSet remembers delivered IDs with their event time, forgetting those
// older than the overlap so memory stays bounded.
type seenSet map[string]time.Time

func (s seenSet) add(id string, at time.Time) bool {
	if _, ok := s[id]; ok {
		return false
	}
	s[id] = at
	return true
}

func (s seenSet) forgetBefore(cutoff time.Time) {
	for id, at := range s {
		if at.Before(cutoff) {
			delete(s, id)
		}
	}
}

// LogTail follows one or more log groups. It is used by one poll at a time.
type LogTail struct {
	Groups  []string
	Pattern string
	next    map[string]time.Time // start of each group's next query
	seen    map[string]seenSet
}

// NewLogTail starts tailing groups from a short backfill before now.
func NewLogTail(groups []string, pattern string) *LogTail {
	return &LogTail{Groups: groups, Pattern: pattern, next: map[string]time.Time{}, seen: map[string]seenSet{}}
}

// Poll returns the events not delivered before, oldest first. A group that
// fails keeps its position, so the next poll fills the gap; the other groups'
// events are still returned alongside the first error.
func (t *LogTail) Poll(ctx context.Context, src LogFetcher, now time.Time) ([]LogEvent, error) {
	if len(t.Groups) == 0 {
		return nil, ErrNoLogGroups
	}
	var out []LogEvent
	var firstErr error
	for _, group := range t.Groups {
		events, err := t.pollGroup(ctx, src, group, now)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out = append(out, events...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, firstErr
}

func (t *LogTail) pollGroup(ctx context.Context, src LogFetcher, group string, now time.Time) ([]LogEvent, error) {
	start, ok := t.next[group]
	if !ok {
		start = now.Add(-logBackfill)
	}
	seen := t.seen[group]
	if seen == nil {
		seen = seenSet{}
		t.seen[group] = seen
	}
	events, err := src.FetchLogs(ctx, LogQuery{Group: group, Pattern: t.Pattern, Start: start, End: now, Limit: logPollLimit})
	if err != nil {
		return nil, err
	}
	fresh := events[:0:0]
	for _, e := range events {
		if seen.add(e.ID, e.Time) {
			fresh = append(fresh, e)
		}
	}
	// A full page means there may be more: continue from the last event
	// instead of jumping to now, so nothing in between is skipped.
	t.next[group] = now.Add(-logOverlap)
	if len(events) >= logPollLimit {
		t.next[group] = events[len(events)-1].Time
	}
	seen.forgetBefore(t.next[group].Add(-logOverlap))
	return fresh, nil
}

// TrailTail follows CloudTrail management events.
type TrailTail struct {
	next time.Time
	seen seenSet
}

// NewTrailTail starts following from a short backfill before the first poll.
func NewTrailTail() *TrailTail { return &TrailTail{seen: seenSet{}} }

// Poll returns the events not delivered before, oldest first.
func (t *TrailTail) Poll(ctx context.Context, src TrailFetcher, now time.Time) ([]TrailEvent, error) {
	next := t.next
	if next.IsZero() {
		next = now.Add(-logBackfill)
	}
	events, err := src.FetchTrail(ctx, TrailQuery{Start: next.Add(-trailOverlap), End: now, Limit: trailLimit})
	if err != nil {
		return nil, err
	}
	var fresh []TrailEvent
	for _, e := range events {
		if t.seen.add(e.ID, e.Time) {
			fresh = append(fresh, e)
		}
	}
	t.next = now
	t.seen.forgetBefore(now.Add(-2 * trailOverlap))
	return fresh, nil
}
