package triage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/triage"
)

func TestDrillOnTheDemoIncidentFindsTheChangeAndTheErrors(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	alarms, err := d.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(alarms, func(a sources.Alarm) bool { return a.Name == "checkout-api-errors" })
	if i < 0 || alarms[i].State != sources.StateAlarm {
		t.Fatalf("want checkout-api-errors firing, got %v", alarms)
	}
	alarm := alarms[i]
	msg := triage.Run(context.Background(), d, alarm, triage.Options{Now: now, LogGroups: d.LogGroups()})
	if len(msg.Errors) > 0 {
		t.Fatalf("drill errors: %v", msg.Errors)
	}
	if !msg.Anchor.Equal(alarm.StateChanged) {
		t.Errorf("anchored at %v, want the firing at %v", msg.Anchor, alarm.StateChanged)
	}
	assertBlamesAlice(t, msg)
	if len(msg.Series.Values) == 0 {
		t.Fatal("no metric data in the drill-down")
	}
}

// demoAlarm is the demo's alarm of that name as of now.
func demoAlarm(t *testing.T, d *demo.Source, name string) sources.Alarm {
	t.Helper()
	alarms, err := d.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(alarms, func(a sources.Alarm) bool { return a.Name == name })
	if i < 0 {
		t.Fatalf("no alarm %q in %v", name, alarms)
	}
	return alarms[i]
}

func TestDrillAfterRecoveryAnchorsOnTheTransitionIntoAlarm(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	now = d.ChangeTime().Add(time.Minute)
	fired := demoAlarm(t, d, "checkout-api-errors")
	now = d.ChangeTime().Add(8 * time.Minute)
	alarm := demoAlarm(t, d, "checkout-api-errors")
	if fired.State != sources.StateAlarm || alarm.State != sources.StateOK || !alarm.StateChanged.After(fired.StateChanged) {
		t.Fatalf("want the alarm fired then recovered, got %+v then %+v", fired, alarm)
	}

	msg := triage.Run(context.Background(), d, alarm, triage.Options{Now: now, LogGroups: d.LogGroups()})
	if len(msg.Errors) > 0 {
		t.Fatalf("drill errors: %v", msg.Errors)
	}
	if !msg.Anchor.Equal(fired.StateChanged) {
		t.Fatalf("anchored at %v, want the transition into ALARM at %v (not the recovery at %v)", msg.Anchor, fired.StateChanged, alarm.StateChanged)
	}
	if !msg.Alarm.StateChanged.Equal(alarm.StateChanged) || msg.Alarm.State != sources.StateOK {
		t.Errorf("the alarm itself was changed: %+v", msg.Alarm)
	}
	if !msg.Start.Equal(msg.Anchor.Add(-triage.Before)) || !msg.End.Equal(now) {
		t.Errorf("window %v..%v, want %v before the anchor %v until now", msg.Start, msg.End, triage.Before, msg.Anchor)
	}
	if len(msg.History) != 2 || msg.History[0].To != sources.StateAlarm || !msg.History[0].Time.Equal(fired.StateChanged) ||
		msg.History[1].To != sources.StateOK || !msg.History[1].Time.Equal(alarm.StateChanged) {
		t.Errorf("history %+v, want the firing and the recovery", msg.History)
	}
	assertBlamesAlice(t, msg)
}

// noHistory is a source whose alarm history cannot be read.
type noHistory struct{ *demo.Source }

func (noHistory) AlarmHistory(context.Context, string, time.Time, time.Time) ([]sources.StateChange, error) {
	return nil, errors.New("history unavailable")
}

func TestDrillWithoutHistoryFallsBackToTheLastStateChange(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	alarm := demoAlarm(t, d, "checkout-api-errors")
	msg := triage.Run(context.Background(), noHistory{d}, alarm, triage.Options{Now: now, LogGroups: d.LogGroups()})
	if len(msg.Errors) != 1 || msg.Errors[0].Error() != "history unavailable" {
		t.Fatalf("errors %v, want just the history failure", msg.Errors)
	}
	if !msg.Anchor.Equal(alarm.StateChanged) || msg.History != nil {
		t.Errorf("anchor %v history %+v, want the state change %v and no history", msg.Anchor, msg.History, alarm.StateChanged)
	}
	if len(msg.Trail) == 0 || len(msg.Logs) == 0 || len(msg.Series.Values) == 0 {
		t.Errorf("the rest of the drill-down is missing: %d events, %d lines, %d points", len(msg.Trail), len(msg.Logs), len(msg.Series.Values))
	}
}

