package awssrc

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/feed"
	"watchtrail/sources"
)

// Reading a backlog of 20,000 events over 4 streams from moto: the tail
// (under the 5 calls/s token bucket) side by side with the bare SDK
// paginator (no bucket) over the same window.
//
//	go test ./sources/awssrc -run '^$' -bench 'LogTail|LookupEvents' -benchtime 3x
func BenchmarkLogTailDrain(b *testing.B) {
	s, _ := motoSource(b)
	group := "/watchtrail/" + unique(b, "drain")
	makeGroup(b, s, group, "s0", "s1", "s2", "s3")
	start := time.Now().Add(-5 * time.Minute)
	const perStream = 5000
	for _, st := range []string{"s0", "s1", "s2", "s3"} {
		putEvents(b, s, group, st, 0, perStream, func(seq int) time.Time { return start.Add(time.Duration(seq) * 10 * time.Millisecond) })
	}
	end := time.Now()
	report := func(b *testing.B, read int) {
		b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(0, "ns/op")
	}

	b.Run("tail", func(b *testing.B) {
		read := 0
		for range b.N {
			tail := feed.NewLogTail("")
			for range 100 {
				batch := tail.Next(context.Background(), s, []string{group}, end)
				if batch.Err != nil {
					b.Fatal(batch.Err)
				}
				read += len(batch.Events)
				if !batch.Again {
					break
				}
			}
		}
		if read != b.N*4*perStream {
			b.Fatalf("read %d events, want %d", read, b.N*4*perStream)
		}
		report(b, read)
	})
	b.Run("sdk-paginator", func(b *testing.B) {
		read := 0
		for range b.N {
			p := cloudwatchlogs.NewFilterLogEventsPaginator(s.logs, &cloudwatchlogs.FilterLogEventsInput{
				LogGroupName: aws.String(group), StartTime: aws.Int64(start.Add(-time.Second).UnixMilli()), EndTime: aws.Int64(end.UnixMilli())})
			for pages := 0; p.HasMorePages() && pages < 100; pages++ {
				out, err := p.NextPage(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				read += len(out.Events)
			}
		}
		if read != b.N*4*perStream {
			b.Fatalf("read %d events, want %d", read, b.N*4*perStream)
		}
		report(b, read)
	})
}

// Following groups that moto is written to at a steady rate for 10 s: the
// tail's delivered rate and how far behind it was at the end. rate is the
// events per second per group.
func BenchmarkLogTailKeepsUp(b *testing.B) {
	for _, c := range []struct{ groups, rate int }{{1, 2000}, {5, 2000}} {
		b.Run(fmt.Sprintf("%dx%d/s", c.groups, c.rate), func(b *testing.B) {
			for range b.N {
				keepUp(b, c.groups, c.rate, 10*time.Second)
			}
		})
	}
}

func keepUp(b *testing.B, groups, rate int, span time.Duration) {
	s, _ := motoSource(b)
	var names []string
	for i := range groups {
		g := fmt.Sprintf("/watchtrail/%s/%d", unique(b, "keepup"), i)
		makeGroup(b, s, g, "s")
		names = append(names, g)
	}
	var written atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	const tick = 100 * time.Millisecond
	for _, g := range names {
		wg.Add(1)
		go func() { // a batch every tick, for span
			defer wg.Done()
			per := rate * int(tick) / int(time.Second)
			for i := 0; time.Since(began) < span && i < int(span/tick); i++ {
				at := time.Now()
				putEvents(b, s, g, "s", i*per, per, func(int) time.Time { return at })
				written.Add(int64(per))
				time.Sleep(time.Until(began.Add(time.Duration(i+1) * tick)))
			}
		}()
	}
	tail := feed.NewLogTail("")
	read, worst := 0, time.Duration(0)
	var latencies []time.Duration // from an event's timestamp to its delivery
	for polls := 0; polls < 100000 && time.Since(began) < span+30*time.Second; polls++ {
		polled := time.Now()
		batch := tail.Next(context.Background(), s, names, polled)
		if batch.Err != nil {
			b.Fatal(batch.Err)
		}
		for _, e := range batch.Events {
			latencies = append(latencies, time.Since(e.Time))
		}
		read += len(batch.Events)
		worst = max(worst, batch.Behind)
		if time.Since(began) > span && !batch.Again && int64(read) >= written.Load() {
			break
		}
		if !batch.Again { // the scheduler's log cadence
			time.Sleep(time.Until(polled.Add(time.Second / 4)))
		}
	}
	wg.Wait()
	slices.Sort(latencies)
	b.ReportMetric(float64(written.Load())/span.Seconds(), "written/s")
	b.ReportMetric(float64(written.Load()-int64(read)), "unread")
	b.ReportMetric(worst.Seconds(), "max-behind-s")
	if len(latencies) > 0 {
		b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50-latency-s")
		b.ReportMetric(latencies[len(latencies)*99/100].Seconds(), "p99-latency-s")
	}
	b.ReportMetric(0, "ns/op")
}

// LookupEvents pacing: the trail tail reads a backlog of 1,000 events in
// 50-event pages from an httptest server speaking LookupEvents; the calls
// are spaced by the Source's 2 calls/s bucket.
func BenchmarkLookupEventsPacing(b *testing.B) {
	const total, page = 1000, 50
	now := time.Now().Truncate(time.Second)
	var calls atomic.Int64
	s, _ := fakeTrail(b, func(r lookupRequest) (int, any) {
		calls.Add(1)
		var match []map[string]any // newest first
		for i := range total {
			at := now.Add(-time.Duration(i+1) * 100 * time.Millisecond)
			if t := float64(at.UnixMilli()) / 1000; t >= r.StartTime && t <= r.EndTime {
				match = append(match, event(strconv.Itoa(i), at, "PutObject", nil))
			}
		}
		from, _ := strconv.Atoi(r.NextToken)
		out := map[string]any{"Events": match[min(from, len(match)):min(from+page, len(match))]}
		if from+page < len(match) {
			out["NextToken"] = strconv.Itoa(from + page)
		}
		return http.StatusOK, out
	})
	read := 0
	start := time.Now()
	for range b.N {
		tail := feed.NewTrailTail()
		for range 1000 {
			batch := tail.Next(context.Background(), s, sources.TrailQuery{}, now)
			if batch.Err != nil {
				b.Fatal(batch.Err)
			}
			read += len(batch.Events)
			if !batch.Again {
				break
			}
		}
	}
	took := time.Since(start).Seconds()
	if read != b.N*total {
		b.Fatalf("read %d events, want %d", read, b.N*total)
	}
	b.ReportMetric(float64(calls.Load())/took, "calls/s")
	b.ReportMetric(float64(read)/took, "events/s")
	b.ReportMetric(0, "ns/op")
}
