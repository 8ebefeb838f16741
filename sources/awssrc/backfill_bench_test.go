package awssrc

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/feed"
	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// Reading 100,000 events (4 streams, 50 minutes, events of several streams
// in one millisecond) through a proxy that holds every FilterLogEvents call
// 800 ms, as AWS can when it scans a big group: the sliced backfill side by
// side with the SDK's serial paginator, in one run.
//
//	go test ./sources/awssrc -run '^$' -bench BackfillSlowEndpoint -benchtime 1x
func BenchmarkBackfillSlowEndpoint(b *testing.B) {
	direct, _ := motoSource(b)
	group := "/watchtrail/" + unique(b, "backfill")
	streams := []string{"s0", "s1", "s2", "s3"}
	makeGroup(b, direct, group, streams...)
	start := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	const perStream = 25000
	for i, st := range streams {
		// 120 ms apart in a stream; streams 0 and 2 (1 and 3) share milliseconds.
		putEvents(b, direct, group, st, 0, perStream, func(seq int) time.Time {
			return start.Add(time.Duration(seq*120+i%2*7) * time.Millisecond)
		})
	}
	end := start.Add(perStream * 120 * time.Millisecond)
	proxy := faultproxy.Start(b, motoserver.Shared(b))
	proxy.SetRules(faultproxy.Rule{Service: "logs", Action: "FilterLogEvents", Fault: faultproxy.Latency, Delay: 800 * time.Millisecond})
	slow := New(testConfig(b), proxy.URL())
	const want = perStream * 4

	var sliced, serial time.Duration
	for range b.N {
		began := time.Now()
		seen, last, read := map[string]bool{}, time.Time{}, 0
		err := feed.Backfill{Groups: []string{group}, Start: start, End: end}.Run(context.Background(), slow, func(events []sources.LogEvent) error {
			for _, e := range events {
				if seen[e.ID] || e.Time.Before(last) {
					b.Fatalf("event %s twice or out of order", e.ID)
				}
				seen[e.ID], last = true, e.Time
			}
			read += len(events)
			return nil
		})
		sliced += time.Since(began)
		if err != nil || read != want {
			b.Fatalf("backfill: %d events, %v; want %d", read, err, want)
		}

		began, read = time.Now(), 0
		p := cloudwatchlogs.NewFilterLogEventsPaginator(slow.logs, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(group), StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli() - 1)})
		for pages := 0; p.HasMorePages() && pages < 100; pages++ {
			out, err := p.NextPage(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			read += len(out.Events)
		}
		serial += time.Since(began)
		if read != want {
			b.Fatalf("paginator: %d events, want %d", read, want)
		}
	}
	n := float64(b.N)
	b.ReportMetric(sliced.Seconds()/n, "backfill-s")
	b.ReportMetric(serial.Seconds()/n, "paginator-s")
	b.ReportMetric(sliced.Seconds()/serial.Seconds(), "ratio")
	b.ReportMetric(0, "ns/op")
}