func TestDrillAnchorAndWindow(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	a := sources.Alarm{Name: "x", State: sources.StateOK, StateChanged: now.Add(-time.Hour)}
	history := []sources.StateChange{
		{Time: now.Add(-5 * time.Hour), From: sources.StateOK, To: sources.StateAlarm},
		{Time: now.Add(-3 * time.Hour), From: sources.StateOK, To: sources.StateAlarm},
		{Time: now.Add(-2 * time.Hour), From: sources.StateAlarm, To: sources.StateInsufficient},
		{Time: now.Add(-time.Hour), From: sources.StateInsufficient, To: sources.StateOK},
		{Time: now.Add(time.Hour), From: sources.StateOK, To: sources.StateAlarm}, // a clock skewed into the future
	}
	for _, tc := range []struct {
		name    string
		alarm   sources.Alarm
		history []sources.StateChange
		want    time.Time
	}{
		{"latest into ALARM", a, history, now.Add(-3 * time.Hour)},
		{"no history", a, nil, a.StateChanged},
		{"no transition into ALARM", a, history[2:4], a.StateChanged},
		{"unknown state change", sources.Alarm{}, nil, now},
		{"state change in the future", sources.Alarm{StateChanged: now.Add(time.Minute)}, history[3:], now},
	} {
		if got := triage.Anchor(tc.alarm, tc.history, now); !got.Equal(tc.want) {
			t.Errorf("%s: anchor %v, want %v", tc.name, got, tc.want)
		}
	}
	if s, e := triage.Window(now.Add(-time.Hour), now); !s.Equal(now.Add(-time.Hour-triage.Before)) || !e.Equal(now.Add(-time.Hour+triage.After)) {
		t.Errorf("window %v..%v", s, e)
	}
	if s, e := triage.Window(now.Add(-time.Minute), now); !s.Equal(now.Add(-time.Minute-triage.Before)) || !e.Equal(now) {
		t.Errorf("window near now %v..%v, want to end at now", s, e)
	}
	if s, e := triage.Window(time.Time{}, now); !s.Equal(now.Add(-triage.Before)) || !e.Equal(now) {
		t.Errorf("window of a zero anchor %v..%v", s, e)
	}
}

// assertBlamesAlice checks the drill-down names alice's configuration change
// as the likely cause and holds the incident's timeouts, within the line cap.
func assertBlamesAlice(t *testing.T, msg triage.Result) {
	t.Helper()
	if len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != "alice" ||
		!strings.HasPrefix(msg.Suspects[0].Event.Name, "UpdateFunctionConfiguration") {
		t.Fatalf("verdict %q, suspects %+v; want alice's UpdateFunctionConfiguration as the likely cause", msg.Verdict, msg.Suspects)
	}
	timedOut := 0
	for _, e := range msg.Logs {
		if strings.Contains(e.Message, "Task timed out") {
			timedOut++
		}
	}
	if timedOut == 0 || len(msg.Logs) > 500 {
		t.Fatalf("got %d log lines with %d timeouts; want the incident's timeouts within the cap", len(msg.Logs), timedOut)
	}
}

func TestDemoSecondIncidentBlamesTheSecurityGroupChangeOfTheTargets(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	now = d.ChangeTime().Add(15 * time.Minute)
	for _, name := range []string{"prod-web-alb-5xx"} {
		alarm := demoAlarm(t, d, name)
		if alarm.State != sources.StateAlarm {
			t.Fatalf("%s is %s, want ALARM", name, alarm.State)
		}
		msg := triage.Run(context.Background(), d, alarm, triage.Options{Now: now, LogGroups: d.LogGroups()})
		if len(msg.Errors) > 0 {
			t.Fatalf("%s: drill errors: %v", name, msg.Errors)
		}
		top := msg.Suspects[0]
		if !top.Likely || top.Event.User != "erin" || top.Event.Name != "RevokeSecurityGroupIngress" ||
			!strings.HasSuffix(top.Relation, "sg sg-0c4d5e6f7a8b9c0d1") || top.Hops < 2 {
			t.Fatalf("%s: verdict %q, suspects %+v; want erin's revoke on the instances' group as the likely cause", name, msg.Verdict, msg.Suspects)
		}
		if !msg.Onset.Found || msg.Onset.Time.After(alarm.StateChanged) {
			t.Errorf("%s: onset %+v, want one before the firing at %v", name, msg.Onset, alarm.StateChanged)
		}
		if msg.Cause != top.Event.ID {
			t.Errorf("%s: Cause %q, want the likely suspect's event %q", name, msg.Cause, top.Event.ID)
		}
		for _, e := range msg.Trail {
			if !slices.ContainsFunc(msg.Suspects, func(s triage.Suspect) bool { return s.Event.ID == e.ID && s.Hops >= 0 }) {
				t.Errorf("%s: %s in Trail is not a related suspect", name, e.Name)
			}
		}
		for _, s := range msg.Suspects[1:] {
			if s.Score >= top.Score/2 {
				t.Errorf("%s: %s by %s (%s) scores %.2f, too close to the cause's %.2f", name, s.Event.Name, s.Event.User, s.Reason, s.Score, top.Score)
			}
			if s.Event.ReadOnly || s.Event.User == "carol" {
				t.Errorf("%s: %s by %s is a read or touches a look-alike group, not a suspect", name, s.Event.Name, s.Event.User)
			}
		}
	}
	// The first incident's alarms still blame alice: her change is in the
	// window, the security group is not related to the function.
	msg := triage.Run(context.Background(), d, demoAlarm(t, d, "checkout-api-errors"), triage.Options{Now: now, LogGroups: d.LogGroups()})
	assertBlamesAlice(t, msg)
}

