package awssrc

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"watchtrail/sources"
	"watchtrail/text"
)

const (
	defaultTrailLimit = 200
	maxLookupResults  = 50 // LookupEvents' page size limit
)

// FetchTrail returns management events in [q.Start, q.End], oldest first.
// Every LookupEvents call waits on the Source's rate limiter (see New).
// With UseTrailBucket it reads the trail's S3 log files instead.
func (s *Source) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	events, err := s.fetchTrail(ctx, q)
	s.seen.See(events)
	events, feedErr := s.withChanges(ctx, q, events, q.Limit)
	return events, errors.Join(err, feedErr)
}

func (s *Source) fetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	if s.s3trail != nil {
		return s.s3trail.FetchTrail(ctx, q)
	}
	if s.trailLogs != nil {
		return s.trailLogs.FetchTrail(ctx, q)
	}
	if s.athena != nil {
		return s.athena.FetchTrail(ctx, q)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTrailLimit
	}
	in, rest := lookupInput(q)
	// LookupEvents returns newest first; collectPages sorts oldest first.
	return collectPages(limit, func(token *string, want int) ([]sources.TrailEvent, *string, error) {
		return s.lookupPage(ctx, in, q.Insights, rest, token, min(want, maxLookupResults))
	}, func(e sources.TrailEvent) time.Time { return e.Time })
}

// FetchTrailPage returns one LookupEvents page of q (newest first) and the
// next page's token ("" after the last). Reading the trail from S3 or a log
// group, the whole window is one page.
func (s *Source) FetchTrailPage(ctx context.Context, q sources.TrailQuery, token string) ([]sources.TrailEvent, string, error) {
	if s.athena != nil {
		events, err := s.athena.FetchTrail(ctx, q) // one query: its LIMIT is the default's
		return events, "", err
	}
	if s.s3trail != nil || s.trailLogs != nil {
		q.Limit = math.MaxInt
		events, err := s.FetchTrail(ctx, q)
		return events, "", err
	}
	var tok *string
	if token != "" {
		tok = &token
	}
	in, rest := lookupInput(q)
	events, next, err := s.lookupPage(ctx, in, q.Insights, rest, tok, maxLookupResults)
	s.seen.See(events)
	if token == "" { // the feed's events of the window come with the first page
		var feedErr error
		events, feedErr = s.withChanges(ctx, q, events, math.MaxInt)
		err = errors.Join(err, feedErr)
	}
	return events, aws.ToString(next), err
}

var (
	_ sources.TrailPager   = (*Source)(nil)
	_ sources.TrailScanner = (*Source)(nil)
	_ sources.TrailLister  = (*Source)(nil)
)

// TrailFolders is how many account folders the trail bucket's reader lists
// a poll; 0 before its first listing or without UseTrailBucket.
func (s *Source) TrailFolders() int {
	if s.s3trail == nil {
		return 0
	}
	s.s3trail.mu.Lock()
	defer s.s3trail.mu.Unlock()
	return len(s.s3trail.accounts)
}

// Scanned is what the trail's Athena queries scanned; nothing without
// UseTrailAthena.
func (s *Source) Scanned() (bytes, queries int64) {
	if s.athena == nil {
		return 0, 0
	}
	return s.athena.Scanned()
}

// BadTrailFiles lists the trail's unreadable log files (see S3Trail); none
// without UseTrailBucket.
func (s *Source) BadTrailFiles() (int, []sources.BadFile) {
	if s.s3trail == nil {
		return 0, nil
	}
	return s.s3trail.BadTrailFiles()
}

// lookupInput is the LookupEvents request for q, and the part of q that
// LookupEvents cannot filter on, to be matched here.
func lookupInput(q sources.TrailQuery) (*cloudtrail.LookupEventsInput, sources.TrailQuery) {
	in := &cloudtrail.LookupEventsInput{}
	if !q.Start.IsZero() {
		in.StartTime = aws.Time(q.Start)
	}
	if !q.End.IsZero() {
		in.EndTime = aws.Time(q.End)
	}
	var rest sources.TrailQuery
	in.LookupAttributes, rest = lookupAttributes(q)
	if q.Insights {
		in.EventCategory = types.EventCategoryInsight
	}
	return in, rest
}

