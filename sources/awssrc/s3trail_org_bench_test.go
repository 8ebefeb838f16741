package awssrc

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

// A 40-minute triage window over an organisation trail's bucket of 1, 50
// and 200 accounts in 2 regions (a file every 5 minutes per account and
// region for 90 minutes), read as a two-region dashboard does: one reader
// per region, both at once. "cold" is a fresh reader (lists the accounts,
// the day folders and downloads the files), "warm" a reader polling again
// (lists the day folders; the files are cached).
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
		open := func(cfg aws.Config) []*Source {
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
		b.Run(fmt.Sprintf("accounts=%d/warm", n), func(b *testing.B) {
			fill()
			cfg := testConfig(b)
			calls := countOps(&cfg)
			readers := open(cfg)
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
