package triage

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

// reportLogLines is how many log lines, those nearest the onset, a printed
// report carries.
const reportLogLines = 10

// AlarmURL is the alarm's page in the CloudWatch console, or "" when the
// alarm's ARN (and so its region) is unknown.
func AlarmURL(a sources.Alarm) string {
	region := arnRegion(a.ARN)
	if region == "" {
		return ""
	}
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#alarmsV2:alarm/%s",
		region, region, url.PathEscape(a.Name))
}

// EventURL is the CloudTrail console page of one event in the alarm's
// region, or "" when unknown.
func EventURL(a sources.Alarm, e sources.TrailEvent) string {
	region := arnRegion(a.ARN)
	if region == "" || e.ID == "" {
		return ""
	}
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudtrail/home?region=%s#/events/%s", region, region, url.PathEscape(e.ID))
}

func arnRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// ReportJSON is the machine-readable triage report.
type ReportJSON struct {
	Alarm     string             `json:"alarm"`
	State     sources.AlarmState `json:"state"`
	Metric    string             `json:"metric"`
	AlarmURL  string             `json:"alarmUrl,omitempty"`
	Anchor    time.Time          `json:"firedAt"`
	Start     time.Time          `json:"windowStart"`
	End       time.Time          `json:"windowEnd"`
	Onset     *time.Time         `json:"onset,omitempty"`
	OnsetNote string             `json:"onsetNote"`
	Verdict   string             `json:"verdict"`
	Suspects  []SuspectJSON      `json:"suspects"`
	Problems  []string           `json:"problems,omitempty"`
	Errors    []string           `json:"errors,omitempty"`
	Logs      []LogLineJSON      `json:"logs,omitempty"`
	History   []StateJSON        `json:"history,omitempty"`
	Graph     []RelatedJSON      `json:"graph,omitempty"`
	// Complete is false while changes made before the firing may still
	// reach a trail reader (until CompleteAt).
	Complete   bool           `json:"complete"`
	CompleteAt time.Time      `json:"completeAt"`
	Deliveries []DeliveryJSON `json:"deliveries,omitempty"`
}

// DeliveryJSON is what one trail reader has delivered, in ReportJSON.
type DeliveryJSON struct {
	Reader     string     `json:"reader"`
	LagSeconds float64    `json:"lagSeconds"`
	Newest     *time.Time `json:"newestEvent,omitempty"`
}

// SuspectJSON is one ranked change in ReportJSON.
type SuspectJSON struct {
	Rank     int       `json:"rank"`
	Likely   bool      `json:"likely"`
	Score    float64   `json:"score"`
	Time     time.Time `json:"time"`
	Call     string    `json:"call"`
	Service  string    `json:"service"`
	User     string    `json:"user"`
	Relation string    `json:"relation"`
	Hops     int       `json:"hops"`
	Impact   string    `json:"impact"`
	Actor    string    `json:"actor"`
	Change   string    `json:"change,omitempty"`
	Reason   string    `json:"reason"`
	EventID  string    `json:"eventId"`
	URL      string    `json:"url,omitempty"`
}

// RelatedJSON is one resource of the graph in ReportJSON.
type RelatedJSON struct {
	Resource string `json:"resource"`
	Hops     int    `json:"hops"`
	Path     string `json:"path"`
}

// StateJSON is one transition of the alarm in ReportJSON.
type StateJSON struct {
	Time time.Time          `json:"time"`
	From sources.AlarmState `json:"from"`
	To   sources.AlarmState `json:"to"`
}

// LogLineJSON is one log line in ReportJSON.
type LogLineJSON struct {
	Time    time.Time `json:"time"`
	Group   string    `json:"group"`
	Message string    `json:"message"`
}

// Report turns the analysis into its printable form.
func Report(m Result) ReportJSON {
	r := ReportJSON{Alarm: m.Alarm.Name, State: m.Alarm.State, Metric: m.Alarm.Metric.Label(), AlarmURL: AlarmURL(m.Alarm),
		Anchor: m.Anchor, Start: m.Start, End: m.End, Verdict: m.Verdict, Problems: m.Graph.Problems, OnsetNote: m.Onset.String(),
		Suspects: []SuspectJSON{}, Complete: m.Complete, CompleteAt: m.CompleteAt}
	for _, d := range m.Deliveries {
		dj := DeliveryJSON{Reader: d.Reader, LagSeconds: d.Lag.Seconds()}
		if !d.Newest.IsZero() {
			newest := d.Newest
			dj.Newest = &newest
		}
		r.Deliveries = append(r.Deliveries, dj)
	}
	if m.Onset.Found {
		r.Onset = &m.Onset.Time
	}
	for i, s := range m.Suspects {
		r.Suspects = append(r.Suspects, SuspectJSON{Rank: i + 1, Likely: s.Likely, Score: math.Round(s.Score*1000) / 1000, Time: s.Event.Time,
			Call: CallName(s.Event.Name), Service: s.Event.Source, User: s.Event.User, Relation: s.Relation, Hops: s.Hops,
			Impact: s.Impact.Class, Actor: s.Actor.Kind, Change: s.Change, Reason: s.Reason, EventID: s.Event.ID, URL: EventURL(m.Alarm, s.Event)})
	}
	for _, c := range m.History {
		r.History = append(r.History, StateJSON{Time: c.Time, From: c.From, To: c.To})
	}
	for _, g := range m.Graph.Resources {
		r.Graph = append(r.Graph, RelatedJSON{Resource: text.Sanitize(g.Label()), Hops: g.Hops, Path: text.Sanitize(g.PathText())})
	}
	for _, err := range m.Errors {
		r.Errors = append(r.Errors, text.Sanitize(err.Error()))
	}
	for _, l := range nearestLogs(m.Logs, onsetOr(m)) {
		r.Logs = append(r.Logs, LogLineJSON{Time: l.Time, Group: l.Group, Message: l.Message})
	}
	return r
}

