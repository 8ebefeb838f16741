package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/filter"
	"watchtrail/text"
	"watchtrail/theme"
)

// trailFilterView edits the trail pane's query (filter.ParseTrail's
// syntax) in the status line. Every valid edit applies at once; while the
// text does not parse, the error shows beside it and the last valid query
// stays. Tab completes the last term from the events seen, again to cycle.
type trailFilterView struct{ *trailFilterState }

type trailFilterState struct {
	line    *textinput.Model
	err     error
	choices []filter.Completion // offered by the last tab; nil after any other key
	next    int                 // the choice the next tab takes
}

var (
	completeKey     = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete"))
	trailFilterHelp = shortHelp{completeKey, hint(keys.Enter, "enter", "keep"), hint(keys.Back, "esc", "clear")}
)

func (m *Model) openTrailFilter() tea.Cmd {
	m.focus = paneTrail
	text := m.trail.Query().String()
	if text != "" {
		text += " " // ready for the next term
	}
	input := newPromptInput("/", text)
	m.push(trailFilterView{&trailFilterState{line: input}})
	return input.Focus()
}

func (v trailFilterView) input() *textinput.Model { return v.line }
func (trailFilterView) keys() help.KeyMap         { return trailFilterHelp }

func (v trailFilterView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Enter):
		if v.err == nil {
			m.pop()
		}
		return nil
	case key.Matches(msg, keys.Back):
		m.pop()
		return m.setTrailQuery(filter.Trail{})
	case key.Matches(msg, completeKey):
		return v.complete(m)
	}
	v.choices = nil
	var cmd tea.Cmd
	*v.line, cmd = v.line.Update(msg)
	return tea.Batch(cmd, v.apply(m))
}

// complete puts the next completion of the last term in the line.
func (v trailFilterView) complete(m *Model) tea.Cmd {
	if v.choices == nil {
		v.choices, v.next = filter.CompleteTrail(v.line.Value(), m.trail.Events()), 0
	}
	if len(v.choices) == 0 {
		return nil
	}
	v.line.SetValue(v.choices[v.next].Line)
	v.line.CursorEnd()
	v.next = (v.next + 1) % len(v.choices)
	return v.apply(m)
}

func (v trailFilterView) apply(m *Model) tea.Cmd {
	q, err := filter.ParseTrail(text.Sanitize(v.line.Value()))
	if v.err = err; err != nil {
		return nil
	}
	return m.setTrailQuery(q)
}

// prompt is the line, then the parse error, or the completions offered, or
// the keys.
func (v trailFilterView) prompt(m *Model) string {
	text := v.line.View() + "   "
	switch {
	case v.err != nil:
		return text + theme.StatusErr.Render("⚠ "+v.err.Error())
	case len(v.choices) > 0:
		var offered []string
		for _, c := range v.choices {
			term := c.Term
			if c.Count > 0 {
				term += fmt.Sprintf(" (%d)", c.Count)
			}
			offered = append(offered, term)
		}
		return text + theme.Dim.Render(strings.Join(offered, "  "))
	}
	return text + m.help.ShortHelpView(trailFilterHelp.ShortHelp())
}

// setTrailQuery narrows the trail pane to q; the trail feed polls at once
// when q changes what it fetches.
func (m *Model) setTrailQuery(q filter.Trail) tea.Cmd {
	m.filters[paneTrail] = q.String()
	m.trail.SetQuery(q)
	return m.sched.SetTrailFilter(q)
}

// toggleWriteOnly keeps only write calls in the trail pane, or all again.
func (m *Model) toggleWriteOnly() tea.Cmd {
	q := m.trail.Query()
	q.WriteOnly = !q.WriteOnly
	if q.WriteOnly {
		q.ReadOnly = false
	}
	return m.setTrailQuery(q)
}

// trailBack is Esc on the trail pane: it cancels a running history search,
// else leaves the history for the live events, else clears the query.
func (m *Model) trailBack() tea.Cmd {
	switch {
	case m.access.search != nil:
		m.cancelSearch()
	case m.trail.History() != "":
		m.trail.ShowLive()
	default:
		return m.setTrailQuery(filter.Trail{})
	}
	return nil
}
