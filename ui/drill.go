package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// openDrill switches to the detail view of an alarm and starts gathering the
// metric, CloudTrail events and log lines around its state change.
func (m *Model) openDrill(a sources.Alarm) tea.Cmd {
	m.inDetail = true
	m.detail.SetLoading(a)
	src, groups, now := m.cfg.Source, m.logGroups(), m.cfg.Now
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*pollTimeout)
		defer cancel()
		return sources.Drill(ctx, src, a, groups, now())
	}
}

// drillDone shows a drill-down result unless the user has moved on.
func (m *Model) drillDone(msg sources.DrillMsg) {
	if m.inDetail && m.detail.Alarm().Name == msg.Alarm.Name {
		m.detail.SetDrill(msg)
	}
}

func (m *Model) detailKey(msg tea.KeyMsg) tea.Cmd {
	if m.moveKey(msg, m.detail) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.NextPane), key.Matches(msg, keys.PrevPane):
		m.detail.NextSection()
	case key.Matches(msg, keys.Enter):
		m.detail.ToggleJSON()
	case key.Matches(msg, keys.Back):
		if !m.detail.CloseJSON() {
			m.inDetail = false
		}
	}
	return nil
}

func (m *Model) jsonKey(msg tea.KeyMsg) tea.Cmd {
	if !m.moveKey(msg, m.json) && (key.Matches(msg, keys.Back) || key.Matches(msg, keys.Enter)) {
		m.json = nil
	}
	return nil
}
