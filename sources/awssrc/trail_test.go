package awssrc

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
)

const lookupTarget = "CloudTrail_20131101.LookupEvents"

// lookupRequest is what the fake CloudTrail saw of one LookupEvents call.
type lookupRequest struct {
	At               time.Time
	Target, Type     string
	StartTime        float64
	EndTime          float64
	MaxResults       int
	NextToken        string
	LookupAttributes []struct{ AttributeKey, AttributeValue string }
	EventCategory    string
}

// fakeTrail serves LookupEvents over the JSON 1.1 protocol: respond gets the
// decoded request and returns the status and body to send. The function
// returned lists the operation calls, the SDK's retries of a call left out
// (see firstAttempt).
func fakeTrail(t testing.TB, respond func(lookupRequest) (int, any)) (*Source, func() []lookupRequest) {
	var mu sync.Mutex
	var reqs []lookupRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := lookupRequest{At: time.Now(), Target: r.Header.Get("X-Amz-Target"), Type: r.Header.Get("Content-Type")}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("request body %q: %v", body, err)
		}
		if firstAttempt(r) {
			mu.Lock()
			reqs = append(reqs, req)
			mu.Unlock()
		}
		status, out := respond(req)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return New(testConfig(t), srv.URL), func() []lookupRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]lookupRequest(nil), reqs...)
	}
}

func event(id string, at time.Time, name string, doc map[string]any) map[string]any {
	raw, _ := json.Marshal(doc)
	return map[string]any{
		"EventId": id, "EventName": name, "EventTime": float64(at.Unix()), "EventSource": "lambda.amazonaws.com",
		"Username": "fallback-user", "ReadOnly": "false",
		"Resources":       []map[string]string{{"ResourceType": "AWS::Lambda::Function", "ResourceName": "checkout-api"}},
		"CloudTrailEvent": string(raw),
	}
}

func TestFetchTrail(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// Pages come newest first, as from AWS.
	pages := map[string]map[string]any{
		"": {"NextToken": "page2", "Events": []any{
			event("e4", base.Add(4*time.Minute), "Invoke\x1b[2J", map[string]any{
				"sourceIPAddress": "198.51.100.7", "readOnly": true,
				"userIdentity": map[string]any{"arn": "arn:aws:sts::123456789012:assumed-role/Deployer/alice"}}),
			event("e3", base.Add(3*time.Minute), "UpdateFunctionConfiguration", map[string]any{
				"sourceIPAddress": "203.0.113.9", "errorCode": "AccessDenied", "errorMessage": "not allowed\nat all",
				"readOnly":     false,
				"userIdentity": map[string]any{"userName": "bob", "arn": "arn:aws:iam::123456789012:user/bob"}}),
		}},
		"page2": {"NextToken": "page3", "Events": []any{
			event("e2", base.Add(2*time.Minute), "GetFunction", map[string]any{"readOnly": true}),
		}},
		"page3": {"Events": []any{
			event("e1", base.Add(time.Minute), "CreateFunction", nil),
		}},
	}
	s, reqs := fakeTrail(t, func(r lookupRequest) (int, any) { return 200, pages[r.NextToken] })

	began := time.Now()
	events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: base, End: base.Add(time.Hour), ResourceName: "checkout-api"})
	if err != nil {
		t.Fatal(err)
	}

	got := reqs()
	if len(got) != 3 {
		t.Fatalf("want 3 LookupEvents calls (3 pages), got %d", len(got))
	}
	for i, r := range got {
		if r.Target != lookupTarget || r.Type != "application/x-amz-json-1.1" {
			t.Errorf("call %d: target %q content type %q", i, r.Target, r.Type)
		}
		if r.StartTime != float64(base.Unix()) || r.EndTime != float64(base.Add(time.Hour).Unix()) {
			t.Errorf("call %d: window %v..%v", i, r.StartTime, r.EndTime)
		}
		if len(r.LookupAttributes) != 1 || r.LookupAttributes[0].AttributeKey != "ResourceName" ||
			r.LookupAttributes[0].AttributeValue != "checkout-api" {
			t.Errorf("call %d: lookup attributes %+v", i, r.LookupAttributes)
		}
		if want := []string{"", "page2", "page3"}[i]; r.NextToken != want {
			t.Errorf("call %d: NextToken %q, want %q", i, r.NextToken, want)
		}
		assertPaced(t, began, i, r.At)
	}

	if len(events) != 4 {
		t.Fatalf("want 4 events, got %+v", events)
	}
	for i, id := range []string{"e1", "e2", "e3", "e4"} {
		if events[i].ID != id || !events[i].Time.Equal(base.Add(time.Duration(i+1)*time.Minute)) {
			t.Errorf("event %d = %s at %v, want %s oldest first", i, events[i].ID, events[i].Time, id)
		}
	}
	e1, e2, e3, e4 := events[0], events[1], events[2], events[3]
	if e3.User != "bob" || e3.SourceIP != "203.0.113.9" || e3.ErrorCode != "AccessDenied" ||
		e3.ErrorMessage != "not allowed⏎at all" || e3.ReadOnly || !e3.Failed() {
		t.Errorf("e3 = %+v", e3)
	}
	if e4.User != "alice" || e4.Name != "Invoke" || !e4.ReadOnly || e4.Failed() || e4.Source != "lambda.amazonaws.com" {
		t.Errorf("e4 = %+v", e4)
	}
	if e1.User != "fallback-user" || e1.ReadOnly || !e2.ReadOnly {
		t.Errorf("e1 = %+v, e2 = %+v", e1, e2)
	}
	if len(e4.Resources) != 1 || e4.Resources[0] != "checkout-api" {
		t.Errorf("resources = %v", e4.Resources)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(e3.JSON), &doc); err != nil || doc["errorMessage"] != "not allowed\nat all" {
		t.Errorf("JSON is not the raw document: %q (%v)", e3.JSON, err)
	}
}

