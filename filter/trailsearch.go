package filter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
)

// TrailSearch asks for the events meeting Filter in [Since, Until], the
// history behind `watchtrail trail --since 3d --user alice` and the in-app
// range prompt.
type TrailSearch struct {
	Since, Until time.Time // an unset Until is now
	Filter       Trail
	Limit        int // at most this many events, the newest; default 1000
}

// SearchProgress is reported after each request.
type SearchProgress struct {
	Since, Until time.Time
	Through      time.Time // searched from Until back to here
	Found        int
	Requests     int
}

// Fraction is how much of the range is searched, 0 to 1.
func (p SearchProgress) Fraction() float64 {
	span := p.Until.Sub(p.Since)
	if span <= 0 {
		return 1
	}
	return min(1, float64(p.Until.Sub(p.Through))/float64(span))
}

const (
	defaultSearchLimit = 1000
	searchBatch        = 500 // events asked of the source per request
	searchFirstSpan    = time.Hour
	searchMaxSpan      = 32 * 24 * time.Hour
)

// SearchTrail walks [Since, Until] from the newest end back, one FetchTrail
// at a time (each sends the filter's lookup attribute; the rest is matched
// here), reporting progress after each, until the range is covered or Limit
// events are found. It returns the events found, oldest first. When ctx
// ends it returns what it found so far with ctx's error; a source's partial
// errors (a bad file) are returned, joined, alongside the events.
//
// Each request covers a span that starts at an hour and grows fourfold
// after every short answer, so a quiet range takes few requests while
// readers of files (S3, log groups) are never asked for months at once.
func SearchTrail(ctx context.Context, src sources.TrailFetcher, s TrailSearch, progress func(SearchProgress)) ([]sources.TrailEvent, error) {
	limit := s.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	until := s.Until
	if until.IsZero() {
		until = time.Now()
	}
	if !s.Since.Before(until) {
		return nil, fmt.Errorf("search: the range starts (%s) after it ends (%s)", s.Since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	p := SearchProgress{Since: s.Since, Until: until, Through: until}
	var found []sources.TrailEvent
	var warnings []error
	seen := map[string]bool{}
	end, span := until, searchFirstSpan
	for len(found) < limit && end.After(s.Since) {
		if err := ctx.Err(); err != nil {
			return sortedByTime(found), err
		}
		start := later(end.Add(-span), s.Since)
		batch, err := src.FetchTrail(ctx, s.Filter.Query(sources.TrailQuery{Start: start, End: end, Limit: searchBatch}))
		p.Requests++
		if err != nil {
			if len(batch) == 0 || ctx.Err() != nil {
				return sortedByTime(found), errors.Join(append(warnings, err)...)
			}
			warnings = append(warnings, err)
		}
		for i := len(batch) - 1; i >= 0 && len(found) < limit; i-- { // newest first
			e := batch[i]
			if (e.ID == "" || !seen[e.ID]) && s.Filter.Match(e) {
				seen[e.ID] = true
				found = append(found, e)
			}
		}
		// A short batch holds all of its span; a full one stops at its
		// oldest event, from where the next request goes on.
		if len(batch) < searchBatch {
			end, span = start, min(4*span, searchMaxSpan)
		} else if end = batch[0].Time; !end.Before(p.Through) {
			end = p.Through.Add(-time.Second) // a whole batch in one second: step past it
		}
		p.Through, p.Found = later(end, s.Since), len(found)
		if progress != nil {
			progress(p)
		}
	}
	return sortedByTime(found), errors.Join(warnings...)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func sortedByTime(events []sources.TrailEvent) []sources.TrailEvent {
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	return events
}

// ParseSince reads how far back a search goes: a duration ("90m", "36h",
// "3d", "2w") before now, or a date or time ("2025-03-01",
// "2025-03-01T12:00:00Z").
func ParseSince(text string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if n := len(text); n > 1 && unit[text[n-1]] != 0 {
		if v, err := strconv.ParseFloat(text[:n-1], 64); err == nil && v > 0 {
			return now.Add(-time.Duration(v * float64(unit[text[n-1]]))), nil
		}
	}
	if d, err := time.ParseDuration(text); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want a duration like 90m, 36h, 3d or 2w, or a date like 2025-03-01", text)
}

// ParseWindow reads a since/until pair in ParseSince's forms (an empty until
// is now) and checks that the range starts before it ends.
func ParseWindow(since, until string, now time.Time) (start, end time.Time, err error) {
	if start, err = ParseSince(since, now); err != nil {
		return start, end, fmt.Errorf("since %w", err)
	}
	end = now
	if until != "" {
		if end, err = ParseSince(until, now); err != nil {
			return start, end, fmt.Errorf("until %w", err)
		}
	}
	if !start.Before(end) {
		return start, end, fmt.Errorf("since %s is not before until %s", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	}
	return start, end, nil
}

// TrailLine is one event as a line of text: time, kind marker, name,
// service, user, source IP, error, resources.
func TrailLine(e sources.TrailEvent) string {
	marker := map[sources.EventKind]string{sources.KindManagement: " ", sources.KindData: "D", sources.KindInsight: "I"}[e.EffectiveKind()]
	if !e.ReadOnly && e.EffectiveKind() != sources.KindInsight {
		marker += "W"
	} else {
		marker += " "
	}
	fields := []string{e.Time.UTC().Format(time.RFC3339), marker, e.Name, strings.TrimSuffix(e.Source, ".amazonaws.com"),
		orDash(e.User), orDash(e.SourceIP), orDash(e.ErrorCode), strings.Join(e.Resources, ",")}
	return strings.TrimRight(strings.Join(fields, "  "), " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TrailJSON is one event as a line of JSON: its CloudTrail record when that
// is valid JSON, else the fields read from it. C1 control characters, which
// JSON allows raw but some terminals obey, are escaped.
func TrailJSON(e sources.TrailEvent) []byte {
	doc := []byte(e.JSON)
	var compact bytes.Buffer
	if json.Compact(&compact, doc) != nil {
		compact.Reset()
		_ = json.NewEncoder(&compact).Encode(map[string]any{ // plain data: cannot fail
			"eventID": e.ID, "eventTime": e.Time.UTC().Format(time.RFC3339), "eventName": e.Name,
			"eventSource": e.Source, "user": e.User, "sourceIPAddress": e.SourceIP, "errorCode": e.ErrorCode,
			"errorMessage": e.ErrorMessage, "readOnly": e.ReadOnly, "resources": e.Resources, "kind": e.EffectiveKind(),
			"recipientAccountId": e.Account,
		})
	}
	var out bytes.Buffer
	for _, r := range strings.TrimSpace(compact.String()) {
		if r >= 0x80 && r <= 0x9f {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}

// WriteTrail prints events, one a line, as TrailLine ("text") or TrailJSON
// ("json").
func WriteTrail(w io.Writer, events []sources.TrailEvent, format string) error {
	line := map[string]func(sources.TrailEvent) []byte{
		"text": func(e sources.TrailEvent) []byte { return []byte(TrailLine(e)) },
		"json": TrailJSON,
	}[format]
	if line == nil {
		return fmt.Errorf("format %q: want text or json", format)
	}
	for _, e := range events {
		if _, err := w.Write(append(line(e), '\n')); err != nil {
			return err
		}
	}
	return nil
}
