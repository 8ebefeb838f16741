package triage

import (
	"time"

	"watchtrail/sources"
)

// Result carries everything around one alarm's state change: the triage
// report (see Run), shown by the drill-down and printed by the CLI.
type Result struct {
	Alarm  sources.Alarm
	Start  time.Time
	End    time.Time
	Series sources.Series
	Trail  []sources.TrailEvent
	Logs   []sources.LogEvent
	Errors []error // partial failures: what could be fetched is still shown
	// Anchor is the moment the window is centred on: the alarm's latest
	// transition into ALARM when its history has one, else its last state
	// change (or now, when that is unknown or in the future).
	Anchor time.Time
	// History is the alarm's state transitions within [Start, End], oldest first.
	History []sources.StateChange
	// Cause is the ID of the likely cause's CloudTrail event (the first of
	// Suspects, when it is Likely), "" when there is none.
	Cause string
	// Graph is the alarmed resources and those related to them, with what
	// could not be seen; Onset is when the metric left its baseline.
	Graph sources.ResourceGraph
	Onset Onset
	// Suspects are the changes that could explain the alarm, most likely
	// first; Trail holds the events of those related to it, oldest first. Verdict is the one-line conclusion, e.g.
	// "no related change in the window".
	Suspects []Suspect
	Verdict  string
	// Complete says every trail reader's delivery lag has passed since the
	// firing (CompleteAt), so no change before it can still arrive;
	// Deliveries are the readers' lags and newest events delivered.
	Complete   bool
	CompleteAt time.Time
	Deliveries []sources.Delivery
}
