package awssrc

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"watchtrail/sources"
)

func TestMotoLogContext(t *testing.T) {
	s, calls := motoSource(t)
	ctx := ctxFor(t)
	group := unique(t, "/ctx/app")
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	put := func(stream string, lines []logtypes.InputLogEvent) {
		if _, err := s.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: lines}); err != nil {
			t.Fatal(err)
		}
	}
	var lines, noise []logtypes.InputLogEvent
	for i := 0; i < 30; i++ {
		at := base.Add(time.Duration(i) * time.Second)
		if i == 12 {
			at = base.Add(11 * time.Second) // two lines in one millisecond
		}
		lines = append(lines, logtypes.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(fmt.Sprintf("line %02d", i))})
		noise = append(noise, logtypes.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String("other stream")})
	}
	put("a", lines)
	put("b", noise)

	// The event as the logs pane has it, from FilterLogEvents (with an id).
	events, err := s.FetchLogs(ctx, sources.LogQuery{Group: group, Pattern: `"line 12"`, Start: base, End: base.Add(time.Minute)})
	if err != nil || len(events) != 1 {
		t.Fatalf("events %+v, %v", events, err)
	}
	got, err := s.LogContext(ctx, events[0], 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range got {
		msgs = append(msgs, e.Message)
	}
	if strings.Join(msgs, ",") != "line 09,line 10,line 11,line 12,line 13,line 14,line 15,line 16" {
		t.Errorf("context = %v", msgs)
	}
	// One page each way, plus one each to see the stream end (the token repeats).
	if n := calls.get("GetLogEvents"); n < 2 || n > 4 {
		t.Errorf("GetLogEvents calls = %d, want 2 to 4", n)
	}

	// At the stream's edges there is less context; a vanished event is a clear error.
	first := sources.LogEvent{Group: group, Stream: "a", Time: base, Message: "line 00"}
	if got, err := s.LogContext(ctx, first, 5, 1); err != nil || len(got) != 2 {
		t.Errorf("first line: %d events, %v", len(got), err)
	}
	gone := sources.LogEvent{Group: group, Stream: "a", Time: base.Add(5 * time.Second), Message: "rotated away"}
	if _, err := s.LogContext(ctx, gone, 2, 2); err == nil || !strings.Contains(err.Error(), "no longer in stream") {
		t.Errorf("missing event: err = %v", err)
	}
}
