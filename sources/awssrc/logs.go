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

const defaultLogLimit = 10000

// FetchLogs returns the events of one log group in [q.Start, q.End), oldest
// first, with messages sanitised.
func (s *Source) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLogLimit
	}
	return collectPages(limit, func(token *string, want int) ([]sources.LogEvent, *string, error) {
		return s.filterPage(ctx, q, token, int32(min(want, defaultLogLimit)))
	}, func(e sources.LogEvent) time.Time { return e.Time })
}

// FetchLogPage returns one FilterLogEvents page of q, as AWS orders it, and
// the next page's token ("" after the last page).
func (s *Source) FetchLogPage(ctx context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	var tok *string
	if token != "" {
		tok = &token
	}
	events, next, err := s.filterPage(ctx, q, tok, 0)
	return events, aws.ToString(next), err
}

// filterPage makes one FilterLogEvents call; limit 0 leaves the page size to
// AWS (1 MB or 10,000 events).
func (s *Source) filterPage(ctx context.Context, q sources.LogQuery, token *string, limit int32) ([]sources.LogEvent, *string, error) {
	in := filterInput(q)
	in.NextToken = token
	if limit > 0 {
		in.Limit = aws.Int32(limit)
	}
	out, err := s.logs.FilterLogEvents(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	page := make([]sources.LogEvent, 0, len(out.Events))
	for _, e := range out.Events {
		page = append(page, sources.LogEvent{
			ID:      aws.ToString(e.EventId),
			Group:   q.Group,
			Stream:  text.Sanitize(aws.ToString(e.LogStreamName)),
			Time:    time.UnixMilli(aws.ToInt64(e.Timestamp)),
			Message: text.Sanitize(aws.ToString(e.Message)),
		})
	}
	return page, out.NextToken, nil
}

var _ sources.LogPager = (*Source)(nil)

func filterInput(q sources.LogQuery) *cloudwatchlogs.FilterLogEventsInput {
	// AWS always interleaves the streams in time order and ignores the flag
	// (deprecated); emulators that honour it answer as AWS does.
	in := &cloudwatchlogs.FilterLogEventsInput{Interleaved: aws.Bool(true)}
	if strings.HasPrefix(q.Group, "arn:") {
		in.LogGroupIdentifier = aws.String(strings.TrimSuffix(q.Group, ":*"))
	} else {
		in.LogGroupName = aws.String(q.Group)
	}
	if q.Pattern != "" {
		in.FilterPattern = aws.String(q.Pattern)
	}
	if !q.Start.IsZero() {
		in.StartTime = aws.Int64(q.Start.UnixMilli())
	}
	if !q.End.IsZero() {
		// endTime is inclusive; the query's End is not.
		in.EndTime = aws.Int64(q.End.UnixMilli() - 1)
	}
	return in
}
