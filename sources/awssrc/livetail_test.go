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

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/eventstream"

	"watchtrail/sources"
)

const (
	testAccount = "123456789012"
	apiGroup    = "/aws/lambda/checkout-api"
	apiARN      = "arn:aws:logs:us-east-1:" + testAccount + ":log-group:" + apiGroup
	webARN      = "arn:aws:logs:us-east-1:" + testAccount + ":log-group:/ecs/web"
)

// liveTailRequest is what the fake service saw of one StartLiveTail call.
type liveTailRequest struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogEventFilterPattern string   `json:"logEventFilterPattern"`
	ended                 chan struct{}
}

// session scripts one StartLiveTail response: it writes event-stream
// messages; when it returns true the response stays open until the client
// goes away, else the stream ends there (a normal end).
type session func(w *streamWriter) (hold bool)

// fakeLiveTail serves DescribeLogGroups (JSON 1.1) and StartLiveTail (the
// event-stream wire format) the way CloudWatch Logs does. The i-th
// StartLiveTail call plays sessions[i]; calls past the end hold the stream
// open with nothing on it.
type fakeLiveTail struct {
	t        *testing.T
	groups   map[string]string // name -> ARN
	sessions []session
	refuse   string // when set, StartLiveTail answers with this error code

	mu       sync.Mutex
	starts   []*liveTailRequest
	describe []string
}

func newFakeLiveTail(t *testing.T, sessions ...session) (*fakeLiveTail, *Source) {
	f := &fakeLiveTail{t: t, groups: map[string]string{apiGroup: apiARN}, sessions: sessions}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	old := liveTailRestartPause
	liveTailRestartPause = time.Millisecond
	t.Cleanup(func() { liveTailRestartPause = old })
	return f, New(testConfig(t), srv.URL)
}