func TestFetchTrailWriteOnly(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	write := func(id string, minute int) any {
		return event(id, base.Add(time.Duration(minute)*time.Minute), "UpdateFunctionConfiguration", map[string]any{"readOnly": false})
	}
	// The server applies ReadOnly=false: the drill-down's one query, paged.
	pages := map[string]map[string]any{
		"":   {"NextToken": "p2", "Events": []any{write("w4", 4), write("w3", 3)}},
		"p2": {"NextToken": "p3", "Events": []any{write("w2", 2)}},
		"p3": {"Events": []any{write("w1", 1)}},
	}
	s, reqs := fakeTrail(t, func(r lookupRequest) (int, any) { return 200, pages[r.NextToken] })
	began := time.Now()
	events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: base, End: base.Add(time.Hour), WriteOnly: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got := eventIDs(events); got != "w1 w2 w3 w4" {
		t.Errorf("events %s, want the four writes oldest first", got)
	}
	got := reqs()
	if len(got) != 3 {
		t.Fatalf("want one query paged 3 times, got %d calls", len(got))
	}
	for i, r := range got {
		if len(r.LookupAttributes) != 1 || r.LookupAttributes[0].AttributeKey != "ReadOnly" || r.LookupAttributes[0].AttributeValue != "false" {
			t.Errorf("call %d: lookup attributes %+v, want ReadOnly=false", i, r.LookupAttributes)
		}
		if r.MaxResults != maxLookupResults {
			t.Errorf("call %d: MaxResults %d", i, r.MaxResults)
		}
		assertPaced(t, began, i, r.At)
	}

	// One attribute per call: a resource name wins, and reads are dropped here.
	stray := event("read", base.Add(5*time.Minute), "GetFunction", map[string]any{"readOnly": true})
	s, reqs = fakeTrail(t, func(lookupRequest) (int, any) {
		return 200, map[string]any{"Events": []any{write("w1", 1), stray}}
	})
	events, err = s.FetchTrail(ctxFor(t), sources.TrailQuery{ResourceName: "checkout-api", WriteOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := reqs(); eventIDs(events) != "w1" || len(r) != 1 || r[0].LookupAttributes[0].AttributeKey != "ResourceName" {
		t.Errorf("events %s, requests %+v", eventIDs(events), r)
	}
}

// assertPaced checks that the nth LookupEvents call (from 0) of a fresh
// Source reached the server no earlier than its token bucket allows: n
// intervals after the operation began. The bound needs no margin: the bucket
// grants the nth call's token n intervals after the first (never earlier,
// however late the earlier calls were sent), and the first after began.
// Pairwise gaps would not do: a first call delayed on a busy machine comes
// close to the second without any call being early.
func assertPaced(t *testing.T, began time.Time, n int, at time.Time) {
	t.Helper()
	if earliest := began.Add(time.Duration(n) * time.Second / lookupEventsPerSecond); at.Before(earliest) {
		t.Errorf("call %d reached the server %v after the start, before %v; LookupEvents allows %d/s",
			n, at.Sub(began), earliest.Sub(began), lookupEventsPerSecond)
	}
}

func eventIDs(events []sources.TrailEvent) string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return strings.Join(ids, " ")
}

func TestFetchTrailLimit(t *testing.T) {
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	s, reqs := fakeTrail(t, func(r lookupRequest) (int, any) {
		// An endless feed: every page is full and points to another.
		var evs []any
		for i := range r.MaxResults {
			evs = append(evs, event(fmt.Sprintf("%s-%d", r.NextToken, i), base.Add(-time.Duration(len(r.NextToken)*10+i)*time.Second), "X", nil))
		}
		return 200, map[string]any{"Events": evs, "NextToken": r.NextToken + "n"}
	})
	events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Limit: 60})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 60 {
		t.Errorf("Limit 60 returned %d events", len(events))
	}
	got := reqs()
	if len(got) != 2 || got[0].MaxResults != 50 || got[1].MaxResults != 10 {
		t.Errorf("want pages of 50 then 10, got %+v", got)
	}
	for i := 1; i < len(events); i++ {
		if events[i].Time.Before(events[i-1].Time) {
			t.Fatalf("events not oldest first at %d", i)
		}
	}
}

