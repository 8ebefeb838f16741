package triage

import (
	"fmt"
	"strings"
	"time"

	"watchtrail/sources"
)

// delivered fills in when the window is complete: the firing plus the
// slowest reader's delivery lag, for a source that says its lags (see
// sources.Deliverer); a source that does not delivers at once. While it is
// incomplete a verdict that blames nothing says that changes may still be
// arriving instead of "no related change", and a likely cause says it
// holds so far.
func delivered(msg *Result, src sources.Source, now time.Time) {
	msg.CompleteAt = msg.Anchor
	if d, ok := src.(sources.Deliverer); ok {
		msg.Deliveries = d.Deliveries()
	}
	for _, d := range msg.Deliveries {
		if at := msg.Anchor.Add(d.Lag); at.After(msg.CompleteAt) {
			msg.CompleteAt = at
		}
	}
	msg.Complete = !now.Before(msg.CompleteAt)
	if msg.Complete {
		return
	}
	arriving := fmt.Sprintf("changes may still be arriving until %s (%s)", clock(msg.CompleteAt), DeliveryText(msg.Deliveries))
	if len(msg.Suspects) > 0 && msg.Suspects[0].Likely {
		msg.Verdict += "; so far: " + arriving
		return
	}
	msg.Verdict = "no verdict yet: " + arriving + "; so far " + msg.Verdict
}

// DeliveryText says what each reader has delivered: "LookupEvents delivers
// within 15m, newest event 14:02:11".
func DeliveryText(ds []sources.Delivery) string {
	var parts []string
	for _, d := range ds {
		newest := "none yet"
		if !d.Newest.IsZero() {
			newest = d.Newest.UTC().Format("15:04:05")
		}
		parts = append(parts, fmt.Sprintf("%s delivers within %s, newest event %s", d.Reader, roundDuration(d.Lag), newest))
	}
	return strings.Join(parts, "; ")
}

func clock(t time.Time) string { return t.UTC().Format("15:04:05") }
