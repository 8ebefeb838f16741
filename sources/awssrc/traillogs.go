package awssrc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/sources"
	"watchtrail/text"
)

const (
	// trailLogSlack widens the log query around the window: a record's log
	// timestamp need not be its eventTime to the second.
	trailLogSlack = 5 * time.Minute
	// maxTrailLogRecords bounds one FetchTrail: past it the call stops and
	// says so, keeping what it read.
	maxTrailLogRecords = 100_000
	// maxReported bounds the bad records named in one error.
	maxReported = 5
)

// TrailLogGroup reads CloudTrail events from the CloudWatch Logs group a
// trail delivers to, where each log event's message is one CloudTrail record
// (management, data and Insights events alike, as the trail records them).
type TrailLogGroup struct {
	logs  *cloudwatchlogs.Client
	group string
	now   func() time.Time
	// envelope: each message is an EventBridge event ("AWS API Call via
	// CloudTrail") with the CloudTrail record in its detail, as a rule of
	// the default bus writes it (see UseChangesLogGroup).
	envelope bool
}

var _ sources.TrailFetcher = (*TrailLogGroup)(nil)

// UseTrailLogGroup makes FetchTrail read the trail's CloudWatch Logs group
// (its name or ARN) instead of calling LookupEvents. Needs
// logs:FilterLogEvents on the group.
func (s *Source) UseTrailLogGroup(group string) error {
	if group == "" {
		return errors.New("trail log group: empty name")
	}
	s.trailLogs = &TrailLogGroup{logs: s.logs, group: group, now: time.Now}
	s.describe += ", trail from log group " + group
	return nil
}

// FetchTrail returns the events in [q.Start, q.End] (an unset Start is an
// hour before End; an unset End is now) that meet q, oldest first, at most
// q.Limit (default 200) of them: the newest. Every condition of q is applied
// client-side. A message that is not a CloudTrail record is left out and
// named, by log event id, in the error returned with the good events.
func (t *TrailLogGroup) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	keep := newWindowEvents(q, t.now())
	pattern := trailLogPattern(q)
	if t.envelope {
		pattern = strings.ReplaceAll(pattern, "($.", "($.detail.")
	}
	in := filterInput(sources.LogQuery{Group: t.group, Start: keep.start.Add(-trailLogSlack), End: keep.end.Add(trailLogSlack),
		Pattern: pattern})
	var bad badRecords
	read := 0
	p := cloudwatchlogs.NewFilterLogEventsPaginator(t.logs, in,
		func(o *cloudwatchlogs.FilterLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		if read >= maxTrailLogRecords {
			bad.note(fmt.Errorf("stopped after %d records; narrow the window", read))
			break
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("trail log group %s: %w", t.group, err)
		}
		for _, le := range page.Events {
			read++
			ev, err := t.event([]byte(aws.ToString(le.Message)))
			if err != nil {
				bad.add(fmt.Sprintf("log event %s", text.Sanitize(aws.ToString(le.EventId))), err)
				continue
			}
			keep.add(ev)
		}
	}
	return keep.events(), bad.err("trail log group " + t.group)
}

// event reads one log event's message: a CloudTrail record, or for a
// change feed the EventBridge event carrying one in its detail.
func (t *TrailLogGroup) event(message []byte) (sources.TrailEvent, error) {
	if t.envelope {
		var env struct {
			Detail json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal(message, &env); err != nil {
			return sources.TrailEvent{}, err
		}
		if len(env.Detail) == 0 || string(env.Detail) == "null" {
			return sources.TrailEvent{}, errors.New("an EventBridge event without detail")
		}
		message = env.Detail
	}
	ev, _, err := recordEvent(message)
	if err == nil && ev.Time.IsZero() {
		err = errors.New("no eventTime")
	}
	return ev, err
}

// trailLogPattern is a CloudWatch Logs JSON filter pattern for the parts
// of q that map onto one record field exactly, so that the service drops
// most records of a narrowed query; "" when none does. What it cannot say
// (users, resources) is left to the client-side check.
func trailLogPattern(q sources.TrailQuery) string {
	var terms []string
	is := func(field, value string) {
		if !strings.ContainsAny(value, `"\`) {
			terms = append(terms, fmt.Sprintf(`($.%s = "%s")`, field, value))
		}
	}
	switch q.Lookup.Key {
	case sources.AttrEventName:
		is("eventName", q.Lookup.Value)
	case sources.AttrEventSource:
		is("eventSource", q.Lookup.Value)
	case sources.AttrAccessKeyID:
		is("userIdentity.accessKeyId", q.Lookup.Value)
	case sources.AttrReadOnly:
		terms = append(terms, map[bool]string{true: "($.readOnly IS TRUE)", false: "($.readOnly IS FALSE)"}[q.Lookup.Value == "true"])
	}
	if q.Insights {
		is("eventType", "AwsCloudTrailInsight")
	} else if q.WriteOnly {
		terms = append(terms, "($.readOnly IS FALSE)")
	}
	if len(terms) == 0 {
		return ""
	}
	return "{ " + strings.Join(terms, " && ") + " }"
}

// deliveredWindow is the window and limit of q for readers of the files or
// log events a trail delivers: an unset End is now, an unset Start an hour
// before End, an unset Limit the default.
func deliveredWindow(q sources.TrailQuery, now time.Time) (start, end time.Time, limit int) {
	start, end, limit = q.Start, q.End, q.Limit
	if limit <= 0 {
		limit = defaultTrailLimit
	}
	if end.IsZero() {
		end = now
	}
	if start.IsZero() {
		start = end.Add(-defaultS3TrailWindow)
	}
	return start, end, limit
}

// windowEvents keeps the events of a trail query's window that meet it, each
// event ID once (CloudTrail may deliver an event twice), and gives them back
// oldest first, at most the limit: the newest.
type windowEvents struct {
	q          sources.TrailQuery
	start, end time.Time
	limit      int
	seen       map[string]bool
	out        []sources.TrailEvent
}

func newWindowEvents(q sources.TrailQuery, now time.Time) *windowEvents {
	start, end, limit := deliveredWindow(q, now)
	return &windowEvents{q: q, start: start, end: end, limit: limit, seen: map[string]bool{}}
}

func (w *windowEvents) add(ev sources.TrailEvent) {
	if ev.Time.Before(w.start) || ev.Time.After(w.end) || w.seen[ev.ID] || !sources.MatchesQuery(w.q, ev) {
		return
	}
	if ev.ID != "" {
		w.seen[ev.ID] = true
	}
	w.out = append(w.out, ev)
}

func (w *windowEvents) events() []sources.TrailEvent {
	out := w.out
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	if len(out) > w.limit {
		out = out[len(out)-w.limit:]
	}
	return out
}

// badRecords collects what could not be read, naming the first few.
type badRecords struct {
	count int
	errs  []error
}

func (b *badRecords) add(what string, err error) {
	b.count++
	if len(b.errs) < maxReported {
		b.errs = append(b.errs, fmt.Errorf("%s: not a CloudTrail record: %w", what, err))
	}
}

func (b *badRecords) note(err error) { b.errs = append(b.errs, err) }

// err is nil when all went well; otherwise it says where, and how many.
func (b *badRecords) err(where string) error {
	if len(b.errs) == 0 {
		return nil
	}
	if b.count > maxReported {
		b.errs = append(b.errs, fmt.Errorf("%s: %d more bad records", where, b.count-maxReported))
	}
	return fmt.Errorf("%s: %w", where, errors.Join(b.errs...))
}
