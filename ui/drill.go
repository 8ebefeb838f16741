package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
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
		ctx, cancel := context.WithTimeout(context.Background(), 2*feed.PollTimeout)
		defer cancel()
		if shared, ok := cfgTriage(m.cfg); ok {
			return triageMsg{shared.Triage(ctx, a, groups, now())}
		}
		return triageMsg{triage.Run(ctx, src, a, triage.Options{Now: now(), LogGroups: groups})}
	}
}

// triageMsg carries the triage of an alarm to the drill-down.
type triageMsg struct{ triage.Result }

// drillRequery is how often an open drill-down whose window CloudTrail may
// still be filling reads it again: the trail pane's cadence, a few
// LookupEvents pages each time, well within its 2 calls a second.
const drillRequery = 30 * time.Second

// drillAgain asks the open drill-down of an alarm to read its window again.
type drillAgain struct{ alarm sources.Alarm }

// drillDone shows a drill-down result unless the user has moved on; while
// changes may still be arriving it reads the window again on the trail's
// cadence, and the ranking is updated in place (see panes.Detail.SetDrill).
func (m *Model) drillDone(msg triage.Result) tea.Cmd {
	if _, open := inStack[detailView](m); open && m.detail.Alarm().Name == msg.Alarm.Name {
		m.detail.SetDrill(msg)
		cmds := []tea.Cmd{m.loadBook(true)}
		if !msg.Complete {
			a := msg.Alarm
			cmds = append(cmds, tea.Tick(drillRequery, func(time.Time) tea.Msg { return drillAgain{a} }))
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// requery reads the open drill-down's window again, unless the user has
// moved on.
func (m *Model) requery(msg drillAgain) tea.Cmd {
	if _, open := inStack[detailView](m); open && m.detail.Alarm().Name == msg.alarm.Name {
		return m.drill(m.detail.Alarm())
	}
	return nil
}
