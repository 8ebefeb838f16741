package panes

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/theme"
)

// feedClock is the time format of every live row, in the frame's zone.
const feedClock = "15:04:05"

// logGroupMax caps the group column, whatever the group names.
const logGroupMax = 24

// Logs is the live CloudWatch Logs pane, newest line at the bottom.
type Logs struct {
	zoned
	*feed[sources.LogEvent]        // Len, Move, Home, End, SetFilter, Selected
	groupW                  int    // widest short group name seen, so the column does not jiggle
	extra                   string // the UI's note for the title, e.g. groups left out
	highlight               filter.LogPattern
}

// SetNote sets a note the UI adds to the title ("" for none).
func (l *Logs) SetNote(note string) { l.extra = note }

// SetHighlight marks the terms of the CloudWatch filter pattern in the lines.
func (l *Logs) SetHighlight(pattern string) { l.highlight = filter.ParseLogPattern(pattern) }

// NewLogs returns an empty pane keeping the newest capacity events.
func NewLogs(capacity int) *Logs {
	l := &Logs{}
	l.feed = newFeed(capacity, logKey, l.logText)
	return l
}

// eventIds are unique only within a group.
func logKey(e sources.LogEvent) string {
	if e.ID == "" {
		return ""
	}
	return e.Group + "\x00" + e.ID
}

func (z *zoned) logText(e sources.LogEvent) string {
	return z.inZone(e.Time).Format(feedClock) + " " + logGroupName(e.Group) + " " + e.Message
}

func logGroupName(group string) string { return sources.ShortGroup(group) }

// Append adds events, dropping those already held and the oldest when full.
func (l *Logs) Append(events []sources.LogEvent) {
	for _, e := range events {
		l.groupW = max(l.groupW, min(logGroupMax, ansi.StringWidth(logGroupName(e.Group))))
	}
	l.feed.add(events)
}

// View draws the pane in exactly its size.
func (l *Logs) View(focused bool) string {
	inner := l.size[0] - 2
	groupW := min(l.groupW, max(0, inner/4))
	body := l.feed.body(inner, focused, "waiting for log events…", func(e sources.LogEvent) (string, lipgloss.Style) {
		msg := e.Message
		text := l.inZone(e.Time).Format(feedClock) + " "
		if groupW > 0 {
			text += FitLine(logGroupName(e.Group), groupW) + " "
		}
		style := logStyle(msg)
		if spans := l.highlight.Highlights(msg); len(spans) > 0 {
			return style.Render(text) + highlightSpans(msg, spans, style), feedPlain
		}
		return text + msg, style
	})
	var extra []string
	if l.extra != "" {
		extra = append(extra, l.extra)
	}
	return Frame("Logs", l.feed.note("lines", extra...), body, l.size[0], l.size[1], focused)
}

var feedPlain = lipgloss.NewStyle()

func logStyle(msg string) lipgloss.Style {
	switch sources.LineSeverity(msg) {
	case sources.SeverityError:
		return theme.Error
	case sources.SeverityWarn:
		return theme.Warn
	}
	return feedPlain
}
