package feed

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"time"

	"watchtrail/sources"
)

// Backfill reads the events of log groups in [Start, End) and hands them
// over in time order, each once. Where a group holds more than a couple of
// pages, its range is cut into time slices read at once: the source's token
// bucket (5 FilterLogEvents calls a second) paces them, so a slow endpoint
// (a second a call to scan a big group) is no longer read at one call a
// second. Slices are handed over as soon as every earlier one is read, and
// no more than about MaxBuffered events are held.
type Backfill struct {
	Groups     []string
	Pattern    string
	Start, End time.Time
	// Workers is how many calls are in flight at once (default 8: at
	// 800 ms a call, the quota is used by 4).
	Workers int
	// MaxBuffered bounds the events read but not yet handed over (default
	// 50,000); the slice the output waits for is read regardless.
	MaxBuffered int
}

const (
	backfillWorkers  = 8
	backfillBuffered = 50000
	// A slice whose first page says it holds at least splitPages pages is
	// cut into slices of about sliceFill of a page each (see split).
	splitPages = 2.5
	sliceFill  = 0.7
	maxDepth   = 2 // a slice of a slice of a slice is only paginated
)

// slice is the part [start, end) (Unix ms) of one target's range.
type slice struct {
	start, end int64
	depth      int
	token      string
	pages      int
	events     []sources.LogEvent
	seen       map[uint64]struct{} // IDs read, once a second page came
	busy, done bool
}

type backfillTarget struct {
	target
	slices []*slice           // not handed over yet, in time order
	ready  []sources.LogEvent // of the done slices at the front, in time order
	end    int64              // the range's end
	fetch  pageFunc[sources.LogEvent]
}

// through is how far the target is read without gaps (Unix ms).
func (t *backfillTarget) through() int64 {
	if len(t.slices) == 0 {
		return t.end
	}
	return t.slices[0].start
}

type pageResult struct {
	tg     *backfillTarget
	sl     *slice
	events []sources.LogEvent
	next   string
	err    error
}

