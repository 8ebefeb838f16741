// Package feed keeps the dashboard's data coming: the log and CloudTrail
// tails (follow, backfill), the metrics' cadence and API budget, and the cost
// of polling.
package feed

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"

	"watchtrail/sources"
)

// Log groups are polled by following windows (see follower). CloudWatch Logs
// allows 5 FilterLogEvents calls a second per account and region, shared by
// every group (the AWS source enforces it with one token bucket), and a page
// holds up to 10,000 events or 1 MB.
var logFollow = followConfig{
	backfill:     10 * time.Minute,
	overlap:      3 * time.Second, // ingestion delay of a normal event
	busyOverlap:  3 * time.Second,
	sweepOverlap: time.Minute, // agents that batch, clock skew
	sweepEvery:   20 * time.Second,
	sweepMaxSeen: 20000, // about two pages: above that the sweep costs too much quota
	maxLag:       30 * time.Second,
	pagesPerPoll: 5,
	pollTime:     2 * time.Second,
}

const (
	tailWorkers     = 8 // groups polled at once; the source's token bucket paces them
	groupBackoff    = 2 * time.Second
	maxGroupBackoff = 2 * time.Minute
	// followCallsPerSecond bounds a caught-up tail's calls to a source, all
	// groups together: under the 5 a second FilterLogEvents quota, so that
	// the account's other clients keep room. One group is polled up to this
	// often (cw's 4 Hz), n groups share it.
	followCallsPerSecond = 4
	// A group with nothing new for quietAfter polls in a row is quiet: it is
	// polled every second (every (n-2)/2 s with n > 4 groups, so quiet
	// groups take at most about half the quota), the busy ones share the rest.
	quietAfter = 4
	quietPoll  = time.Second
	// On throttling the tail at once polls maxSlowdown times slower at
	// most, doubling with each throttled poll, and halves that again after
	// each slowdownEase without throttling.
	maxSlowdown  = 8
	slowdownEase = 10 * time.Second
	// dueSlack: a group due a hair after the caller's poll is polled now.
	// A caller polling on fixed slots (the dashboard, every 250 ms) takes
	// its clock a little after each slot, by varying amounts: without the
	// slack, a group paced to 250 ms would wait a second slot about half
	// the time.
	dueSlack = 25 * time.Millisecond
	// logCallsPerSecond is the FilterLogEvents quota the AWS source paces
	// every call to: what a tail paging through news may use.
	logCallsPerSecond = 5
)

// LogTail follows log groups. Next is called by one poll at a time.
type LogTail struct {
	Pattern string

	groups map[string]*groupTail
	from   time.Time          // see ResumeAt
	recent []sources.LogEvent // see ResumeAt

	slowdown  int       // the pace is this many times slower: throttled (0 means 1)
	throttled time.Time // when a poll was last throttled, or the slowdown last eased
}

// ResumeAt has groups the tail starts following go on from from (where a
// backfill ended) rather than a short backfill of their own; recent are
// the events already handed out in the minute before from, which the tail
// re-reads (late arrivals) and does not deliver again.
func (t *LogTail) ResumeAt(from time.Time, recent []sources.LogEvent) {
	t.from, t.recent = from, recent
}

type groupTail struct {
	*follower[sources.LogEvent]
	target
	lastErr  error
	quiet    int       // polls in a row that found nothing
	nextPoll time.Time // not polled before: backing off after an error, or quiet
	polledAt time.Time
}

// target is one log group of one source: with a Multi, each member's group
// is followed on its own, so one failing account does not stall the others.
type target struct {
	label, group string // label: the Multi member's, "" for a single source
	src          sources.LogFetcher
}

func (tg target) key() string { return tg.label + "\x00" + tg.group }

// targets pairs every group with every member of a Multi source, or with src.
func targets(src sources.LogFetcher, groups []string) []target {
	multi, ok := src.(interface{ Members() []sources.Member })
	if !ok {
		out := make([]target, len(groups))
		for i, g := range groups {
			out[i] = target{group: g, src: src}
		}
		return out
	}
	var out []target
	for _, mb := range multi.Members() {
		for _, g := range groups {
			out = append(out, target{label: mb.Label, group: g, src: mb.Source})
		}
	}
	return out
}

// LogBatch is what one poll of a LogTail found.
type LogBatch struct {
	Events []sources.LogEvent // not delivered before, oldest first
	sources.TailStatus
	Problems []sources.GroupProblem // by group name
	// Err is set when no group could be read: ErrNoLogGroups, or the first
	// failing group's error when every group polled failed.
	Err error
}

// NewLogTail makes a tail; each group starts with a short backfill.
func NewLogTail(pattern string) *LogTail {
	return &LogTail{Pattern: pattern, groups: map[string]*groupTail{}}
}

