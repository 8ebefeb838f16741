package notebook

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// ReportJSON is the triage report with the incident's notebook.
type ReportJSON struct {
	triage.ReportJSON
	Recovered *time.Time     `json:"recoveredAt,omitempty"`
	Cause     string         `json:"cause"` // "confirmed" or "unconfirmed"
	Confirmed []VerdictJSON  `json:"confirmed"`
	Dismissed []VerdictJSON  `json:"dismissed"`
	Notes     []NoteJSON     `json:"notes"`
	Pins      []PinJSON      `json:"pins"`
	Timeline  []TimelineJSON `json:"timeline"`
}

// VerdictJSON is a verdict on one suspect.
type VerdictJSON struct {
	EventID   string    `json:"eventId"`
	Call      string    `json:"call"`
	User      string    `json:"user,omitempty"`
	EventTime time.Time `json:"eventTime"`
	Who       string    `json:"by"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason,omitempty"`
}

// NoteJSON is one note.
type NoteJSON struct {
	Who  string    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// PinJSON is one pinned log line or CloudTrail event.
type PinJSON struct {
	Kind     string    `json:"kind"`
	Ref      string    `json:"ref"`
	ItemTime time.Time `json:"itemTime"`
	Text     string    `json:"text"`
	Who      string    `json:"by"`
	At       time.Time `json:"at"`
}

// TimelineJSON is one moment of the incident, oldest first.
type TimelineJSON struct {
	Time time.Time `json:"time"`
	Kind string    `json:"kind"` // onset, state, change, note, pin, recovery
	Text string    `json:"text"`
}

// Report is the triage report of m with what the notebook holds for it.
func Report(m triage.Result, e Entries) ReportJSON {
	r := ReportJSON{ReportJSON: triage.Report(m), Cause: "unconfirmed",
		Confirmed: []VerdictJSON{}, Dismissed: []VerdictJSON{}, Notes: []NoteJSON{}, Pins: []PinJSON{}}
	users := map[string]string{}
	for _, s := range m.Suspects {
		users[s.Event.ID] = s.Event.User
	}
	var verdicts []Verdict
	for _, v := range e.Verdicts {
		verdicts = append(verdicts, v)
	}
	sort.Slice(verdicts, func(i, j int) bool { return verdicts[i].At.Before(verdicts[j].At) })
	for _, v := range verdicts {
		vj := VerdictJSON{EventID: v.EventID, Call: v.Call, User: users[v.EventID], EventTime: v.EventTime, Who: v.Who, At: v.At, Reason: v.Reason}
		if v.Kind == Confirmed {
			r.Confirmed, r.Cause = append(r.Confirmed, vj), "confirmed"
		} else {
			r.Dismissed = append(r.Dismissed, vj)
		}
	}
	for _, n := range e.Notes {
		r.Notes = append(r.Notes, NoteJSON{Who: n.Who, At: n.At, Text: n.Text})
	}
	for _, p := range e.Pins {
		r.Pins = append(r.Pins, PinJSON{Kind: p.Kind, Ref: p.Ref, ItemTime: p.ItemTime, Text: p.Text, Who: p.Who, At: p.At})
	}
	if rec := recovery(m, e); !rec.IsZero() {
		r.Recovered = &rec
	}
	r.Timeline = timeline(m, e, r.Recovered)
	return r
}

// RecoveredAt is when the incident of m ended, as far as its history
// says: the alarm's first transition out of ALARM after it fired.
func RecoveredAt(m triage.Result) time.Time {
	for _, h := range m.History {
		if h.From == sources.StateAlarm && h.To != sources.StateAlarm && h.Time.After(m.Anchor) {
			return h.Time
		}
	}
	return time.Time{}
}

// recovery is RecoveredAt, else what the notebook recorded.
func recovery(m triage.Result, e Entries) time.Time {
	if at := RecoveredAt(m); !at.IsZero() {
		return at
	}
	return e.Recovered
}

// timeline puts the incident's moments in order: the onset, the state
// changes, the related changes and those given a verdict (with it), the
// notes, the pins and the recovery.
func timeline(m triage.Result, e Entries, recovered *time.Time) []TimelineJSON {
	var t []TimelineJSON
	add := func(at time.Time, kind, text string) { t = append(t, TimelineJSON{Time: at, Kind: kind, Text: text}) }
	if m.Onset.Found {
		add(m.Onset.Time, "onset", m.Onset.String())
	}
	for _, h := range m.History {
		if recovered == nil || !h.Time.Equal(*recovered) {
			add(h.Time, "state", fmt.Sprintf("%s → %s", h.From, h.To))
		}
	}
	for _, s := range m.Suspects {
		v, judged := e.Verdict(s.Event.ID)
		if s.Hops < 0 && !judged {
			continue
		}
		text := fmt.Sprintf("%s by %s on %s", triage.CallName(s.Event.Name), s.Event.User, s.Relation)
		if s.Likely {
			text += " (the engine's likely cause)"
		}
		if judged {
			text += " — " + verdictText(v)
		}
		add(s.Event.Time, "change", text)
	}
	for _, n := range e.Notes {
		add(n.At, "note", n.Who+": "+n.Text)
	}
	for _, p := range e.Pins {
		add(p.At, "pin", fmt.Sprintf("%s pinned the %s of %s: %s", p.Who, p.Kind, p.ItemTime.UTC().Format("15:04:05"), p.Text))
	}
	if recovered != nil {
		add(*recovered, "recovery", "the alarm left ALARM")
	}
	sort.SliceStable(t, func(i, j int) bool { return t[i].Time.Before(t[j].Time) })
	if t == nil {
		t = []TimelineJSON{}
	}
	return t
}

// verdictText is "confirmed by ana 14:07: <reason>".
func verdictText(v Verdict) string {
	text := fmt.Sprintf("%s by %s %s", v.Kind, v.Who, v.At.UTC().Format("15:04"))
	if v.Reason != "" {
		text += ": " + v.Reason
	}
	return text
}

// FormatJSON renders the report as indented JSON.
func FormatJSON(m triage.Result, e Entries) ([]byte, error) {
	return json.MarshalIndent(Report(m, e), "", "  ")
}

// FormatMarkdown renders the report for an incident channel or ticket:
// the triage report, then the notebook.
func FormatMarkdown(m triage.Result, e Entries) string {
	return triage.FormatMarkdown(m) + formatNotebook(Report(m, e), true)
}

// FormatText renders the report for a terminal.
func FormatText(m triage.Result, e Entries) string {
	return triage.FormatText(m) + formatNotebook(Report(m, e), false)
}

func formatNotebook(r ReportJSON, md bool) string {
	var b strings.Builder
	heading := func(s string) {
		if md {
			fmt.Fprintf(&b, "\n### %s\n\n", s)
		} else {
			fmt.Fprintf(&b, "\n%s\n", s)
		}
	}
	item := "  "
	if md {
		item = "- "
	}
	text := func(s string) string { // user text: one line, no code fences
		if md {
			return strings.ReplaceAll(s, "`", "'")
		}
		return s
	}
	call := func(v VerdictJSON) string {
		c := v.Call
		if md {
			c = "`" + text(c) + "`"
		}
		if v.User != "" {
			c += " by " + v.User
		}
		return c + " at " + v.EventTime.UTC().Format("15:04:05")
	}
	heading("Cause")
	if len(r.Confirmed) == 0 {
		fmt.Fprintf(&b, "%sunconfirmed\n", item)
	}
	for _, v := range r.Confirmed {
		fmt.Fprintf(&b, "%s%s — %s\n", item, call(v), text(verdictText(Verdict{Kind: Confirmed, Who: v.Who, At: v.At, Reason: v.Reason})))
	}
	if len(r.Dismissed) > 0 {
		heading("Dismissed suspects")
		for _, v := range r.Dismissed {
			fmt.Fprintf(&b, "%s%s — %s\n", item, call(v), text(verdictText(Verdict{Kind: Dismissed, Who: v.Who, At: v.At, Reason: v.Reason})))
		}
	}
	heading("Timeline")
	for _, t := range r.Timeline {
		fmt.Fprintf(&b, "%s%s %-8s %s\n", item, t.Time.UTC().Format("2006-01-02 15:04:05Z"), t.Kind, text(t.Text))
	}
	return b.String()
}
