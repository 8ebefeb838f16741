package demo

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"watchtrail/filter"
	"watchtrail/sources"
)

// clock is a controllable Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var start = time.Date(2025, 11, 26, 19, 17, 43, 0, time.UTC)

func newDemo(t *testing.T) (*Source, *clock) {
	t.Helper()
	c := &clock{t: start}
	return New(Options{Start: start, Now: c.now, IncidentAfter: 20 * time.Second}), c
}

func alarmNamed(t *testing.T, s *Source, name string) sources.Alarm {
	t.Helper()
	alarms, err := s.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alarms {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no alarm %q", name)
	return sources.Alarm{}
}

func TestDescribeAndDefaults(t *testing.T) {
	s := New(Options{})
	if got := s.Describe(); got != "demo · simulated account 123456789012 · us-east-1" {
		t.Errorf("Describe = %q", got)
	}
	if d := s.ChangeTime().Sub(s.start); d < 19*time.Second || d > 20*time.Second {
		t.Errorf("default incident after %v, want 20s", d)
	}
	if len(s.LogGroups()) < 3 {
		t.Errorf("LogGroups = %v", s.LogGroups())
	}
	for _, m := range s.WatchedMetrics() {
		if m.Unit == "" {
			t.Errorf("watched metric %s has no unit", m.Key())
		}
	}
}

func TestBeforeIncident(t *testing.T) {
	s, c := newDemo(t)
	c.t = start.Add(10 * time.Second)
	alarms, _ := s.ListAlarms(context.Background())
	if len(alarms) < 6 || len(alarms) > 9 {
		t.Fatalf("%d alarms, want 6-9", len(alarms))
	}
	states := map[sources.AlarmState]int{}
	for _, a := range alarms {
		states[a.State]++
	}
	if states[sources.StateAlarm] != 0 || states[sources.StateInsufficient] != 1 {
		t.Errorf("states before incident = %v, want no ALARM and one INSUFFICIENT_DATA", states)
	}
	if a := alarmNamed(t, s, "checkout-api-errors"); a.State != sources.StateOK || !strings.Contains(a.Reason, "was not greater than the threshold (5.0)") {
		t.Errorf("checkout-api-errors = %s %q", a.State, a.Reason)
	}
	events, err := s.FetchTrail(context.Background(), sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 60 {
		t.Errorf("only %d trail events in the last hour", len(events))
	}
	for _, e := range events {
		if e.User == "alice" {
			t.Errorf("alice event before the incident: %+v", e)
		}
		if e.Time.After(c.t) {
			t.Errorf("trail event from the future: %v", e.Time)
		}
	}
}

func TestIncident(t *testing.T) {
	s, c := newDemo(t)
	change := s.ChangeTime()
	c.t = change.Add(40 * time.Second)
	ctx := context.Background()

	alarms, _ := s.ListAlarms(ctx)
	a := alarms[0]
	if a.Name != "checkout-api-errors" || a.State != sources.StateAlarm {
		t.Fatalf("first alarm = %s %s, want checkout-api-errors ALARM", a.Name, a.State)
	}
	if !a.StateChanged.Equal(change.Add(30 * time.Second)) {
		t.Errorf("StateChanged = %v, want change+30s", a.StateChanged)
	}
	if !strings.HasPrefix(a.Reason, "Threshold Crossed: 1 datapoint [") || !strings.HasSuffix(a.Reason, "was greater than the threshold (5.0).") {
		t.Errorf("reason = %q", a.Reason)
	}

	from, to := a.StateChanged.Add(-15*time.Minute), a.StateChanged.Add(5*time.Minute)
	trail, err := s.FetchTrail(ctx, sources.TrailQuery{Start: from, End: to, ResourceName: "checkout-api"})
	if err != nil {
		t.Fatal(err)
	}
	var cause *sources.TrailEvent
	for i, e := range trail {
		if !contains(e.Resources, "checkout-api") {
			t.Errorf("unrelated event %s %v", e.Name, e.Resources)
		}
		if e.User == "alice" {
			cause = &trail[i]
		}
	}
	if cause == nil {
		t.Fatalf("no alice event in %d events", len(trail))
	}
	if cause.Name != "UpdateFunctionConfiguration20150331v2" || cause.Source != "lambda.amazonaws.com" ||
		cause.SourceIP != "203.0.113.42" || !cause.Time.Equal(change) || cause.ReadOnly {
		t.Errorf("alice event = %+v", cause)
	}
	var doc struct {
		UserIdentity                                      struct{ Type, Arn, UserName, AccountID string }
		EventName, EventType, RecipientAccountID, EventID string
		RequestParameters                                 struct{ MemorySize, Timeout int }
	}
	if err := json.Unmarshal([]byte(cause.JSON), &doc); err != nil {
		t.Fatalf("CloudTrailEvent JSON: %v\n%s", err, cause.JSON)
	}
	if doc.UserIdentity.UserName != "alice" || doc.UserIdentity.Type != "IAMUser" || doc.EventID != cause.ID ||
		doc.RequestParameters.MemorySize != 128 || doc.RequestParameters.Timeout != 3 || doc.EventType != "AwsApiCall" ||
		doc.RecipientAccountID != "123456789012" {
		t.Errorf("JSON = %s", cause.JSON)
	}

	logs, err := s.FetchLogs(ctx, sources.LogQuery{Group: "/aws/lambda/checkout-api", Start: from, End: to})
	if err != nil {
		t.Fatal(err)
	}
	if !anyContains(logs, "Task timed out after 3.00 seconds") {
		t.Errorf("no timeout among %d checkout-api log lines", len(logs))
	}

	series, err := s.FetchMetrics(ctx, []sources.MetricSpec{a.Metric}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	high := 0
	for i, at := range series[0].Times {
		v := series[0].Values[i]
		switch {
		case !at.Add(time.Minute).After(change) && v > a.Threshold:
			t.Errorf("errors %v at %v, before the change", v, at)
		case !at.Before(change.Add(15 * time.Second).Truncate(time.Minute)):
			if v <= a.Threshold {
				t.Errorf("errors %v at %v, after the change", v, at)
			}
			high++
		}
		if at.After(c.t) {
			t.Errorf("metric point from the future: %v", at)
		}
	}
	if high == 0 {
		t.Error("no errors datapoint after the change")
	}
}

func TestPatternAndLimit(t *testing.T) {
	s, c := newDemo(t)
	c.t = s.ChangeTime().Add(2 * time.Minute)
	q := sources.LogQuery{Group: "/aws/lambda/checkout-api", Start: c.t.Add(-10 * time.Minute), End: c.t, Pattern: `"Task timed out"`}
	logs, _ := s.FetchLogs(context.Background(), q)
	if len(logs) == 0 {
		t.Fatal("pattern matched nothing")
	}
	for _, e := range logs {
		if !strings.Contains(e.Message, "Task timed out") {
			t.Errorf("pattern let through %q", e.Message)
		}
	}
	q.Pattern, q.Limit = "", 7
	logs, _ = s.FetchLogs(context.Background(), q)
	all, _ := s.FetchLogs(context.Background(), sources.LogQuery{Group: q.Group, Start: q.Start, End: q.End})
	if len(logs) != 7 || logs[0].ID != all[0].ID || logs[6].ID != all[6].ID {
		t.Errorf("limit 7 gave %d events, not the oldest 7", len(logs))
	}
	if f := filter.ParseLogPattern(`ERROR -timeout ?orders ?"socket hang"`); !f.Match("ERROR socket hang up") || f.Match("ERROR timeout socket hang") || f.Match("ERROR x") {
		t.Errorf("filter %+v", f)
	}
	if _, err := s.FetchLogs(context.Background(), sources.LogQuery{Group: "/nope"}); err == nil {
		t.Error("unknown group: no error")
	}
}

func TestDeterminismAndSafety(t *testing.T) {
	s, c := newDemo(t)
	c.t = s.ChangeTime().Add(3 * time.Minute)
	ctx := context.Background()
	for _, group := range s.LogGroups() {
		a, _ := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: c.t.Add(-40 * time.Minute), End: c.t.Add(-10 * time.Minute)})
		b, _ := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: c.t.Add(-20 * time.Minute), End: c.t.Add(time.Hour)})
		byTime := map[string]sources.LogEvent{}
		seen := map[string]bool{}
		for _, e := range a {
			if seen[e.ID] {
				t.Errorf("%s: duplicate ID %s", group, e.ID)
			}
			seen[e.ID] = true
			byTime[e.Time.String()+e.Message] = e
		}
		shared := 0
		for i, e := range b {
			if e.Time.After(c.t) {
				t.Errorf("%s: event from the future %v", group, e.Time)
			}
			if i > 0 && e.Time.Before(b[i-1].Time) {
				t.Errorf("%s: not oldest first", group)
			}
			if strings.ContainsRune(e.Message, 0x1b) || strings.ContainsRune(e.Message, 0x07) {
				t.Errorf("%s: control byte in %q", group, e.Message)
			}
			if old, ok := byTime[e.Time.String()+e.Message]; ok {
				shared++
				if old.ID != e.ID || old.Stream != e.Stream {
					t.Errorf("%s: event changed between polls: %+v vs %+v", group, old, e)
				}
			}
		}
		if shared == 0 {
			t.Errorf("%s: overlapping windows share no events", group)
		}
	}
	web, _ := s.FetchLogs(ctx, sources.LogQuery{Group: "/ecs/prod-web", Start: c.t.Add(-3 * time.Hour), End: c.t, Pattern: "robots.txt"})
	if !anyContains(web, `"curl/8.4.0"`) {
		t.Error("the escape-sequence line is missing (or was not sanitised)")
	}
	t1, _ := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t})
	t2, _ := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t})
	if len(t1) != len(t2) || t1[0].JSON != t2[0].JSON {
		t.Error("trail differs between identical queries")
	}
	var denied bool
	for _, e := range t1 {
		denied = denied || (e.Failed() && e.ErrorCode == "AccessDenied" && strings.Contains(e.JSON, `"errorCode":"AccessDenied"`))
	}
	if !denied {
		t.Error("no AccessDenied event in an hour of trail")
	}
	m1, _ := s.FetchMetrics(ctx, s.WatchedMetrics(), c.t.Add(-3*time.Hour), c.t)
	m2, _ := s.FetchMetrics(ctx, s.WatchedMetrics(), c.t.Add(-time.Hour), c.t)
	for i := range m1 {
		if n := len(m1[i].Values); n < 175 {
			t.Errorf("%s: %d points over 3h", m1[i].Spec.Key(), n)
		}
		off := len(m1[i].Values) - len(m2[i].Values)
		for j, v := range m2[i].Values {
			if m1[i].Values[off+j] != v || !m1[i].Times[off+j].Equal(m2[i].Times[j]) {
				t.Errorf("%s: point %d differs between overlapping windows", m1[i].Spec.Key(), j)
				break
			}
		}
	}
	generic, _ := s.FetchMetrics(ctx, []sources.MetricSpec{{Namespace: "Custom/App", Metric: "QueueDepth"}}, c.t.Add(-time.Hour), c.t)
	if len(generic[0].Values) < 59 {
		t.Errorf("unknown metric: %d points", len(generic[0].Values))
	}
}

