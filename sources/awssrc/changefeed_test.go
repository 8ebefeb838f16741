package awssrc

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/triage"
)

// envelope is a CloudTrail record as the EventBridge rule of a change feed
// writes it into the log group: the "AWS API Call via CloudTrail" event
// with the record in its detail.
func envelope(t testing.TB, r map[string]any) string {
	source, _ := r["eventSource"].(string)
	raw, err := json.Marshal(map[string]any{"version": "0", "id": "eb-" + r["eventID"].(string), "detail-type": "AWS API Call via CloudTrail",
		"source": "aws." + strings.TrimSuffix(source, ".amazonaws.com"), "account": trailAccount, "time": r["eventTime"],
		"region": "us-east-1", "resources": []any{}, "detail": r})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// putFeed writes messages into a new log group of moto, each at its time,
// as the rule does, and returns the group's name.
func putFeed(t testing.TB, s *Source, at []time.Time, messages []string) string {
	t.Helper()
	ctx := ctxFor(t)
	group := short("/watchtrail/changes")
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("rule")}); err != nil {
		t.Fatal(err)
	}
	var events []logtypes.InputLogEvent
	for i, m := range messages {
		events = append(events, logtypes.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(at[i].UnixMilli())})
	}
	sort.SliceStable(events, func(i, j int) bool { return *events[i].Timestamp < *events[j].Timestamp })
	if _, err := s.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String("rule"), LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	return group
}

// TestChangeFeedMergesWithLookupEvents: events an EventBridge rule wrote
// into a moto log group, merged with LookupEvents from an httptest server:
// each event once, the feed's seconds-old ones before event history has
// them, a message that is no EventBridge event named, both readers'
// deliveries reported.
func TestChangeFeedMergesWithLookupEvents(t *testing.T) {
	l := &lateTrail{}
	s := lateSource(t, l)
	base := time.Now().Add(-20 * time.Minute).Truncate(time.Second)
	write := func(id string, at time.Time) map[string]any {
		return trailRecord(id, at, "PutFunctionConcurrency20171031", "lambda.amazonaws.com", map[string]any{"readOnly": false,
			"requestParameters": map[string]any{"functionName": "thumbs", "reservedConcurrentExecutions": 1}})
	}
	both, feedOnly, trailOnly := write("both", base.Add(time.Minute)), write("feed-only", base.Add(3*time.Minute)), write("trail-only", base)
	read := trailRecord("read", base.Add(2*time.Minute), "GetFunction20150331v2", "lambda.amazonaws.com", nil)
	l.records = []lateRecord{{base, both}, {base, trailOnly}, {base, read}, {base.Add(time.Hour), feedOnly}}
	l.setNow(base.Add(10 * time.Minute))
	group := putFeed(t, s, []time.Time{base.Add(time.Minute), base.Add(2 * time.Minute), base.Add(3 * time.Minute)},
		[]string{envelope(t, both), `{"detail-type":"Scheduled Event","detail":null}`, envelope(t, feedOnly)})
	if err := s.UseChangesLogGroup(group); err != nil {
		t.Fatal(err)
	}
	q := sources.TrailQuery{Start: base.Add(-time.Minute), End: base.Add(10 * time.Minute), WriteOnly: true}
	events, err := s.FetchTrail(ctxFor(t), q)
	if got := strings.Join(ids(events), ","); got != "trail-only,both,feed-only" {
		t.Errorf("merged events %s, want each once, oldest first", got)
	}
	if err == nil || !strings.Contains(err.Error(), group) || !strings.Contains(err.Error(), "without detail") {
		t.Errorf("the message that is no EventBridge event is not named: %v", err)
	}
	page, _, _ := s.FetchTrailPage(ctxFor(t), q, "")
	if got := strings.Join(ids(page), ","); got != "trail-only,both,feed-only" {
		t.Errorf("first page %s, want the feed's events merged in", got)
	}
	d := s.Deliveries()
	if len(d) != 2 || d[0].Reader != "LookupEvents" || d[1].Reader != "change feed" || d[1].Lag != ChangeFeedLag ||
		!d[1].Newest.Equal(base.Add(3*time.Minute)) || !d[0].Newest.Equal(base.Add(time.Minute)) {
		t.Errorf("deliveries %+v", d)
	}
}

// TestChangeFeedNamesTheCauseBeforeEventHistoryHasIt: the cause reaches
// event history 10 minutes late but the change feed in seconds: the
// drill-down opened as the alarm fires names it, and later, with event
// history holding it too, it is still one suspect.
func TestChangeFeedNamesTheCauseBeforeEventHistoryHasIt(t *testing.T) {
	defer func() { scenarioNow = time.Now }()
	fired := time.Now().Add(-30 * time.Minute).Truncate(time.Minute)
	scenarioNow = func() time.Time { return fired }
	l := &lateTrail{}
	s := lateSource(t, l)
	inc := classScenarios[0].setup(t, motoserver.NewBuilder(t, motoserver.Shared(t)))
	a, records, opts := stageIncident(t, s, inc, true)
	var times []time.Time
	var feed []string
	for _, r := range records {
		at, _ := time.Parse(time.RFC3339, r["eventTime"].(string))
		delay := 2 * time.Minute
		if r["eventID"] == "cause" {
			delay = 10 * time.Minute
		}
		l.records = append(l.records, lateRecord{at.Add(delay), r})
		if r["readOnly"] == false {
			times, feed = append(times, at.Add(2*time.Second)), append(feed, envelope(t, r))
		}
	}
	if err := s.UseChangesLogGroup(putFeed(t, s, times, feed)); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{fired, fired.Add(sources.CloudTrailLag)} {
		l.setNow(now)
		opts.Now = now
		msg := triage.Run(ctxFor(t), s, a, opts)
		causes := 0
		for _, sp := range msg.Suspects {
			if sp.Event.ID == "cause" {
				causes++
			}
		}
		if len(msg.Suspects) == 0 || msg.Suspects[0].Event.ID != "cause" || !msg.Suspects[0].Likely || causes != 1 {
			t.Errorf("at +%s: want the cause named once:\n%s", now.Sub(fired), suspectsText(msg))
		}
	}
}
