package ui

import (
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// allSources is the switcher's first choice: no narrowing.
const allSources = "all sources"

// setAlarms shows a fresh alarm list, narrowed to one source when chosen.
func (m *Model) setAlarms(msg sources.AlarmsMsg) {
	m.now = msg.At
	m.alarmList = msg.Alarms
	shown := msg.Alarms
	if m.narrow != "" {
		shown = slices.DeleteFunc(slices.Clone(shown), func(a sources.Alarm) bool { return a.Source != m.narrow })
	}
	m.alarms.SetNow(msg.At)
	m.alarms.SetAlarms(shown)
	m.metrics.SetAlarms(shown)
}

// loadingNote is the alarms pane's footer while the first listing loads.
func loadingNote(soFar int) string { return fmt.Sprintf("loading alarms… %d so far", soFar) }

// sourceLabels are the sources to choose from: a Multi's members, else
// the labels the alarms carry.
func (m *Model) sourceLabels() []string {
	var labels []string
	if multi, ok := m.cfg.Source.(*sources.Multi); ok {
		for _, mb := range multi.Members() {
			labels = append(labels, mb.Label)
		}
		return labels
	}
	for _, a := range m.alarmList {
		if a.Source != "" && !slices.Contains(labels, a.Source) {
			labels = append(labels, a.Source)
		}
	}
	return labels
}

// openSources pushes the switcher that narrows the alarms and metrics to
// one source.
func (m *Model) openSources() {
	v := newPicker("Sources", "source", append([]string{allSources}, m.sourceLabels()...), func(m *Model, label string) tea.Cmd {
		m.narrow = label
		if label == allSources {
			m.narrow = ""
		}
		m.setAlarms(sources.AlarmsMsg{Alarms: m.alarmList, At: m.now})
		return nil
	})
	v.empty = "one source only: start with --profile a,b or --region x,y for several"
	m.push(v)
}
