package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/text"
)

// contextLines is how many lines c shows before and after the selected one.
const contextLines = 10

// logLineView shows a log line as fields (level, message, the rest of a
// JSON line) or, after v, as the raw line.
type logLineView struct {
	fields, raw *panes.Viewer
	showRaw     bool
}

// openLogLine opens the selected log line; a plain line has no fields to
// show, so it opens raw.
func (m *Model) openLogLine(e sources.LogEvent) {
	title := text.Sanitize(logViewerTitle(e, m.room.zone))
	body := strings.ReplaceAll(e.Message, "⏎", "\n")
	f := text.ParseLogLine(e.Message)
	v := &logLineView{raw: panes.NewViewer(title, text.SanitizeDocument(body)), showRaw: !f.JSON}
	lines := []string{"level: " + f.Level, "message: " + f.Message}
	for _, fl := range f.Fields {
		lines = append(lines, fl.Name+": "+fl.Value)
	}
	v.fields = panes.NewViewer(title+" · fields", text.SanitizeDocument(strings.Join(lines, "\n")))
	m.push(v)
}

func (v *logLineView) current() *panes.Viewer {
	if v.showRaw {
		return v.raw
	}
	return v.fields
}

func (v *logLineView) SetSize(width, height int) {
	v.fields.SetSize(width, height)
	v.raw.SetSize(width, height)
}

func (v *logLineView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case m.moveKey(msg, v.current()):
	case key.Matches(msg, keys.Raw):
		v.showRaw = !v.showRaw
	case key.Matches(msg, keys.Back), key.Matches(msg, keys.Enter):
		m.pop()
	}
	return nil
}

func (v *logLineView) body(*Model) string { return v.current().View() }

func (v *logLineView) keys() help.KeyMap {
	other := "raw"
	if v.showRaw {
		other = "fields"
	}
	return shortHelp{moveHint, hint(keys.Raw, "v", other), hint(keys.Back, "esc", "close")}
}

// logContextMsg carries the lines around a log event.
type logContextMsg struct {
	event  sources.LogEvent
	events []sources.LogEvent
	err    error
}

// openContext reads the lines around the selected log line in its stream.
func (m *Model) openContext() tea.Cmd {
	e, ok := m.logs.Selected()
	if !ok {
		return nil
	}
	lc, ok := m.cfg.Source.(sources.LogContexter)
	if !ok {
		return func() tea.Msg {
			return logContextMsg{event: e, err: fmt.Errorf("this source cannot read log context")}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), feed.PollTimeout)
		defer cancel()
		events, err := lc.LogContext(ctx, e, contextLines, contextLines)
		return logContextMsg{event: e, events: events, err: err}
	}
}

// showContext opens the context in a viewer, the line itself marked.
func (m *Model) showContext(msg logContextMsg) {
	title := fmt.Sprintf("Context · %s · %s", msg.event.Group, msg.event.Stream)
	if msg.err != nil {
		m.openViewer(title, "⚠ "+sources.Summary(msg.err))
		return
	}
	lines := make([]string, len(msg.events))
	for i, e := range msg.events {
		mark := "  "
		if e.ID == msg.event.ID && e.Time.Equal(msg.event.Time) {
			mark = "› "
		}
		lines[i] = mark + e.Time.UTC().Format("15:04:05.000") + " " + e.Message
	}
	m.openViewer(title, strings.Join(lines, "\n"))
}
