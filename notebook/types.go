package notebook

import (
	"strings"
	"time"
	"unicode/utf8"

	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/triage"
)

// Bounds on what people type: a note or reason, and a user name.
const (
	MaxText = 4096
	MaxWho  = 64
)

// Incident is one firing of an alarm: the alarm (source-qualified when the
// dashboard shows several sources) and when it went into ALARM.
type Incident struct {
	Alarm string
	Fired time.Time
}

// IncidentOf is the incident a drill-down or triage analysis is about.
func IncidentOf(m triage.Result) Incident {
	name := m.Alarm.Name
	if m.Alarm.Source != "" {
		name = m.Alarm.Source + "/" + name
	}
	return Incident{Alarm: name, Fired: m.Anchor.UTC().Truncate(time.Millisecond)}
}

// Fired reports whether m is centred on the alarm going into ALARM (its
// history or its state says so), rather than on its last change of another
// kind: only then is it an incident worth listing.
func Fired(m triage.Result) bool {
	for _, h := range m.History {
		if h.To == sources.StateAlarm && h.Time.Equal(m.Anchor) {
			return true
		}
	}
	return m.Alarm.State == sources.StateAlarm && m.Alarm.StateChanged.Equal(m.Anchor)
}

// IsZero reports whether there is no incident (no alarm).
func (i Incident) IsZero() bool { return i.Alarm == "" }

// Verdict kinds.
const (
	Confirmed = "confirmed"
	Dismissed = "dismissed"
)

// Verdict is what a person concluded about one suspect (a CloudTrail event)
// of an incident.
type Verdict struct {
	EventID   string
	Kind      string // Confirmed or Dismissed
	Call      string // the event's API call, for reports and the status line
	EventTime time.Time
	Who       string
	At        time.Time
	Reason    string
}

// Note is a line of text someone added to an incident.
type Note struct {
	ID   int64
	Who  string
	At   time.Time
	Text string
}

// Pin kinds: a CloudTrail event or a log line.
const (
	PinEvent = "event"
	PinLog   = "log"
)

// Pin is a log line or CloudTrail event someone kept with an incident.
type Pin struct {
	Kind     string // PinEvent or PinLog
	Ref      string // the event ID; the log line's group and event ID
	ItemTime time.Time
	Text     string // the log message; the event's call and user
	Who      string
	At       time.Time
}

// EventPin is the pin of a CloudTrail event.
func EventPin(e sources.TrailEvent) Pin {
	return Pin{Kind: PinEvent, Ref: e.ID, ItemTime: e.Time, Text: triage.CallName(e.Name) + " by " + e.User}
}

// LogPin is the pin of a log line.
func LogPin(l sources.LogEvent) Pin {
	return Pin{Kind: PinLog, Ref: l.Group + " " + l.ID, ItemTime: l.Time, Text: l.Group + ": " + l.Message}
}

// Entries are everything said about one incident.
type Entries struct {
	Incident  Incident
	Recovered time.Time          // zero while unknown
	Verdicts  map[string]Verdict // by event ID
	Notes     []Note             // oldest first
	Pins      []Pin              // oldest first
}

// Verdict is the verdict on an event, if any.
func (e Entries) Verdict(eventID string) (Verdict, bool) {
	v, ok := e.Verdicts[eventID]
	return v, ok
}

// Pinned reports whether the item is pinned.
func (e Entries) Pinned(kind, ref string) bool {
	for _, p := range e.Pins {
		if p.Kind == kind && p.Ref == ref {
			return true
		}
	}
	return false
}

// Change is one action, as the other sessions are told of it.
type Change struct {
	Seq      int64
	Incident Incident
	Who      string
	What     string // "ana confirmed RevokeSecurityGroupIngress"
	At       time.Time
}

// CleanText makes typed text safe to keep and print: sanitised like all
// other text and at most max bytes, cut at a character boundary.
func CleanText(s string, max int) string {
	s = strings.TrimSpace(text.Sanitize(s))
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// CleanWho is a user name fit to show: sanitised, bounded, never empty.
func CleanWho(who string) string {
	if who = CleanText(who, MaxWho); who == "" {
		return "someone"
	}
	return who
}