// Run reads the backfill, calling emit with each run of events that is
// final, in time order (events of one millisecond in the groups' order).
// On an error it returns it, naming the group, after emitting what came
// before it in time.
func (b Backfill) Run(ctx context.Context, src sources.LogFetcher, emit func([]sources.LogEvent) error) error {
	if len(b.Groups) == 0 {
		return sources.ErrNoLogGroups
	}
	workers := cmp.Or(max(b.Workers, 0), backfillWorkers)
	limit := cmp.Or(max(b.MaxBuffered, 0), backfillBuffered)
	start, end := b.Start.UnixMilli(), b.End.UnixMilli()
	if end <= start {
		return nil
	}
	var tgs []*backfillTarget
	for _, tg := range targets(src, b.Groups) {
		tgs = append(tgs, &backfillTarget{target: tg, end: end,
			slices: []*slice{{start: start, end: end}}, fetch: logPages(tg.src, tg.group, b.Pattern)})
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs, results := make(chan pageResult), make(chan pageResult)
	for range workers {
		go func() {
			for j := range jobs {
				j.events, j.next, j.err = j.tg.fetch(ctx, time.UnixMilli(j.sl.start), time.UnixMilli(j.sl.end), j.sl.token)
				select {
				case results <- j:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	defer close(jobs)

	buffered, inFlight := 0, 0
	for {
		frontier := end
		for _, tg := range tgs {
			frontier = min(frontier, tg.through())
		}
		if err := emitBefore(tgs, frontier, emit, &buffered); err != nil {
			return err
		}
		for inFlight < workers {
			tg, sl := nextSlice(tgs)
			if sl == nil || buffered >= limit && sl.start > frontier {
				break
			}
			sl.busy = true
			inFlight++
			select {
			case jobs <- pageResult{tg: tg, sl: sl}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if inFlight == 0 {
			return nil // every slice is read and handed over
		}
		var r pageResult
		select {
		case r = <-results:
		case <-ctx.Done():
			return ctx.Err()
		}
		inFlight--
		r.sl.busy = false
		if r.err != nil {
			return &GroupError{Group: r.tg.group, Err: r.err}
		}
		buffered += r.tg.took(r.sl, r.events, r.next, 2*workers)
	}
}

// GroupError is the failure to read one log group, in one line.
type GroupError struct {
	Group string
	Err   error
}

func (e *GroupError) Error() string { return "log group " + e.Group + ": " + sources.Summary(e.Err) }
func (e *GroupError) Unwrap() error { return e.Err }

// took records a page of sl: the slice is cut into smaller ones when the
// page says it holds several pages more, else the page is kept and the next
// one asked for, or the slice is done. It returns the events added.
func (t *backfillTarget) took(sl *slice, events []sources.LogEvent, next string, most int) int {
	more := next != "" && next != sl.token
	if more && sl.pages == 0 {
		if parts := sl.split(events, most); len(parts) > 1 {
			i := slices.Index(t.slices, sl)
			t.slices = slices.Replace(t.slices, i, i+1, parts...)
			return 0
		}
	}
	added := sl.keep(events)
	sl.pages++
	if more {
		sl.token = next
		return added
	}
	sl.done = true
	sort.SliceStable(sl.events, func(i, j int) bool { return sl.events[i].Time.Before(sl.events[j].Time) })
	for len(t.slices) > 0 && t.slices[0].done {
		t.ready = append(t.ready, t.slices[0].events...)
		t.slices[0] = nil
		t.slices = t.slices[1:]
	}
	return added
}

// keep adds the page's events of the slice's own range not read before.
// Another slice reads those outside it.
func (sl *slice) keep(events []sources.LogEvent) int {
	if sl.pages == 1 { // from the second page on, a server may repeat events
		sl.seen = make(map[uint64]struct{}, len(sl.events))
		for _, e := range sl.events {
			id, _ := logKey(e)
			sl.seen[hashID(id)] = struct{}{}
		}
	}
	added := 0
	for _, e := range events {
		if ms := e.Time.UnixMilli(); ms < sl.start || ms >= sl.end {
			continue
		}
		if sl.seen != nil {
			id, _ := logKey(e)
			h := hashID(id)
			if _, dup := sl.seen[h]; dup {
				continue
			}
			sl.seen[h] = struct{}{}
		}
		sl.events = append(sl.events, e)
		added++
	}
	return added
}

// split cuts sl into slices of about sliceFill of a page, judging from its
// first page how much time a page covers: the page reaches from sl.start to
// its latest event. At most most slices are made; the rest of sl is left as
// one more, cut in turn when its own first page comes. No cut (nil) when sl
// holds few pages, the page was empty, or sl is a millisecond wide.
func (sl *slice) split(page []sources.LogEvent, most int) []*slice {
	if len(page) == 0 || sl.depth >= maxDepth || sl.end-sl.start < 2 {
		return nil
	}
	latest := sl.start
	for _, e := range page {
		latest = max(latest, min(e.Time.UnixMilli(), sl.end-1))
	}
	covered := latest - sl.start + 1
	if float64(sl.end-sl.start) < splitPages*float64(covered) {
		return nil
	}
	width := max(1, int64(float64(covered)*sliceFill))
	var parts []*slice
	for a := sl.start; a < sl.end; a += width {
		if len(parts) == most {
			parts = append(parts, &slice{start: a, end: sl.end, depth: sl.depth})
			break
		}
		parts = append(parts, &slice{start: a, end: min(a+width, sl.end), depth: sl.depth + 1})
	}
	return parts
}

// nextSlice is the earliest slice waiting for a page, of any target.
func nextSlice(tgs []*backfillTarget) (*backfillTarget, *slice) {
	var best *slice
	var owner *backfillTarget
	for _, tg := range tgs {
		for _, sl := range tg.slices {
			if !sl.busy && !sl.done {
				if best == nil || sl.start < best.start {
					best, owner = sl, tg
				}
				break
			}
		}
	}
	return owner, best
}

// emitBefore hands over every ready event before frontier (Unix ms), merged
// across the targets in time order.
func emitBefore(tgs []*backfillTarget, frontier int64, emit func([]sources.LogEvent) error, buffered *int) error {
	var out []sources.LogEvent
	for _, tg := range tgs {
		n := sort.Search(len(tg.ready), func(i int) bool { return tg.ready[i].Time.UnixMilli() >= frontier })
		out = append(out, tg.ready[:n]...)
		if n == len(tg.ready) {
			tg.ready = nil // let the handed-over events go
		} else {
			tg.ready = tg.ready[n:]
		}
	}
	if len(out) == 0 {
		return nil
	}
	*buffered -= len(out)
	if len(tgs) > 1 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	}
	return emit(out)
}
