package awssrc

import (
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

func TestFetchTrailLookupAttributes(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	page := map[string]any{"Events": []any{
		event("w1", base.Add(time.Minute), "DeleteBucket", map[string]any{"readOnly": false, "eventCategory": "Management",
			"userIdentity": map[string]any{"type": "Root", "arn": "arn:aws:iam::123456789012:root", "accessKeyId": "AKIAROOT"}}),
		event("r1", base.Add(2*time.Minute), "ListBuckets", map[string]any{"readOnly": true,
			"userIdentity": map[string]any{"userName": "alice", "accessKeyId": "AKIAALICE"}}),
	}}
	for _, attr := range []sources.LookupAttr{
		{Key: sources.AttrReadOnly, Value: "false"},
		{Key: sources.AttrUsername, Value: "root"},
		{Key: sources.AttrEventName, Value: "DeleteBucket"},
		{Key: sources.AttrEventSource, Value: "s3.amazonaws.com"},
		{Key: sources.AttrResourceName, Value: "my-bucket"},
		{Key: sources.AttrResourceType, Value: "AWS::S3::Bucket"},
		{Key: sources.AttrAccessKeyID, Value: "AKIAROOT"},
	} {
		t.Run(attr.Key, func(t *testing.T) {
			s, reqs := fakeTrail(t, func(lookupRequest) (int, any) { return 200, page })
			// WriteOnly rides along: only one attribute may be sent, so the
			// read-only event the fake server returns is dropped client-side.
			events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: base, End: base.Add(time.Hour), Lookup: attr, WriteOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got := reqs()
			if len(got) != 1 || len(got[0].LookupAttributes) != 1 || got[0].EventCategory != "" {
				t.Fatalf("requests %+v, want one with one attribute and no category", got)
			}
			if a := got[0].LookupAttributes[0]; a.AttributeKey != attr.Key || a.AttributeValue != attr.Value {
				t.Errorf("sent %+v, want %+v", a, attr)
			}
			// The server applied the attribute (the event names "root" by
			// ARN, LookupEvents by Username): it is not re-checked.
			if len(events) != 1 || events[0].ID != "w1" {
				t.Fatalf("events %+v, want only w1", events)
			}
			e := events[0]
			if e.AccessKeyID != "AKIAROOT" || e.UserARN != "arn:aws:iam::123456789012:root" || e.Kind != sources.KindManagement ||
				len(e.ResourceTypes) != 1 || e.ResourceTypes[0] != "AWS::Lambda::Function" {
				t.Errorf("event %+v", e)
			}
		})
	}
}

func TestFetchTrailWriteOnlyAndResource(t *testing.T) {
	s, reqs := fakeTrail(t, func(lookupRequest) (int, any) { return 200, map[string]any{} })
	if _, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{WriteOnly: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{WriteOnly: true, ResourceName: "checkout-api"}); err != nil {
		t.Fatal(err)
	}
	got := reqs()
	if len(got) != 2 || got[0].LookupAttributes[0].AttributeKey != "ReadOnly" || got[0].LookupAttributes[0].AttributeValue != "false" ||
		got[1].LookupAttributes[0].AttributeKey != "ResourceName" || len(got[1].LookupAttributes) != 1 {
		t.Errorf("requests %+v", got)
	}
}

func TestFetchTrailInsights(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	insight := map[string]any{
		"eventVersion": "1.08", "eventType": "AwsCloudTrailInsight", "eventID": "i1", "eventCategory": "Insight",
		"eventTime": base.Format(time.RFC3339), "awsRegion": "us-east-1", "sharedEventID": "s1",
		"insightDetails": map[string]any{"state": "Start", "eventSource": "iam.amazonaws.com", "eventName": "AttachRolePolicy",
			"insightType": "ApiCallRateInsight", "insightContext": map[string]any{"statistics": map[string]any{
				"baseline": map[string]any{"average": 0.01}, "insight": map[string]any{"average": 12.5}}}},
	}
	s, reqs := fakeTrail(t, func(r lookupRequest) (int, any) {
		ev := event("i1", base, "AttachRolePolicy", insight)
		delete(ev, "Username")
		return 200, map[string]any{"Events": []any{ev}}
	})
	events, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{Start: base.Add(-time.Hour), End: base.Add(time.Hour), Insights: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := reqs(); len(got) != 1 || got[0].EventCategory != "insight" || len(got[0].LookupAttributes) != 0 {
		t.Errorf("requests %+v, want EventCategory insight", got)
	}
	if len(events) != 1 || events[0].Kind != sources.KindInsight || events[0].Name != "AttachRolePolicy" ||
		events[0].Source != "lambda.amazonaws.com" || events[0].Failed() {
		t.Errorf("events %+v", events)
	}
}

func TestRecordEventBadInput(t *testing.T) {
	huge := `{"blob":"` + strings.Repeat("é", 1<<20) + `"}`
	for name, doc := range map[string]string{
		"unknown fields":   `{"eventID":"u1","eventTime":"2025-03-01T12:00:00Z","brandNew":{"x":[1,2]},"managementEvent":false,"eventCategory":"Data"}`,
		"huge parameters":  `{"eventID":"h1","eventTime":"2025-03-01T12:00:00Z","requestParameters":` + huge + `}`,
		"wrong types":      `{"eventID":"w1","eventTime":"2025-03-01T12:00:00Z","readOnly":"yes","userIdentity":"root","resources":{}}`,
		"bad time":         `{"eventID":"t1","eventTime":"yesterday"}`,
		"truncated":        `{"eventID":"x1","eventTime":"2025-03-01T12:00:00Z","userIdentity":{"accessKeyId":"AKIA`,
		"not json":         "\x1b[2Jhello",
		"null":             `null`,
		"insight, no name": `{"eventID":"i1","eventTime":"2025-03-01T12:00:00Z","eventType":"AwsCloudTrailInsight","insightDetails":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			ev, _, err := recordEvent([]byte(doc)) // must not panic
			if ev.JSON != doc {
				t.Error("the document was not kept as it came")
			}
			switch name {
			case "unknown fields":
				if err != nil || ev.Kind != sources.KindData {
					t.Errorf("%+v, %v", ev, err)
				}
			case "huge parameters":
				if err != nil || ev.ID != "h1" || sources.Touches(ev, "nothing") {
					t.Errorf("%v", err)
				}
			case "insight, no name":
				if ev.Kind != sources.KindInsight {
					t.Errorf("kind %q", ev.Kind)
				}
			case "bad time", "truncated", "not json", "wrong types":
				if err == nil {
					t.Errorf("no error for %q", doc)
				}
			}
		})
	}
}

func TestMotoS3TrailAppliesQuery(t *testing.T) {
	s, _, bucket := motoTrail(t, "")
	at := time.Now().UTC().Add(-20 * time.Minute).Truncate(time.Minute)
	putObject(t, s, bucket, trailKeyFor("AWSLogs/", "us-east-1", at.Add(5*time.Minute), "Q000000000000000"), gzipRecords(t,
		trailRecord("read", at, "DescribeInstances", "ec2.amazonaws.com", nil),
		trailRecord("write", at.Add(time.Second), "TerminateInstances", "ec2.amazonaws.com", map[string]any{"readOnly": false}),
		trailRecord("data", at.Add(2*time.Second), "GetObject", "s3.amazonaws.com", map[string]any{"managementEvent": false})))
	window := sources.TrailQuery{Start: at.Add(-time.Minute), End: at.Add(time.Minute)}
	for _, tc := range []struct {
		q    func(sources.TrailQuery) sources.TrailQuery
		want string
	}{
		{func(q sources.TrailQuery) sources.TrailQuery { return q }, "read write data"},
		{func(q sources.TrailQuery) sources.TrailQuery { q.WriteOnly = true; return q }, "write"},
		{func(q sources.TrailQuery) sources.TrailQuery {
			q.Lookup = sources.LookupAttr{Key: sources.AttrEventSource, Value: "s3.amazonaws.com"}
			return q
		}, "data"},
		{func(q sources.TrailQuery) sources.TrailQuery { q.Insights = true; return q }, ""},
	} {
		events, err := s.FetchTrail(ctxFor(t), tc.q(window))
		if got := strings.Join(ids(events), " "); err != nil || got != tc.want {
			t.Errorf("%+v: %q (%v), want %q", tc.q(window), got, err, tc.want)
		}
	}
}
