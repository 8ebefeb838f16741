package triage_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/triage"
)

// webIncident is the drill-down of the demo's second incident, as if the
// alarm came from AWS (with an ARN, so with console links).
func webIncident(t testing.TB) triage.Result {
	start := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	var now time.Time
	d := demo.New(demo.Options{Start: start, Now: func() time.Time { return now }, IncidentAfter: 20 * time.Second})
	now = d.ChangeTime().Add(15 * time.Minute)
	alarms, err := d.ListAlarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alarms {
		if a.Name == "prod-web-alb-5xx" {
			a.ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + a.Name
			return triage.Run(context.Background(), d, a, triage.Options{Now: now, LogGroups: d.LogGroups()})
		}
	}
	t.Fatal("no prod-web-alb-5xx alarm")
	return triage.Result{}
}

func TestReportFormats(t *testing.T) {
	msg := webIncident(t)
	msg.Errors = []error{errors.New("logs: AccessDenied\x1b[2J")}
	text := triage.FormatText(msg)
	for _, want := range []string{
		"Triage: prod-web-alb-5xx (ALARM)",
		"verdict: likely cause: RevokeSecurityGroupIngress by erin on load balancer",
		"1. LIKELY CAUSE ",
		"network path change can cause errors; on sg sg-0c4d5e6f7a8b9c0d1 (3 hops), by a person",
		"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/prod-web-alb-5xx",
		"https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/",
		"too late to cause it",
		"the metric left its baseline: ",
		"logs: AccessDenied",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsRune(text, 0x1b) || strings.Count(text, "LIKELY") != 1 {
		t.Errorf("escape sequence or not exactly one likely cause:\n%s", text)
	}

	md := triage.FormatMarkdown(msg)
	if !strings.HasPrefix(md, "## Triage: `prod-web-alb-5xx` (ALARM)") || !strings.Contains(md, "### Suspects") ||
		!strings.Contains(md, "`RevokeSecurityGroupIngress`") {
		t.Errorf("markdown report:\n%s", md)
	}

	raw, err := triage.FormatJSON(msg)
	if err != nil {
		t.Fatal(err)
	}
	var report triage.ReportJSON
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	top := report.Suspects[0]
	if report.Alarm != "prod-web-alb-5xx" || report.Onset == nil || !top.Likely || top.Rank != 1 || top.User != "erin" ||
		top.Call != "RevokeSecurityGroupIngress" || top.Hops != 3 || top.Impact != "network path" || top.Actor != "person" ||
		!strings.Contains(top.Change, "fromPort → 8080") || top.URL == "" || len(report.Graph) < 5 || len(report.Errors) != 1 ||
		len(report.History) == 0 || report.History[len(report.History)-1].To != sources.StateAlarm || !strings.Contains(string(raw), `"to": "ALARM"`) {
		t.Errorf("JSON report %s", raw)
	}
	// The text lists the suspects in the JSON's order.
	at := 0
	for _, s := range report.Suspects {
		i := strings.Index(text[at:], s.Reason)
		if i < 0 {
			t.Fatalf("text lacks suspect %d (%s) in order:\n%s", s.Rank, s.Reason, text)
		}
		at += i + len(s.Reason)
	}
}

func TestReportWithoutSuspectsOrOnset(t *testing.T) {
	msg := triage.Result{Alarm: sources.Alarm{Name: "quiet", State: sources.StateAlarm}, Verdict: triage.Verdict(nil, 12)}
	text := triage.FormatText(msg)
	if !strings.Contains(text, "verdict: no related change in the window (12 write events checked)") ||
		!strings.Contains(text, "onset: not found") || strings.Contains(text, "Suspects") || strings.Contains(text, "https://") {
		t.Errorf("report:\n%s", text)
	}
	raw, _ := triage.FormatJSON(msg)
	if !strings.Contains(string(raw), `"suspects": []`) {
		t.Errorf("JSON suspects must be an empty list, not null: %s", raw)
	}
}

// BenchmarkTriageDemo is one whole analysis of the demo's second incident:
// discovery, history, metric, trail and logs, onset and ranking.
func BenchmarkTriageDemo(b *testing.B) {
	for range b.N {
		webIncident(b)
	}
}
