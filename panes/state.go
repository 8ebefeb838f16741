package panes

import (
	"github.com/charmbracelet/lipgloss"

	"watchtrail/sources"
	"watchtrail/theme"
)

// stateStyle styles an alarm state word: ALARM red, INSUFFICIENT_DATA amber, OK green.
func stateStyle(s sources.AlarmState) lipgloss.Style {
	switch s {
	case sources.StateAlarm:
		return lipgloss.NewStyle().Bold(true).Foreground(theme.Red)
	case sources.StateInsufficient:
		return theme.Warn
	}
	return theme.Good
}
