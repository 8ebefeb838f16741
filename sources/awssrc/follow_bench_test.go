package awssrc

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/feed"
	"watchtrail/internal/motoserver"
)

// Follow latency: one moto group written to at random moments (100–700 ms
// apart for 10 s, 6 s of quiet, 10 s more), followed at once by the tail as
// `watchtrail logs --follow` runs it (Next, then wait until a group is due)
// and by a reference poller asking FilterLogEvents 4 times a second, as cw
// does, each through its own Source (its own token bucket). Latency is from
// PutLogEvents returning to the event's delivery.
//
//	go test ./sources/awssrc -run '^$' -bench FollowLatency -benchtime 1x
func BenchmarkFollowLatency(b *testing.B) {
	for range b.N {
		followLatency(b)
	}
}

func followLatency(b *testing.B) {
	writer, _ := motoSource(b)
	group := "/watchtrail/" + unique(b, "latency")
	makeGroup(b, writer, group, "s")
	cfg := testConfig(b)
	endpoint := motoserver.Shared(b)
	tailSrc, refSrc := New(cfg, endpoint), New(cfg, endpoint)

	var mu sync.Mutex
	written := map[string]time.Time{} // message → when PutLogEvents returned
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	began := time.Now()
	type follower struct {
		got   map[string]time.Time // message → when first delivered
		calls int
	}
	deliver := func(f *follower, messages ...string) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		for _, m := range messages {
			if _, dup := f.got[m]; !dup {
				f.got[m] = now
			}
		}
	}
	// has reports whether f delivered every event written.
	has := func(f *follower) bool {
		for m := range written {
			if _, ok := f.got[m]; !ok {
				return false
			}
		}
		return true
	}
	tail, ref := follower{got: map[string]time.Time{}}, follower{got: map[string]time.Time{}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the writer
		defer wg.Done()
		defer cancel()
		rng := rand.New(rand.NewPCG(1, 2))
		for seq := 0; time.Since(began) < 26*time.Second && seq < 200; seq++ {
			if since := time.Since(began); since > 10*time.Second && since < 16*time.Second {
				time.Sleep(16*time.Second - since) // quiet
			}
			time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
			putEvents(b, writer, group, "s", seq, 1, func(int) time.Time { return time.Now() })
			mu.Lock()
			written["s "+strconv.Itoa(seq)] = time.Now()
			mu.Unlock()
		}
		// The last events' polls; one ingested late waits for a sweep.
		for wait := time.Now(); time.Since(wait) < 25*time.Second; time.Sleep(100 * time.Millisecond) {
			mu.Lock()
			all := has(&tail) && has(&ref)
			mu.Unlock()
			if all {
				break
			}
		}
	}()

	wg.Add(2)
	go func() { // watchtrail's tail, as `logs --follow` runs it
		defer wg.Done()
		t := feed.NewLogTail("")
		t.ResumeAt(began, nil)
		for ctx.Err() == nil {
			batch := t.Next(ctx, tailSrc, []string{group}, time.Now())
			var msgs []string
			for _, e := range batch.Events {
				msgs = append(msgs, e.Message)
			}
			deliver(&tail, msgs...)
			wait := time.Until(t.Due())
			if batch.Again {
				wait = 0
			}
			select {
			case <-ctx.Done():
			case <-time.After(max(wait, 10*time.Millisecond)):
			}
		}
	}()
	go func() { // the reference: FilterLogEvents every 250 ms from the last event seen
		defer wg.Done()
		seen := map[string]bool{}
		from := began.UnixMilli()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			out, err := refSrc.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
				LogGroupName: aws.String(group), StartTime: aws.Int64(from)})
			ref.calls++
			if err == nil {
				var msgs []string
				for _, e := range out.Events {
					if id := aws.ToString(e.EventId); !seen[id] {
						seen[id] = true
						msgs = append(msgs, aws.ToString(e.Message))
						from = max(from, aws.ToInt64(e.Timestamp))
					}
				}
				deliver(&ref, msgs...)
			}
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()
	wg.Wait()

	took := time.Since(began).Seconds()
	for _, f := range []struct {
		name string
		*follower
	}{{"tail", &tail}, {"4hz", &ref}} {
		var latencies []time.Duration
		for m, at := range written {
			got, ok := f.got[m]
			if !ok {
				b.Fatalf("%s did not deliver %q, written %v after the start", f.name, m, at.Sub(began))
			}
			latencies = append(latencies, max(0, got.Sub(at)))
		}
		slices.Sort(latencies)
		b.ReportMetric(latencies[len(latencies)/2].Seconds(), f.name+"-p50-s")
		b.ReportMetric(latencies[len(latencies)*95/100].Seconds(), f.name+"-p95-s")
	}
	b.ReportMetric(float64(ref.calls)/took, "4hz-calls/s")
	b.ReportMetric(0, "ns/op")
}
