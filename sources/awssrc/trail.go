package awssrc

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"watchtrail/sources"
)

const (
	defaultTrailLimit = 200
	maxLookupResults  = 50 // LookupEvents' page size limit
)

// FetchTrail returns management events in [q.Start, q.End], oldest first.
// Every LookupEvents call waits on the Source's rate limiter (see New).
func (s *Source) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTrailLimit
	}
	in := &cloudtrail.LookupEventsInput{}
	if !q.Start.IsZero() {
		in.StartTime = aws.Time(q.Start)
	}
	if !q.End.IsZero() {
		in.EndTime = aws.Time(q.End)
	}
	if q.ResourceName != "" {
		in.LookupAttributes = []types.LookupAttribute{{
			AttributeKey:   types.LookupAttributeKeyResourceName,
			AttributeValue: aws.String(q.ResourceName),
		}}
	}
	// LookupEvents returns newest first; collectPages sorts oldest first.
	return collectPages(limit, func(token *string, want int) ([]sources.TrailEvent, *string, error) {
		in.NextToken, in.MaxResults = token, aws.Int32(int32(min(want, maxLookupResults)))
		out, err := s.trail.LookupEvents(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		page := make([]sources.TrailEvent, 0, len(out.Events))
		for _, e := range out.Events {
			page = append(page, trailEventOf(e))
		}
		return page, out.NextToken, nil
	}, func(e sources.TrailEvent) time.Time { return e.Time })
}

// record is the part of a CloudTrailEvent document the UI shows.
type record struct {
	SourceIPAddress string          `json:"sourceIPAddress"`
	ErrorCode       string          `json:"errorCode"`
	ErrorMessage    string          `json:"errorMessage"`
	ReadOnly        json.RawMessage `json:"readOnly"` // a bool, but be lenient
	UserIdentity    struct {
		UserName string `json:"userName"`
		ARN      string `json:"arn"`
	} `json:"userIdentity"`
}

func trailEventOf(e types.Event) sources.TrailEvent {
	doc := aws.ToString(e.CloudTrailEvent)
	var r record
	_ = json.Unmarshal([]byte(doc), &r) // a bad document still leaves the summary fields
	user := r.UserIdentity.UserName
	if user == "" && r.UserIdentity.ARN != "" {
		user = r.UserIdentity.ARN[strings.LastIndex(r.UserIdentity.ARN, "/")+1:]
	}
	if user == "" {
		user = aws.ToString(e.Username)
	}
	readOnly := aws.ToString(e.ReadOnly) == "true"
	if ro := bytes.Trim(r.ReadOnly, `"`); len(ro) > 0 {
		readOnly = string(ro) == "true"
	}
	var resources []string
	for _, res := range e.Resources {
		if res.ResourceName != nil {
			resources = append(resources, sources.Sanitize(*res.ResourceName))
		}
	}
	return sources.TrailEvent{
		ID:           sources.Sanitize(aws.ToString(e.EventId)),
		Time:         aws.ToTime(e.EventTime),
		Name:         sources.Sanitize(aws.ToString(e.EventName)),
		Source:       sources.Sanitize(aws.ToString(e.EventSource)),
		User:         sources.Sanitize(user),
		SourceIP:     sources.Sanitize(r.SourceIPAddress),
		Resources:    resources,
		ErrorCode:    sources.Sanitize(r.ErrorCode),
		ErrorMessage: sources.Sanitize(r.ErrorMessage),
		ReadOnly:     readOnly,
		JSON:         doc,
	}
}
