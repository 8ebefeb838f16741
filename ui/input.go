package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// pane is what every live pane offers the key handler.
type pane interface {
	SetSize(width, height int)
	View(focused bool) string
	Move(delta int)
	SetFilter(text string)
}

func (m *Model) pane(id paneID) pane {
	switch id {
	case paneAlarms:
		return m.alarms
	case paneMetrics:
		return m.metrics
	case paneLogs:
		return m.logs
	}
	return m.trail
}

// farAway moves a selection to the first or last row; panes clamp it.
const farAway = 1 << 30

// handleKey gives a key to the filter prompt when it is open, else applies
// the keys that work everywhere, else gives it to the top view.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	// The line editors (bubbles' textinput) drop U+FFFD, which would join
	// what stood on either side of it into one cluster of another width: a
	// pasted placeholder is typed as "?".
	if msg.Type == tea.KeyRunes {
		msg.Runes = []rune(strings.ReplaceAll(string(msg.Runes), "\uFFFD", "?"))
	}
	top := m.top()
	switch top.(type) {
	case prompter, helpView:
		return top.update(m, msg)
	}
	if t, ok := top.(typist); ok && t.typing() {
		return top.update(m, msg)
	}
	switch {
	case key.Matches(msg, keys.Quit):
		return tea.Quit
	case key.Matches(msg, keys.Help):
		m.push(helpView{})
		return nil
	case key.Matches(msg, keys.Refresh):
		return m.refreshNow()
	}
	if cmd, ok := m.roomKey(msg); ok {
		return cmd
	}
	if top != nil {
		return top.update(m, msg)
	}
	return m.dashboardKey(msg)
}

// moveKey applies a movement key to anything that scrolls or selects, and
// reports whether msg was one. PgUp and PgDn move a target that pages by
// the rows it shows, any other by a third of the screen.
func (m *Model) moveKey(msg tea.KeyMsg, target interface{ Move(int) }) bool {
	if p, ok := target.(interface{ Page(int) }); ok {
		switch {
		case key.Matches(msg, keys.PageUp):
			p.Page(-1)
			return true
		case key.Matches(msg, keys.PageDown):
			p.Page(1)
			return true
		}
	}
	page := max(1, m.height/3)
	deltas := []struct {
		binding key.Binding
		delta   int
	}{{keys.Up, -1}, {keys.Down, 1}, {keys.PageUp, -page}, {keys.PageDown, page}, {keys.Home, -farAway}, {keys.End, farAway}}
	for _, d := range deltas {
		if key.Matches(msg, d.binding) {
			target.Move(d.delta)
			return true
		}
	}
	return false
}

func (m *Model) dashboardKey(msg tea.KeyMsg) tea.Cmd {
	if m.moveKey(msg, m.pane(m.focus)) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.NextPane):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, keys.PrevPane):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, keys.Zoom):
		m.push(zoomView{})
	case key.Matches(msg, keys.Filter) && m.focus == paneTrail:
		return m.openTrailFilter()
	case key.Matches(msg, keys.Filter):
		v, cmd := newFilterView(m.filters[m.focus])
		m.push(v)
		return cmd
	case key.Matches(msg, keys.Back) && (m.focus == paneTrail || m.access.search != nil):
		return m.trailBack()
	case key.Matches(msg, keys.Back):
		m.setFilter("")
	case key.Matches(msg, keys.WriteOnly):
		return m.toggleWriteOnly()
	case key.Matches(msg, keys.Denied):
		m.openDenied()
	case key.Matches(msg, keys.History):
		return m.openHistory()
	case key.Matches(msg, keys.Enter):
		return m.open()
	case key.Matches(msg, keys.AllGroups) && m.focus == paneLogs:
		return m.sched.AddAllLogGroups()
	case key.Matches(msg, keys.Problems):
		m.openViewer("Feed problems", problemsText(m.sched))
	case key.Matches(msg, keys.Insights):
		return m.openQuery(sources.InsightsQuery{Groups: m.sched.LogGroups()})
	case key.Matches(msg, keys.Dashboards):
		return m.openDashboards()
	case key.Matches(msg, keys.Sources):
		m.openSources()
	case key.Matches(msg, keys.Context) && m.focus == paneLogs:
		return m.openContext()
	}
	return nil
}

// open acts on the focused pane's selection: drill into an alarm (or the
// alarm on a metric), or show a log line or CloudTrail event in full.
func (m *Model) open() tea.Cmd {
	switch m.focus {
	case paneAlarms:
		if a, ok := m.alarms.Selected(); ok && a.Composite {
			return m.openComposite(a)
		} else if ok {
			return m.openDrill(a)
		}
	case paneMetrics:
		if s, ok := m.metrics.Selected(); ok {
			for _, a := range m.alarmList {
				if a.Metric.Key() == s.Spec.Key() {
					return m.openDrill(a)
				}
			}
		}
	case paneLogs:
		if e, ok := m.logs.Selected(); ok {
			m.openLogLine(e)
		}
	case paneTrail:
		if e, ok := m.trail.Selected(); ok {
			m.openViewer(fmt.Sprintf("CloudTrail event · %s by %s", e.Name, e.User), e.JSON)
		}
	}
	return nil
}

func (m *Model) setFilter(text string) {
	m.filters[m.focus] = text
	m.pane(m.focus).SetFilter(text)
}

// refreshNow polls every idle feed at once, and the open drill-down.
func (m *Model) refreshNow() tea.Cmd {
	cmd := m.sched.RefreshNow()
	if _, ok := inStack[detailView](m); ok {
		cmd = tea.Batch(cmd, m.drill(m.detail.Alarm()))
	}
	if _, ok := inStack[deniedView](m); ok {
		cmd = tea.Batch(cmd, m.checkIntegrity())
	}
	if v, ok := inStack[*dashboardView](m); ok {
		cmd = tea.Batch(cmd, m.loadDashboard(v.name))
	}
	return cmd
}