func TestResourceNamesIncludeLoadBalancerARNs(t *testing.T) {
	a := sources.Alarm{ARN: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:alb-5xx", Metric: sources.MetricSpec{
		Dims: []sources.Dimension{{Name: "LoadBalancer", Value: "app/prod-web/50dc6c495c0c9188"}, {Name: "AvailabilityZone", Value: "eu-west-1a"}}}}
	got := strings.Join(triage.ResourceNames(a), " ")
	want := "app/prod-web/50dc6c495c0c9188 arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/prod-web/50dc6c495c0c9188"
	if got != want {
		t.Fatalf("ResourceNames = %q\nwant            %q", got, want)
	}
	a.ARN = ""
	if got := triage.ResourceNames(a); len(got) != 1 {
		t.Fatalf("without the alarm ARN only the dimension values can be used, got %v", got)
	}
}

// plain is a source without graph discovery, which records its trail queries.
type plain struct {
	sources.Source
	queries *[]sources.TrailQuery
}

func (p plain) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	*p.queries = append(*p.queries, q)
	return p.Source.FetchTrail(ctx, q)
}

func TestTriageWithoutDiscoveryMatchesTheAlarmedResourcesOnly(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	now = d.ChangeTime().Add(15 * time.Minute)
	var queries []sources.TrailQuery
	src := plain{d, &queries}

	msg := triage.Run(context.Background(), src, demoAlarm(t, d, "checkout-api-errors"), triage.Options{Now: now})
	assertBlamesAlice(t, msg)
	if len(queries) != 1 || !queries[0].WriteOnly || queries[0].ResourceName != "" ||
		!queries[0].Start.Equal(msg.Anchor.Add(-triage.OnsetLookback)) || !queries[0].End.Equal(msg.End) {
		t.Errorf("trail queries %+v, want one write-only query over the window and the history before it", queries)
	}
	if len(msg.Graph.Resources) != 1 || msg.Graph.Resources[0].ID != "checkout-api" {
		t.Errorf("graph %+v, want just the alarmed function", msg.Graph)
	}

	// The web incident's cause is on a related security group, which
	// only discovery can see: without it nothing related stands out.
	msg = triage.Run(context.Background(), src, demoAlarm(t, d, "prod-web-alb-5xx"), triage.Options{Now: now})
	for _, s := range msg.Suspects {
		if s.Likely || s.Event.User == "erin" {
			t.Errorf("without the graph, %s by %s cannot be related: %s", s.Event.Name, s.Event.User, s.Reason)
		}
	}
}

func TestTriageAtAnEarlierMoment(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	now = d.ChangeTime().Add(15 * time.Minute)
	// The 5xx alarm fired for the web incident; asked about the checkout
	// incident's moment, nothing related to the load balancer changed.
	at := d.ChangeTime().Add(time.Minute)
	msg := triage.Run(context.Background(), d, demoAlarm(t, d, "prod-web-alb-5xx"), triage.Options{Now: now, At: at})
	if !msg.Anchor.Equal(at) || !msg.End.Equal(at.Add(triage.After)) {
		t.Errorf("anchor %v window end %v, want %v", msg.Anchor, msg.End, at)
	}
	if !strings.HasPrefix(msg.Verdict, "no related change in the window") {
		t.Errorf("verdict %q, suspects %+v", msg.Verdict, msg.Suspects)
	}
}

func TestTriageAsksTheAlarmsOwnSource(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	web := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	quiet := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: -48 * time.Hour})
	now = web.ChangeTime().Add(15 * time.Minute)
	multi, err := sources.NewMulti(sources.Member{Label: "quiet", Source: quiet}, sources.Member{Label: "prod", Source: web})
	if err != nil {
		t.Fatal(err)
	}
	alarms, err := multi.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(alarms, func(a sources.Alarm) bool { return a.Name == "prod-web-alb-5xx" && a.Source == "prod" })
	if i < 0 {
		t.Fatalf("no prod alarm in %v", alarms)
	}
	msg := triage.Run(context.Background(), multi, alarms[i], triage.Options{Now: now})
	if len(msg.Errors) > 0 || len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != "erin" || msg.Series.Spec.Source != "prod" {
		t.Errorf("errors %v, verdict %q, series of %q: want the prod member's graph and trail to blame erin", msg.Errors, msg.Verdict, msg.Series.Spec.Source)
	}
}

