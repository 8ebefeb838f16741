package notebook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/triage"
)

// demoStart is when the demo's story begins in these tests: alice's change
// comes 20 s later, erin's revoke of the web security group 12 minutes after.
var demoStart = time.Date(2025, 3, 3, 13, 40, 0, 0, time.UTC)

// webIncident is the demo's web incident analysed as triage does, seen
// minutes after it recovered.
func webIncident(t *testing.T, start time.Time) triage.Result {
	t.Helper()
	now := start.Add(40 * time.Minute)
	src := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }})
	alarms, err := src.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alarms {
		if a.Name == "prod-web-alb-5xx" {
			return triage.Run(context.Background(), src, a, triage.Options{Now: now})
		}
	}
	t.Fatal("no prod-web-alb-5xx in the demo")
	return triage.Result{}
}

func suspectCalled(t *testing.T, m triage.Result, call, user string) sources.TrailEvent {
	t.Helper()
	for _, s := range m.Suspects {
		if triage.CallName(s.Event.Name) == call && s.Event.User == user {
			return s.Event
		}
	}
	t.Fatalf("no suspect %s by %s among %d", call, user, len(m.Suspects))
	return sources.TrailEvent{}
}

// The demo's events have the same IDs in every run of the same story, so a
// verdict given before a restart finds its suspect after it.
func TestDemoEventIDsSurviveARestart(t *testing.T) {
	before, after := webIncident(t, demoStart), webIncident(t, demoStart)
	if IncidentOf(before) != IncidentOf(after) {
		t.Fatalf("the incident moved: %+v %+v", IncidentOf(before), IncidentOf(after))
	}
	a, b := suspectCalled(t, before, "RevokeSecurityGroupIngress", "erin"), suspectCalled(t, after, "RevokeSecurityGroupIngress", "erin")
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("event IDs differ across runs: %q %q", a.ID, b.ID)
	}
}

func notebookOfWebIncident(t *testing.T, m triage.Result) Entries {
	t.Helper()
	s, _ := openTemp(t)
	inc := IncidentOf(m)
	revoke := suspectCalled(t, m, "RevokeSecurityGroupIngress", "erin")
	tagging := suspectCalled(t, m, "CreateTags", "auto-tagger")
	said := inc.Fired.Add(3 * time.Minute)
	steps := []func() (Change, error){
		func() (Change, error) {
			return s.AddNote(inc, "bob", "5xx from every target; ALB health checks failing", said)
		},
		func() (Change, error) {
			return s.SetVerdict(inc, tagging, Dismissed, "bob", "tags only: the bot runs every hour", said.Add(time.Minute))
		},
		func() (Change, error) {
			return s.TogglePin(inc, EventPin(revoke), "ana", said.Add(90*time.Second))
		},
		func() (Change, error) {
			return s.SetVerdict(inc, revoke, Confirmed, "ana", "the ALB lost its ingress rule to the targets", said.Add(2*time.Minute))
		},
	}
	for _, step := range steps {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	e, err := s.Load(inc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestGoldenMarkdownReport(t *testing.T) {
	m := webIncident(t, demoStart)
	out := FormatMarkdown(m, notebookOfWebIncident(t, m))
	for _, want := range []string{"### Cause", "`RevokeSecurityGroupIngress` by erin", "confirmed by ana 13:58: the ALB lost",
		"### Dismissed suspects", "dismissed by bob", "### Timeline", " onset ", " note ", " pin ", " recovery "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(out))
}

func TestJSONReportCarriesTheNotebook(t *testing.T) {
	m := webIncident(t, demoStart)
	b, err := FormatJSON(m, notebookOfWebIncident(t, m))
	if err != nil {
		t.Fatal(err)
	}
	var r ReportJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Alarm != "prod-web-alb-5xx" || r.Cause != "confirmed" || len(r.Confirmed) != 1 || r.Confirmed[0].Who != "ana" ||
		len(r.Dismissed) != 1 || r.Dismissed[0].Reason != "tags only: the bot runs every hour" || len(r.Notes) != 1 ||
		len(r.Pins) != 1 || r.Recovered == nil || len(r.Suspects) == 0 {
		t.Fatalf("report %s", b)
	}
	for i := 1; i < len(r.Timeline); i++ {
		if r.Timeline[i].Time.Before(r.Timeline[i-1].Time) {
			t.Fatalf("timeline out of order at %d: %+v", i, r.Timeline)
		}
	}
}

func TestReportWithoutVerdictsIsUnconfirmed(t *testing.T) {
	m := webIncident(t, demoStart)
	out := FormatText(m, Entries{Incident: IncidentOf(m)})
	if !strings.Contains(out, "Cause\n  unconfirmed\n") {
		t.Fatalf("no verdict should read unconfirmed:\n%s", out)
	}
}

func TestFiredTellsAFiringFromAnotherChange(t *testing.T) {
	m := webIncident(t, demoStart)
	if !Fired(m) {
		t.Fatalf("the web incident centres on its firing at %v: %+v", m.Anchor, m.History)
	}
	m.History = nil
	m.Alarm.State, m.Alarm.StateChanged = sources.StateOK, m.Anchor
	if Fired(m) {
		t.Fatal("an alarm centred on going OK is not an incident")
	}
}