func TestFetchTrailErrors(t *testing.T) {
	for _, tc := range []struct {
		code     string
		want     sources.Problem
		attempts int // throttling is retried, up to maxAttempts
	}{
		{"ThrottlingException", sources.ProblemThrottled, maxAttempts},
		{"AccessDeniedException", sources.ProblemAccess, 1},
	} {
		t.Run(tc.code, func(t *testing.T) {
			var attempts atomic.Int32
			s, _ := fakeTrail(t, func(lookupRequest) (int, any) {
				attempts.Add(1)
				return 400, map[string]string{"__type": tc.code, "message": "no"}
			})
			_, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{})
			if err == nil {
				t.Fatal("want an error")
			}
			if got := sources.Classify(err); got != tc.want {
				t.Errorf("Classify(%v) = %q, want %q", err, got, tc.want)
			}
			if got := int(attempts.Load()); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

// The trail tail pages LookupEvents with its tokens until the window is read,
// each event once, calls paced by the Source's bucket.
func TestTrailTailPagesLookupEvents(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	const total = 120
	s, reqs := fakeTrail(t, func(r lookupRequest) (int, any) {
		var match []map[string]any // newest first
		for i := range total {
			at := now.Add(-time.Duration(i+1) * time.Second)
			if t := float64(at.Unix()); t >= r.StartTime && t <= r.EndTime {
				match = append(match, event(fmt.Sprint(i), at, "UpdateFunctionConfiguration", nil))
			}
		}
		from := 0
		fmt.Sscan(r.NextToken, &from)
		out := map[string]any{"Events": match[min(from, len(match)):min(from+r.MaxResults, len(match))]}
		if from+r.MaxResults < len(match) {
			out["NextToken"] = fmt.Sprint(from + r.MaxResults)
		}
		return http.StatusOK, out
	})
	tail := feed.NewTrailTail()
	seen := map[string]int{}
	for range 10 {
		b := tail.Next(ctxFor(t), s, sources.TrailQuery{}, now)
		if b.Err != nil {
			t.Fatal(b.Err)
		}
		for _, e := range b.Events {
			seen[e.ID]++
		}
		if !b.Again {
			break
		}
	}
	if len(seen) != total {
		t.Fatalf("%d of %d events", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("%s delivered %d times", id, n)
		}
	}
	got := reqs()
	if len(got) != 3 || got[0].NextToken != "" || got[1].NextToken != "50" || got[2].NextToken != "100" || got[0].MaxResults != 50 {
		t.Fatalf("requests %+v: want 3 pages of 50 following the tokens", got)
	}
}
