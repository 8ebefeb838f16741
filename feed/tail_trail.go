package feed

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"

	"watchtrail/sources"
)

// The trail is followed like a log group (see follower), paced by
// LookupEvents' quota of 2 calls a second, 50 events each. CloudTrail can
// make an event visible minutes after it happened, hence the long sweep.
var trailFollow = followConfig{
	backfill: 25 * time.Minute, // events take minutes to show: the last ten, and the sweep's fifteen

	overlap:      time.Minute,
	busyOverlap:  10 * time.Second, // a minute of a busy account costs too many calls a poll
	sweepOverlap: 15 * time.Minute,
	sweepEvery:   2 * time.Minute,
	sweepMaxSeen: 2000, // 40 calls, a third of the quota between sweeps
	maxLag:       2 * time.Minute,
	pagesPerPoll: 8,
	pollTime:     4 * time.Second,
}

// TrailTail follows CloudTrail events; with a Multi source, each member
// apart, so one failing account does not stall the others. Next is called by
// one poll at a time.
type TrailTail struct {
	filter  sources.TrailQuery
	members map[string]*follower[sources.TrailEvent] // by Multi member label; "" for a single source
}

// TrailBatch is what one poll of a TrailTail found.
type TrailBatch struct {
	Events []sources.TrailEvent // not delivered before, oldest first
	sources.TailStatus
	Problems []sources.GroupProblem // sources whose poll failed (Source set, Group empty); retried next poll
	Err      error                  // the first failure, when every source failed
}

// NewTrailTail starts following from a short backfill before the first poll.
func NewTrailTail() *TrailTail { return &TrailTail{} }

// Next returns the events matching filter (its ResourceName, WriteOnly,
// Lookup, Insights; Start, End and Limit are ignored) not delivered before,
// paging until caught up or the poll's budget is spent (then Again is set).
// A changed filter starts the feed afresh.
func (t *TrailTail) Next(ctx context.Context, src sources.TrailFetcher, filter sources.TrailQuery, now time.Time) TrailBatch {
	filter.Start, filter.End, filter.Limit = time.Time{}, time.Time{}, 0
	if t.members == nil || t.filter != filter {
		t.filter, t.members = filter, map[string]*follower[sources.TrailEvent]{}
	}
	type member struct {
		label string
		src   sources.TrailFetcher
	}
	all := []member{{"", src}}
	if multi, ok := src.(interface{ Members() []sources.Member }); ok {
		all = all[:0]
		for _, mb := range multi.Members() {
			all = append(all, member{mb.Label, mb.Source})
		}
	}
	found := make([][]sources.TrailEvent, len(all))
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, mb := range all {
		f := t.members[mb.label]
		if f == nil {
			f = newFollower(&trailFollow, trailKey)
			t.members[mb.label] = f
		}
		wg.Add(1)
		go func() { // each source paces its own calls
			defer wg.Done()
			found[i], errs[i] = f.poll(ctx, trailPages(mb.src, filter), now)
		}()
	}
	wg.Wait()

	var b TrailBatch
	for i, mb := range all {
		b.Events = append(b.Events, found[i]...)
		f := t.members[mb.label]
		addStatus(&b.TailStatus, f, errs[i] != nil, now)
		if errs[i] != nil {
			b.Problems = append(b.Problems, sources.GroupProblem{Source: mb.label, Err: errs[i], Failures: f.failures})
		}
	}
	if len(b.Problems) == len(all) {
		b.Err = b.Problems[0].Err
	}
	sort.SliceStable(b.Events, func(i, j int) bool { return b.Events[i].Time.Before(b.Events[j].Time) })
	return b
}

func trailKey(e sources.TrailEvent) (string, time.Time) {
	if e.ID == "" {
		return e.Time.String() + "\x00" + e.Name + "\x00" + e.JSON, e.Time
	}
	return e.ID, e.Time
}

func trailPages(src sources.TrailFetcher, filter sources.TrailQuery) pageFunc[sources.TrailEvent] {
	pager, paged := src.(sources.TrailPager)
	return func(ctx context.Context, start, end time.Time, token string) ([]sources.TrailEvent, string, error) {
		q := filter
		// TrailQuery's End is inclusive; a window's is not.
		q.Start, q.End = start, end.Add(-time.Millisecond)
		if paged {
			return pager.FetchTrailPage(ctx, q, token)
		}
		q.Limit = math.MaxInt // the whole window
		events, err := src.FetchTrail(ctx, q)
		return events, "", err
	}
}
