package filter_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/sources/demo"
)

func demoAt(now time.Time) *demo.Source {
	return demo.New(demo.Options{Start: now.Add(-2 * time.Hour), Now: func() time.Time { return now }, IncidentAfter: time.Hour})
}

func TestSearchTrail(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	src := demoAt(now)
	var steps []filter.SearchProgress
	all, err := filter.SearchTrail(context.Background(), src, filter.TrailSearch{Since: now.Add(-6 * time.Hour), Until: now, Limit: 100_000},
		func(p filter.SearchProgress) { steps = append(steps, p) })
	if err != nil {
		t.Fatal(err)
	}
	// Six hours of demo noise is more than one request's worth: the search
	// goes on from the oldest event of each full batch.
	if len(all) < 1000 || len(steps) < 3 {
		t.Fatalf("%d events in %d requests", len(all), len(steps))
	}
	ids := map[string]bool{}
	for i, e := range all {
		if ids[e.ID] {
			t.Fatalf("event %s twice", e.ID)
		}
		ids[e.ID] = true
		if i > 0 && e.Time.Before(all[i-1].Time) {
			t.Fatal("not oldest first")
		}
	}
	if first := all[0].Time; first.After(now.Add(-6*time.Hour + time.Minute)) {
		t.Errorf("oldest event %v: the start of the range was not reached", first)
	}
	last := steps[len(steps)-1]
	if last.Fraction() != 1 || last.Found != len(all) || last.Requests != len(steps) || steps[0].Fraction() >= 1 {
		t.Errorf("progress %+v … %+v", steps[0], last)
	}
	for i := 1; i < len(steps); i++ {
		if steps[i].Through.After(steps[i-1].Through) {
			t.Errorf("progress went back: %v then %v", steps[i-1].Through, steps[i].Through)
		}
	}

	f, _ := filter.ParseTrail("user:svc-reports -ro")
	writes, err := filter.SearchTrail(context.Background(), src, filter.TrailSearch{Since: now.Add(-3 * 24 * time.Hour), Until: now, Filter: f}, nil)
	if err != nil || len(writes) == 0 {
		t.Fatalf("%d events, %v", len(writes), err)
	}
	for _, e := range writes {
		if e.User != "svc-reports" || e.ReadOnly {
			t.Errorf("%+v does not match %s", e, f)
		}
	}

	limited, _ := filter.SearchTrail(context.Background(), src, filter.TrailSearch{Since: now.Add(-6 * time.Hour), Until: now, Limit: 10}, nil)
	if len(limited) != 10 || !limited[9].Time.Equal(all[len(all)-1].Time) {
		t.Errorf("limit 10 gave %d events, want the newest", len(limited))
	}
}

func TestSearchTrailCancel(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	found, err := filter.SearchTrail(ctx, demoAt(now), filter.TrailSearch{Since: now.Add(-48 * time.Hour), Until: now, Limit: 100_000},
		func(filter.SearchProgress) {
			calls++
			cancel() // as Esc does
		})
	if !errors.Is(err, context.Canceled) || calls != 1 || len(found) == 0 {
		t.Errorf("after cancel: %d events, %d progress calls, %v", len(found), calls, err)
	}
	if _, err := filter.SearchTrail(context.Background(), demoAt(now), filter.TrailSearch{Since: now.Add(time.Hour), Until: now}, nil); err == nil {
		t.Error("a range ending before it starts: no error")
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for text, want := range map[string]time.Time{
		"3d": now.Add(-72 * time.Hour), "2w": now.Add(-14 * 24 * time.Hour), "90m": now.Add(-90 * time.Minute),
		"1.5d": now.Add(-36 * time.Hour), "2025-03-01": time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		"2025-03-01T08:30:00Z": time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC),
	} {
		if got, err := filter.ParseSince(text, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, bad := range []string{"", "3", "-3d", "d", "yesterday", "3x"} {
		if _, err := filter.ParseSince(bad, now); err == nil || !strings.Contains(err.Error(), "3d") {
			t.Errorf("ParseSince(%q): %v, want a clear error", bad, err)
		}
	}
}

func TestParseWindow(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		since, until string
		start, end   time.Time
	}{
		{"3d", "", now.Add(-72 * time.Hour), now},
		{"3d", "1d", now.Add(-72 * time.Hour), now.Add(-24 * time.Hour)},
		{"2025-03-01", "2025-03-02", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)},
	} {
		start, end, err := filter.ParseWindow(tc.since, tc.until, now)
		if err != nil || !start.Equal(tc.start) || !end.Equal(tc.end) {
			t.Errorf("ParseWindow(%q, %q) = %v, %v, %v", tc.since, tc.until, start, end, err)
		}
	}
	for _, tc := range []struct{ since, until, want string }{
		{"soon", "", `since "soon": want a duration like 90m, 36h, 3d or 2w, or a date like 2025-03-01`},
		{"3d", "later", `until "later": want a duration like 90m, 36h, 3d or 2w, or a date like 2025-03-01`},
		{"1d", "2d", "since 2025-03-09T12:00:00Z is not before until 2025-03-08T12:00:00Z"},
		{"2025-03-02", "2025-03-02", "since 2025-03-02T00:00:00Z is not before until 2025-03-02T00:00:00Z"},
	} {
		if _, _, err := filter.ParseWindow(tc.since, tc.until, now); err == nil || err.Error() != tc.want {
			t.Errorf("ParseWindow(%q, %q): %v, want %q", tc.since, tc.until, err, tc.want)
		}
	}
}

func TestTrailLineAndJSON(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	e := sources.TrailEvent{ID: "1", Time: at, Name: "DeleteBucket", Source: "s3.amazonaws.com", User: "alice",
		SourceIP: "10.0.0.1", ErrorCode: "AccessDenied", Resources: []string{"logs"},
		JSON: "{\"eventName\": \"DeleteBucket\",\n \"x\": \"\u009b31m\"}"}
	if got := filter.TrailLine(e); got != "2025-03-01T12:00:00Z   W  DeleteBucket  s3  alice  10.0.0.1  AccessDenied  logs" {
		t.Errorf("line %q", got)
	}
	out := filter.TrailJSON(e)
	var doc map[string]string
	if err := json.Unmarshal(out, &doc); err != nil || doc["x"] != "\u009b31m" || strings.ContainsRune(string(out), 0x9b) || strings.Contains(string(out), "\n") {
		t.Errorf("JSON %q (%v)", out, err)
	}
	var buf strings.Builder
	if err := filter.WriteTrail(&buf, []sources.TrailEvent{e, e}, "json"); err != nil || strings.Count(buf.String(), "\n") != 2 {
		t.Errorf("WriteTrail json: %q, %v", buf.String(), err)
	}
	if err := filter.WriteTrail(&buf, nil, "yaml"); err == nil || !strings.Contains(err.Error(), "text or json") {
		t.Errorf("WriteTrail yaml: %v", err)
	}
	e.JSON, e.Kind, e.ReadOnly = "{truncated", sources.KindInsight, false
	if !strings.HasPrefix(filter.TrailLine(e), "2025-03-01T12:00:00Z  I   DeleteBucket") {
		t.Errorf("insight line %q", filter.TrailLine(e))
	}
	if err := json.Unmarshal(filter.TrailJSON(e), &map[string]any{}); err != nil || !strings.Contains(string(filter.TrailJSON(e)), `"kind":"insight"`) {
		t.Errorf("fallback JSON %s: %v", filter.TrailJSON(e), err)
	}
}
