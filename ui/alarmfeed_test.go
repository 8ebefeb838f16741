package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// pollAll hands m a poll's messages: the alarms lists a first listing shows
// while it loads, then the poll's outcome.
func pollAll(m *Model, poll tea.Cmd) {
	msg := poll()
	m.Update(msg)
	for loading(msg) {
		msg = <-m.sched.alarmMsgs
		m.Update(msg)
	}
}

func loading(msg tea.Msg) bool {
	a, ok := msg.(sources.AlarmsMsg)
	return ok && a.Loading
}