// Next polls the groups that are due (several at once; with a Multi source,
// each member's groups apart) and returns the events not delivered before.
// A group waits its turn when it is backing off after an error, caught up or
// quiet. Next starts no group after 2 s: those not reached go first next
// time, and Again is set. A group left out is forgotten: given again, it
// starts afresh.
func (t *LogTail) Next(ctx context.Context, src sources.LogFetcher, groups []string, now time.Time) LogBatch {
	if len(groups) == 0 {
		return LogBatch{Err: sources.ErrNoLogGroups}
	}
	all := targets(src, groups)
	t.keepOnly(all)
	var due []*groupTail
	for _, tg := range all {
		gt := t.groups[tg.key()]
		if gt == nil {
			gt = &groupTail{follower: newFollower(&logFollow, logKey), target: tg}
			if !t.from.IsZero() {
				gt.resume(t.from, t.recent)
			}
			t.groups[tg.key()] = gt
		}
		gt.src = tg.src
		if !now.Before(gt.nextPoll.Add(-dueSlack)) {
			due = append(due, gt)
		}
	}

	// Least recently polled first, so that groups a poll did not reach
	// before its time was up go first next time.
	sort.SliceStable(due, func(a, b int) bool { return due[a].polledAt.Before(due[b].polledAt) })
	p := t.pace(all, len(groups))
	found := make([][]sources.LogEvent, len(due))
	polled := make([]bool, len(due))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(tailWorkers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				found[i] = due[i].pollGroup(ctx, t.Pattern, now, p)
			}
		}()
	}
	began := time.Now()
	var b LogBatch
	for i := range due {
		if time.Since(began) > logFollow.pollTime {
			b.Again = true // the rest wait for the next poll
			break
		}
		work <- i
		polled[i] = true
	}
	close(work)
	wg.Wait()

	tried, failed, throttled := 0, 0, false
	for i, gt := range due {
		b.Events = append(b.Events, found[i]...)
		if polled[i] {
			tried++
			if gt.lastErr != nil {
				failed++
				throttled = throttled || sources.Classify(gt.lastErr) == sources.ProblemThrottled
			}
		}
	}
	for _, tg := range all {
		gt := t.groups[tg.key()]
		addStatus(&b.TailStatus, gt, gt.lastErr != nil, now)
		if gt.lastErr != nil {
			b.Problems = append(b.Problems, sources.GroupProblem{Source: tg.label, Group: tg.group, Err: gt.lastErr, Failures: gt.failures, RetryAt: gt.nextPoll})
			if b.Err == nil && failed == tried && tried > 0 {
				b.Err = gt.lastErr
			}
		}
	}
	t.ease(throttled, now)
	sort.SliceStable(b.Problems, func(i, j int) bool { return b.Problems[i].Group < b.Problems[j].Group })
	sort.SliceStable(b.Events, func(i, j int) bool { return b.Events[i].Time.Before(b.Events[j].Time) })
	return b
}

// resume starts the group's follower at from, with its events in recent
// taken as delivered.
func (gt *groupTail) resume(from time.Time, recent []sources.LogEvent) {
	gt.head, gt.lastSweep = from, from
	for _, e := range recent {
		if e.Group == gt.group {
			id, at := logKey(e)
			gt.seen[hashID(id)] = at.UnixMilli()
		}
	}
}

// Due is when the next group is due to be polled: the zero time before the
// first poll.
func (t *LogTail) Due() time.Time {
	var due time.Time
	for _, gt := range t.groups {
		if due.IsZero() || gt.nextPoll.Before(due) {
			due = gt.nextPoll
		}
	}
	return due
}

func (t *LogTail) keepOnly(all []target) {
	if len(t.groups) == 0 {
		return
	}
	want := make(map[string]bool, len(all))
	for _, tg := range all {
		want[tg.key()] = true
	}
	for k := range t.groups {
		if !want[k] {
			delete(t.groups, k)
		}
	}
}

// quietInterval is how often each of n groups with nothing new is polled
// once it has been quiet a while: every second while that leaves room,
// every (n-2)/2 s with many groups, so that together they take about half
// the quota at most.
func quietInterval(n int) time.Duration {
	return max(quietPoll, time.Duration(n-2)*time.Second/2)
}

// LogCallsPerDay is the FilterLogEvents calls the tail's pacing makes in a
// day for n groups: quiet, each polled every quietInterval; at most, while
// groups have news to page through, the whole quota, which one token bucket
// holds them to however many there are.
func LogCallsPerDay(n int) (quiet, most float64) {
	if n == 0 {
		return 0, 0
	}
	day := 24 * time.Hour
	return float64(n) * day.Seconds() / quietInterval(n).Seconds(), logCallsPerSecond * day.Seconds()
}

