package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/panes"
)

// pane is what every live pane offers the key handler.
type pane interface {
	View(width, height int, focused bool) string
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

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	switch {
	case m.filtering:
		return m.filterKey(msg)
	case m.showHelp:
		if key.Matches(msg, keys.Quit) && msg.String() == "q" {
			return tea.Quit
		}
		m.showHelp = false // any other key closes help
		return nil
	case key.Matches(msg, keys.Quit):
		return tea.Quit
	case key.Matches(msg, keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, keys.Refresh):
		return m.refreshNow()
	case m.json != nil:
		return m.jsonKey(msg)
	case m.inDetail:
		return m.detailKey(msg)
	}
	return m.dashboardKey(msg)
}

// moveKey applies a movement key to anything that scrolls or selects, and
// reports whether msg was one.
func (m *Model) moveKey(msg tea.KeyMsg, target interface{ Move(int) }) bool {
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
		m.zoomed = !m.zoomed
	case key.Matches(msg, keys.Filter):
		m.filtering = true
		m.filter.SetValue(m.filters[m.focus])
		m.filter.CursorEnd()
		return m.filter.Focus()
	case key.Matches(msg, keys.Back):
		if m.zoomed {
			m.zoomed = false
		} else {
			m.setFilter("")
		}
	case key.Matches(msg, keys.Enter):
		return m.open()
	}
	return nil
}

// open acts on the focused pane's selection: drill into an alarm (or the
// alarm on a metric), or show a log line or CloudTrail event in full.
func (m *Model) open() tea.Cmd {
	switch m.focus {
	case paneAlarms:
		if a, ok := m.alarms.Selected(); ok {
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
			title := fmt.Sprintf("Log event · %s · %s", e.Group, e.Time.UTC().Format("15:04:05.000"))
			m.json = panes.NewViewer(title, strings.ReplaceAll(e.Message, "⏎", "\n"))
		}
	case paneTrail:
		if e, ok := m.trail.Selected(); ok {
			m.json = panes.NewViewer(fmt.Sprintf("CloudTrail event · %s by %s", e.Name, e.User), e.JSON)
		}
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		m.filtering = false
		m.filter.Blur()
		return nil
	case tea.KeyEsc:
		m.filtering = false
		m.filter.Blur()
		m.setFilter("")
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.setFilter(m.filter.Value())
	return cmd
}

func (m *Model) setFilter(text string) {
	m.filters[m.focus] = text
	m.pane(m.focus).SetFilter(text)
}

// refreshNow polls every idle feed at once, replacing its pending tick.
func (m *Model) refreshNow() tea.Cmd {
	var cmds []tea.Cmd
	for _, f := range allFeeds {
		st := m.feeds[f]
		if !st.inFlight {
			st.gen++
			cmds = append(cmds, m.startPoll(f, st.gen))
		}
	}
	if m.inDetail {
		cmds = append(cmds, m.openDrill(m.detail.Alarm()))
	}
	return tea.Batch(cmds...)
}