// lookupPage makes one LookupEvents call and keeps the events matching rest.
func (s *Source) lookupPage(ctx context.Context, in *cloudtrail.LookupEventsInput, insights bool, rest sources.TrailQuery, token *string, size int) ([]sources.TrailEvent, *string, error) {
	in.NextToken, in.MaxResults = token, aws.Int32(int32(size))
	out, err := s.trail.LookupEvents(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	page := make([]sources.TrailEvent, 0, len(out.Events))
	for _, e := range out.Events {
		ev := trailEventOf(e)
		if insights {
			ev.Kind = sources.KindInsight // whatever the document says
		}
		if sources.MatchesQuery(rest, ev) {
			page = append(page, ev)
		}
	}
	return page, out.NextToken, nil
}

func trailEventOf(e types.Event) sources.TrailEvent {
	doc := aws.ToString(e.CloudTrailEvent)
	// A bad document still leaves LookupEvents' summary fields.
	ev, r, _ := recordEvent([]byte(doc))
	// The summary fields are authoritative where LookupEvents sets them.
	if e.EventId != nil {
		ev.ID = text.Sanitize(*e.EventId)
	}
	if e.EventTime != nil {
		ev.Time = *e.EventTime
	}
	if e.EventName != nil {
		ev.Name = text.Sanitize(*e.EventName)
	}
	if e.EventSource != nil {
		ev.Source = text.Sanitize(*e.EventSource)
	}
	ev.User = text.Sanitize(r.user(aws.ToString(e.Username)))
	if len(bytes.Trim(r.ReadOnly, `"`)) == 0 {
		ev.ReadOnly = aws.ToString(e.ReadOnly) == "true"
	}
	ev.Resources, ev.ResourceTypes = nil, nil
	for _, res := range e.Resources {
		if res.ResourceName != nil {
			ev.Resources = append(ev.Resources, text.Sanitize(*res.ResourceName))
		}
		if res.ResourceType != nil {
			ev.ResourceTypes = append(ev.ResourceTypes, text.Sanitize(*res.ResourceType))
		}
	}
	return ev
}

// record is the part of a CloudTrail record (a LookupEvents CloudTrailEvent
// document, or one element of a log file's "Records") that the UI shows.
type record struct {
	EventID         string          `json:"eventID"`
	EventTime       string          `json:"eventTime"`
	EventName       string          `json:"eventName"`
	EventSource     string          `json:"eventSource"`
	SourceIPAddress string          `json:"sourceIPAddress"`
	ErrorCode       string          `json:"errorCode"`
	ErrorMessage    string          `json:"errorMessage"`
	ReadOnly        json.RawMessage `json:"readOnly"` // a bool, but be lenient
	RecipientID     string          `json:"recipientAccountId"`
	UserIdentity    struct {
		Type        string `json:"type"`
		AccountID   string `json:"accountId"`
		AccessKeyID string `json:"accessKeyId"`
		UserName    string `json:"userName"`
		ARN         string `json:"arn"`
		InvokedBy   string `json:"invokedBy"`
	} `json:"userIdentity"`
	Resources []struct {
		ARN  string `json:"ARN"`
		Type string `json:"type"`
	} `json:"resources"`
	recordExtra
}

// user names the caller: the IAM user name, else the last part of the ARN
// (an assumed role's session name), else fallback, else the calling service.
func (r record) user(fallback string) string {
	id := r.UserIdentity
	switch {
	case id.UserName != "":
		return id.UserName
	case id.ARN != "":
		return id.ARN[strings.LastIndex(id.ARN, "/")+1:]
	case fallback != "":
		return fallback
	case id.InvokedBy != "":
		return id.InvokedBy
	}
	return id.Type
}

// recordEvent maps one CloudTrail record document to a TrailEvent; JSON is
// the document itself and the text fields are sanitised. On a JSON error the
// event holds what could be read (possibly nothing) and the error is returned
// too. Used for LookupEvents' CloudTrailEvent documents and for the records
// of the log files a trail delivers to S3.
func recordEvent(doc []byte) (sources.TrailEvent, record, error) {
	var r record
	err := json.Unmarshal(doc, &r)
	ev := sources.TrailEvent{
		ID:           text.Sanitize(r.EventID),
		Name:         text.Sanitize(r.EventName),
		Source:       text.Sanitize(r.EventSource),
		User:         text.Sanitize(r.user("")),
		SourceIP:     text.Sanitize(r.SourceIPAddress),
		ErrorCode:    text.Sanitize(r.ErrorCode),
		ErrorMessage: text.Sanitize(r.ErrorMessage),
		ReadOnly:     string(bytes.Trim(r.ReadOnly, `"`)) == "true",
		JSON:         string(doc),
		Account:      text.Sanitize(cmp.Or(r.RecipientID, r.UserIdentity.AccountID)),
	}
	if r.EventTime != "" {
		at, terr := time.Parse(time.RFC3339, r.EventTime)
		if terr != nil && err == nil {
			err = fmt.Errorf("eventTime: %w", terr)
		}
		ev.Time = at
	}
	for _, res := range r.Resources {
		if res.ARN != "" {
			ev.Resources = append(ev.Resources, text.Sanitize(res.ARN))
		}
	}
	r.fillExtra(&ev)
	return ev, r, err
}