// pace is how long caught-up groups wait before their next poll: those with
// news, and those without (quiet).
type pace struct{ busy, quiet time.Duration }

// pace shares followCallsPerSecond among a source's n groups (with a Multi,
// each member paces its own: all holds n groups a member): quiet groups
// every second, or every (n-2)/2 s when there are many, the busy ones
// evenly in the rest, at most followCallsPerSecond times a second. All
// slower while throttled.
func (t *LogTail) pace(all []target, n int) pace {
	quiet := 0
	for _, tg := range all {
		if t.groups[tg.key()].quiet > quietAfter {
			quiet++
		}
	}
	quiet = quiet * n / len(all) // a member's share
	busy := n - quiet
	quietEvery := quietInterval(n)
	left := followCallsPerSecond - float64(quiet)*float64(time.Second)/float64(quietEvery) // calls a second
	busyEvery := time.Second / followCallsPerSecond
	if busy > 0 {
		busyEvery = max(busyEvery, time.Duration(float64(busy)/left*float64(time.Second)))
	}
	slow := time.Duration(max(1, t.slowdown))
	return pace{busy: busyEvery * slow, quiet: max(quietEvery, busyEvery) * slow}
}

// ease slows the pace down at once when a poll was throttled, and back up
// gradually after.
func (t *LogTail) ease(throttled bool, now time.Time) {
	if throttled {
		t.slowdown, t.throttled = min(maxSlowdown, max(1, t.slowdown)*2), now
		return
	}
	if t.slowdown > 1 && now.Sub(t.throttled) >= slowdownEase {
		t.slowdown, t.throttled = t.slowdown/2, now
	}
}

// pollGroup polls one group and sets when it is due again: at once while a
// window is read in part, after the busy groups' share of the quota when
// caught up with news or not quiet for long, the quiet groups' when quiet,
// and backing off after errors.
func (gt *groupTail) pollGroup(ctx context.Context, pattern string, now time.Time, p pace) []sources.LogEvent {
	events, err := gt.poll(ctx, logPages(gt.src, gt.group, pattern), now)
	gt.lastErr, gt.polledAt = err, now
	switch {
	case err != nil && gt.failures > 0:
		gt.quiet, gt.nextPoll = 0, now.Add(min(groupBackoff<<min(gt.failures-1, 10), maxGroupBackoff))
	case gt.reading():
		gt.quiet, gt.nextPoll = 0, time.Time{}
	case len(events) > 0:
		gt.quiet, gt.nextPoll = 0, now.Add(p.busy)
	default:
		gt.quiet++
		gt.nextPoll = now.Add(p.busy)
		if gt.quiet > quietAfter {
			gt.nextPoll = now.Add(p.quiet)
		}
	}
	return events
}

func logKey(e sources.LogEvent) (string, time.Time) {
	if e.ID == "" { // sources without IDs: the event itself identifies it
		return e.Stream + "\x00" + e.Time.String() + "\x00" + e.Message, e.Time
	}
	return e.ID, e.Time
}

func logPages(src sources.LogFetcher, group, pattern string) pageFunc[sources.LogEvent] {
	pager, paged := src.(sources.LogPager)
	return func(ctx context.Context, start, end time.Time, token string) ([]sources.LogEvent, string, error) {
		q := sources.LogQuery{Group: group, Pattern: pattern, Start: start, End: end}
		if paged {
			return pager.FetchLogPage(ctx, q, token)
		}
		q.Limit = math.MaxInt // the whole window
		events, err := src.FetchLogs(ctx, q)
		return events, "", err
	}
}

// AutoLogGroups picks the log groups to tail when none are configured: those
// AWS writes for the alarms' resources (see RelatedLogGroups), firing alarms'
// first, most recent change first, at most limit of them. The rest are
// returned apart, for the UI to offer on demand.
func AutoLogGroups(alarms []sources.Alarm, limit int) (chosen, rest []string) {
	// Only the alarms with groups are sorted: the same order as sorting all
	// (the sort is stable), at a fraction of the cost with 10,000 alarms.
	var related []sources.Alarm
	for _, a := range alarms {
		if len(sources.RelatedLogGroups(a, nil)) > 0 {
			related = append(related, a)
		}
	}
	sources.SortAlarms(related)
	var all []string
	seen := map[string]bool{}
	for _, a := range related {
		for _, g := range sources.RelatedLogGroups(a, nil) {
			if !seen[g] {
				seen[g] = true
				all = append(all, g)
			}
		}
	}
	if len(all) <= limit {
		return all, nil
	}
	return all[:limit:limit], all[limit:]
}
