package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/text"
)

// view is a screen pushed over the dashboard: while on top it takes the keys
// and names them for the footer. Esc pops it.
type view interface {
	update(m *Model, msg tea.KeyMsg) tea.Cmd
	keys() help.KeyMap
}

// drawer is a view that draws the body; a view that does not (the filter
// prompt) leaves the body to the one below.
type drawer interface {
	body(m *Model) string
}

// prompter is a view that edits a line in the status line: it takes every
// key (q and ? are text), and its input gets the cursor's blink.
type prompter interface {
	prompt(m *Model) string
	input() *textinput.Model
}

// sizer is a view that is told the body's size.
type sizer interface {
	SetSize(width, height int)
}

func (m *Model) top() view {
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

func (m *Model) push(v view) {
	m.stack = append(m.stack, v)
	m.resize()
}

func (m *Model) pop() {
	if len(m.stack) > 0 {
		m.stack = m.stack[:len(m.stack)-1]
		m.resize()
	}
}

// inStack finds the view of type V nearest the top.
func inStack[V view](m *Model) (V, bool) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if v, ok := m.stack[i].(V); ok {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// zoomView draws the focused pane over the whole body.
type zoomView struct{}

func (zoomView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, keys.Back) || key.Matches(msg, keys.Zoom) {
		m.pop()
		return nil
	}
	focus := m.focus
	cmd := m.dashboardKey(msg)
	if m.focus != focus {
		m.resize()
	}
	return cmd
}
func (zoomView) keys() help.KeyMap    { return keys }
func (zoomView) body(m *Model) string { return m.paneView(m.focus) }

// filterView edits the focused pane's filter in the status line.
type filterView struct{ line *textinput.Model }

func newFilterView(text string) (filterView, tea.Cmd) {
	input := newPromptInput("/", text)
	return filterView{input}, input.Focus()
}

// newPromptInput is a status-line input holding text, cursor at its end.
func newPromptInput(prompt, text string) *textinput.Model {
	input := textinput.New()
	input.Prompt = prompt
	input.CharLimit = 200
	input.SetValue(text)
	input.CursorEnd()
	return &input
}

func (f filterView) input() *textinput.Model { return f.line }
func (f filterView) prompt(m *Model) string {
	return f.line.View() + "   " + m.help.ShortHelpView(filterHelp.ShortHelp())
}

func (f filterView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		m.pop()
		return nil
	case tea.KeyEsc:
		m.pop()
		m.setFilter("")
		return nil
	}
	var cmd tea.Cmd
	*f.line, cmd = f.line.Update(msg)
	m.setFilter(text.Sanitize(f.line.Value()))
	return cmd
}
func (filterView) keys() help.KeyMap { return filterHelp }

// helpView lists every key; any key closes it.
type helpView struct{}

func (helpView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "q" {
		return tea.Quit
	}
	m.pop()
	return nil
}
func (helpView) keys() help.KeyMap { return helpHelp }
func (helpView) body(m *Model) string {
	h := m.help
	h.Width = m.width - 2
	text := "Keys\n\n" + h.FullHelpView(keys.FullHelp()) + "\n\n" + strings.Join([]string{
		"Alarms are sorted ALARM first. Enter on an alarm opens the drill-down:",
		"the metric around the state change with its threshold, the CloudTrail",
		"events on the same resource, and the matching log lines.",
		"Logs and trail follow the newest line; move up to pause, G to resume."}, "\n")
	return panes.Frame("Help", "any key closes", text, m.width, m.bodyHeight(), true)
}

// viewerView shows a text in full: a CloudTrail event's JSON, a log line.
type viewerView struct {
	*panes.Viewer
	raw string // the text shown, for y
}

func (v viewerView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	if !m.moveKey(msg, v) && (key.Matches(msg, keys.Back) || key.Matches(msg, keys.Enter)) {
		m.pop()
	}
	return nil
}
func (viewerView) keys() help.KeyMap    { return viewerHelp }
func (v viewerView) body(*Model) string { return v.View() }

// detailView is the drill-down of one alarm.
type detailView struct{}

func (detailView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	if m.moveKey(msg, m.detail) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.NextPane):
		m.detail.NextSection()
	case key.Matches(msg, keys.PrevPane):
		m.detail.PrevSection()
	case key.Matches(msg, keys.Enter):
		if title, text, ok := m.detailOpen(); ok {
			m.openViewer(title, text)
		}
	case key.Matches(msg, keys.Back):
		m.pop()
	case key.Matches(msg, keys.Insights):
		return m.queryAround()
	default:
		cmd, _ := m.bookKey(msg)
		return cmd
	}
	return nil
}
func (detailView) keys() help.KeyMap    { return detailHelp }
func (detailView) body(m *Model) string { return m.detail.View() }

// openViewer shows a log line or CloudTrail event in full; the record is
// raw (JSON from CloudTrail), so it is sanitised here, as it enters the view.
func (m *Model) openViewer(title, record string) {
	m.push(viewerView{panes.NewViewer(text.Sanitize(title), text.SanitizeDocument(record)), record})
}

func logViewerTitle(e sources.LogEvent, zone *time.Location) string {
	return fmt.Sprintf("Log event · %s · %s", e.Group, e.Time.In(zone).Format("15:04:05.000 MST"))
}
