package awssrc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// bigTrailFile is a gzipped log file of about mb MB of JSON: records of 1 KB.
func bigTrailFile(b *testing.B, mb int) []byte {
	b.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[`))
	at := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	pad := strings.Repeat("x", 700)
	for i := range mb * 1024 {
		if i > 0 {
			zw.Write([]byte(","))
		}
		rec, _ := json.Marshal(map[string]any{
			"eventID": fmt.Sprintf("%08d-0000-0000-0000-000000000000", i), "eventTime": at.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339),
			"eventName": "PutObject", "eventSource": "s3.amazonaws.com", "readOnly": false,
			"userIdentity":      map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/app/session"},
			"requestParameters": map[string]any{"bucketName": "data", "key": pad},
		})
		zw.Write(rec)
	}
	zw.Write([]byte(`]}`))
	zw.Close()
	return buf.Bytes()
}

// Parsing a 30 MB log file, under the 32 MiB cap (of JSON; gzipped as S3 serves it).
//
//	go test ./sources/awssrc -run '^$' -bench TrailFileParse -benchmem
func BenchmarkTrailFileParse(b *testing.B) {
	file := bigTrailFile(b, 30)
	runtime.GC()
	peak := watchHeap()
	b.ResetTimer()
	for range b.N {
		events, err := readTrailFile(bytes.NewReader(file), nil)
		if err != nil || len(events) != 30*1024 {
			b.Fatalf("%d events, %v", len(events), err)
		}
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// watchHeap samples the live heap every millisecond until the returned
// function is called, which returns the largest sample.
func watchHeap() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}
