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
// probeEvery; it reports the median and the 95th and 99th percentiles,
// beside those of a reference poller in the same run that asks
// FilterLogEvents 4 times a second, as cw does.
func BenchmarkLogLatencyToScreen(b *testing.B) {
	const (
		group      = "/wt/latency"
		probeCount = 40
		probeEvery = 250 * time.Millisecond
	)
	endpoint, seed, now := startMoto(b)
	seed.Logs(group, now, "started")
	client := cloudwatchlogs.NewFromConfig(motoserver.Config(), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	var latencies, reference []time.Duration
	for i := 0; b.Loop(); i++ {
		m := New(Config{Source: awssrc.New(motoserver.Config(), endpoint), LogGroups: []string{group}})
		m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
		queryable := make(chan probe, probeCount)
		ctx, cancel := context.WithCancel(context.Background())
		started := false
		pending, written := map[string]time.Time{}, map[string]time.Time{}
		refSeen := pollAt4Hz(ctx, client, group)
		seen := 0
		drive(b, m, 60*time.Second, func(msg tea.Msg) bool {
			if _, ok := msg.(sources.LogsMsg); ok && !started { // the backfill is in: write
				started = true
				go writeProbes(ctx, b, client, group, fmt.Sprintf("run%d-", i), probeCount, probeEvery, queryable)
			}
			for len(queryable) > 0 {
				p := <-queryable
				pending[p.text], written[p.text] = p.at, p.at
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
		for text, at := range refSeen() {
			if w, ok := written[text]; ok {
				reference = append(reference, max(0, at.Sub(w)))
			}
		}
	}
	slices.Sort(latencies)
	slices.Sort(reference)
	b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50-s")
	b.ReportMetric(latencies[len(latencies)*95/100].Seconds(), "p95-s")
	b.ReportMetric(latencies[len(latencies)*99/100].Seconds(), "p99-s")
	b.ReportMetric(latencies[len(latencies)-1].Seconds(), "max-s")
	if len(reference) > 0 {
		b.ReportMetric(reference[len(reference)/2].Seconds(), "4hz-p50-s")
		b.ReportMetric(reference[len(reference)*95/100].Seconds(), "4hz-p95-s")
	}
}

// pollAt4Hz follows group with FilterLogEvents 4 times a second from the
// newest event seen, as cw does, until ctx ends; the function it returns
// gives when each message was first seen (call it after ctx ended).
func pollAt4Hz(ctx context.Context, client *cloudwatchlogs.Client, group string) func() map[string]time.Time {
	seen := map[string]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		from := time.Now().UnixMilli()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			out, err := client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(from)})
			if err == nil {
				for _, e := range out.Events {
					if msg := aws.ToString(e.Message); seen[msg].IsZero() {
						seen[msg] = time.Now()
						from = max(from, aws.ToInt64(e.Timestamp))
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()
	return func() map[string]time.Time { <-done; return seen }
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
