package awssrc

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"watchtrail/sources"
)

const cloudWatchNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"

// historyItem is one member of AlarmHistoryItems as the fake serves it.
type historyItem struct {
	At                  time.Time
	Type, Summary, Data string
}

// fakeHistory answers awsquery requests (the protocol an endpoint override
// selects, see New): respond gets the decoded form and returns the status and
// XML body to send. The function returned lists the operation calls' forms,
// the SDK's retries of a call left out (see firstAttempt).
func fakeHistory(t *testing.T, respond func(url.Values) (int, string)) (*Source, func() []url.Values) {
	var mu sync.Mutex
	var calls []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("%s %s (%s): %q: %v", r.Method, r.URL, r.Header.Get("Content-Type"), body, err)
		}
		if firstAttempt(r) {
			mu.Lock()
			calls = append(calls, form)
			mu.Unlock()
		}
		status, out := respond(form)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	t.Cleanup(srv.Close)
	return New(testConfig(t), srv.URL), func() []url.Values {
		mu.Lock()
		defer mu.Unlock()
		return append([]url.Values(nil), calls...)
	}
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// historyPage is a DescribeAlarmHistoryResponse in the documented wire format.
func historyPage(alarm string, items []historyItem, next string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<DescribeAlarmHistoryResponse xmlns="%s"><DescribeAlarmHistoryResult><AlarmHistoryItems>`, cloudWatchNS)
	for _, it := range items {
		fmt.Fprintf(&b, `<member><AlarmName>%s</AlarmName><Timestamp>%s</Timestamp><HistoryItemType>%s</HistoryItemType>`+
			`<HistorySummary>%s</HistorySummary><HistoryData>%s</HistoryData></member>`,
			xmlText(alarm), it.At.UTC().Format("2006-01-02T15:04:05.000Z"), it.Type, xmlText(it.Summary), xmlText(it.Data))
	}
	b.WriteString(`</AlarmHistoryItems>`)
	if next != "" {
		fmt.Fprintf(&b, `<NextToken>%s</NextToken>`, xmlText(next))
	}
	b.WriteString(`</DescribeAlarmHistoryResult><ResponseMetadata><RequestId>5e1c5a2e-0000-4000-8000-000000000000</RequestId></ResponseMetadata></DescribeAlarmHistoryResponse>`)
	return b.String()
}

func stateUpdate(at time.Time, from, to string) historyItem {
	return historyItem{
		At: at, Type: "StateUpdate", Summary: "Alarm updated from " + from + " to " + to,
		Data: fmt.Sprintf(`{"version":"1.0","oldState":{"stateValue":%q,"stateReason":"Threshold Crossed: 1 datapoint [0.0 (01/03/25 12:00:00)] was not greater than the threshold (5.0)."},`+
			`"newState":{"stateValue":%q,"stateReason":"Threshold Crossed","stateReasonData":{"version":"1.0","threshold":5.0}}}`, from, to),
	}
}

func TestAlarmHistory(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const alarm = "checkout-api-errors"
	// Newest first, as asked for.
	pages := map[string]string{
		"": historyPage(alarm, []historyItem{
			stateUpdate(base.Add(9*time.Minute+500*time.Millisecond), "ALARM", "OK"),
			{At: base.Add(3 * time.Minute), Type: "StateUpdate", Summary: "Alarm updated from OK to \u202eALARM", Data: "not json"},
		}, "page/2=="),
		"page/2==": historyPage(alarm, []historyItem{
			stateUpdate(base.Add(2*time.Minute), "ALARM", "OK"),
		}, "page3"),
		"page3": historyPage(alarm, []historyItem{
			func() historyItem { // the states come from HistoryData, not the wording
				it := stateUpdate(base.Add(time.Minute), "INSUFFICIENT_DATA", "ALARM")
				it.Summary = "State changed"
				return it
			}(),
			{At: base.Add(30 * time.Second), Type: "ConfigurationUpdate", Summary: "Alarm \"checkout-api-errors\" updated", Data: "{}"},
		}, ""),
	}
	s, calls := fakeHistory(t, func(form url.Values) (int, string) { return 200, pages[form.Get("NextToken")] })

	changes, err := s.AlarmHistory(ctxFor(t), alarm, base, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	got := calls()
	if len(got) != 3 {
		t.Fatalf("want 3 DescribeAlarmHistory calls (3 pages), got %d: %v", len(got), got)
	}
	for i, form := range got {
		want := map[string]string{
			"Action": "DescribeAlarmHistory", "Version": "2010-08-01", "AlarmName": alarm,
			"HistoryItemType": "StateUpdate", "ScanBy": "TimestampDescending",
			"StartDate": "2025-03-01T12:00:00Z", "EndDate": "2025-03-01T13:00:00Z",
			"NextToken": []string{"", "page/2==", "page3"}[i],
		}
		for k, v := range want {
			if form.Get(k) != v {
				t.Errorf("call %d: %s = %q, want %q (form %v)", i, k, form.Get(k), v, form)
			}
		}
		if n := form.Get("MaxRecords"); n != fmt.Sprint([]int{100, 98, 97}[i]) {
			t.Errorf("call %d: MaxRecords = %s", i, n)
		}
	}

	want := []sources.StateChange{
		{Time: base.Add(time.Minute), From: sources.StateInsufficient, To: sources.StateAlarm, Summary: "State changed"},
		{Time: base.Add(2 * time.Minute), From: sources.StateAlarm, To: sources.StateOK, Summary: "Alarm updated from ALARM to OK"},
		// HistoryData unreadable: the states come from the summary.
		{Time: base.Add(3 * time.Minute), From: sources.StateOK, To: sources.StateAlarm, Summary: "Alarm updated from OK to ALARM"},
		{Time: base.Add(9*time.Minute + 500*time.Millisecond), From: sources.StateAlarm, To: sources.StateOK, Summary: "Alarm updated from ALARM to OK"},
	}
	if len(changes) != len(want) {
		t.Fatalf("got %+v, want %+v", changes, want)
	}
	for i := range want {
		if !changes[i].Time.Equal(want[i].Time) || changes[i].From != want[i].From || changes[i].To != want[i].To ||
			changes[i].Summary != want[i].Summary {
			t.Errorf("change %d = %+v, want %+v", i, changes[i], want[i])
		}
	}
}

func TestAlarmHistoryCapsItems(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s, calls := fakeHistory(t, func(form url.Values) (int, string) {
		// An endless, flapping feed, newest first: pages of 60 always
		// pointing on. The page follows from the token, so that a retried
		// request gets the same page again.
		page := 0
		fmt.Sscanf(form.Get("NextToken"), "p%d", &page)
		var items []historyItem
		for i := range 60 {
			at := base.Add(-time.Duration(page*60+i) * time.Minute)
			items = append(items, stateUpdate(at, "OK", "ALARM"))
		}
		return 200, historyPage("flappy", items, fmt.Sprint("p", page+1))
	})
	changes, err := s.AlarmHistory(ctxFor(t), "flappy", base.Add(-24*time.Hour), base)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != maxHistoryItems || len(calls()) != 2 {
		t.Fatalf("got %d changes in %d calls, want %d in 2", len(changes), len(calls()), maxHistoryItems)
	}
	if !changes[len(changes)-1].Time.Equal(base) || !changes[0].Time.Equal(base.Add(-99*time.Minute)) {
		t.Errorf("kept %v..%v, want the newest %d oldest first", changes[0].Time, changes[len(changes)-1].Time, maxHistoryItems)
	}
}

func TestAlarmHistoryThrottled(t *testing.T) {
	var attempts atomic.Int32
	s, _ := fakeHistory(t, func(url.Values) (int, string) {
		attempts.Add(1)
		return 400, `<ErrorResponse xmlns="` + cloudWatchNS + `"><Error><Type>Sender</Type><Code>Throttling</Code>` +
			`<Message>Rate exceeded</Message></Error><RequestId>5e1c5a2e-0000-4000-8000-000000000001</RequestId></ErrorResponse>`
	})
	_, err := s.AlarmHistory(ctxFor(t), "checkout-api-errors", time.Now().Add(-time.Hour), time.Now())
	if err == nil {
		t.Fatal("want an error")
	}
	if got := sources.Classify(err); got != sources.ProblemThrottled {
		t.Errorf("Classify(%v) = %q, want %q", err, got, sources.ProblemThrottled)
	}
	if !strings.Contains(sources.Explain(sources.FeedAlarms, err), "Throttling: Rate exceeded") {
		t.Errorf("Explain = %q", sources.Explain(sources.FeedAlarms, err))
	}
	if got := attempts.Load(); got != maxAttempts {
		t.Errorf("%d attempts, want %d (throttling is retried)", got, maxAttempts)
	}
}
