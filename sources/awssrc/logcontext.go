package awssrc

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/sources"
	"watchtrail/text"
)

var _ sources.LogContexter = (*Source)(nil)

const (
	// contextSlack is read beyond the lines wanted on each side, for other
	// events in the same millisecond as the one asked about.
	contextSlack = 50
	// contextPages bounds GetLogEvents calls per side: it may return empty
	// pages while more events exist.
	contextPages = 10
)

// LogContext reads the lines around e in its stream with GetLogEvents: the
// newest ones up to e's millisecond, then the oldest ones after it.
func (s *Source) LogContext(ctx context.Context, e sources.LogEvent, before, after int) ([]sources.LogEvent, error) {
	at := e.Time.UnixMilli()
	// Through e's millisecond (endTime is exclusive in AWS; some emulators
	// include it, hence the filter below).
	older, err := s.streamEvents(ctx, e, &cloudwatchlogs.GetLogEventsInput{EndTime: aws.Int64(at + 1), StartFromHead: aws.Bool(false)}, before+contextSlack)
	if err != nil {
		return nil, err
	}
	newer, err := s.streamEvents(ctx, e, &cloudwatchlogs.GetLogEventsInput{StartTime: aws.Int64(at), StartFromHead: aws.Bool(true)}, after+contextSlack)
	if err != nil {
		return nil, err
	}
	var stream []sources.LogEvent
	for _, ev := range older {
		if ev.Time.UnixMilli() <= at {
			stream = append(stream, ev)
		}
	}
	for _, ev := range newer {
		if ev.Time.UnixMilli() > at {
			stream = append(stream, ev)
		}
	}
	e.ID = "" // GetLogEvents gives no event ids: find e by time and message
	return sources.Around(stream, e, before, after)
}

// streamEvents pages GetLogEvents in in's direction until want events are
// read, returning them oldest first.
func (s *Source) streamEvents(ctx context.Context, e sources.LogEvent, in *cloudwatchlogs.GetLogEventsInput, want int) ([]sources.LogEvent, error) {
	in.LogStreamName, in.Limit = aws.String(e.Stream), aws.Int32(int32(min(want, 10000)))
	if strings.HasPrefix(e.Group, "arn:") {
		in.LogGroupIdentifier = aws.String(strings.TrimSuffix(e.Group, ":*"))
	} else {
		in.LogGroupName = aws.String(e.Group)
	}
	backward := !aws.ToBool(in.StartFromHead)
	var events []sources.LogEvent
	for page := 0; page < contextPages && len(events) < want; page++ {
		out, err := s.logs.GetLogEvents(ctx, in)
		if err != nil {
			return nil, err
		}
		batch := make([]sources.LogEvent, 0, len(out.Events))
		for _, ev := range out.Events {
			batch = append(batch, sources.LogEvent{Group: e.Group, Stream: e.Stream,
				Time: time.UnixMilli(aws.ToInt64(ev.Timestamp)), Message: text.Sanitize(aws.ToString(ev.Message))})
		}
		next := out.NextForwardToken
		if backward {
			events, next = append(batch, events...), out.NextBackwardToken
		} else {
			events = append(events, batch...)
		}
		if next == nil || aws.ToString(next) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = next
	}
	return events, nil
}
