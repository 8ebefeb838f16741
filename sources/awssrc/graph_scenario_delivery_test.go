package awssrc

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/triage"
)

// lateTrail is CloudTrail's event history as it fills: LookupEvents (over
// the JSON 1.1 protocol) returns only the records that have arrived by its
// clock, newest first, 50 a page; every other call goes on to moto.
type lateTrail struct {
	mu      sync.Mutex
	now     time.Time
	records []lateRecord
}

type lateRecord struct {
	arrives time.Time
	record  map[string]any
}

func (l *lateTrail) setNow(at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = at
}

// serve answers LookupEvents from the records that have arrived.
func (l *lateTrail) serve(t testing.TB, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req lookupRequest
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("LookupEvents body %q: %v", body, err)
	}
	l.mu.Lock()
	var page []map[string]any
	for _, rec := range l.records {
		at, _ := time.Parse(time.RFC3339, rec.record["eventTime"].(string))
		readOnly, _ := rec.record["readOnly"].(bool)
		if rec.arrives.After(l.now) || at.Unix() < int64(req.StartTime) || at.Unix() > int64(req.EndTime) {
			continue
		}
		if len(req.LookupAttributes) == 1 && req.LookupAttributes[0].AttributeKey == "ReadOnly" && strconv.FormatBool(readOnly) != req.LookupAttributes[0].AttributeValue {
			continue
		}
		page = append(page, rec.record)
	}
	l.mu.Unlock()
	sort.SliceStable(page, func(i, j int) bool { return page[i]["eventTime"].(string) > page[j]["eventTime"].(string) })
	from, _ := strconv.Atoi(req.NextToken)
	size := req.MaxResults
	if size <= 0 || size > 50 {
		size = 50
	}
	out := map[string]any{}
	var events []any
	for i := from; i < len(page) && i < from+size; i++ {
		events = append(events, lookupEvent(page[i]))
	}
	if from+size < len(page) {
		out["NextToken"] = strconv.Itoa(from + size)
	}
	out["Events"] = events
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

// lookupEvent is a CloudTrail record as LookupEvents returns it.
func lookupEvent(rec map[string]any) map[string]any {
	raw, _ := json.Marshal(rec)
	at, _ := time.Parse(time.RFC3339, rec["eventTime"].(string))
	who, _ := rec["userIdentity"].(map[string]any)
	user, _ := who["userName"].(string)
	if arn, _ := who["arn"].(string); user == "" && arn != "" {
		user = arn[strings.LastIndex(arn, "/")+1:]
	}
	readOnly, _ := rec["readOnly"].(bool)
	return map[string]any{"EventId": rec["eventID"], "EventName": rec["eventName"], "EventTime": float64(at.Unix()),
		"EventSource": rec["eventSource"], "Username": user, "ReadOnly": strconv.FormatBool(readOnly), "CloudTrailEvent": string(raw)}
}

