package sources

import (
	"context"
	"slices"
	"sort"
	"time"
)

// The trail is followed like a log group (see follower), paced by
// LookupEvents' quota of 2 calls a second, 50 events each. CloudTrail can
// make an event visible minutes after it happened, hence the long sweep.
var trailFollow = followConfig{
	backfill:     10 * time.Minute,
	overlap:      time.Minute,
	busyOverlap:  10 * time.Second, // a minute of a busy account costs too many calls a poll
	sweepOverlap: 15 * time.Minute,
	sweepEvery:   2 * time.Minute,
	sweepMaxSeen: 2000, // 40 calls, a third of the quota between sweeps
	maxLag:       2 * time.Minute,
	pagesPerPoll: 8,
	pollTime:     4 * time.Second,
}

// TrailPager is implemented by trail sources that can return a query one
// page at a time; a TrailFetcher that is not one is read a window per call.
type TrailPager interface {
	// FetchTrailPage returns the page of q that token names ("" for the
	// first) and the next page's token ("" after the last). q.Limit is
	// ignored.
	FetchTrailPage(ctx context.Context, q TrailQuery, token string) ([]TrailEvent, string, error)
}

// TrailTail follows CloudTrail management events. Next (or Poll) is called
// by one poll at a time.
type TrailTail struct {
	f         *follower[TrailEvent]
	writeOnly bool
}

// TrailBatch is what one poll of a TrailTail found.
type TrailBatch struct {
	Events []TrailEvent // not delivered before, oldest first
	TailStatus
	Err error // the window stays unread and is retried next poll
}

// NewTrailTail starts following from a short backfill before the first poll.
func NewTrailTail() *TrailTail { return &TrailTail{} }

// Next returns the events not delivered before, paging until caught up or
// the poll's budget is spent (then Again is set). writeOnly asks for write
// events only; changing it starts the feed afresh.
func (t *TrailTail) Next(ctx context.Context, src TrailFetcher, writeOnly bool, now time.Time) TrailBatch {
	if t.f == nil || t.writeOnly != writeOnly {
		t.f, t.writeOnly = newFollower(&trailFollow, trailKey), writeOnly
	}
	events, err := t.f.poll(ctx, trailPages(src, writeOnly), now)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	b := TrailBatch{Events: events, Err: err}
	b.TailStatus.add(t.f, now)
	return b
}

// Poll is Next with every event and the result as before.
//
// Deprecated: for the feed scheduler to replace with Next.
func (t *TrailTail) Poll(ctx context.Context, src TrailFetcher, now time.Time) ([]TrailEvent, error) {
	b := t.Next(ctx, src, false, now)
	return b.Events, b.Err
}

func trailKey(e TrailEvent) (string, time.Time) {
	if e.ID == "" {
		return e.Time.String() + "\x00" + e.Name + "\x00" + e.JSON, e.Time
	}
	return e.ID, e.Time
}

func trailPages(src TrailFetcher, writeOnly bool) pageFunc[TrailEvent] {
	pager, paged := src.(TrailPager)
	return func(ctx context.Context, start, end time.Time, token string) ([]TrailEvent, string, error) {
		// TrailQuery's End is inclusive; a window's is not.
		q := TrailQuery{Start: start, End: end.Add(-time.Millisecond), WriteOnly: writeOnly}
		var events []TrailEvent
		var next string
		var err error
		if paged {
			events, next, err = pager.FetchTrailPage(ctx, q, token)
		} else {
			events, err = src.FetchTrail(ctx, q)
		}
		if writeOnly { // for readers that cannot filter server-side
			events = slices.DeleteFunc(events, func(e TrailEvent) bool { return e.ReadOnly })
		}
		return events, next, err
	}
}

// BadFile is a trail log file that could not be read as one and is skipped.
type BadFile struct {
	Name  string // e.g. s3://bucket/AWSLogs/…json.gz
	Err   string
	Found time.Time
}

// BadFileReporter is implemented by trail sources that read log files (the
// S3 reader): every file found unreadable so far, each once, for the UI to
// show as a count and a list.
type BadFileReporter interface {
	// BadTrailFiles returns how many files were skipped and the most
	// recent of them (at most a few hundred), oldest first.
	BadTrailFiles() (count int, recent []BadFile)
}
