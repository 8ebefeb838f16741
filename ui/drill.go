package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
	"watchtrail/triage"
)

// openDrill opens the drill-down of an alarm and starts gathering the metric,
// CloudTrail events and log lines around its state change.
func (m *Model) openDrill(a sources.Alarm) tea.Cmd {
	m.push(detailView{})
	return m.drill(a)
}

// drill (re)loads the open drill-down.
func (m *Model) drill(a sources.Alarm) tea.Cmd {
	m.detail.SetLoading(a)
	src, groups, now := sources.SourceOf(m.cfg.Source, a), m.sched.LogGroups(), m.cfg.Now
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*pollTimeout)
		defer cancel()
		if shared, ok := cfgTriage(m.cfg); ok {
			return triageMsg{shared.Triage(ctx, a, groups, now())}
		}
		return triageMsg{triage.Run(ctx, src, a, triage.Options{Now: now(), LogGroups: groups})}
	}
}

// triageMsg carries the triage of an alarm to the drill-down.
type triageMsg struct{ triage.Result }

// drillDone shows a drill-down result unless the user has moved on.
func (m *Model) drillDone(msg triage.Result) tea.Cmd {
	if _, open := inStack[detailView](m); open && m.detail.Alarm().Name == msg.Alarm.Name {
		m.detail.SetDrill(msg)
		return m.loadBook(true)
	}
	return nil
}
