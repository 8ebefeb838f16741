package awssrc

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"watchtrail/sources"
)

// putTrailLogs creates a log group holding messages, one log event each, a
// second apart from base, as CloudTrail delivers a trail to CloudWatch Logs.
func putTrailLogs(t *testing.T, s *Source, base time.Time, messages ...string) string {
	t.Helper()
	ctx := ctxFor(t)
	group := "CloudTrail/" + unique(t, "trail")
	stream := trailAccount + "_CloudTrail_us-east-1"
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
	var events []logtypes.InputLogEvent
	for i, m := range messages {
		events = append(events, logtypes.InputLogEvent{Message: aws.String(m),
			Timestamp: aws.Int64(base.Add(time.Duration(i) * time.Second).UnixMilli())})
	}
	if _, err := s.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	return group
}

func recordJSON(t *testing.T, r map[string]any) string {
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestMotoTrailLogGroup(t *testing.T) {
	s, calls := motoSource(t)
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Second) }
	huge := strings.Repeat("x", 200_000) // under the 256 KiB log event limit
	group := putTrailLogs(t, s, base,
		recordJSON(t, trailRecord("m1", at(0), "DescribeInstances", "ec2.amazonaws.com", nil)),
		recordJSON(t, trailRecord("w1", at(1), "TerminateInstances", "ec2.amazonaws.com", map[string]any{
			"readOnly": false, "requestParameters": map[string]any{"instanceId": "i-0abc", "blob": huge},
			"unknownField": map[string]any{"nested": []int{1, 2}}})),
		`{"eventID": "broken", "eventTime": `,
		recordJSON(t, trailRecord("d1", at(3), "GetObject", "s3.amazonaws.com", map[string]any{
			"managementEvent": false, "eventCategory": "Data",
			"resources": []map[string]any{{"ARN": "arn:aws:s3:::bucket/key", "type": "AWS::S3::Object"}}})),
		"plain text, not JSON",
		recordJSON(t, trailRecord("w1", at(1), "TerminateInstances", "ec2.amazonaws.com", map[string]any{"readOnly": false})), // delivered twice
		recordJSON(t, map[string]any{"eventVersion": "1.07", "eventType": "AwsCloudTrailInsight", "eventID": "i1",
			"eventTime": at(6).UTC().Format(time.RFC3339), "eventCategory": "Insight",
			"insightDetails": map[string]any{"state": "Start", "eventName": "TerminateInstances", "eventSource": "ec2.amazonaws.com"}}),
	)
	if err := s.UseTrailLogGroup(group); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Describe(), "log group "+group) {
		t.Errorf("Describe = %q", s.Describe())
	}
	window := sources.TrailQuery{Start: base.Add(-time.Minute), End: time.Now()}

	events, err := s.FetchTrail(ctxFor(t), window)
	if err == nil || !strings.Contains(err.Error(), group) || strings.Count(err.Error(), "not a CloudTrail record") != 2 {
		t.Errorf("want an error naming the group and both bad records, got %v", err)
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID+"/"+string(e.EffectiveKind()))
	}
	if got := strings.Join(ids, " "); got != "m1/management w1/management d1/data" {
		t.Errorf("events %s, want management and data events oldest first, once each, no Insights", got)
	}
	if len(events) == 3 && (events[2].ResourceTypes[0] != "AWS::S3::Object" || len(events[1].JSON) < 200_000) {
		t.Errorf("data event %+v / huge event %d bytes", events[2], len(events[1].JSON))
	}

	for _, tc := range []struct {
		q    sources.TrailQuery
		want string
	}{
		{sources.TrailQuery{WriteOnly: true}, "w1"},
		{sources.TrailQuery{ResourceName: "i-0abc"}, "w1"},
		{sources.TrailQuery{Lookup: sources.LookupAttr{Key: sources.AttrEventSource, Value: "s3.amazonaws.com"}}, "d1"},
		{sources.TrailQuery{Insights: true}, "i1"},
		{sources.TrailQuery{Limit: 1}, "d1"},
		{sources.TrailQuery{Start: at(1), End: at(2)}, "w1"},
	} {
		q := tc.q
		if q.Start.IsZero() {
			q.Start, q.End = window.Start, window.End
		}
		events, _ := s.FetchTrail(ctxFor(t), q)
		var ids []string
		for _, e := range events {
			ids = append(ids, e.ID)
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.q, got, tc.want)
		}
	}
	if n := calls.get("LookupEvents"); n != 0 {
		t.Errorf("%d LookupEvents calls; the log group replaces them", n)
	}
}

func TestTrailLogPattern(t *testing.T) {
	attr := func(k, v string) sources.LookupAttr { return sources.LookupAttr{Key: k, Value: v} }
	for _, tc := range []struct {
		q    sources.TrailQuery
		want string
	}{
		{sources.TrailQuery{}, ""},
		{sources.TrailQuery{ResourceName: "x", Lookup: attr(sources.AttrUsername, "alice")}, ""},
		{sources.TrailQuery{Lookup: attr(sources.AttrEventName, "DeleteBucket")}, `{ ($.eventName = "DeleteBucket") }`},
		{sources.TrailQuery{Lookup: attr(sources.AttrEventSource, "s3.amazonaws.com"), WriteOnly: true},
			`{ ($.eventSource = "s3.amazonaws.com") && ($.readOnly IS FALSE) }`},
		{sources.TrailQuery{Lookup: attr(sources.AttrAccessKeyID, "AKIAX")}, `{ ($.userIdentity.accessKeyId = "AKIAX") }`},
		{sources.TrailQuery{Lookup: attr(sources.AttrReadOnly, "true")}, `{ ($.readOnly IS TRUE) }`},
		{sources.TrailQuery{Lookup: attr(sources.AttrEventName, `a"b`)}, ""},
		{sources.TrailQuery{Insights: true, WriteOnly: true}, `{ ($.eventType = "AwsCloudTrailInsight") }`},
	} {
		if got := trailLogPattern(tc.q); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.q, got, tc.want)
		}
	}
}
