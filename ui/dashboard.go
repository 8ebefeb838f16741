package ui

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/panes"
	"watchtrail/sources"
)

// defaultDashboardRange is how far back a dashboard without "start" looks,
// as the console's default.
const defaultDashboardRange = 3 * time.Hour

// dashboardMsg carries a dashboard and its metrics' series.
type dashboardMsg struct {
	name   string
	dash   sources.Dashboard
	series []sources.Series
	err    error
}

// openDashboards pushes the picker and lists the dashboards.
func (m *Model) openDashboards() tea.Cmd {
	m.push(newPicker("Dashboards", "dashboard", nil, (*Model).openDashboard))
	dr, ok := m.cfg.Source.(sources.DashboardReader)
	if !ok {
		return func() tea.Msg {
			return pickerItemsMsg{err: errors.New("this source cannot read CloudWatch dashboards")}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), feed.PollTimeout)
		defer cancel()
		names, err := dr.ListDashboards(ctx, "")
		if err == nil && len(names) == 0 {
			err = errors.New("no dashboards in this account and region")
		}
		return pickerItemsMsg{items: names, err: err}
	}
}

// dashboardView shows one dashboard; tab moves between its widgets and
// enter runs a log widget's query in the Logs Insights view.
type dashboardView struct {
	name string
	grid *panes.DashboardGrid
}

// openDashboard pushes the dashboard view and reads the dashboard.
func (m *Model) openDashboard(name string) tea.Cmd {
	v := &dashboardView{name: name, grid: panes.NewDashboardGrid()}
	m.push(v)
	return m.loadDashboard(name)
}

// loadDashboard reads the dashboard and then its metrics over its range,
// in one request batch (FetchMetrics batches).
func (m *Model) loadDashboard(name string) tea.Cmd {
	src, now := m.cfg.Source, m.cfg.Now
	dr, ok := src.(sources.DashboardReader)
	if !ok {
		return func() tea.Msg {
			return dashboardMsg{name: name, err: errors.New("this source cannot read CloudWatch dashboards")}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*feed.PollTimeout)
		defer cancel()
		d, err := dr.GetDashboard(ctx, name)
		if err != nil {
			return dashboardMsg{name: name, dash: d, err: err}
		}
		var specs []sources.MetricSpec
		for _, w := range d.Widgets {
			for _, dm := range w.Metrics {
				if dm.Expression == "" && !dm.Hidden && dm.Spec.Metric != "" {
					specs = append(specs, dm.Spec)
				}
			}
		}
		if len(specs) == 0 {
			return dashboardMsg{name: name, dash: d}
		}
		span := d.Range
		if span <= 0 {
			span = defaultDashboardRange
		}
		end := now()
		series, err := src.FetchMetrics(ctx, specs, end.Add(-span), end)
		return dashboardMsg{name: name, dash: d, series: series, err: err}
	}
}

func (v *dashboardView) SetSize(width, height int) { v.grid.SetSize(width, height) }

func (v *dashboardView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Back):
		m.pop()
	case key.Matches(msg, keys.NextPane), key.Matches(msg, keys.Down):
		v.grid.Move(1)
	case key.Matches(msg, keys.PrevPane), key.Matches(msg, keys.Up):
		v.grid.Move(-1)
	case key.Matches(msg, keys.PageDown):
		v.grid.Page(1)
	case key.Matches(msg, keys.PageUp):
		v.grid.Page(-1)
	case key.Matches(msg, keys.Enter):
		if w, ok := v.grid.Selected(); ok && w.Type == sources.WidgetLog && w.Unsupported == "" {
			end := m.cfg.Now()
			return m.openQuery(sources.InsightsQuery{Groups: w.Groups, Query: w.Query, Start: end.Add(-v.grid.Range(defaultDashboardRange)), End: end})
		}
	}
	return nil
}

func (v *dashboardView) receive(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case dashboardMsg:
		if msg.name != v.name {
			return nil, false
		}
		errText := ""
		if msg.err != nil {
			errText = sources.Summary(msg.err)
		}
		v.grid.SetDashboard(msg.dash, msg.series, errText)
		return nil, true
	}
	return nil, false
}

func (v *dashboardView) body(m *Model) string {
	v.grid.SetAlarms(m.alarmList)
	return v.grid.View()
}

func (v *dashboardView) keys() help.KeyMap {
	return shortHelp{hint(keys.NextPane, "tab", "widget"), hint(keys.Enter, "enter", "run log widget"),
		hint(keys.Refresh, "r", "refresh"), hint(keys.Back, "esc", "back")}
}
