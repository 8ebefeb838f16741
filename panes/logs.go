package panes

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
	"watchtrail/theme"
)

// feedClock is the time format of every live row, always in UTC.
const feedClock = "15:04:05"

// logGroupMax caps the group column, whatever the group names.
const logGroupMax = 24

// Logs is the live CloudWatch Logs pane, newest line at the bottom.
type Logs struct {
	*feed[sources.LogEvent]     // Len, Move, Home, End, SetFilter, Selected
	groupW                  int // widest short group name seen, so the column does not jiggle
}

// NewLogs returns an empty pane keeping the newest capacity events.
func NewLogs(capacity int) *Logs {
	return &Logs{feed: newFeed(capacity, logKey, logText)}
}

// eventIds are unique only within a group.
func logKey(e sources.LogEvent) string {
	if e.ID == "" {
		return ""
	}
	return e.Group + "\x00" + e.ID
}

func logText(e sources.LogEvent) string {
	return e.Time.UTC().Format(feedClock) + " " + logGroupName(e.Group) + " " + e.Message
}

// logGroupName is the last path element: /aws/lambda/checkout-api -> checkout-api.
func logGroupName(group string) string {
	group = strings.TrimRight(group, "/")
	return sources.Sanitize(group[strings.LastIndex(group, "/")+1:])
}

// Append adds events, dropping those already held and the oldest when full.
func (l *Logs) Append(events []sources.LogEvent) {
	for _, e := range events {
		l.groupW = max(l.groupW, min(logGroupMax, ansi.StringWidth(logGroupName(e.Group))))
	}
	l.feed.add(events)
}

// View draws the pane in exactly width x height cells.
func (l *Logs) View(width, height int, focused bool) string {
	inner := width - 2
	groupW := min(l.groupW, max(0, inner/4))
	body := l.feed.body(inner, height-2, focused, "waiting for log events…", func(e sources.LogEvent) (string, lipgloss.Style) {
		msg := sources.Sanitize(e.Message)
		text := e.Time.UTC().Format(feedClock) + " "
		if groupW > 0 {
			text += FitLine(logGroupName(e.Group), groupW) + " "
		}
		return text + msg, logStyle(msg)
	})
	return Frame("Logs", l.feed.note("lines"), body, width, height, focused)
}

var feedPlain = lipgloss.NewStyle()

func logStyle(msg string) lipgloss.Style {
	for _, word := range []string{"ERROR", "Error", "Exception", "panic", "timed out", "FATAL"} {
		if strings.Contains(msg, word) {
			return theme.Error
		}
	}
	if strings.Contains(msg, "WARN") {
		return theme.Warn
	}
	return feedPlain
}