func TestTriageOfACompositeAlarmReadsItsChildren(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second, Composite: true})
	health := demoAlarm(t, d, "checkout-api-health")
	if !health.Composite || health.State != sources.StateAlarm {
		t.Fatalf("want the composite alarm firing, got %+v", health)
	}
	msg := triage.Run(context.Background(), d, health, triage.Options{Now: now, LogGroups: d.LogGroups()})
	if len(msg.Errors) > 0 {
		t.Fatalf("errors %v", msg.Errors)
	}
	assertBlamesAlice(t, msg)
	if msg.Series.Spec.Namespace != "AWS/Lambda" || !msg.Onset.Found || msg.Alarm.Name != "checkout-api-health" {
		t.Errorf("series %s, onset %+v, alarm %s: want a firing child's metric and onset for the composite", msg.Series.Spec.Key(), msg.Onset, msg.Alarm.Name)
	}
}

// noMetrics is a source whose metrics have no datapoints.
type noMetrics struct{ *demo.Source }

func (noMetrics) FetchMetrics(_ context.Context, specs []sources.MetricSpec, _, _ time.Time) ([]sources.Series, error) {
	out := make([]sources.Series, len(specs))
	for i, s := range specs {
		out[i].Spec = s
	}
	return out, nil
}

func TestTriageWithoutMetricDataTakesTheOnsetFromTheAlarmsReason(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	msg := triage.Run(context.Background(), noMetrics{d}, demoAlarm(t, d, "checkout-api-errors"), triage.Options{Now: now, LogGroups: d.LogGroups()})
	if !msg.Onset.Found || !msg.Onset.FromReason || msg.Onset.Time.After(d.ChangeTime()) {
		t.Errorf("onset %+v, want the reason's datapoint, at or before alice's change %v", msg.Onset, d.ChangeTime())
	}
	assertBlamesAlice(t, msg)
}

// The demo starts whenever the program does: its story must hold at any
// second of the minute, where metric periods begin.
func TestDemoStoryHoldsWheneverItStarts(t *testing.T) {
	for sec := 0; sec < 60; sec += 5 {
		start := time.Date(2026, 11, 25, 19, 0, sec, 0, time.UTC)
		var now time.Time
		d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }})
		for _, tc := range []struct {
			after        time.Duration
			alarm, cause string
		}{
			{3 * time.Minute, "checkout-api-errors", "alice"},
			{3 * time.Minute, "checkout-api-duration-p99", "alice"},
			{15 * time.Minute, "prod-web-alb-5xx", "erin"},
		} {
			now = d.ChangeTime().Add(tc.after)
			msg := triage.Run(context.Background(), d, demoAlarm(t, d, tc.alarm), triage.Options{Now: now, LogGroups: d.LogGroups()})
			if len(msg.Suspects) == 0 || !msg.Suspects[0].Likely || msg.Suspects[0].Event.User != tc.cause {
				t.Errorf("start at :%02d, %s: verdict %q, want %s's change as the likely cause", sec, tc.alarm, msg.Verdict, tc.cause)
			}
		}
	}
}

// missingLogs is a source whose log groups all fail alike.
type missingLogs struct{ *demo.Source }

func (missingLogs) FetchLogs(context.Context, sources.LogQuery) ([]sources.LogEvent, error) {
	return nil, &sources.Error{Problem: sources.ProblemService, Detail: "FilterLogEvents: ResourceNotFoundException", Err: errors.New("not found")}
}

// Log groups that fail alike are one error naming them, not one unnamed
// line per group.
func TestTriageNamesTheLogGroupsThatFailedOnce(t *testing.T) {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	now := start.Add(3 * time.Minute)
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	groups := []string{"/ecs/prod-web", "/aws/rds/orders/error", "/custom/app"}
	msg := triage.Run(context.Background(), missingLogs{d}, demoAlarm(t, d, "prod-web-alb-5xx"), triage.Options{Now: now, LogGroups: groups})
	if len(msg.Errors) != 1 {
		t.Fatalf("got %d errors, want one for the three groups: %v", len(msg.Errors), msg.Errors)
	}
	got := sources.Summary(msg.Errors[0])
	for _, g := range groups {
		if !strings.Contains(got, g) {
			t.Errorf("%q does not name %s", got, g)
		}
	}
	if !strings.HasPrefix(got, "3 log groups (") {
		t.Errorf("summary %q", got)
	}
}
