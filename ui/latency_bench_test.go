package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
)

// BenchmarkLogLatencyToScreen measures, at default settings against moto,
// the time from a log line being queryable (PutLogEvents returned) to the
// line being in the rendered logs pane, through the dashboard's own
// commands and Update loop. A writer puts probeCount lines, one every
// probeEvery; it reports the median and the 99th percentile.
func BenchmarkLogLatencyToScreen(b *testing.B) {
	const (
		group      = "/wt/latency"
		probeCount = 40
		probeEvery = 250 * time.Millisecond
	)
	endpoint, seed, now := startMoto(b)
	seed.Logs(group, now, "started")
	client := cloudwatchlogs.NewFromConfig(motoserver.Config(), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	var latencies []time.Duration
	for i := 0; b.Loop(); i++ {
		m := New(Config{Source: awssrc.New(motoserver.Config(), endpoint), LogGroups: []string{group}})
		m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
		queryable := make(chan probe, probeCount)
		ctx, cancel := context.WithCancel(context.Background())
		started := false
		pending := map[string]time.Time{}
		seen := 0
		drive(b, m, 60*time.Second, func(msg tea.Msg) bool {
			if _, ok := msg.(sources.LogsMsg); ok && !started { // the backfill is in: write
				started = true
				go writeProbes(ctx, b, client, group, fmt.Sprintf("run%d-", i), probeCount, probeEvery, queryable)
			}
			for len(queryable) > 0 {
				p := <-queryable
				pending[p.text] = p.at
			}
			if len(pending) == 0 {
				return seen == probeCount
			}
			out := screen(m)
			now := time.Now()
			for text, at := range pending {
				if strings.Contains(out, text) {
					latencies = append(latencies, now.Sub(at))
					delete(pending, text)
					seen++
				}
			}
			return seen == probeCount
		})
		cancel()
		if seen < probeCount {
			b.Fatalf("run %d: %d of %d lines reached the screen within 60 s", i, seen, probeCount)
		}
	}
	slices.Sort(latencies)
	b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50-s")
	b.ReportMetric(latencies[len(latencies)*99/100].Seconds(), "p99-s")
	b.ReportMetric(latencies[len(latencies)-1].Seconds(), "max-s")
}

type probe struct {
	text string
	at   time.Time // when PutLogEvents returned: the line is queryable
}

func writeProbes(ctx context.Context, b *testing.B, client *cloudwatchlogs.Client, group, prefix string, n int, every time.Duration, out chan<- probe) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := range n {
		text := fmt.Sprintf("latency probe %s%03d", prefix, i)
		_, err := client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("s1"),
			LogEvents: []logtypes.InputLogEvent{{Timestamp: aws.Int64(time.Now().UnixMilli()), Message: aws.String(text)}}})
		if err != nil {
			if ctx.Err() == nil {
				b.Errorf("PutLogEvents: %v", err)
			}
			return
		}
		out <- probe{text, time.Now()}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}
