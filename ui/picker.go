package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
)

// pickerView chooses one item, narrowed fuzzily as one types: a dashboard,
// a source. Enter pops it and calls choose.
type pickerView struct {
	title  string
	items  []string
	filter textinput.Model
	sel    int
	err    string
	empty  string // shown when there are no items
	choose func(m *Model, item string) tea.Cmd
}

// pickerItemsMsg fills the open picker.
type pickerItemsMsg struct {
	items []string
	err   error
}

func newPicker(title, prompt string, items []string, choose func(m *Model, item string) tea.Cmd) *pickerView {
	v := &pickerView{title: title, items: items, filter: newTextInput(prompt+" › ", ""), choose: choose}
	v.filter.Focus()
	return v
}

func (v *pickerView) typing() bool { return true }

func (v *pickerView) matches() []text.FuzzyMatch {
	return text.FuzzyFilter(v.filter.Value(), v.items)
}

func (v *pickerView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Back):
		m.pop()
	case msg.Type == tea.KeyUp:
		v.sel = max(0, v.sel-1)
	case msg.Type == tea.KeyDown:
		v.sel = min(len(v.matches())-1, v.sel+1)
	case key.Matches(msg, keys.Enter):
		if ms := v.matches(); v.sel < len(ms) {
			m.pop()
			return v.choose(m, ms[v.sel].Item)
		}
	default:
		var cmd tea.Cmd
		v.filter, cmd = v.filter.Update(msg)
		v.sel = 0
		return cmd
	}
	return nil
}

func (v *pickerView) receive(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	items, ok := msg.(pickerItemsMsg)
	if !ok {
		return nil, false
	}
	v.items = items.items
	if items.err != nil {
		v.err = sources.Summary(items.err)
	}
	return nil, true
}

func (v *pickerView) body(m *Model) string {
	lines := []string{v.filter.View(), ""}
	if v.err != "" {
		lines = append(lines, theme.Error.Render("⚠ "+v.err))
	}
	for i, match := range v.matches() {
		row := "  " + match.Item
		if i == v.sel {
			row = theme.Selected.Render(panes.FitLine("› "+match.Item, m.width-2))
		}
		lines = append(lines, row)
	}
	if v.empty != "" && len(v.items) <= 1 && v.err == "" {
		lines = append(lines, theme.Dim.Render(v.empty))
	}
	return panes.Frame(v.title, fmt.Sprint(len(v.items)), strings.Join(lines, "\n"), m.width, m.bodyHeight(), true)
}

func (v *pickerView) keys() help.KeyMap {
	return shortHelp{moveHint, hint(keys.Enter, "enter", "choose"), hint(keys.Back, "esc", "back")}
}
