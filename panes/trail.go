package panes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/theme"
)

// trailUserMax and trailNameMax cap the user and eventName columns.
const (
	trailUserMax = 20
	trailNameMax = 32
	trailIPW     = 15
	// trailAccountMax fits an account id, shown once events of a second
	// account arrive (an organisation trail).
	trailAccountMax = 12
)

// Trail is the live CloudTrail pane, newest event at the bottom. Failed calls
// are red, read-only calls dimmed, Insights events stand apart, so writes,
// errors and unusual activity stand out. It shows the live events, or the
// results of a history search (see ShowHistory), narrowed by a query.
type Trail struct {
	zoned
	*feed[sources.TrailEvent] // shown: live or history; Len, Move, Home, End, Selected
	live                      *feed[sources.TrailEvent]
	query                     filter.Trail
	history                   string // the searched range, while a search's results are shown
	progress                  string // a running search's progress, for the title
	userW, nameW              int    // widest seen, so the columns do not jiggle
	account                   string // the first event's account
	accountW                  int    // its column's width, once a second account is seen
}

// NewTrail returns an empty pane keeping the newest capacity events.
func NewTrail(capacity int) *Trail {
	t := &Trail{}
	t.live = newFeed(capacity, trailKey, t.trailText)
	t.feed = t.live
	return t
}

func trailKey(e sources.TrailEvent) string { return e.ID }

func (z *zoned) trailText(e sources.TrailEvent) string {
	return strings.Join([]string{z.inZone(e.Time).Format(feedClock), e.Account, e.User, e.Name, e.Source,
		e.SourceIP, strings.Join(e.Resources, " "), e.ErrorCode, e.ErrorMessage}, " ")
}

// Append adds live events, dropping those already held and the oldest when
// full.
func (t *Trail) Append(events []sources.TrailEvent) {
	t.widen(events)
	t.live.add(events)
}

func (t *Trail) widen(events []sources.TrailEvent) {
	for _, e := range events {
		if t.account == "" {
			t.account = e.Account
		}
		if e.Account != t.account || t.accountW > 0 { // an organisation: say whose account
			t.accountW = max(t.accountW, min(trailAccountMax, ansi.StringWidth(e.Account)))
		}
		t.userW = max(t.userW, min(trailUserMax, ansi.StringWidth(e.User)))
		t.nameW = max(t.nameW, min(trailNameMax, ansi.StringWidth(e.Name)))
	}
}

// SetSize sets the cells the pane draws into.
func (t *Trail) SetSize(width, height int) {
	t.live.SetSize(width, height)
	t.feed.SetSize(width, height)
}

// SetQuery shows only the events q matches; the title says what it keeps.
func (t *Trail) SetQuery(q filter.Trail) {
	t.query = q
	var keep func(sources.TrailEvent) bool
	if !q.IsZero() {
		keep = q.Match
	}
	t.live.setKeep(keep)
	t.feed.setKeep(keep)
}

// Query is the query the rows are narrowed by.
func (t *Trail) Query() filter.Trail { return t.query }

// ShowHistory shows a history search's results, oldest first, in place of
// the live events (which keep arriving meanwhile); label names the range.
func (t *Trail) ShowHistory(label string, events []sources.TrailEvent) {
	t.widen(events)
	h := newFeed(max(1, len(events)), trailKey, t.trailText)
	h.SetSize(t.size[0], t.size[1])
	h.keep = t.live.keep
	h.add(events)
	t.feed, t.history, t.progress = h, label, ""
}

// ShowLive goes back to the live events.
func (t *Trail) ShowLive() {
	t.feed, t.history = t.live, ""
}

// History is the range whose search results are shown, "" while live.
func (t *Trail) History() string { return t.history }

// SetProgress puts a running search's progress in the title; "" clears it.
func (t *Trail) SetProgress(text string) { t.progress = text }

// Events is every event shown or hidden by the query, oldest first.
func (t *Trail) Events() []sources.TrailEvent {
	out := make([]sources.TrailEvent, 0, t.feed.ring.Len())
	for _, e := range t.feed.ring.All() {
		out = append(out, e)
	}
	return out
}

// View draws the pane in exactly its size.
func (t *Trail) View(focused bool) string {
	empty := "waiting for CloudTrail events…"
	if t.history != "" {
		empty = "the search found no events"
	}
	body := t.feed.body(t.size[0]-2, focused, empty, t.row)
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
	return Frame(t.title(), note, body, t.size[0], t.size[1], focused)
}

// title says live or which history, what the query keeps, and a running
// search's progress.
func (t *Trail) title() string {
	parts := []string{"CloudTrail"}
	if t.history != "" {
		parts[0] = "CloudTrail history " + t.history
	}
	if d := t.query.Describe(); d != "" {
		parts = append(parts, d)
	}
	if t.progress != "" {
		parts = append(parts, t.progress)
	}
	return strings.Join(parts, " · ")
}

// kindMark tells the event kinds apart: management events need none.
var kindMark = map[sources.EventKind]string{sources.KindManagement: " ", sources.KindData: "D", sources.KindInsight: "I"}

// row is: time, kind, mark, [account,] user, eventName, source IP, [errorCode],
// resources. The error code comes before the resources so long ARNs cannot
// hide it.
func (t *Trail) row(e sources.TrailEvent) (string, lipgloss.Style) {
	mark, style := "✎", feedPlain // a write
	switch {
	case e.EffectiveKind() == sources.KindInsight:
		mark, style = "◆", theme.Insight
	case e.Failed(), sources.Denied(e):
		mark, style = "✗", theme.Error
	case e.ReadOnly:
		mark, style = " ", theme.Dim
	}
	var b strings.Builder
	b.WriteString(t.inZone(e.Time).Format(feedClock) + " " + kindMark[e.EffectiveKind()] + mark + " ")
	if t.accountW > 0 {
		b.WriteString(FitLine(e.Account, t.accountW) + " ")
	}
	b.WriteString(FitLine(e.User, t.userW) + " ")
	b.WriteString(FitLine(e.Name, t.nameW) + " ")
	b.WriteString(FitLine(e.SourceIP, trailIPW) + " ")
	switch {
	case e.Failed():
		b.WriteString("[" + e.ErrorCode + "] ")
	case mark == "✗":
		b.WriteString("[sign-in failed] ")
	}
	b.WriteString(strings.Join(e.Resources, ", "))
	return b.String(), style
}
