package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
	"watchtrail/sources/demo"
)

// TestSeveralSourcesShowTheirLabelsErrorsAndNarrow merges two demo
// accounts and an AWS source whose endpoint refuses connections.
func TestSeveralSourcesShowTheirLabelsErrorsAndNarrow(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	prod := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter, Composite: true})
	dev := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: time.Hour})
	broken := awssrc.New(motoserver.Config(), "http://127.0.0.1:1")
	multi, err := sources.NewMulti(sources.Member{Label: "prod/us-east-1", Source: prod},
		sources.Member{Label: "dev/eu-west-1", Source: dev}, sources.Member{Label: "broken/eu-west-1", Source: broken})
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{Source: multi, Refresh: time.Minute, Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	m.sched.FeedState(sources.FeedAlarms).Phase = feed.PhaseIdle
	pollAll(m, m.sched.Poll(sources.FeedAlarms))
	out := screen(m)
	if !strings.Contains(out, "ALARM  prod/us-east-1 checkout-api-") || !strings.Contains(out, "dev/eu-west-1") {
		t.Fatalf("the alarms lack their source column:\n%s", out)
	}
	if !strings.Contains(out, "3 firing") {
		t.Fatalf("the answering sources' alarms are not all shown:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if status := lines[len(lines)-1]; !strings.Contains(status, "1 of 3 sources failed: broken/eu-west-1") {
		t.Fatalf("the failing source is not named: %q\n%s", status, out)
	}
	press(m, "S")
	if !strings.Contains(screen(m), "all sources") {
		t.Fatalf("the switcher does not offer all sources:\n%s", screen(m))
	}
	press(m, "d", "e", "v", "enter") // fuzzy, and d is text here
	out = screen(m)
	_, body, _ := strings.Cut(out, "\n") // the header names every source
	if !strings.Contains(out, "only dev/eu-west-1") || strings.Contains(body, "prod/us-east-1") || !strings.Contains(out, "0 firing") {
		t.Fatalf("S dev did not narrow to the dev source:\n%s", out)
	}
	press(m, "S", "enter") // all sources again
	if !strings.Contains(screen(m), "prod/us-east-1") {
		t.Fatalf("choosing all sources did not widen again:\n%s", screen(m))
	}
	cmd := press(m, "enter") // drill-down from the alarm's own source
	if !m.inDrill() || cmd == nil {
		t.Fatal("no drill-down")
	}
	drill := cmd().(triageMsg).Result
	if drill.Alarm.Source != "prod/us-east-1" || len(drill.Series.Values) == 0 || len(drill.Errors) > 0 {
		t.Fatalf("the drill-down did not read the alarm's own source: %s, %d values, errors %v", drill.Alarm.Source, len(drill.Series.Values), drill.Errors)
	}
}
