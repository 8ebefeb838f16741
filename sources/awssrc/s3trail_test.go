package awssrc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/filter"
	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

func TestParseTrailBucket(t *testing.T) {
	for _, tc := range []struct {
		url, bucket, prefix string
		bad                 bool
	}{
		{url: "s3://my-trail", bucket: "my-trail"},
		{url: "s3://my-trail/", bucket: "my-trail"},
		{url: "s3://my-trail/org-logs", bucket: "my-trail", prefix: "org-logs"},
		{url: "s3://my-trail/org-logs/", bucket: "my-trail", prefix: "org-logs"},
		{url: "s3://my.trail/a/b//", bucket: "my.trail", prefix: "a/b"},
		{url: "https://my-trail.s3.amazonaws.com/x", bad: true},
		{url: "S3://my-trail", bad: true},
		{url: "my-trail/prefix", bad: true},
		{url: "s3://", bad: true},
		{url: "s3:///prefix", bad: true},
		{url: "s3://bad bucket/x", bad: true},
	} {
		bucket, prefix, err := ParseTrailBucket(tc.url)
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "s3://bucket") && !strings.Contains(err.Error(), "bucket name") {
				t.Errorf("ParseTrailBucket(%q) = %q, %q, %v; want a clear error", tc.url, bucket, prefix, err)
			}
			continue
		}
		if err != nil || bucket != tc.bucket || prefix != tc.prefix {
			t.Errorf("ParseTrailBucket(%q) = %q, %q, %v; want %q, %q", tc.url, bucket, prefix, err, tc.bucket, tc.prefix)
		}
	}
}

func TestUseTrailBucketErrors(t *testing.T) {
	cfg := testConfig(t)
	s := New(cfg, "http://127.0.0.1:1")
	if err := s.UseTrailBucket("http://bucket/x"); err == nil {
		t.Error("UseTrailBucket accepted an http URL")
	}
	if s.s3trail != nil || strings.Contains(s.Describe(), "trail from") {
		t.Error("a failed UseTrailBucket still changed the source")
	}
	cfg.Region = ""
	if err := New(cfg, "").UseTrailBucket("s3://bucket"); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("no region: %v, want an error asking for one", err)
	}
}

func TestTrailFileTime(t *testing.T) {
	at, ok := trailFileTime("logs/AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz")
	if !ok || !at.Equal(time.Date(2015, 8, 1, 2, 10, 0, 0, time.UTC)) {
		t.Errorf("got %v, %v", at, ok)
	}
	if at, ok := trailFileTime("AWSLogs/1/CloudTrail-Insight/us-east-2/2015/08/01/1_CloudTrail-Insight_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz"); !ok || at.Hour() != 2 {
		t.Errorf("Insights file: %v, %v", at, ok)
	}
	for _, key := range []string{"AWSLogs/1/CloudTrail/x/2015/08/01/README", "a_Digest_r_20150801T0210Z_x.json.gz", "1_CloudTrail_r_2015-08-01_x.json.gz"} {
		if _, ok := trailFileTime(key); ok {
			t.Errorf("%q read as a log file", key)
		}
	}
}

const (
	trailAccount = "123456789012"
	checkoutARN  = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api"
)

