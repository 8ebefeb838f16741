package feed

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"watchtrail/sources"
)

// A follower keeps one query stream (a log group, the CloudTrail feed) caught
// up by polling windows [start, end) page by page. Correctness does not
// depend on the order the server returns items in: a window counts as read
// only when its last page is, and items are deduplicated by ID. A window that
// takes more than one poll is resumed with its page token, so items sharing
// one millisecond never stall it.
//
// Each new window starts a short overlap before the end of the last one, to
// catch items that became queryable late; every sweepEvery a longer overlap
// is re-read, unless the stream is too busy for that to be cheap.
type follower[T any] struct {
	cfg *followConfig
	key func(T) (string, time.Time)

	head       time.Time // every item before head that will ever be found has been read
	win        *window   // the window being read, nil when caught up
	lastSweep  time.Time
	seen       map[uint64]int64 // delivered IDs' hashes, with their items' Unix milliseconds
	sampledAt  time.Time        // when part of a window was last skipped
	skippedLag time.Duration    // how far behind it was then
	failures   int              // consecutive failed polls
}

type window struct {
	start, end time.Time
	token      string
}

type followConfig struct {
	backfill     time.Duration // the first window reaches back this far
	overlap      time.Duration // every window re-reads this much before the last one's end
	busyOverlap  time.Duration // or this much, while more than sweepMaxSeen items were seen recently
	sweepOverlap time.Duration // and every sweepEvery, this much
	sweepEvery   time.Duration
	sweepMaxSeen int           // no sweep while more items than this were seen within sweepOverlap
	maxLag       time.Duration // behind by more than this: skip ahead (sampling)
	pagesPerPoll int           // a poll reads at most this many pages
	pollTime     time.Duration // and starts no page after this long
}

// pageFunc fetches one page of the window [start, end): its items and the
// token of the next page ("" when this was the last).
type pageFunc[T any] func(ctx context.Context, start, end time.Time, token string) ([]T, string, error)

// samplingShown is how long after skipping a follower still reports sampling.
const samplingShown = time.Minute

// tokenRetries: after this many failures in a row a window restarts from its
// first page, in case the saved token is what fails.
const tokenRetries = 3

func newFollower[T any](cfg *followConfig, key func(T) (string, time.Time)) *follower[T] {
	return &follower[T]{cfg: cfg, key: key, seen: map[uint64]int64{}}
}

// poll reads pages until the stream is caught up or the poll's budget is
// spent, and returns the items not delivered before. On an error it returns
// what it read before it; the window is kept, so the next poll fills the gap.
func (f *follower[T]) poll(ctx context.Context, fetch pageFunc[T], now time.Time) ([]T, error) {
	var fresh []T
	began := time.Now()
	for page := 0; page < f.cfg.pagesPerPoll && time.Since(began) < f.cfg.pollTime; page++ {
		if f.win == nil {
			if !f.head.Before(now) {
				break
			}
			f.open(now) // the last window ended before now: go on with the next
		}
		items, next, err := fetch(ctx, f.win.start, f.win.end, f.win.token)
		if err != nil {
			if ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
				f.failures++
			}
			if f.failures >= tokenRetries {
				f.win.token = ""
			}
			return fresh, err
		}
		f.failures = 0
		for _, it := range items {
			id, at := f.key(it)
			h := hashID(id)
			if _, dup := f.seen[h]; !dup {
				f.seen[h] = at.UnixMilli()
				fresh = append(fresh, it)
			}
		}
		if next == "" || next == f.win.token { // a repeated token (some emulators) ends the window too
			f.head, f.win = f.win.end, nil
			f.forget()
			continue
		}
		f.win.token = next
	}
	if f.win != nil && now.Sub(f.win.end) > f.cfg.maxLag {
		// Reading this window took too long for the quota to keep up: leave
		// the rest of it unread.
		f.skippedLag = now.Sub(f.head)
		f.head, f.win, f.sampledAt = now, nil, now
	}
	return fresh, nil
}

// open starts the window up to now.
func (f *follower[T]) open(now time.Time) {
	if f.head.IsZero() {
		f.head, f.lastSweep = now.Add(-f.cfg.backfill), now
		f.win = &window{start: f.head, end: now}
		return
	}
	quiet := len(f.seen) <= f.cfg.sweepMaxSeen
	start := f.head.Add(-f.cfg.busyOverlap)
	if quiet {
		start = f.head.Add(-f.cfg.overlap)
	}
	if quiet && now.Sub(f.lastSweep) >= f.cfg.sweepEvery && !f.sampling(now) {
		start, f.lastSweep = f.head.Add(-f.cfg.sweepOverlap), now
	}
	f.win = &window{start: start, end: now}
}

// forget drops the IDs no later window can return again.
func (f *follower[T]) forget() {
	cutoff := f.head.Add(-max(f.cfg.overlap, f.cfg.sweepOverlap)).UnixMilli()
	for h, at := range f.seen {
		if at < cutoff {
			delete(f.seen, h)
		}
	}
}

// behind is how much of the stream before now is unread while a window is
// read in part (0 otherwise), or while sampling how far behind the tail was
// when it last skipped, if that was more.
func (f *follower[T]) behind(now time.Time) time.Duration {
	var unread time.Duration
	if f.win != nil {
		unread = max(now.Sub(f.head), 0)
	}
	if f.sampling(now) {
		return max(unread, f.skippedLag)
	}
	return unread
}

func (f *follower[T]) sampling(now time.Time) bool {
	return !f.sampledAt.IsZero() && now.Sub(f.sampledAt) < samplingShown
}

// hashID keeps the dedupe set small: 8 bytes an item whatever the ID's length.
func hashID(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// reading reports a window read in part: the next poll should come at once.
func (f *follower[T]) reading() bool { return f.win != nil }

// addStatus counts one follower in; one whose last poll failed asks for no
// immediate poll (it waits for its retry) and is not counted behind: it is
// reported as a problem instead.
func addStatus(s *sources.TailStatus, f interface {
	behind(time.Time) time.Duration
	sampling(time.Time) bool
	reading() bool
}, failed bool, now time.Time) {
	if !failed {
		s.Behind = max(s.Behind, f.behind(now))
	}
	s.Again = s.Again || f.reading() && !failed
	s.Sampling = s.Sampling || f.sampling(now)
}
