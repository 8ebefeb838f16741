package awssrc

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
)

// athenaWire answers Glue's GetTable and Athena's query calls over JSON
// 1.1 as AWS does where moto does not: a query that runs for a while,
// reports the bytes it scanned, and results in pages (the header row first
// on the first page only).
type athenaWire struct {
	t      *testing.T
	mu     sync.Mutex
	polls  int
	calls  []string
	state  string // the query's final state
	reason string
	pages  [][]map[string]any // rows of each GetQueryResults page
}

func (w *athenaWire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, op)
	rw.Header().Set("Content-Type", "application/x-amz-json-1.1")
	enc := json.NewEncoder(rw)
	switch op {
	case "GetTable":
		def := orgTrailTable("org_trail", "enum")
		var columns, keys []map[string]string
		for _, c := range def.StorageDescriptor.Columns {
			columns = append(columns, map[string]string{"Name": *c.Name, "Type": *c.Type})
		}
		for _, c := range def.PartitionKeys {
			keys = append(keys, map[string]string{"Name": *c.Name, "Type": *c.Type})
		}
		enc.Encode(map[string]any{"Table": map[string]any{"Name": "org_trail", "DatabaseName": "trails",
			"StorageDescriptor": map[string]any{"Columns": columns}, "PartitionKeys": keys, "Parameters": def.Parameters}})
	case "StartQueryExecution":
		var in struct{ QueryString, WorkGroup string }
		json.Unmarshal(body, &in)
		if !strings.Contains(in.QueryString, `FROM "trails"."org_trail"`) {
			w.t.Errorf("query %s", in.QueryString)
		}
		enc.Encode(map[string]any{"QueryExecutionId": "q-1"})
	case "GetQueryExecution":
		w.polls++
		state := "RUNNING"
		if w.polls >= 3 {
			state = w.state
		}
		enc.Encode(map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": "q-1",
			"Status":     map[string]any{"State": state, "StateChangeReason": w.reason},
			"Statistics": map[string]any{"DataScannedInBytes": 123456789}}})
	case "GetQueryResults":
		var in struct{ NextToken string }
		json.Unmarshal(body, &in)
		page := 0
		if in.NextToken == "p2" {
			page = 1
		}
		out := map[string]any{"ResultSet": map[string]any{"Rows": w.pages[page],
			"ResultSetMetadata": map[string]any{"ColumnInfo": columnInfo(tableColumns(w.t))}}}
		if page == 0 {
			out["NextToken"] = "p2"
		}
		enc.Encode(out)
	case "StopQueryExecution":
		enc.Encode(map[string]any{})
	default:
		w.t.Errorf("unexpected call %s", op)
		rw.WriteHeader(http.StatusBadRequest)
	}
}

func columnInfo(columns []string) []map[string]any {
	info := make([]map[string]any, len(columns))
	for i, c := range columns {
		info[i] = map[string]any{"Name": c, "Type": "varchar"}
	}
	return info
}

func wireRows(t *testing.T, header bool, records ...map[string]any) []map[string]any {
	columns := tableColumns(t)
	var rows []map[string]any
	if header {
		cells := make([]map[string]string, len(columns))
		for i, c := range columns {
			cells[i] = map[string]string{"VarCharValue": c}
		}
		rows = append(rows, map[string]any{"Data": cells})
	}
	for _, r := range records {
		rows = append(rows, map[string]any{"Data": athenaRow(columns, r)})
	}
	return rows
}

// Results come in pages, the first led by the header row; the query is
// polled until it ends; its bytes scanned are counted, also for a query
// that failed (Athena bills those), whose reason is the error.
func TestAthenaWirePagesAndBytesScanned(t *testing.T) {
	at := time.Date(2026, 11, 20, 11, 50, 0, 0, time.UTC)
	rec := func(id string, ago time.Duration) map[string]any {
		return trailRecord(id, at.Add(-ago), "PutObject", "s3.amazonaws.com", map[string]any{"readOnly": false})
	}
	w := &athenaWire{t: t, state: "SUCCEEDED",
		pages: [][]map[string]any{wireRows(t, true, rec("c", time.Minute), rec("b", 2*time.Minute)), wireRows(t, false, rec("a", 3*time.Minute))}}
	srv := httptest.NewServer(w)
	defer srv.Close()
	s := New(testConfig(t), srv.URL)
	if err := s.UseTrailAthena(AthenaOptions{Table: "trails.org_trail"}); err != nil {
		t.Fatal(err)
	}
	s.athena.firstWait = time.Millisecond
	events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: at.Add(-time.Hour), End: at})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(events), ","); got != "a,b,c" {
		t.Errorf("events = %s, want a,b,c from both pages, oldest first", got)
	}
	if bytes, queries := s.Scanned(); bytes != 123456789 || queries != 1 {
		t.Errorf("scanned %d bytes in %d queries", bytes, queries)
	}
	if got := strings.Join(w.calls, " "); got != "GetTable StartQueryExecution GetQueryExecution GetQueryExecution GetQueryExecution GetQueryResults GetQueryResults" {
		t.Errorf("calls: %s", got)
	}

	w.state, w.reason, w.polls = "FAILED", "COLUMN_NOT_FOUND: line 1:8: Column 'eventcategory' cannot be resolved\x1b[2J", 0
	_, err = s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: at.Add(-time.Hour), End: at})
	if err == nil || !strings.Contains(err.Error(), "failed: COLUMN_NOT_FOUND") || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("failed query: %v", err)
	}
	if bytes, queries := s.Scanned(); bytes != 2*123456789 || queries != 2 {
		t.Errorf("after a failed query: %d bytes in %d queries", bytes, queries)
	}
	if sum := feed.ScanSummary(s.Scanned()); sum != "Athena 246.9 MB scanned in 2 queries ≈ $0.00" {
		t.Errorf("summary %q", sum)
	}
}
