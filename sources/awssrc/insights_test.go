package awssrc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/text"
)

func TestMotoLogsInsightsQuery(t *testing.T) {
	s, calls := motoSource(t)
	seed := motoserver.NewSeeder(t, motoserver.Shared(t))
	group := unique(t, "/insights/app")
	other := unique(t, "/insights/other")
	now := time.Now()
	seed.Logs(group, now, "first", "second \x1b[31mred\x1b[0m", "third")
	seed.Logs(other, now, "elsewhere")

	var progress []sources.QueryStatus
	res, err := sources.RunQuery(ctxFor(t), s, sources.InsightsQuery{
		Groups: []string{group}, Query: "fields @timestamp, @message | sort @timestamp desc | limit 2",
		Start: now.Add(-time.Hour), End: now.Add(time.Minute),
	}, func(r sources.QueryResult) { progress = append(progress, r.Status) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != sources.QueryComplete || len(progress) == 0 || progress[len(progress)-1] != sources.QueryComplete {
		t.Fatalf("status %s, progress %v", res.Status, progress)
	}
	if len(res.Rows) != 2 {
		t.Fatalf("want the 2 newest rows, got %+v", res.Rows)
	}
	first, _ := res.Rows[0].Get("@message")
	second, _ := res.Rows[1].Get("@message")
	if first != "third" || second != "second red" {
		t.Errorf("messages %q, %q; want third, then the sanitised second", first, second)
	}
	if cols := res.Columns(); strings.Join(cols, ",") != "@timestamp,@message" {
		t.Errorf("columns %v", cols)
	}
	if _, ok := res.Rows[0].Get(sources.PtrField); !ok {
		t.Errorf("row has no @ptr: %+v", res.Rows[0])
	}
	if calls.get("StartQuery") != 1 || calls.get("GetQueryResults") < 1 {
		t.Errorf("calls %v", calls.calls)
	}

	groups, err := s.ListLogGroups(ctxFor(t), "/insights/")
	if err != nil {
		t.Fatal(err)
	}
	got := text.FuzzyFilter("insapp", groups)
	if len(got) == 0 || got[0].Item != group {
		t.Errorf("fuzzy insapp over %v gave %+v, want %s first", groups, got, group)
	}

	_, err = s.StartQuery(ctxFor(t), sources.InsightsQuery{Groups: []string{"/no/such/group"}, Query: "fields @message", Start: now.Add(-time.Hour), End: now})
	if err == nil || !strings.Contains(sources.Summary(err), "ResourceNotFound") {
		t.Errorf("missing group: err = %v", err)
	}
}

func TestMotoListLogGroupsPages(t *testing.T) {
	s, calls := motoSource(t)
	prefix := unique(t, "/pages/")
	for i := 0; i < 55; i++ { // moto pages DescribeLogGroups by 50
		name := fmt.Sprintf("%s%02d", prefix, i)
		if _, err := s.logs.CreateLogGroup(ctxFor(t), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	groups, err := s.ListLogGroups(ctxFor(t), prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 55 || calls.get("DescribeLogGroups") != 2 {
		t.Errorf("got %d groups in %d calls, want 55 in 2", len(groups), calls.get("DescribeLogGroups"))
	}
}

// fakeInsights speaks the CloudWatch Logs JSON 1.1 protocol for the calls
// moto lacks (StopQuery, DescribeQueryDefinitions): every query stays Running.
type fakeInsights struct {
	mu      sync.Mutex
	stopped []string
	tokens  []string
}

func (f *fakeInsights) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	json.Unmarshal(body, &in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Header.Get("X-Amz-Target") {
	case "Logs_20140328.StartQuery":
		io.WriteString(w, `{"queryId":"q-42"}`)
	case "Logs_20140328.GetQueryResults":
		io.WriteString(w, `{"status":"Running","statistics":{"recordsMatched":3,"recordsScanned":900,"bytesScanned":123456},`+
			`"results":[[{"field":"@message","value":"partial"}]]}`)
	case "Logs_20140328.StopQuery":
		f.stopped = append(f.stopped, in["queryId"].(string))
		io.WriteString(w, `{"success":true}`)
	case "Logs_20140328.GetLogRecord":
		io.WriteString(w, `{"logRecord":{"zeta":"z","@message":"boom\u001b[2J","@timestamp":"2026-01-02 03:04:05.000","alpha":"a","@logStream":"s1"}}`)
	case "Logs_20140328.DescribeQueryDefinitions":
		token, _ := in["nextToken"].(string)
		f.tokens = append(f.tokens, token)
		if token == "" {
			io.WriteString(w, `{"queryDefinitions":[{"name":"errors","queryDefinitionId":"d1",`+
				`"queryString":"fields @message\n| filter @message like /ERROR/","logGroupNames":["/aws/lambda/a"]}],"nextToken":"p2"}`)
			return
		}
		io.WriteString(w, `{"queryDefinitions":[{"name":"slow \u001b[1mqueries","queryDefinitionId":"d2","queryString":"stats count()"}]}`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}

func newFakeInsights(t *testing.T) (*fakeInsights, *Source) {
	f := &fakeInsights{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, New(testConfig(t), srv.URL)
}

func TestRunQueryCancelCallsStopQuery(t *testing.T) {
	f, s := newFakeInsights(t)
	ctx, cancel := context.WithCancel(ctxFor(t))
	var last sources.QueryResult
	res, err := sources.RunQuery(ctx, s, sources.InsightsQuery{Groups: []string{"g"}, Query: "fields @message",
		Start: time.Now().Add(-time.Hour), End: time.Now()}, func(r sources.QueryResult) {
		last = r
		cancel() // Esc after the first progress report
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	if last.Stats.BytesScanned != 123456 || last.Stats.RecordsScanned != 900 || len(last.Rows) != 1 {
		t.Errorf("progress = %+v", last)
	}
	if res.Status != sources.QueryCancelled || len(f.stopped) != 1 || f.stopped[0] != "q-42" {
		t.Errorf("result %s, stopped %v; want q-42 stopped", res.Status, f.stopped)
	}
}

func TestSavedQueriesPages(t *testing.T) {
	f, s := newFakeInsights(t)
	saved, err := s.SavedQueries(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 || strings.Join(f.tokens, ",") != ",p2" {
		t.Fatalf("saved %+v after tokens %q", saved, f.tokens)
	}
	if saved[0].Name != "errors" || saved[0].Query != "fields @message\n| filter @message like /ERROR/" ||
		len(saved[0].Groups) != 1 || saved[0].Groups[0] != "/aws/lambda/a" {
		t.Errorf("first = %+v", saved[0])
	}
	if saved[1].Name != "slow queries" || saved[1].Query != "stats count()" {
		t.Errorf("second = %+v (escape sequences must be gone)", saved[1])
	}
}

func TestLogRecordOrdersAndSanitisesFields(t *testing.T) {
	_, s := newFakeInsights(t)
	row, err := s.LogRecord(ctxFor(t), "ptr-1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range row {
		got = append(got, f.Name+"="+f.Value)
	}
	if strings.Join(got, " ") != "@timestamp=2026-01-02 03:04:05.000 @message=boom @logStream=s1 alpha=a zeta=z" {
		t.Errorf("record = %q", got)
	}
}
