package feed

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"watchtrail/sources"
)

// logStore is an in-memory set of log groups that pages like FilterLogEvents
// without interleaving: one stream after another, as moto does. The tail
// calls it from several goroutines at once.
type logStore struct {
	mu       sync.Mutex
	events   []sources.LogEvent
	pageSize int
	failing  map[string]bool
	calls    map[string]int // by group
}

func (s *logStore) FetchLogs(context.Context, sources.LogQuery) ([]sources.LogEvent, error) {
	panic("the tail must page")
}

func (s *logStore) FetchLogPage(_ context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[q.Group]++
	if s.failing[q.Group] {
		return nil, "", errors.New("ResourceNotFoundException: " + q.Group)
	}
	var match []sources.LogEvent
	for _, e := range s.events {
		if e.Group == q.Group && !e.Time.Before(q.Start) && e.Time.Before(q.End) {
			match = append(match, e)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].Stream < match[j].Stream })
	page, next := pageOf(match, token, s.pageSize)
	return page, next, nil
}

// pageOf is the page of items that token (an offset; "" for 0) names, and
// the next page's token.
func pageOf[T any](items []T, token string, size int) ([]T, string) {
	from, _ := strconv.Atoi(token)
	to := min(from+size, len(items))
	if to < len(items) {
		return items[from:to], strconv.Itoa(to)
	}
	return items[from:to], ""
}

func (s *logStore) put(group, stream string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, sources.LogEvent{ID: fmt.Sprintf("%s-%d", group, len(s.events)), Group: group, Stream: stream, Time: at})
}

// drain polls until the tail is caught up, at most 1,000 times.
func drain(t *testing.T, tail *LogTail, src sources.LogFetcher, groups []string, now time.Time, delivered map[string]int) LogBatch {
	t.Helper()
	for range 1000 {
		b := tail.Next(context.Background(), src, groups, now)
		for i, e := range b.Events {
			delivered[e.ID]++
			if i > 0 && e.Time.Before(b.Events[i-1].Time) {
				t.Fatalf("events out of order at %d", i)
			}
		}
		if !b.Again {
			return b
		}
	}
	t.Fatal("the tail never caught up")
	return LogBatch{}
}

var base = time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)

func TestLogTailDeliversEachEventOnceAcrossUnorderedPages(t *testing.T) {
	store := &logStore{pageSize: 7}
	tail := NewLogTail("")
	groups := []string{"/a", "/b"}
	delivered := map[string]int{}
	for step := range 60 {
		now := base.Add(time.Duration(step) * time.Second)
		for i := range 20 {
			store.put(groups[i%2], "s"+strconv.Itoa(i%4), now.Add(-time.Duration(i)*time.Millisecond))
		}
		if step%5 == 0 {
			store.put("/a", "late", now.Add(-40*time.Second)) // ingested late: the sweep finds it
			store.put("/b", "late", now.Add(-2*time.Second))  // within the overlap
		}
		drain(t, tail, store, groups, now, delivered)
	}
	drain(t, tail, store, groups, base.Add(3*time.Minute), delivered)
	for _, e := range store.events {
		if delivered[e.ID] != 1 {
			t.Fatalf("event %+v delivered %d times", e, delivered[e.ID])
		}
	}
}

func TestLogTailNeverStallsOnABurstInOneMillisecond(t *testing.T) {
	store := &logStore{pageSize: 100}
	for i := range 2500 {
		store.put("/a", "s"+strconv.Itoa(i%3), base.Add(-time.Second))
	}
	tail := NewLogTail("")
	delivered := map[string]int{}
	b := drain(t, tail, store, []string{"/a"}, base, delivered)
	if len(delivered) != 2500 || b.Behind != 0 || b.Sampling {
		t.Fatalf("delivered %d of 2500, status %+v", len(delivered), b.TailStatus)
	}
}

func TestLogTailAFailingGroupDoesNotStallTheOthers(t *testing.T) {
	store := &logStore{pageSize: 100, failing: map[string]bool{"/gone": true}}
	tail := NewLogTail("")
	groups := []string{"/a", "/gone"}
	store.put("/a", "s", base.Add(-time.Second))
	b := tail.Next(context.Background(), store, groups, base)
	if len(b.Events) != 1 || b.Err != nil || len(b.Problems) != 1 || b.Problems[0].Group != "/gone" {
		t.Fatalf("got %+v: want /a's event and /gone as the one problem", b)
	}
	if !b.Problems[0].RetryAt.After(base) {
		t.Fatalf("the failing group is not backed off: %+v", b.Problems[0])
	}
	store.put("/a", "s", base.Add(500*time.Millisecond))
	b = tail.Next(context.Background(), store, groups, base.Add(time.Second))
	if len(b.Events) != 1 || store.calls["/gone"] != 1 || len(b.Problems) != 1 {
		t.Fatalf("second poll: %+v after %v calls; want /a polled alone and /gone still reported", b, store.calls)
	}
	store.failing = nil
	store.put("/gone", "s", base.Add(time.Second))
	b = tail.Next(context.Background(), store, groups, base.Add(time.Minute))
	if len(b.Problems) != 0 || len(b.Events) != 1 || b.Events[0].Group != "/gone" {
		t.Fatalf("after recovery: %+v", b)
	}

	store.failing = map[string]bool{"/a": true, "/gone": true}
	b = tail.Next(context.Background(), store, groups, base.Add(2*time.Minute))
	if b.Err == nil {
		t.Fatal("every group failed and Err is unset")
	}
	if b := tail.Next(context.Background(), store, nil, base); !errors.Is(b.Err, sources.ErrNoLogGroups) {
		t.Fatalf("no groups: %v", b.Err)
	}
}