// lateSource is a Source reading the trail from a lateTrail and the rest from moto.
func lateSource(t *testing.T, l *lateTrail) *Source {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	moto, err := url.Parse(motoserver.Shared(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(moto)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == lookupTarget {
			l.serve(t, w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return New(testConfig(t), srv.URL)
}

// trailPoll is how often the open drill-down reads the window again.
const trailPoll = 30 * time.Second

// lateFiles delivers a trail's records to a moto bucket as they arrive:
// each record in a log file named for the minute it arrives.
type lateFiles struct {
	s       *Source
	bucket  string
	records []lateRecord
	put     map[int]bool
}

func (f *lateFiles) deliverUntil(t testing.TB, now time.Time) {
	files := map[time.Time][]map[string]any{}
	for i, r := range f.records {
		if !f.put[i] && !r.arrives.After(now) {
			f.put[i] = true
			slot := r.arrives.Truncate(time.Minute)
			files[slot] = append(files[slot], r.record)
		}
	}
	for slot, rs := range files {
		putObject(t, f.s, f.bucket, trailKeyFor("AWSLogs/", "us-east-1", slot, short("late")), gzipRecords(t, rs...))
	}
}

// TestDeliverySweep: incidents whose cause reaches the trail reader 0 to
// 10 minutes after it was made (the rest of the trail 2 minutes after),
// through event history (LookupEvents from httptest) and through the
// trail's S3 files (moto), read as the open drill-down does, from the
// firing on at every trail poll. Until the cause has arrived nothing is
// blamed and the verdict never says "no related change"; from the first
// poll after it arrives the cause is the likely cause; once the window is
// complete the verdict says so without a caveat. Without the cause, the
// verdict waits for the window to be complete before saying "no related
// change".
func TestDeliverySweep(t *testing.T) {
	defer func() { scenarioNow = time.Now }()
	fired := time.Now().Add(-30 * time.Minute).Truncate(time.Minute)
	scenarioNow = func() time.Time { return fired }
	cases := []struct {
		scenario      func(testing.TB, *motoserver.Builder) incident
		before, delay time.Duration // the cause is made before the onset, and arrives delay after
	}{
		{scenarios[0].setup, time.Minute, 0},
		{classScenarios[0].setup, 2 * time.Minute, 4 * time.Minute},
		{variedScenarios[4].setup, time.Minute, 7 * time.Minute},
		{scenarios[4].setup, 3 * time.Minute, 10 * time.Minute},
		{classScenarios[2].setup, time.Minute, 9 * time.Minute},
	}
	for i, tc := range cases {
		for _, reader := range []string{"LookupEvents", "S3 files"} {
			if reader == "S3 files" && i%2 == 1 {
				continue // every other incident through S3 keeps the sweep short
			}
			for _, withCause := range []bool{true, false} {
				sweepDelivery(t, fired, reader, tc.scenario, tc.before, tc.delay, withCause)
			}
		}
	}
}

func sweepDelivery(t *testing.T, fired time.Time, reader string, scenario func(testing.TB, *motoserver.Builder) incident, before, delay time.Duration, withCause bool) {
	var s *Source
	var deliver func(now time.Time)
	var records []lateRecord
	l := &lateTrail{}
	switch reader {
	case "LookupEvents":
		s = lateSource(t, l)
		deliver = l.setNow
	default:
		var bucket string
		s, bucket = scenarioSource(t)
		files := &lateFiles{s: s, bucket: bucket, put: map[int]bool{}}
		deliver = func(now time.Time) {
			files.records = records
			files.deliverUntil(t, now)
		}
	}
	inc := scenario(t, motoserver.NewBuilder(t, motoserver.Shared(t)))
	inc.before = before
	a, staged, opts := stageIncident(t, s, inc, withCause)
	var arrives time.Time
	for _, r := range staged {
		at, _ := time.Parse(time.RFC3339, r["eventTime"].(string))
		late := 2 * time.Minute
		if r["eventID"] == "cause" {
			late = delay
			arrives = at.Add(late)
		}
		records = append(records, lateRecord{at.Add(late), r})
	}
	l.records = records
	name := reader + " " + inc.metric + " " + delay.String()
	for now := fired; ; now = now.Add(trailPoll) {
		deliver(now)
		opts.Now = now
		msg := triage.Run(ctxFor(t), s, a, opts)
		arrived := withCause && !now.Before(arrives)
		named := len(msg.Suspects) > 0 && msg.Suspects[0].Likely && msg.Suspects[0].Event.ID == "cause"
		switch {
		case !arrived && len(msg.Suspects) > 0 && msg.Suspects[0].Likely:
			t.Errorf("%s at +%s: %s blamed before the cause arrived:\n%s", name, now.Sub(fired), msg.Suspects[0].Event.ID, suspectsText(msg))
		case !msg.Complete && strings.HasPrefix(msg.Verdict, "no related change"):
			t.Errorf("%s at +%s: %q while the window is incomplete", name, now.Sub(fired), msg.Verdict)
		case arrived && !named:
			t.Errorf("%s at +%s: the cause arrived at +%s and is not named:\n%s", name, now.Sub(fired), arrives.Sub(fired), suspectsText(msg))
		case msg.Complete && withCause && !strings.HasPrefix(msg.Verdict, "likely cause: ") || strings.Contains(msg.Verdict, "arriving") && msg.Complete:
			t.Errorf("%s complete: verdict %q", name, msg.Verdict)
		case msg.Complete && !withCause && !strings.HasPrefix(msg.Verdict, "no related change in the window"):
			t.Errorf("%s without the cause, complete: verdict %q", name, msg.Verdict)
		}
		if msg.Complete != !now.Before(fired.Add(sources.CloudTrailLag)) || len(msg.Deliveries) != 1 || msg.Deliveries[0].Reader != reader {
			t.Errorf("%s at +%s: complete %v, deliveries %+v", name, now.Sub(fired), msg.Complete, msg.Deliveries)
		}
		if msg.Complete || t.Failed() {
			return
		}
		if arrived || !withCause && now.After(fired) {
			now = fired.Add(sources.CloudTrailLag - trailPoll) // the rest is the same until complete
		}
	}
}
