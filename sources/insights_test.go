package sources

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedQuerier answers polls from a script of statuses (the last one
// repeats) and records StopQuery calls.
type scriptedQuerier struct {
	mu       sync.Mutex
	statuses []QueryStatus
	polls    int
	stopped  []string
	onPoll   func(n int)
}

func (q *scriptedQuerier) StartQuery(ctx context.Context, iq InsightsQuery) (string, error) {
	return "q-1", nil
}

func (q *scriptedQuerier) QueryResults(ctx context.Context, id string) (QueryResult, error) {
	q.mu.Lock()
	n := q.polls
	q.polls++
	status := q.statuses[min(n, len(q.statuses)-1)]
	q.mu.Unlock()
	if q.onPoll != nil {
		q.onPoll(n)
	}
	res := QueryResult{Status: status, Stats: QueryStats{RecordsScanned: float64(100 * (n + 1))}}
	if status == QueryComplete {
		res.Rows = []QueryRow{{{Name: "level", Value: "ERROR"}, {Name: "count()", Value: "3"}}}
	}
	return res, nil
}

func (q *scriptedQuerier) StopQuery(ctx context.Context, id string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = append(q.stopped, id)
	return nil
}

func (q *scriptedQuerier) ListLogGroups(context.Context, string) ([]string, error) { return nil, nil }
func (q *scriptedQuerier) SavedQueries(context.Context) ([]SavedQuery, error)      { return nil, nil }

func TestRunQueryReportsProgressUntilComplete(t *testing.T) {
	lq := &scriptedQuerier{statuses: []QueryStatus{QueryScheduled, QueryRunning, QueryComplete}}
	var seen []QueryStatus
	res, err := RunQuery(context.Background(), lq, validQuery("stats count() by level"), func(r QueryResult) {
		seen = append(seen, r.Status)
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(statusNames(seen), ",") != "Scheduled,Running,Complete" {
		t.Errorf("progress saw %v", seen)
	}
	if res.ID != "q-1" || len(res.Rows) != 1 || res.Stats.RecordsScanned != 300 {
		t.Errorf("result = %+v", res)
	}
}

func statusNames(s []QueryStatus) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

func TestRunQueryFailedIsAnError(t *testing.T) {
	lq := &scriptedQuerier{statuses: []QueryStatus{QueryRunning, QueryFailed}}
	res, err := RunQuery(context.Background(), lq, validQuery("fields @message"), nil)
	if err == nil || !strings.Contains(err.Error(), "Failed") || res.Status != QueryFailed {
		t.Fatalf("got %+v, %v; want a Failed error", res, err)
	}
}

func TestRunQueryCancelStopsTheQuery(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lq := &scriptedQuerier{statuses: []QueryStatus{QueryRunning}}
	lq.onPoll = func(n int) {
		if n == 1 {
			cancel()
		}
	}
	res, err := RunQuery(ctx, lq, validQuery("fields @message"), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res.Status != QueryCancelled || len(lq.stopped) != 1 || lq.stopped[0] != "q-1" {
		t.Errorf("result %+v, stopped %v; want q-1 stopped and Cancelled", res, lq.stopped)
	}
}

func sampleResult() QueryResult {
	return QueryResult{ID: "q", Status: QueryComplete,
		Stats: QueryStats{RecordsMatched: 2, RecordsScanned: 1500, BytesScanned: 2_500_000},
		Rows: []QueryRow{
			{{"@timestamp", "2026-01-02 03:04:05.000"}, {"@message", "ERROR, \"quoted\"\nsecond line"}, {PtrField, "p1"}},
			{{"@timestamp", "2026-01-02 03:04:06.000"}, {"level", "WARN"}, {PtrField, "p2"}},
		}}
}

func TestWriteQueryResultCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteQueryResult(&b, sampleResult(), "csv"); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, b.String())
	}
	want := [][]string{
		{"@timestamp", "@message", "level"},
		{"2026-01-02 03:04:05.000", "ERROR, \"quoted\"\nsecond line", ""},
		{"2026-01-02 03:04:06.000", "", "WARN"},
	}
	if len(records) != len(want) {
		t.Fatalf("records %q, want %q", records, want)
	}
	for i := range want {
		if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, records[i], want[i])
		}
	}
}

func TestWriteQueryResultJSONKeepsFieldOrder(t *testing.T) {
	var b bytes.Buffer
	if err := WriteQueryResult(&b, sampleResult(), "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Status     string
		Statistics QueryStats
		Results    []map[string]string
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not valid JSON: %v\n%s", err, b.String())
	}
	if doc.Status != "Complete" || doc.Statistics.BytesScanned != 2_500_000 || len(doc.Results) != 2 ||
		doc.Results[1]["level"] != "WARN" || doc.Results[0][PtrField] != "" {
		t.Errorf("decoded %+v", doc)
	}
	if i, j := strings.Index(b.String(), `"@timestamp"`), strings.Index(b.String(), `"@message"`); i < 0 || j < i {
		t.Errorf("fields out of order:\n%s", b.String())
	}
}

func TestWriteQueryResultText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteQueryResult(&b, sampleResult(), "text"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, 2 rows and stats, got:\n%s", b.String())
	}
	if !strings.HasPrefix(lines[0], "@timestamp") || !strings.Contains(lines[1], "ERROR, \"quoted\"⏎second line") {
		t.Errorf("table:\n%s", b.String())
	}
	if lines[3] != "Complete · 2 rows · 2 records matched · 1500 scanned · 2.5 MB scanned" {
		t.Errorf("stats line %q", lines[3])
	}
	if err := WriteQueryResult(&b, sampleResult(), "yaml"); err == nil || !strings.Contains(err.Error(), "text, json, csv") {
		t.Errorf("unknown format error = %v", err)
	}
}

func validQuery(query string) InsightsQuery {
	end := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	return InsightsQuery{Groups: []string{"/g"}, Query: query, Start: end.Add(-time.Hour), End: end}
}

func TestRunQueryRefusesAnInvalidQuery(t *testing.T) {
	lq := &scriptedQuerier{statuses: []QueryStatus{QueryComplete}}
	for _, c := range []struct {
		edit func(*InsightsQuery)
		want string
	}{
		{func(q *InsightsQuery) { q.Groups = nil }, "at least one log group"},
		{func(q *InsightsQuery) { q.Query = "  " }, "query is empty"},
		{func(q *InsightsQuery) { q.End = q.Start }, "time range"},
		{func(q *InsightsQuery) { q.Start = time.Time{} }, "time range"},
	} {
		q := validQuery("fields @message")
		c.edit(&q)
		if _, err := RunQuery(context.Background(), lq, q, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
	if lq.polls != 0 {
		t.Errorf("an invalid query was run")
	}
}