func TestLogTailPollsQuietGroupsLessOften(t *testing.T) {
	store := &logStore{pageSize: 100}
	tail := NewLogTail("")
	groups := []string{"/busy", "/quiet"}
	delivered := map[string]int{}
	arrived := map[string]time.Time{}
	for step := range 240 { // 60 s, polled every 250 ms
		now := base.Add(time.Duration(step) * time.Second / 4)
		store.put("/busy", "s", now.Add(-time.Millisecond))
		if step == 160 {
			store.put("/quiet", "s", now.Add(-time.Millisecond))
		}
		for _, e := range tail.Next(context.Background(), store, groups, now).Events {
			if delivered[e.ID]++; e.Group == "/quiet" {
				arrived[e.ID] = now
			}
		}
	}
	for _, e := range tail.Next(context.Background(), store, groups, base.Add(61*time.Second)).Events {
		delivered[e.ID]++
	}
	// Two groups share 4 calls a second: the quiet one every second, the
	// busy one in the 3 left (every 333 ms: every other 250 ms poll).
	if store.calls["/busy"] < 110 || store.calls["/quiet"] > 70 || store.calls["/busy"]+store.calls["/quiet"] > 4*60 {
		t.Fatalf("calls %v in 60 s: want /busy every other poll, /quiet once a second", store.calls)
	}
	for id, at := range arrived {
		if wait := at.Sub(base.Add(40 * time.Second)); wait > quietPoll {
			t.Fatalf("%s of the quiet group delivered after %v", id, wait)
		}
	}
	if len(delivered) != len(store.events) || len(arrived) != 1 {
		t.Fatalf("delivered %d of %d", len(delivered), len(store.events))
	}
}

func TestLogTailPacesOneGroupAt4HzAndManyUnder4CallsASecond(t *testing.T) {
	for _, n := range []int{1, 3, 8, 20} {
		store := &logStore{pageSize: 100}
		tail := NewLogTail("")
		var groups []string
		for i := range n {
			groups = append(groups, fmt.Sprintf("/g%d", i))
		}
		for step := range 400 { // 20 s, polled every 50 ms; the first group busy
			now := base.Add(time.Duration(step) * 50 * time.Millisecond)
			if step%4 == 0 {
				store.put("/g0", "s", now.Add(-time.Millisecond))
			}
			tail.Next(context.Background(), store, groups, now)
		}
		total := 0
		for _, c := range store.calls {
			total += c
		}
		if total > 4*20+n || n == 1 && total < 4*20-1 {
			t.Errorf("%d groups: %d calls in 20 s, want at most 4 a second (one group: 4 a second)", n, total)
		}
		if n <= 4 && store.calls["/g1"] < 19 && n > 1 {
			t.Errorf("%d groups: a quiet group polled %d times in 20 s, want once a second", n, store.calls["/g1"])
		}
	}
}

func TestLogTailSlowsDownAtOnceWhenThrottled(t *testing.T) {
	store := &logStore{pageSize: 100, failing: map[string]bool{}}
	throttled := &throttledStore{logStore: store}
	tail := NewLogTail("")
	poll := func(from, steps int) int {
		before := store.calls["/g"]
		for step := from; step < from+steps; step++ {
			now := base.Add(time.Duration(step) * 50 * time.Millisecond)
			store.put("/g", "s", now.Add(-time.Millisecond))
			tail.Next(context.Background(), throttled, []string{"/g"}, now)
		}
		return store.calls["/g"] - before
	}
	normal := poll(0, 200) // 10 s
	throttled.on = true
	poll(200, 60) // throttled for 3 s; the group backs off and retries
	throttled.on = false
	after := poll(260, 200) // the next 10 s
	if normal < 39 || after > normal/2 {
		t.Fatalf("%d calls in 10 s before throttling, %d in the 10 s after: want at most half", normal, after)
	}
	poll(460, 1200) // a minute
	if eased := poll(1660, 200); eased < normal-1 {
		t.Fatalf("%d calls in 10 s a minute later, %d before the throttling: want the pace back up", eased, normal)
	}
}