func TestRecovery(t *testing.T) {
	s, c := newDemo(t)
	change := s.ChangeTime()
	c.t = change.Add(2 * time.Minute)
	if a := alarmNamed(t, s, "checkout-api-duration-p99"); a.State != sources.StateAlarm || !a.StateChanged.After(change.Add(30*time.Second)) {
		t.Errorf("p99 alarm mid-incident = %s at %v", a.State, a.StateChanged)
	}
	c.t = change.Add(8 * time.Minute)
	alarms, _ := s.ListAlarms(context.Background())
	for _, a := range alarms {
		if a.State == sources.StateAlarm {
			t.Errorf("%s still ALARM after the rollback: %s", a.Name, a.Reason)
		}
	}
	if a := alarmNamed(t, s, "checkout-api-errors"); !strings.Contains(a.Reason, "was not greater than") || a.StateChanged.Before(change.Add(6*time.Minute)) {
		t.Errorf("errors alarm after recovery = %v %q", a.StateChanged, a.Reason)
	}
	trail, _ := s.FetchTrail(context.Background(), sources.TrailQuery{Start: change, End: c.t, ResourceName: "checkout-api"})
	var bob bool
	for _, e := range trail {
		bob = bob || (e.User == "bob" && strings.Contains(e.JSON, `"memorySize":1024`))
	}
	if !bob {
		t.Error("no rollback by bob")
	}
	series, _ := s.FetchMetrics(context.Background(), []sources.MetricSpec{checkoutErrors}, change.Add(7*time.Minute+30*time.Second), c.t)
	for i, v := range series[0].Values {
		if v > 5 {
			t.Errorf("errors still %v at %v", v, series[0].Times[i])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyContains(events []sources.LogEvent, text string) bool {
	for _, e := range events {
		if strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}

// Open-ended queries (no start) reach back only as far as the demo keeps
// data, so they end: checked by where they begin, not by how long they take
// (a scan of the three days of logs takes tens of seconds on a busy machine).
func TestOpenEndedQueriesStayBounded(t *testing.T) {
	s, c := newDemo(t)
	c.t = start.Add(time.Hour)
	ctx := context.Background()
	oldest, _ := s.FetchLogs(ctx, sources.LogQuery{Group: "/aws/lambda/checkout-api", End: c.t, Limit: 1})
	if from := c.t.Add(-logRetention); len(oldest) != 1 || oldest[0].Time.Before(from) || oldest[0].Time.After(from.Add(time.Minute)) {
		t.Errorf("a zero-start log query begins with %+v, want the first line of the %v kept before %v", oldest, logRetention, c.t)
	}
	trail, _ := s.FetchTrail(ctx, sources.TrailQuery{End: c.t, ResourceName: "nothing"})
	series, _ := s.FetchMetrics(ctx, []sources.MetricSpec{checkoutErrors}, time.Time{}, c.t)
	if len(trail) != 0 || len(series[0].Values) != maxPoints || series[0].Times[maxPoints-1].After(c.t) {
		t.Errorf("zero-start queries: %d trail, %d points", len(trail), len(series[0].Values))
	}
}
