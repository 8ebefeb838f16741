package awssrc

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

// A 40-minute triage window over an organisation trail's bucket of 1, 50
// and 200 accounts in 2 regions (a file every 5 minutes per account and
// region for 90 minutes), read as a two-region dashboard does: one reader
// per region, both at once. "cold" is a fresh reader (lists the accounts,
// the day folders and downloads the files), "warm" a reader polling again
// (lists the day folders, 16 or 1 at a time, each LIST 50 ms slower as S3
// is; the files are cached),
// "athena" the same window queried with --trail-athena (one query per
// region; scanned-kB is the size of the partitions the query names, as moto
// runs no SQL and reports no bytes scanned).
//
//	go test ./sources/awssrc -run '^$' -bench S3TrailOrgWindow -benchtime 3x
func BenchmarkS3TrailOrgWindow(b *testing.B) {
	endpoint := motoserver.Shared(b)
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	window := sources.TrailQuery{Start: end.Add(-40 * time.Minute), End: end}
	regions := []string{"us-east-1", "eu-west-1"}
	for _, n := range []int{1, 50, 200} {
		bucket := fmt.Sprintf("org-bench-%d-%d", n, time.Now().UnixNano())
		org := "AWSLogs/o-bench12345/"
		filled := false
		fill := func() {
			if !filled {
				fillOrgBucket(b, endpoint, bucket, org, n, regions, end)
				filled = true
			}
		}
		openAt := func(cfg aws.Config, endpoint string) []*Source {
			var readers []*Source
			for _, region := range regions {
				c := cfg.Copy()
				c.Region = region
				s := New(c, endpoint)
				if err := s.UseTrailBucket("s3://" + bucket + "/" + org); err != nil {
					b.Fatal(err)
				}
				readers = append(readers, s)
			}
			return readers
		}
		open := func(cfg aws.Config) []*Source { return openAt(cfg, endpoint) }
		read := func(readers []*Source) int {
			var g errgroup.Group
			found := make([]int, len(readers))
			for i, s := range readers {
				g.Go(func() error {
					events, err := s.FetchTrail(context.Background(), window)
					found[i] = len(events)
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			return found[0] + found[1]
		}
		report := func(b *testing.B, calls *opCounter, events int) {
			b.ReportMetric(float64(calls.get("ListObjectsV2"))/float64(b.N), "lists/op")
			b.ReportMetric(float64(calls.get("GetObject"))/float64(b.N), "gets/op")
			b.ReportMetric(float64(events), "events")
		}
		b.Run(fmt.Sprintf("accounts=%d/cold", n), func(b *testing.B) {
			fill()
			cfg := testConfig(b)
			calls := countOps(&cfg)
			events := 0
			for range b.N {
				b.StopTimer()
				readers := open(cfg)
				b.StartTimer()
				events = read(readers)
			}
			report(b, calls, events)
		})
		b.Run(fmt.Sprintf("accounts=%d/athena", n), func(b *testing.B) {
			fill()
			cfg := testConfig(b)
			calls := countOps(&cfg)
			var readers []*Source
			for _, region := range regions {
				c := cfg.Copy()
				c.Region = region
				readers = append(readers, athenaOn(b, c, endpoint))
			}
			// Moto runs no SQL: each query is answered with the window's
			// newest events, as Athena would (the default limit's 200).
			for range b.N {
				for _, region := range regions {
					queueAthenaResultsIn(b, endpoint, region, tableColumns(b), orgWindowRecords(n, region, window, end)...)
				}
			}
			b.ResetTimer()
			events := 0
			for range b.N {
				events = read(readers)
			}
			b.StopTimer()
			report(b, calls, events)
			for _, op := range []string{"StartQueryExecution", "GetQueryExecution", "GetQueryResults", "GetTable"} {
				b.ReportMetric(float64(calls.get(op))/float64(b.N), op+"/op")
			}
			// Athena reads every file of the partitions a query names: the
			// window's day in each account, for the reader's region.
			b.ReportMetric(float64(partitionBytes(b, readers[0], bucket, org, end, regions))/1e3, "scanned-kB/op")
		})
		// moto answers one request at a time, in a few milliseconds: S3 answers
		// many at once, each in tens of milliseconds; the proxy adds 50 ms to
		// each LIST, so that listing several at once is measured as it pays.
		proxy := faultproxy.Start(b, endpoint)
		proxy.SetRules(faultproxy.Rule{Service: "s3", Action: "ListObjectsV2", Fault: faultproxy.Latency, Delay: 50 * time.Millisecond})
		for _, at := range []int{trailListings, 1} {
			b.Run(fmt.Sprintf("accounts=%d/warm-listing-%d-at-once-50ms", n, at), func(b *testing.B) {
				fill()
				cfg := testConfig(b)
				calls := countOps(&cfg)
				readers := openAt(cfg, proxy.URL())
				for _, s := range readers {
					s.s3trail.listings = at
				}
				read(readers)
				calls.mu.Lock()
				clear(calls.calls)
				calls.mu.Unlock()
				events := 0
				b.ResetTimer()
				for range b.N {
					events = read(readers)
				}
				report(b, calls, events)
			})
		}
	}
}

// fillOrgBucket writes n accounts' log files for regions: one a 5 minutes
// for the 90 minutes up to end plus 30, each of two records.
func fillOrgBucket(b *testing.B, endpoint, bucket, org string, n int, regions []string, end time.Time) {
	b.Helper()
	cfg := testConfig(b)
	client := New(cfg, endpoint)
	if err := client.UseTrailBucket("s3://" + bucket); err != nil {
		b.Fatal(err)
	}
	s3c := client.s3trail.client
	ctx := context.Background()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		b.Fatal(err)
	}
	var g errgroup.Group
	g.SetLimit(16)
	for a := range n {
		account := fmt.Sprintf("%012d", 100000000000+a)
		for _, region := range regions {
			for at := end.Add(-90 * time.Minute); !at.After(end.Add(30 * time.Minute)); at = at.Add(5 * time.Minute) {
				body := gzipRecords(b,
					trailRecord(fmt.Sprintf("%s-%s-%d-a", account, region, at.Unix()), at.Add(-4*time.Minute), "RunInstances", "ec2.amazonaws.com",
						map[string]any{"recipientAccountId": account, "awsRegion": region, "readOnly": false}),
					trailRecord(fmt.Sprintf("%s-%s-%d-b", account, region, at.Unix()), at.Add(-2*time.Minute), "DescribeInstances", "ec2.amazonaws.com",
						map[string]any{"recipientAccountId": account, "awsRegion": region}))
				key := trailtest.LogKey(org, account, region, at, fmt.Sprintf("U%d", at.Unix()))
				g.Go(func() error {
					_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
					return err
				})
			}
		}
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
}

// orgWindowRecords are the newest 200 records of the window in region,
// as fillOrgBucket wrote them (fewer with fewer accounts), newest first.
func orgWindowRecords(n int, region string, window sources.TrailQuery, end time.Time) []map[string]any {
	var out []map[string]any
	for at := end.Add(30 * time.Minute); !at.Before(end.Add(-90 * time.Minute)); at = at.Add(-5 * time.Minute) {
		for _, r := range []struct {
			suffix, name string
			ago          time.Duration
		}{{"b", "DescribeInstances", 2 * time.Minute}, {"a", "RunInstances", 4 * time.Minute}} {
			when := at.Add(-r.ago)
			if when.Before(window.Start) || when.After(window.End) {
				continue
			}
			for a := range n {
				account := fmt.Sprintf("%012d", 100000000000+a)
				out = append(out, trailRecord(fmt.Sprintf("%s-%s-%d-%s", account, region, at.Unix(), r.suffix), when, r.name,
					"ec2.amazonaws.com", map[string]any{"recipientAccountId": account, "awsRegion": region}))
			}
		}
	}
	return out[:min(len(out), defaultTrailLimit)]
}

// partitionBytes adds up the log files of end's day folder of every
// account in regions: what Athena scans for a window of that day.
func partitionBytes(b *testing.B, s *Source, bucket, org string, end time.Time, regions []string) int64 {
	tr, err := NewS3Trail(s.cfg, s.endpointURL, "s3://"+bucket+"/"+org)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	p := s3.NewListObjectsV2Paginator(tr.client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(org)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range page.Contents {
			for _, region := range regions {
				if strings.Contains(aws.ToString(o.Key), "/CloudTrail/"+region+"/"+end.Format("2006/01/02")+"/") {
					total += aws.ToInt64(o.Size)
				}
			}
		}
	}
	return total
}