// throttledStore answers with throttling while on.
type throttledStore struct {
	*logStore
	on bool
}

func (s *throttledStore) FetchLogPage(ctx context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	if s.on {
		s.mu.Lock()
		s.calls[q.Group]++
		s.mu.Unlock()
		return nil, "", &sources.Error{Problem: sources.ProblemThrottled, Err: errors.New("ThrottlingException: Rate exceeded")}
	}
	return s.logStore.FetchLogPage(ctx, q, token)
}

func TestLogTailReportsBehindAndSamplesWhenItCannotKeepUp(t *testing.T) {
	store := &logStore{pageSize: 10}
	tail := NewLogTail("")
	var last LogBatch
	again := false
	delivered := map[string]int{}
	for step := range 120 {
		now := base.Add(time.Duration(step) * time.Second)
		for range 100 { // 100 a second; the tail reads 50 a poll
			store.put("/busy", "s", now.Add(-time.Millisecond))
		}
		last = tail.Next(context.Background(), store, []string{"/busy"}, now)
		again = again || last.Again
		for _, e := range last.Events {
			delivered[e.ID]++
		}
	}
	if !last.Sampling || last.Behind <= 0 || !again {
		t.Fatalf("status %+v (asked to poll again: %v): want behind, sampling, poll again", last.TailStatus, again)
	}
	for id, n := range delivered {
		if n != 1 {
			t.Fatalf("%s delivered %d times", id, n)
		}
	}
}

func TestLogTailReadsWindowsFromPlainFetchers(t *testing.T) {
	store := &logStore{pageSize: 1 << 30}
	store.put("/a", "s", base.Add(-time.Second))
	b := NewLogTail("").Next(context.Background(), windowOnly{store}, []string{"/a"}, base)
	if len(b.Events) != 1 || b.Again {
		t.Fatalf("got %+v", b)
	}
}

// windowOnly hides logStore's pages: a LogFetcher that is not a LogPager.
type windowOnly struct{ s *logStore }

func (w windowOnly) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	events, _, err := w.s.FetchLogPage(ctx, q, "")
	return events, err
}

func TestAutoLogGroupsFiringFirstAndCapped(t *testing.T) {
	fn := func(name string, state sources.AlarmState, changed int) sources.Alarm {
		return sources.Alarm{Name: name, State: state, StateChanged: base.Add(time.Duration(changed) * time.Minute),
			Metric: sources.MetricSpec{Dims: []sources.Dimension{{Name: "FunctionName", Value: name}}}}
	}
	alarms := []sources.Alarm{fn("ok1", sources.StateOK, 9), fn("fire-old", sources.StateAlarm, 1), fn("fire-new", sources.StateAlarm, 5), fn("ok1", sources.StateOK, 2), {Name: "ec2"}}
	chosen, rest := AutoLogGroups(alarms, 2)
	want := []string{"/aws/lambda/fire-new", "/aws/lambda/fire-old"}
	if fmt.Sprint(chosen) != fmt.Sprint(want) || fmt.Sprint(rest) != "[/aws/lambda/ok1]" {
		t.Fatalf("chosen %v rest %v", chosen, rest)
	}
}

// trailStore pages newest first, like LookupEvents.
type trailStore struct {
	events   []sources.TrailEvent
	pageSize int
	queries  []sources.TrailQuery
}

func (s *trailStore) FetchTrail(context.Context, sources.TrailQuery) ([]sources.TrailEvent, error) {
	panic("the tail must page")
}

func (s *trailStore) FetchTrailPage(_ context.Context, q sources.TrailQuery, token string) ([]sources.TrailEvent, string, error) {
	s.queries = append(s.queries, q)
	var match []sources.TrailEvent
	for _, e := range s.events {
		if !e.Time.Before(q.Start) && !e.Time.After(q.End) && (!q.WriteOnly || !e.ReadOnly) {
			match = append(match, e)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].Time.After(match[j].Time) })
	page, next := pageOf(match, token, s.pageSize)
	return page, next, nil
}

