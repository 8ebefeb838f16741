package ui

import tea "github.com/charmbracelet/bubbletea"

// receiver is a view that takes messages of its own (results of the
// commands it started), wherever it is in the stack.
type receiver interface {
	receive(m *Model, msg tea.Msg) (tea.Cmd, bool)
}

// typist is a view that, while typing reports true, takes every key as
// text: q, ? and r are then letters, not commands.
type typist interface {
	typing() bool
}

// receive gives msg to the views, top first, until one takes it.
func (m *Model) receive(msg tea.Msg) (tea.Cmd, bool) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if r, ok := m.stack[i].(receiver); ok {
			if cmd, took := r.receive(m, msg); took {
				return cmd, true
			}
		}
	}
	return nil, false
}