// trailRecord is a CloudTrail log record; extra fields override the defaults.
func trailRecord(id string, at time.Time, name, source string, extra map[string]any) map[string]any {
	r := map[string]any{
		"eventVersion": "1.09", "eventID": id, "eventTime": at.UTC().Format(time.RFC3339),
		"eventName": name, "eventSource": source, "awsRegion": "us-east-1",
		"sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.15.0", "readOnly": true,
		"eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": trailAccount,
		"userIdentity": map[string]any{"type": "IAMUser", "userName": "ops",
			"arn": "arn:aws:iam::123456789012:user/ops", "accountId": trailAccount},
		"requestParameters": nil, "responseElements": nil,
	}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func gzipRecords(t testing.TB, records ...map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(map[string]any{"Records": records}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// trailKeyFor is where CloudTrail delivers a file at the given time; folder
// is the part before the account ("<prefix>/AWSLogs/" or with an org id).
func trailKeyFor(folder, region string, delivered time.Time, unique string) string {
	return trailtest.LogKey(folder, trailAccount, region, delivered, unique)
}

// motoTrail is a Source reading its trail from a fresh bucket on the shared
// moto server, with its calls counted; url's bucket is replaced by the new one.
func motoTrail(t *testing.T, prefix string) (*Source, *opCounter, string) {
	t.Helper()
	endpoint := motoserver.Shared(t)
	cfg := testConfig(t)
	calls := countOps(&cfg)
	s := New(cfg, endpoint)
	bucket := fmt.Sprintf("trail-%d", time.Now().UnixNano())
	if err := s.UseTrailBucket("s3://" + bucket + "/" + prefix); err != nil {
		t.Fatal(err)
	}
	if _, err := s.s3trail.client.CreateBucket(ctxFor(t), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return s, calls, bucket
}

func putObject(t testing.TB, s *Source, bucket, key string, body []byte) {
	t.Helper()
	if _, err := s.s3trail.client.PutObject(ctxFor(t), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

func ids(events []sources.TrailEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestMotoS3Trail(t *testing.T) {
	s, calls, bucket := motoTrail(t, "org-logs/")
	if d := s.Describe(); !strings.HasSuffix(d, "trail from s3://"+bucket+"/org-logs") {
		t.Errorf("Describe() = %q", d)
	}
	ctx := ctxFor(t)
	day1 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(day time.Time, hh, mm int) time.Time {
		return day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	}
	day2 := day1.AddDate(0, 0, 1)
	root := "org-logs/AWSLogs/"

	// Long before the window: skipped by StartAfter, never downloaded.
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day1, 10, 0), "OLD0000000000000"), gzipRecords(t,
		trailRecord("old", at(day1, 9, 55), "DescribeInstances", "ec2.amazonaws.com", nil)))
	// Day 1, 22h: one call before the window, one failed call in it.
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day1, 22, 5), "A000000000000000"), gzipRecords(t,
		trailRecord("before", at(day1, 21, 58), "DescribeInstances", "ec2.amazonaws.com", nil),
		trailRecord("denied", at(day1, 22, 1), "DeleteFunction20150331", "lambda.amazonaws.com", map[string]any{
			"readOnly": false, "sourceIPAddress": "203.0.113.9",
			"errorCode": "AccessDenied", "errorMessage": "User: bob is not authorized\nto delete \x1b[31mit\x1b[0m",
			"userIdentity":      map[string]any{"type": "IAMUser", "userName": "bob", "arn": "arn:aws:iam::123456789012:user/bob"},
			"requestParameters": map[string]any{"functionName": "checkout-api"},
		})))
	// Day 1, 23h: alice reconfigures checkout-api; a read-only call.
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day1, 23, 55), "B000000000000000"), gzipRecords(t,
		trailRecord("update", at(day1, 23, 50), "UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{
			"readOnly": false, "sourceIPAddress": "198.51.100.7",
			"userIdentity": map[string]any{"type": "AssumedRole",
				"arn": "arn:aws:sts::123456789012:assumed-role/Deployer/alice"},
			"requestParameters": map[string]any{"functionName": checkoutARN, "memorySize": 128},
			"resources":         []map[string]any{{"ARN": checkoutARN, "accountId": trailAccount, "type": "AWS::Lambda::Function"}},
		}),
		trailRecord("alarms", at(day1, 23, 52), "DescribeAlarms", "monitoring.amazonaws.com", nil)))
	// Day 2, 0h: read-only calls, one on another function; the same event
	// delivered twice.
	payments := trailRecord("payments", at(day2, 0, 7), "GetFunction20150331v2", "lambda.amazonaws.com", map[string]any{
		"requestParameters": map[string]any{"functionName": "payments-api"},
		"resources":         []map[string]any{{"ARN": "arn:aws:lambda:us-east-1:123456789012:function:payments-api"}},
	})
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day2, 0, 10), "C000000000000000"), gzipRecords(t,
		trailRecord("groups", at(day2, 0, 3), "DescribeLogGroups", "logs.amazonaws.com", nil), payments))
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day2, 0, 11), "D000000000000000"), gzipRecords(t, payments))
	// Day 2, 1h: after the window and its delivery lag.
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", at(day2, 1, 30), "E000000000000000"), gzipRecords(t,
		trailRecord("late", at(day2, 1, 20), "StopInstances", "ec2.amazonaws.com", map[string]any{"readOnly": false})))
	// Another region, in the window: not read.
	putObject(t, s, bucket, trailKeyFor(root, "us-west-2", at(day1, 23, 0), "F000000000000000"), gzipRecords(t,
		trailRecord("west", at(day1, 22, 59), "DescribeInstances", "ec2.amazonaws.com", nil)))
	if calls.get("GetObject") != 0 {
		t.Fatal("GetObject called before FetchTrail")
	}

	window := sources.TrailQuery{Start: at(day1, 22, 0), End: at(day2, 0, 30)}
	events, err := s.FetchTrail(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"denied", "update", "alarms", "groups", "payments"}; !reflect.DeepEqual(ids(events), want) {
		t.Fatalf("window across midnight = %v, want %v oldest first", ids(events), want)
	}
	// 22:05, 23:55, 00:10 and 00:11: not 10:00 (before), 01:30 (after) or us-west-2.
	if n := calls.get("GetObject"); n != 4 {
		t.Errorf("GetObject called %d times, want 4", n)
	}

	denied, update, alarms := events[0], events[1], events[2]
	if !denied.Time.Equal(at(day1, 22, 1)) || denied.Name != "DeleteFunction20150331" || denied.Source != "lambda.amazonaws.com" ||
		denied.User != "bob" || denied.SourceIP != "203.0.113.9" || denied.ErrorCode != "AccessDenied" ||
		denied.ErrorMessage != "User: bob is not authorized⏎to delete it" || denied.ReadOnly || !denied.Failed() {
		t.Errorf("failed call = %+v", denied)
	}
	if update.User != "alice" || update.SourceIP != "198.51.100.7" || update.ReadOnly || update.Failed() ||
		!reflect.DeepEqual(update.Resources, []string{checkoutARN}) {
		t.Errorf("update = %+v", update)
	}
	if !alarms.ReadOnly || alarms.User != "ops" || len(alarms.Resources) != 0 {
		t.Errorf("read-only call = %+v", alarms)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(denied.JSON), &doc); err != nil || doc["errorMessage"] != "User: bob is not authorized\nto delete \x1b[31mit\x1b[0m" ||
		doc["recipientAccountId"] != trailAccount {
		t.Errorf("JSON is not the raw record: %q (%v)", denied.JSON, err)
	}

	// The live feed polls again: nothing is downloaded twice.
	again, err := s.FetchTrail(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, events) {
		t.Errorf("second call = %v, want %v", ids(again), ids(events))
	}
	if n := calls.get("GetObject"); n != 4 {
		t.Errorf("GetObject called %d times after a repeated poll, want still 4", n)
	}

	byName, err := s.FetchTrail(ctx, sources.TrailQuery{Start: window.Start, End: window.End, ResourceName: "checkout-api"})
	if err != nil {
		t.Fatal(err)
	}
	// The update by its resource ARN, the denied call by its requestParameters.
	if want := []string{"denied", "update"}; !reflect.DeepEqual(ids(byName), want) {
		t.Errorf("ResourceName checkout-api = %v, want %v", ids(byName), want)
	}

	writes, err := s.FetchTrail(ctx, sources.TrailQuery{Start: window.Start, End: window.End, WriteOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"denied", "update"}; !reflect.DeepEqual(ids(writes), want) {
		t.Errorf("WriteOnly = %v, want the writes %v", ids(writes), want)
	}

	limited, err := s.FetchTrail(ctx, sources.TrailQuery{Start: window.Start, End: window.End, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"groups", "payments"}; !reflect.DeepEqual(ids(limited), want) {
		t.Errorf("Limit 2 = %v, want the newest two %v", ids(limited), want)
	}

	later, err := s.FetchTrail(ctx, sources.TrailQuery{Start: at(day2, 0, 5), End: at(day2, 2, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"payments", "late"}; !reflect.DeepEqual(ids(later), want) {
		t.Errorf("day 2 window = %v, want %v", ids(later), want)
	}
	if n := calls.get("GetObject"); n != 5 {
		t.Errorf("GetObject called %d times, want 5 (only the 01:30 file is new)", n)
	}
}

func TestMotoS3TrailBadFiles(t *testing.T) {
	// An organisation trail without a prefix: AWSLogs/<org-id>/<account>/...
	s, calls, bucket := motoTrail(t, "")
	ctx := ctxFor(t)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Minute)
	root := "AWSLogs/o-exampleorg1/"
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", base.Add(5*time.Minute), "GOOD000000000000"), gzipRecords(t,
		trailRecord("good", base.Add(time.Minute), "DescribeAlarms", "monitoring.amazonaws.com", nil)))
	plainKey := trailKeyFor(root, "us-east-1", base.Add(10*time.Minute), "PLAIN00000000000")
	putObject(t, s, bucket, plainKey, []byte(`{"Records":[]}`))
	garbledKey := trailKeyFor(root, "us-east-1", base.Add(15*time.Minute), "GARBLED000000000")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[{"eventID":`))
	zw.Close()
	putObject(t, s, bucket, garbledKey, buf.Bytes())

	q := sources.TrailQuery{Start: base, End: base.Add(30 * time.Minute)}
	events, err := s.FetchTrail(ctx, q)
	if want := []string{"good"}; !reflect.DeepEqual(ids(events), want) {
		t.Errorf("events = %v, want %v from the good file", ids(events), want)
	}
	if err != nil {
		t.Errorf("bad files made the call fail: %v", err)
	}
	wantBad := func(when string) {
		t.Helper()
		count, files := s.BadTrailFiles()
		got := map[string]string{}
		for _, f := range files {
			got[f.Name] = f.Err
		}
		if count != 2 || len(files) != 2 || !strings.Contains(got["s3://"+bucket+"/"+plainKey], "not gzipped") ||
			!strings.Contains(got["s3://"+bucket+"/"+garbledKey], "not CloudTrail JSON") {
			t.Errorf("%s: bad files %d %+v, want both keys once with their reasons", when, count, files)
		}
	}
	wantBad("first call")
	if n := calls.get("GetObject"); n != 3 {
		t.Errorf("GetObject called %d times, want 3", n)
	}

	// Reported once and kept: the next poll skips the bad files without reading them.
	events, err = s.FetchTrail(ctx, q)
	if err != nil || !reflect.DeepEqual(ids(events), []string{"good"}) {
		t.Errorf("second call = %v, %v; want the good event and no error", ids(events), err)
	}
	if n := calls.get("GetObject"); n != 3 {
		t.Errorf("GetObject called %d times after the second call, want still 3", n)
	}
	wantBad("second call")
}

// Insights events are delivered under CloudTrail-Insight/, apart from the
// API calls; kind:insight reads them there, as LookupEvents' Insights
// category does.
func TestMotoS3TrailInsights(t *testing.T) {
	s, calls, bucket := motoTrail(t, "logs")
	ctx := ctxFor(t)
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	root := "logs/AWSLogs/"
	insightKey := func(delivered time.Time, unique string) string {
		d := delivered.UTC()
		return fmt.Sprintf("%s%s/CloudTrail-Insight/us-east-1/%s/%s_CloudTrail-Insight_us-east-1_%s_%s.json.gz", root, trailAccount,
			d.Format("2006/01/02"), trailAccount, d.Format(trailStampLayout), unique)
	}
	insight := func(id string, at time.Time, state string) map[string]any {
		return map[string]any{
			"eventVersion": "1.08", "eventType": "AwsCloudTrailInsight", "eventCategory": "Insight", "eventID": id,
			"eventTime": at.Format(time.RFC3339), "awsRegion": "us-east-1", "recipientAccountId": trailAccount, "sharedEventID": "shared-1",
			"insightDetails": map[string]any{"state": state, "eventSource": "lambda.amazonaws.com", "eventName": "UpdateFunctionConfiguration",
				"insightType": "ApiCallRateInsight", "insightContext": map[string]any{"statistics": map[string]any{
					"baseline": map[string]any{"average": 0.01}, "insight": map[string]any{"average": 4.5}}}},
		}
	}
	putObject(t, s, bucket, trailKeyFor(root, "us-east-1", base.Add(10*time.Minute), "CALLS00000000000"), gzipRecords(t,
		trailRecord("call", base.Add(5*time.Minute), "UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com",
			map[string]any{"readOnly": false})))
	putObject(t, s, bucket, insightKey(base.Add(20*time.Minute), "INSIGHT000000000"), gzipRecords(t,
		insight("insight-start", base.Add(6*time.Minute), "Start"), insight("insight-end", base.Add(16*time.Minute), "End")))
	// Long before the window: skipped by StartAfter in the Insights folder too.
	putObject(t, s, bucket, insightKey(base.Add(-3*time.Hour), "OLDINSIGHT000000"), gzipRecords(t,
		insight("old", base.Add(-3*time.Hour-time.Minute), "Start")))

	kind, err := filter.ParseTrail("kind:insight")
	if err != nil {
		t.Fatal(err)
	}
	window := sources.TrailQuery{Start: base, End: base.Add(30 * time.Minute)}
	insights, err := s.FetchTrail(ctx, kind.Query(window))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"insight-start", "insight-end"}; !reflect.DeepEqual(ids(insights), want) {
		t.Fatalf("kind:insight = %v, want %v", ids(insights), want)
	}
	if e := insights[0]; e.EffectiveKind() != sources.KindInsight || e.Name != "UpdateFunctionConfiguration" || e.Source != "lambda.amazonaws.com" ||
		strings.Fields(filter.TrailLine(e))[1] != "I" {
		t.Errorf("Insights event = %+v, line %q", e, filter.TrailLine(e))
	}
	if n := calls.get("GetObject"); n != 1 {
		t.Errorf("GetObject called %d times for the Insights window, want 1 (not the API calls' file, nor the old one)", n)
	}
	apiCalls, err := s.FetchTrail(ctx, window)
	if err != nil || !reflect.DeepEqual(ids(apiCalls), []string{"call"}) {
		t.Errorf("without kind:insight = %v, %v; want the API call alone, as LookupEvents", ids(apiCalls), err)
	}
}

func TestMotoS3TrailEmptyBucket(t *testing.T) {
	s, _, bucket := motoTrail(t, "nothing/here")
	_, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{})
	if err == nil || !strings.Contains(err.Error(), "no CloudTrail logs under s3://"+bucket+"/nothing/here/AWSLogs/") {
		t.Errorf("empty bucket: %v, want an error naming where logs were expected", err)
	}
	missing := New(testConfig(t), motoserver.Shared(t))
	if err := missing.UseTrailBucket("s3://no-such-bucket-watchtrail"); err != nil {
		t.Fatal(err)
	}
	if _, err := missing.FetchTrail(ctxFor(t), sources.TrailQuery{}); err == nil || !strings.Contains(err.Error(), "no-such-bucket-watchtrail") {
		t.Errorf("missing bucket: %v, want an error naming it", err)
	}
}

func TestS3TrailCacheBounded(t *testing.T) {
	base := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	tr := &S3Trail{files: map[string]trailFile{}}
	for i := range maxCachedTrailFiles + 10 {
		tr.files[fmt.Sprint(i)] = trailFile{at: base.Add(-time.Duration(i) * time.Minute), size: 1}
	}
	tr.evict()
	if len(tr.files) != maxCachedTrailFiles {
		t.Fatalf("%d files cached, want %d", len(tr.files), maxCachedTrailFiles)
	}
	if _, ok := tr.files[fmt.Sprint(maxCachedTrailFiles)]; ok {
		t.Error("the oldest files beyond the cap are still cached")
	}
	if _, ok := tr.files["0"]; !ok {
		t.Error("the newest file was evicted")
	}

	tr.files["big"] = trailFile{at: base.Add(time.Minute), size: maxCachedTrailBytes - 10}
	tr.evict()
	if _, ok := tr.files["big"]; !ok || len(tr.files) != 11 {
		t.Errorf("after a big file: %d files cached (big kept: %v), want it and the 10 newest others", len(tr.files), ok)
	}
}

// A log file record and the same document from LookupEvents map alike.
func TestRecordEventMatchesLookupEvents(t *testing.T) {
	at := time.Date(2025, 3, 1, 23, 50, 0, 0, time.UTC)
	raw, _ := json.Marshal(trailRecord("update", at, "UpdateFunctionConfiguration", "lambda.amazonaws.com", map[string]any{
		"readOnly": false, "errorCode": "AccessDenied", "errorMessage": "no\tway",
		"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/Deployer/alice"},
	}))
	fromFile, _, err := recordEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	fromLookup := trailEventOf(cttypes.Event{EventId: aws.String("update"), EventTime: aws.Time(at),
		EventName: aws.String("UpdateFunctionConfiguration"), EventSource: aws.String("lambda.amazonaws.com"),
		Username: aws.String("alice"), ReadOnly: aws.String("false"), CloudTrailEvent: aws.String(string(raw))})
	if !reflect.DeepEqual(fromFile, fromLookup) {
		t.Errorf("from a log file: %+v\nfrom LookupEvents: %+v", fromFile, fromLookup)
	}
	if fromFile.ID != "update" || !fromFile.Time.Equal(at) || fromFile.User != "alice" || fromFile.ErrorMessage != "no    way" ||
		fromFile.ReadOnly || fromFile.JSON != string(raw) {
		t.Errorf("recordEvent = %+v", fromFile)
	}
	// A service calling on the account's behalf is named when there is no user.
	svc, _, _ := recordEvent([]byte(`{"eventTime":"2025-03-01T00:00:00Z","userIdentity":{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}}`))
	if svc.User != "cloudtrail.amazonaws.com" {
		t.Errorf("service caller = %q", svc.User)
	}
}

func TestReadTrailFileStreams(t *testing.T) {
	gz := func(doc string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(doc))
		zw.Close()
		return buf.Bytes()
	}
	events, err := readTrailFile(bytes.NewReader(gz(`{"Other":{"Records":[1]},"Records":[`+
		`{"eventID":"a","eventTime":"2026-11-25T19:00:00Z","eventName":"PutObject"},{"eventID":"no-time"},`+
		`{"eventID":"b","eventTime":"2026-11-25T19:00:01Z"}],"Tail":[]}`)), nil)
	if err != nil || !reflect.DeepEqual(ids(events), []string{"a", "b"}) {
		t.Fatalf("events %v, %v; want a and b", ids(events), err)
	}
	for doc, want := range map[string]string{`{"Records":{}}`: "not CloudTrail JSON", `[]`: "not CloudTrail JSON", `{"Logs":[]}`: `no "Records"`} {
		if _, err := readTrailFile(bytes.NewReader(gz(doc)), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
	// A connection that breaks is not the file's fault: no "not CloudTrail JSON".
	file := gz(`{"Records":[{"eventID":"a","eventTime":"2026-11-25T19:00:00Z"}]}`)
	_, err = readTrailFile(io.MultiReader(bytes.NewReader(file[:len(file)/2]), iotest.ErrReader(errors.New("connection reset"))), nil)
	var read readError
	if !errors.As(err, &read) || strings.Contains(err.Error(), "not CloudTrail") {
		t.Errorf("broken body: %v, want a read error", err)
	}
}
