package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/theme"
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

// sourcesView narrows the alarms and metrics to one source, picked fuzzily.
type sourcesView struct {
	labels []string
	filter textinput.Model
	sel    int
}

func (m *Model) openSources() {
	v := &sourcesView{labels: append([]string{allSources}, m.sourceLabels()...), filter: newTextInput("source › ", "")}
	v.filter.Focus()
	m.push(v)
}

func (v *sourcesView) typing() bool { return true }

func (v *sourcesView) matches() []sources.FuzzyMatch {
	return sources.FuzzyFilter(v.filter.Value(), v.labels)
}

func (v *sourcesView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Back):
		m.pop()
	case msg.Type == tea.KeyUp:
		v.sel = max(0, v.sel-1)
	case msg.Type == tea.KeyDown:
		v.sel = min(len(v.matches())-1, v.sel+1)
	case key.Matches(msg, keys.Enter):
		if ms := v.matches(); v.sel < len(ms) {
			m.narrow = ms[v.sel].Item
			if m.narrow == allSources {
				m.narrow = ""
			}
			m.pop()
			m.setAlarms(sources.AlarmsMsg{Alarms: m.alarmList, At: m.now})
		}
	default:
		var cmd tea.Cmd
		v.filter, cmd = v.filter.Update(msg)
		v.sel = 0
		return cmd
	}
	return nil
}

func (v *sourcesView) body(m *Model) string {
	lines := []string{v.filter.View(), ""}
	for i, match := range v.matches() {
		row := "  " + match.Item
		if i == v.sel {
			row = theme.Selected.Render(panes.FitLine("› "+match.Item, m.width-2))
		}
		lines = append(lines, row)
	}
	if len(v.labels) == 1 {
		lines = append(lines, theme.Dim.Render("one source only: start with --profile a,b or --region x,y for several"))
	}
	return panes.Frame("Sources", strings.TrimSpace(m.narrow), strings.Join(lines, "\n"), m.width, m.bodyHeight(), true)
}

func (v *sourcesView) keys() help.KeyMap {
	return shortHelp{moveHint, hint(keys.Enter, "enter", "narrow"), hint(keys.Back, "esc", "back")}
}
