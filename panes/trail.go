package panes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
	"watchtrail/theme"
)

// trailUserMax and trailNameMax cap the user and eventName columns.
const (
	trailUserMax = 20
	trailNameMax = 32
	trailIPW     = 15
)

// Trail is the live CloudTrail pane, newest event at the bottom. Failed calls
// are red, read-only calls dimmed, so writes and errors stand out.
type Trail struct {
	*feed[sources.TrailEvent]     // Len, Move, Home, End, SetFilter, Selected
	userW, nameW              int // widest seen, so the columns do not jiggle
}

// NewTrail returns an empty pane keeping the newest capacity events.
func NewTrail(capacity int) *Trail {
	return &Trail{feed: newFeed(capacity, trailKey, trailText)}
}

func trailKey(e sources.TrailEvent) string { return e.ID }

func trailText(e sources.TrailEvent) string {
	return strings.Join([]string{e.Time.UTC().Format(feedClock), e.User, e.Name, e.Source,
		e.SourceIP, strings.Join(e.Resources, " "), e.ErrorCode, e.ErrorMessage}, " ")
}

// Append adds events, dropping those already held and the oldest when full.
func (t *Trail) Append(events []sources.TrailEvent) {
	for _, e := range events {
		t.userW = max(t.userW, min(trailUserMax, ansi.StringWidth(e.User)))
		t.nameW = max(t.nameW, min(trailNameMax, ansi.StringWidth(e.Name)))
	}
	t.feed.add(events)
}

// View draws the pane in exactly its size.
func (t *Trail) View(focused bool) string {
	body := t.feed.body(t.size[0]-2, focused, "waiting for CloudTrail events…", t.row)
	errors := 0
	for _, e := range t.feed.ring.All() {
		if e.Failed() {
			errors++
		}
	}
	plural := "s"
	if errors == 1 {
		plural = ""
	}
	note := t.feed.note("events", fmt.Sprintf("%d error%s", errors, plural))
	return Frame("CloudTrail", note, body, t.size[0], t.size[1], focused)
}

// row is: time, mark, user, eventName, source IP, [errorCode], resources.
// The error code comes before the resources so long ARNs cannot hide it.
func (t *Trail) row(e sources.TrailEvent) (string, lipgloss.Style) {
	mark, style := "✎", feedPlain // a write
	switch {
	case e.Failed():
		mark, style = "✗", theme.Error
	case e.ReadOnly:
		mark, style = " ", theme.Dim
	}
	var b strings.Builder
	b.WriteString(e.Time.UTC().Format(feedClock) + " " + mark + " ")
	b.WriteString(FitLine(e.User, t.userW) + " ")
	b.WriteString(FitLine(e.Name, t.nameW) + " ")
	b.WriteString(FitLine(e.SourceIP, trailIPW) + " ")
	if e.Failed() {
		b.WriteString("[" + e.ErrorCode + "] ")
	}
	b.WriteString(strings.Join(e.Resources, ", "))
	return b.String(), style
}