func TestTrailTailPagesUntilCaughtUpWithoutGaps(t *testing.T) {
	store := &trailStore{pageSize: 50}
	tail := NewTrailTail()
	delivered := map[string]int{}
	put := func(at time.Time, readOnly bool) {
		store.events = append(store.events, sources.TrailEvent{ID: fmt.Sprint(len(store.events)), Time: at, ReadOnly: readOnly})
	}
	for step := range 41 {
		now := base.Add(time.Duration(step) * 15 * time.Second)
		switch {
		case step < 20: // quiet: a few events, some made visible 5 minutes late
			put(now.Add(-time.Second), false)
			put(now.Add(-5*time.Minute), true)
		case step < 40: // busy: 20 a second, more than a poll's pages
			for i := range 300 {
				put(now.Add(-time.Duration(i)*10*time.Millisecond), i%2 == 0)
			}
		} // and a last poll with nothing new reads up to the last events
		for range 100 {
			b := tail.Next(context.Background(), store, sources.TrailQuery{}, now)
			if b.Err != nil {
				t.Fatal(b.Err)
			}
			for _, e := range b.Events {
				delivered[e.ID]++
			}
			if !b.Again {
				break
			}
		}
	}
	for _, e := range store.events {
		if delivered[e.ID] != 1 {
			t.Fatalf("event %s at %v delivered %d times", e.ID, e.Time.Sub(base), delivered[e.ID])
		}
	}

	b := tail.Next(context.Background(), store, sources.TrailQuery{WriteOnly: true}, base.Add(time.Hour))
	for _, e := range b.Events {
		if e.ReadOnly {
			t.Fatalf("write-only feed returned a read event %+v", e)
		}
	}
	if q := store.queries[len(store.queries)-1]; !q.WriteOnly {
		t.Fatalf("write-only not asked of the source: %+v", q)
	}
}

// slowStore answers every call after a delay.
type slowStore struct {
	logStore
	delay time.Duration
}

func (s *slowStore) FetchLogPage(ctx context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	time.Sleep(s.delay)
	return s.logStore.FetchLogPage(ctx, q, token)
}

func TestLogTailBoundsAPollAndReachesEveryGroupInTurn(t *testing.T) {
	store := &slowStore{logStore: logStore{pageSize: 100}, delay: 300 * time.Millisecond}
	var groups []string
	for i := range 80 { // 80 × 300 ms over 8 workers: more than a poll's 2 s
		groups = append(groups, fmt.Sprintf("/g%02d", i))
	}
	tail := NewLogTail("")
	b := tail.Next(context.Background(), store, groups, base)
	if !b.Again || len(store.calls) == len(groups) {
		t.Fatalf("first poll reached %d of %d groups, Again %v: want a bounded poll that asks for more", len(store.calls), len(groups), b.Again)
	}
	for range 5 {
		if !b.Again {
			break
		}
		b = tail.Next(context.Background(), store, groups, base)
	}
	if len(store.calls) != len(groups) || b.Again {
		t.Fatalf("after polling again %d of %d groups were read (Again %v)", len(store.calls), len(groups), b.Again)
	}
}

// member is a Multi member whose logs and trail come from the stores above;
// nothing else of Source is called.
type member struct {
	sources.Source
	logs  *logStore
	trail *trailStore
	down  bool
}

func (m member) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	return m.logs.FetchLogs(ctx, q)
}

func (m member) FetchLogPage(ctx context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	return m.logs.FetchLogPage(ctx, q, token)
}

func (m member) FetchTrailPage(ctx context.Context, q sources.TrailQuery, token string) ([]sources.TrailEvent, string, error) {
	if m.down {
		return nil, "", errors.New("ExpiredTokenException")
	}
	return m.trail.FetchTrailPage(ctx, q, token)
}

func TestTailsFollowEachMultiMemberApart(t *testing.T) {
	up := member{logs: &logStore{pageSize: 10}, trail: &trailStore{pageSize: 10}}
	down := member{logs: &logStore{pageSize: 10, failing: map[string]bool{"/app": true}}, trail: &trailStore{pageSize: 10}, down: true}
	multi, err := sources.NewMulti(sources.Member{Label: "prod", Source: up}, sources.Member{Label: "dev", Source: down})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		up.logs.put("/app", "s", base.Add(-time.Duration(i+1)*time.Second))
		up.trail.events = append(up.trail.events, sources.TrailEvent{ID: fmt.Sprint(i), Time: base.Add(-time.Duration(i+1) * time.Second)})
	}
	delivered := map[string]int{}
	b := drain(t, NewLogTail(""), multi, []string{"/app"}, base, delivered)
	if len(delivered) != 25 || b.Err != nil || len(b.Problems) != 1 || b.Problems[0].Source != "dev" || b.Problems[0].Group != "/app" {
		t.Fatalf("logs: %d of 25 delivered, %v, problems %+v; want prod's all and dev's group as the problem", len(delivered), b.Err, b.Problems)
	}
	tail := NewTrailTail()
	var events []sources.TrailEvent
	var tb TrailBatch
	for range 10 {
		tb = tail.Next(context.Background(), multi, sources.TrailQuery{}, base)
		events = append(events, tb.Events...)
		if !tb.Again {
			break
		}
	}
	if len(events) != 25 || tb.Err != nil || len(tb.Problems) != 1 || tb.Problems[0].Source != "dev" {
		t.Fatalf("trail: %d of 25 events, %v, problems %+v; want prod's all and dev as the problem", len(events), tb.Err, tb.Problems)
	}
}
