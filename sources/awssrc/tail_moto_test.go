package awssrc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"watchtrail/feed"
	"watchtrail/sources"
)

// makeGroup creates a log group with the named streams in moto.
func makeGroup(t testing.TB, s *Source, group string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	for _, st := range streams {
		if _, err := s.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(st)}); err != nil {
			t.Fatal(err)
		}
	}
}

// putEvents writes "<stream> <seq>" messages with seq from..from+n-1, all at
// the times at(seq) gives, in batches PutLogEvents accepts. Safe to call
// from any goroutine.
func putEvents(t testing.TB, s *Source, group, stream string, from, n int, at func(seq int) time.Time) {
	t.Helper()
	for done := 0; done < n; {
		batch := min(n-done, 5000)
		events := make([]logtypes.InputLogEvent, batch)
		for i := range events {
			seq := from + done + i
			events[i] = logtypes.InputLogEvent{Message: aws.String(stream + " " + strconv.Itoa(seq)), Timestamp: aws.Int64(at(seq).UnixMilli())}
		}
		if _, err := s.logs.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
			t.Error(err) // not Fatal: writers run in their own goroutine
			return
		}
		done += batch
	}
}

// tally counts deliveries by message and checks the order within each stream.
type tally struct {
	mu    sync.Mutex
	count map[string]int
	last  map[string]int // the last seq delivered, by group and stream
}

func newTally() *tally { return &tally{count: map[string]int{}, last: map[string]int{}} }

func (c *tally) add(t testing.TB, events []sources.LogEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range events {
		c.count[e.Group+" "+e.Message]++
		stream, seqText, _ := strings.Cut(e.Message, " ")
		seq, _ := strconv.Atoi(seqText)
		key := e.Group + " " + stream
		if last, ok := c.last[key]; ok && seq < last {
			t.Errorf("%s: %d delivered after %d", key, seq, last)
		}
		c.last[key] = seq
	}
}

// check wants every "<stream> <seq>" of want (group → stream → count) once.
func (c *tally) check(t testing.TB, want map[string]map[string]int) {
	t.Helper()
	lost, dup, total := 0, 0, 0
	for group, streams := range want {
		for stream, n := range streams {
			for seq := range n {
				total++
				switch got := c.count[group+" "+stream+" "+strconv.Itoa(seq)]; {
				case got == 0:
					lost++
				case got > 1:
					dup++
				}
			}
		}
	}
	if lost > 0 || dup > 0 || len(c.count) != total {
		t.Fatalf("of %d events %d lost, %d duplicated (%d distinct delivered)", total, lost, dup, len(c.count))
	}
}

// follow polls until caught up with nothing more to wait for, at most limit
// long and 10,000 polls.
func follow(t testing.TB, tail *feed.LogTail, s *Source, groups []string, c *tally, done func() bool, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for range 10000 {
		writing := !done()
		b := tail.Next(context.Background(), s, groups, time.Now())
		if b.Err != nil || len(b.Problems) > 0 {
			t.Fatalf("poll: %v %+v", b.Err, b.Problems)
		}
		c.add(t, b.Events)
		if !writing && !b.Again {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not caught up after %v: %+v", limit, b.TailStatus)
		}
		if !b.Again {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// Issue 11 item 1: moto returns one stream after another; the tail loses and
// repeats nothing, with a writer putting events while it runs.
func TestMotoTailLosesNothingAcrossStreamsWhileWritten(t *testing.T) {
	s, _ := motoSource(t)
	group := "/watchtrail/" + unique(t, "tail")
	streams := []string{"s0", "s1", "s2", "s3"}
	makeGroup(t, s, group, streams...)
	const perStream, batches = 5000, 10 // 20,000 events
	tail := feed.NewLogTail("")
	c := newTally()

	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := false
	wg.Add(1)
	go func() { // a steady writer: a batch per stream every 200 ms
		defer wg.Done()
		per := perStream / batches
		for b := range batches {
			for _, st := range streams {
				start := time.Now()
				putEvents(t, s, group, st, b*per, per, func(seq int) time.Time {
					return start.Add(time.Duration(seq-b*per) * 10 * time.Microsecond) // 100 an ms
				})
			}
			time.Sleep(200 * time.Millisecond)
		}
		mu.Lock()
		finished = true
		mu.Unlock()
	}()
	follow(t, tail, s, []string{group}, c, func() bool { mu.Lock(); defer mu.Unlock(); return finished }, 2*time.Minute)
	wg.Wait()
	want := map[string]int{}
	for _, st := range streams {
		want[st] = perStream
	}
	c.check(t, map[string]map[string]int{group: want})
}

// A burst of more events in one millisecond than a page holds (10,000).
func TestMotoTailBurstInOneMillisecond(t *testing.T) {
	s, _ := motoSource(t)
	group := "/watchtrail/" + unique(t, "burst")
	makeGroup(t, s, group, "a", "b")
	at := time.Now().Add(-time.Second)
	putEvents(t, s, group, "a", 0, 7000, func(int) time.Time { return at })
	putEvents(t, s, group, "b", 0, 7000, func(int) time.Time { return at })
	c := newTally()
	follow(t, feed.NewLogTail(""), s, []string{group}, c, func() bool { return true }, time.Minute)
	c.check(t, map[string]map[string]int{group: {"a": 7000, "b": 7000}})
}

// 50 groups at once, under the one FilterLogEvents token bucket.
func TestMotoTailFiftyGroups(t *testing.T) {
	s, calls := motoSource(t)
	var groups []string
	want := map[string]map[string]int{}
	prefix := "/watchtrail/" + unique(t, "fifty")
	for i := range 50 {
		g := fmt.Sprintf("%s/%02d", prefix, i)
		makeGroup(t, s, g, "s")
		putEvents(t, s, g, "s", 0, 100, func(seq int) time.Time { return time.Now().Add(-time.Minute + time.Duration(seq)*time.Millisecond) })
		groups = append(groups, g)
		want[g] = map[string]int{"s": 100}
	}
	tail := feed.NewLogTail("")
	c := newTally()
	start := time.Now()
	follow(t, tail, s, groups, c, func() bool { return true }, time.Minute)
	c.check(t, want)
	calls.mu.Lock()
	n := calls.calls["FilterLogEvents"]
	calls.mu.Unlock()
	if n < len(groups) {
		t.Fatalf("%d FilterLogEvents calls for %d groups", n, len(groups))
	}
	t.Logf("%d groups caught up with %d calls in %v", len(groups), n, time.Since(start).Round(time.Millisecond))
}