func onsetOr(m Result) time.Time {
	if m.Onset.Found {
		return m.Onset.Time
	}
	return m.Anchor
}

// nearestLogs are the reportLogLines lines nearest at, oldest first.
func nearestLogs(logs []sources.LogEvent, at time.Time) []sources.LogEvent {
	out := append([]sources.LogEvent(nil), logs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Sub(at).Abs() < out[j].Time.Sub(at).Abs() })
	out = out[:min(len(out), reportLogLines)]
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// FormatJSON renders the report as indented JSON.
func FormatJSON(m Result) ([]byte, error) {
	return json.MarshalIndent(Report(m), "", "  ")
}

// FormatText renders the report for a terminal or a plain-text channel.
func FormatText(m Result) string { return formatReport(Report(m), false) }

// FormatMarkdown renders the report for an incident channel or ticket.
func FormatMarkdown(m Result) string { return formatReport(Report(m), true) }

func formatReport(r ReportJSON, md bool) string {
	var b strings.Builder
	code := func(s string) string {
		if md {
			return "`" + strings.ReplaceAll(s, "`", "'") + "`"
		}
		return s
	}
	heading := func(s string) {
		if md {
			fmt.Fprintf(&b, "\n### %s\n\n", s)
		} else {
			fmt.Fprintf(&b, "\n%s\n", s)
		}
	}
	clock := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }
	if md {
		fmt.Fprintf(&b, "## Triage: %s (%s)\n\n", code(r.Alarm), r.State)
	} else {
		fmt.Fprintf(&b, "Triage: %s (%s)\n", r.Alarm, r.State)
	}
	item := "  "
	if md {
		item = "- "
	}
	fmt.Fprintf(&b, "%smetric: %s\n", item, code(r.Metric))
	fmt.Fprintf(&b, "%sfired: %s, window %s to %s\n", item, clock(r.Anchor), clock(r.Start), clock(r.End))
	if r.Onset != nil {
		fmt.Fprintf(&b, "%sonset: %s, %s\n", item, clock(*r.Onset), r.OnsetNote)
	} else {
		fmt.Fprintf(&b, "%sonset: not found in the metric; changes are judged against the firing\n", item)
	}
	if r.AlarmURL != "" {
		fmt.Fprintf(&b, "%salarm: %s\n", item, r.AlarmURL)
	}
	fmt.Fprintf(&b, "%sverdict: %s\n", item, r.Verdict)
	if !r.Complete {
		fmt.Fprintf(&b, "%sincomplete: changes made before the firing may still arrive until %s\n", item, clock(r.CompleteAt))
	}
	if len(r.Suspects) > 0 {
		heading("Suspects")
	}
	for _, s := range r.Suspects {
		mark := ""
		if s.Likely {
			mark = " LIKELY CAUSE"
		}
		fmt.Fprintf(&b, "%d.%s %s %s by %s on %s (score %s)\n", s.Rank, mark, s.Time.UTC().Format("15:04:05"), code(s.Call),
			s.User, code(s.Relation), fmt.Sprintf("%.2f", s.Score))
		fmt.Fprintf(&b, "   %s\n", s.Reason)
		if s.Change != "" {
			fmt.Fprintf(&b, "   changed: %s\n", code(s.Change))
		}
		if s.URL != "" {
			fmt.Fprintf(&b, "   %s\n", s.URL)
		}
	}
	if len(r.Logs) > 0 {
		heading("Log lines near the onset")
		if md {
			b.WriteString("```\n")
		}
		for _, l := range r.Logs {
			fmt.Fprintf(&b, "%s %s %s\n", l.Time.UTC().Format("15:04:05"), l.Group, strings.ReplaceAll(l.Message, "```", "'''"))
		}
		if md {
			b.WriteString("```\n")
		}
	}
	if len(r.Problems)+len(r.Errors) > 0 {
		heading("Not seen")
		for _, p := range append(append([]string(nil), r.Problems...), r.Errors...) {
			fmt.Fprintf(&b, "%s%s\n", item, p)
		}
	}
	return b.String()
}