func (f *fakeLiveTail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch target := r.Header.Get("X-Amz-Target"); target {
	case "Logs_20140328.DescribeLogGroups":
		var in struct {
			LogGroupNamePrefix string `json:"logGroupNamePrefix"`
		}
		json.Unmarshal(body, &in)
		f.mu.Lock()
		f.describe = append(f.describe, in.LogGroupNamePrefix)
		f.mu.Unlock()
		var groups []map[string]any
		for name, arn := range f.groups {
			if strings.HasPrefix(name, in.LogGroupNamePrefix) {
				groups = append(groups, map[string]any{"logGroupName": name, "arn": arn + ":*", "logGroupArn": arn})
			}
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"logGroups": groups})
	case "Logs_20140328.StartLiveTail":
		req := &liveTailRequest{ended: make(chan struct{})}
		defer close(req.ended)
		if err := json.Unmarshal(body, req); err != nil {
			f.t.Errorf("StartLiveTail body %q: %v", body, err)
		}
		f.mu.Lock()
		n := len(f.starts)
		f.starts = append(f.starts, req)
		f.mu.Unlock()
		if f.refuse != "" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"__type":%q,"message":"not allowed"}`, f.refuse)
			return
		}
		sw := &streamWriter{t: f.t, w: w, enc: eventstream.NewEncoder()}
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		w.WriteHeader(http.StatusOK)
		// awsJson event streams open with the operation's (empty) output.
		sw.send("event", "initial-response", map[string]any{})
		hold := true
		if n < len(f.sessions) {
			hold = f.sessions[n](sw)
		}
		if hold {
			<-r.Context().Done()
		}
	default:
		f.t.Errorf("unexpected call %q", target)
		w.WriteHeader(http.StatusBadRequest)
	}
}

func (f *fakeLiveTail) requests() []*liveTailRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*liveTailRequest(nil), f.starts...)
}

// streamWriter writes event-stream messages and flushes each at once.
type streamWriter struct {
	t   *testing.T
	w   http.ResponseWriter
	enc *eventstream.Encoder
}

// send writes one message: kind is "event" or "exception", name the event
// or exception type.
func (s *streamWriter) send(kind, name string, payload any) {
	raw, err := json.Marshal(payload)
	if err != nil {
		s.t.Fatal(err)
	}
	var msg eventstream.Message
	msg.Headers.Set(":message-type", eventstream.StringValue(kind))
	if kind == "exception" {
		msg.Headers.Set(":exception-type", eventstream.StringValue(name))
	} else {
		msg.Headers.Set(":event-type", eventstream.StringValue(name))
	}
	msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
	msg.Payload = raw
	if err := s.enc.Encode(s.w, msg); err != nil {
		s.t.Errorf("encode %s: %v", name, err)
	}
	s.w.(http.Flusher).Flush()
}

func (s *streamWriter) start(arns ...string) {
	s.send("event", "sessionStart", map[string]any{
		"requestId": "req-1", "sessionId": "sess-1", "logGroupIdentifiers": arns,
	})
}

// update sends a sessionUpdate; each line is "groupIdentifier|stream|ms|message".
func (s *streamWriter) update(lines ...string) {
	results := []map[string]any{}
	for _, l := range lines {
		p := strings.SplitN(l, "|", 4)
		var ms int64
		fmt.Sscan(p[2], &ms)
		results = append(results, map[string]any{
			"logGroupIdentifier": p[0], "logStreamName": p[1], "timestamp": ms, "ingestionTime": ms + 50, "message": p[3],
		})
	}
	s.send("event", "sessionUpdate", map[string]any{"sessionMetadata": map[string]any{"sampled": false}, "sessionResults": results})
}

// next waits for one batch.
func next(t *testing.T, events <-chan []sources.LogEvent) []sources.LogEvent {
	t.Helper()
	select {
	case b, ok := <-events:
		if !ok {
			t.Fatal("events closed, want a batch")
		}
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch within 5s")
	}
	return nil
}

// closes waits for the events channel to close, draining it.
func closes(t *testing.T, events <-chan []sources.LogEvent) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("events not closed within 5s: the streaming goroutines leak")
		}
	}
}

func messages(batch []sources.LogEvent) []string {
	out := make([]string, len(batch))
	for i, e := range batch {
		out[i] = e.Group + " " + e.Stream + " " + e.Message
	}
	return out
}

func TestStreamLogsDeliversSanitisedBatchesInOrder(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
	f, src := newFakeLiveTail(t, func(w *streamWriter) bool {
		w.start(apiARN, webARN)
		w.update() // the every-second update with nothing in it
		w.update(
			fmt.Sprintf("%s:%s|2025/03/01/[$LATEST]abc|%d|START RequestId: 1", testAccount, apiGroup, base),
			fmt.Sprintf("%s|2025/03/01/[$LATEST]abc|%d|\x1b[31mERROR\x1b[0m Task timed out\x07", apiARN, base+10),
		)
		w.update(fmt.Sprintf("%s|web/1|%d|GET /health 200", webARN, base+20))
		return true
	})
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	events, errs, err := src.StreamLogs(ctx, []string{apiGroup, webARN + ":*"}, "?ERROR ?timeout")
	if err != nil {
		t.Fatal(err)
	}

	first := next(t, events)
	want := []string{
		apiGroup + " 2025/03/01/[$LATEST]abc START RequestId: 1",
		apiGroup + " 2025/03/01/[$LATEST]abc ERROR Task timed out\uFFFD",
	}
	if got := messages(first); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("first batch:\n%q\nwant\n%q", got, want)
	}
	if !first[0].Time.Equal(time.UnixMilli(base)) || !first[1].Time.Equal(time.UnixMilli(base+10)) {
		t.Errorf("times %v %v", first[0].Time, first[1].Time)
	}
	if first[0].ID == "" || first[0].ID == first[1].ID {
		t.Errorf("IDs %q %q: want distinct, non-empty", first[0].ID, first[1].ID)
	}
	second := next(t, events)
	if got := messages(second); len(got) != 1 || got[0] != webARN+":* web/1 GET /health 200" {
		t.Fatalf("second batch %q", got)
	}

	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d StartLiveTail calls, want 1", len(reqs))
	}
	if got := reqs[0].LogGroupIdentifiers; strings.Join(got, ",") != apiARN+","+webARN {
		t.Errorf("logGroupIdentifiers %q, want the looked-up ARN and the given one without :*", got)
	}
	if reqs[0].LogEventFilterPattern != "?ERROR ?timeout" {
		t.Errorf("logEventFilterPattern %q", reqs[0].LogEventFilterPattern)
	}
	if len(f.describe) != 1 || f.describe[0] != apiGroup {
		t.Errorf("DescribeLogGroups prefixes %q, want only %q", f.describe, apiGroup)
	}

	cancel()
	closes(t, events)
	select {
	case <-reqs[0].ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream's connection stayed open after cancel")
	}
	select {
	case err := <-errs:
		t.Fatalf("cancel reported an error: %v", err)
	default:
	}
}

func TestStreamLogsRestartsSessionsThatEnd(t *testing.T) {
	line := func(ms int, msg string) string { return fmt.Sprintf("%s|s|%d|%s", apiARN, ms, msg) }
	f, src := newFakeLiveTail(t,
		func(w *streamWriter) bool { // reaches its three hours
			w.start(apiARN)
			w.update(line(1, "one"))
			w.send("exception", "SessionTimeoutException", map[string]string{"message": "session timed out"})
			return false
		},
		func(w *streamWriter) bool { // the service closes it
			w.start(apiARN)
			w.update(line(2, "two"))
			return false
		},
		func(w *streamWriter) bool {
			w.start(apiARN)
			w.update(line(3, "three"))
			return true
		},
	)
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	events, errs, err := src.StreamLogs(ctx, []string{apiARN}, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 3 {
		for _, e := range next(t, events) {
			got = append(got, e.Message)
		}
	}
	if strings.Join(got, " ") != "one two three" {
		t.Fatalf("messages %q, want one two three", got)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d StartLiveTail calls, want 3", n)
	}
	if p := f.requests()[0].LogEventFilterPattern; p != "" {
		t.Errorf("an empty pattern was sent as %q", p)
	}
	select {
	case err := <-errs:
		t.Fatalf("a normal end was reported as %v", err)
	default:
	}
	cancel()
	closes(t, events)
}

func TestStreamLogsReportsAnExceptionAndStops(t *testing.T) {
	f, src := newFakeLiveTail(t, func(w *streamWriter) bool {
		w.start(apiARN)
		w.update(apiARN + "|s|1|before the failure")
		w.send("exception", "SessionStreamingException", map[string]string{"message": "internal failure"})
		return false
	})
	events, errs, err := src.StreamLogs(ctxFor(t), []string{apiARN}, "")
	if err != nil {
		t.Fatal(err)
	}
	if b := next(t, events); len(b) != 1 || b[0].Message != "before the failure" {
		t.Fatalf("batch %+v", b)
	}
	closes(t, events)
	select {
	case err := <-errs:
		var streaming *types.SessionStreamingException
		if !errors.As(err, &streaming) || !strings.Contains(err.Error(), "internal failure") {
			t.Fatalf("error %v (%T), want the SessionStreamingException", err, err)
		}
	default:
		t.Fatal("events closed without an error")
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d StartLiveTail calls after a failure, want 1 (no restart)", n)
	}
}

func TestStreamLogsFailsToStart(t *testing.T) {
	f, src := newFakeLiveTail(t)
	f.refuse = "AccessDeniedException"
	_, _, err := src.StreamLogs(ctxFor(t), []string{apiGroup}, "")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err %v, want AccessDenied", err)
	}
	if sources.Classify(err) == "" {
		t.Errorf("AccessDenied on StartLiveTail is not classified: %v", err)
	}

	_, _, err = src.StreamLogs(ctxFor(t), []string{"/no/such/group"}, "")
	if err == nil || !strings.Contains(err.Error(), `"/no/such/group" not found`) {
		t.Fatalf("err %v, want not found", err)
	}
	if _, _, err := src.StreamLogs(ctxFor(t), nil, ""); !errors.Is(err, sources.ErrNoLogGroups) {
		t.Fatalf("no groups: %v", err)
	}
}

func TestStreamLogsSplitsGroupsIntoSessionsOfTen(t *testing.T) {
	f, src := newFakeLiveTail(t)
	var groups []string
	for i := range 12 {
		groups = append(groups, fmt.Sprintf("%s%02d", apiARN, i))
	}
	ctx, cancel := context.WithCancel(ctxFor(t))
	events, _, err := src.StreamLogs(ctx, groups, "")
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 || len(reqs[0].LogGroupIdentifiers) != 10 || len(reqs[1].LogGroupIdentifiers) != 2 {
		t.Fatalf("sessions %v, want 10 groups then 2", reqs)
	}
	if reqs[1].LogGroupIdentifiers[1] != groups[11] {
		t.Errorf("second session %q", reqs[1].LogGroupIdentifiers)
	}
	cancel()
	closes(t, events)
	for _, r := range reqs {
		select {
		case <-r.ended:
		case <-time.After(5 * time.Second):
			t.Fatal("a session stayed open after cancel")
		}
	}
}
