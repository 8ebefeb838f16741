package ui

import (
	"errors"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/notebook"
	"watchtrail/triage"
)

// Book is the incident notebook a session writes verdicts, notes and pins
// to (see package notebook).
type Book struct {
	Notebook *notebook.Store // nil: none; NotebookErr says why when opening it failed
	// NotebookErr is why the notebook could not be opened: said once in the
	// status line, and again when a notebook key is pressed.
	NotebookErr error
	User        string // who this session speaks for: the SSH user, the OS user
	// NotebookShared: changes reach the session as notebook.Change messages
	// from outside (serve's hub), so it does not subscribe itself.
	NotebookShared bool
}

// bookState is the session's side of the notebook.
type bookState struct {
	changes <-chan notebook.Change // this session's subscription, when it has one
}

// bookLoaded carries an incident's entries; bookDone an action's outcome.
type (
	bookLoaded struct {
		entries notebook.Entries
		err     error
	}
	bookDone struct {
		change notebook.Change
		err    error
	}
)

// initBook subscribes to the notebook's changes, or says why there is no
// notebook.
func (m *Model) initBook() tea.Cmd {
	book := m.cfg.Book
	if book.NotebookErr != nil {
		m.room.note = "notebook off: " + book.NotebookErr.Error()
	}
	if book.Notebook == nil || book.NotebookShared {
		return nil
	}
	m.book.changes, _ = book.Notebook.Subscribe() // for the program's life
	return m.waitChange()
}

func (m *Model) waitChange() tea.Cmd {
	ch := m.book.changes
	return func() tea.Msg {
		if c, ok := <-ch; ok {
			return c
		}
		return nil // the notebook was closed
	}
}

// bookUpdate handles the notebook's messages; it reports whether msg was one.
func (m *Model) bookUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case notebook.Change:
		var cmd tea.Cmd
		if m.book.changes != nil {
			cmd = m.waitChange()
		}
		m.room.note = msg.What
		if inc, ok := m.detail.Incident(); ok && inc == msg.Incident {
			cmd = tea.Batch(cmd, m.loadBook(false))
		}
		return cmd, true
	case bookLoaded:
		if msg.err != nil {
			m.room.note = msg.err.Error()
		}
		m.detail.SetNotebook(msg.entries) // what could be read, even so
		return nil, true
	case bookDone:
		if msg.err != nil {
			m.room.note = msg.err.Error()
			return nil, true
		}
		m.room.note = msg.change.What
		return m.loadBook(false), true
	}
	return nil, false
}

// loadBook reads the notebook of the drill-down's incident; record keeps
// the incident (and its recovery, once seen) in the list of incidents.
func (m *Model) loadBook(record bool) tea.Cmd {
	store := m.cfg.Notebook
	inc, ok := m.detail.Incident()
	if store == nil || !ok {
		return nil
	}
	d, _ := m.detail.Drill()
	record = record && notebook.Fired(d)
	recovered := notebook.RecoveredAt(d)
	return func() tea.Msg {
		var recordErr error
		if record { // a read-only notebook is still shown
			recordErr = store.RecordIncident(inc, recovered)
		}
		e, err := store.Load(inc)
		return bookLoaded{e, errors.Join(err, recordErr)}
	}
}

// bookKey handles c, x, n and p in the drill-down; it reports whether msg
// was one of them.
func (m *Model) bookKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	var kind string
	switch {
	case key.Matches(msg, keys.Confirm):
		kind = notebook.Confirmed
	case key.Matches(msg, keys.Dismiss):
		kind = notebook.Dismissed
	case key.Matches(msg, keys.Note), key.Matches(msg, keys.Pin):
	default:
		return nil, false
	}
	store, err := m.bookReady()
	if err != nil {
		m.room.note = err.Error()
		return nil, true
	}
	inc, _ := m.detail.Incident()
	who, now := m.cfg.User, m.cfg.Now
	act := func(do func() (notebook.Change, error)) tea.Cmd {
		return func() tea.Msg {
			c, err := do()
			return bookDone{c, err}
		}
	}
	switch {
	case key.Matches(msg, keys.Note):
		return m.openBookPrompt("note: ", func(text string) tea.Cmd {
			return act(func() (notebook.Change, error) { return store.AddNote(inc, who, text, now()) })
		}), true
	case key.Matches(msg, keys.Pin):
		pin, ok := m.detail.SelectedPin()
		if !ok {
			m.room.note = "select a log line or a CloudTrail event to pin"
			return nil, true
		}
		return act(func() (notebook.Change, error) { return store.TogglePin(inc, pin, who, now()) }), true
	}
	e, ok := m.detail.SelectedChange()
	if !ok {
		m.room.note = "select a suspect or a CloudTrail event to " + verbs[kind]
		return nil, true
	}
	verdict := func(reason string) tea.Cmd {
		return act(func() (notebook.Change, error) { return store.SetVerdict(inc, e, kind, who, reason, now()) })
	}
	if v, had := m.detail.Verdict(e.ID); had && v.Kind == kind {
		return verdict(""), true // the same key again withdraws it
	}
	return m.openBookPrompt(verbs[kind]+" "+triage.CallName(e.Name)+" · reason (enter to skip): ", verdict), true
}

var verbs = map[string]string{notebook.Confirmed: "confirm", notebook.Dismissed: "dismiss"}

// bookReady is the notebook, when there is one and the drill-down's data
// (and so its incident) has arrived.
func (m *Model) bookReady() (*notebook.Store, error) {
	switch _, ok := m.detail.Incident(); {
	case m.cfg.Notebook == nil && m.cfg.NotebookErr != nil:
		return nil, errors.New("notebook off: " + m.cfg.NotebookErr.Error())
	case m.cfg.Notebook == nil:
		return nil, errors.New("no notebook in this session (see --state-dir)")
	case !ok:
		return nil, errors.New("wait for the drill-down to load")
	}
	return m.cfg.Notebook, nil
}

// bookPrompt asks for a note or a reason in the status line.
type bookPrompt struct {
	line *textinput.Model
	save func(text string) tea.Cmd
}

func (m *Model) openBookPrompt(prompt string, save func(string) tea.Cmd) tea.Cmd {
	input := newPromptInput(prompt, "")
	input.CharLimit = notebook.MaxText
	m.push(bookPrompt{input, save})
	return input.Focus()
}

func (b bookPrompt) input() *textinput.Model { return b.line }
func (b bookPrompt) prompt(m *Model) string {
	return b.line.View() + "   " + m.help.ShortHelpView(bookPromptHelp.ShortHelp())
}

func (b bookPrompt) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		m.pop()
		return b.save(b.line.Value())
	case tea.KeyEsc:
		m.pop()
		m.room.note = "not saved"
		return nil
	}
	var cmd tea.Cmd
	*b.line, cmd = b.line.Update(msg)
	return cmd
}
func (bookPrompt) keys() help.KeyMap { return bookPromptHelp }

var bookPromptHelp = shortHelp{hint(keys.Enter, "enter", "save"), hint(keys.Back, "esc", "cancel")}
