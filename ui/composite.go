package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// openComposite drills into a composite alarm's first firing child (the
// rule's order), or its first child when none fires: a composite has no
// metric of its own to analyse.
func (m *Model) openComposite(a sources.Alarm) tea.Cmd {
	if firing := sources.FiringChildren(a, m.alarmList); len(firing) > 0 {
		return m.openDrill(firing[0])
	}
	for _, c := range m.alarmList {
		if len(a.Children) > 0 && c.Name == a.Children[0] && c.Source == a.Source {
			return m.openDrill(c)
		}
	}
	return nil
}
