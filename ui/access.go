package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/filter"
	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/theme"
)

// accessState is the security side of the trail: the denied calls counted
// from every live trail event, a running history search, and the last log
// file validation.
type accessState struct {
	denied       sources.DeniedTally
	pane         *panes.Denied // the denied view, made when first opened
	search       *runningSearch
	integrity    *sources.IntegrityReport
	integrityErr error
}

// Log file validation runs at start and then hourly over the last hours:
// CloudTrail delivers a digest an hour, so the newest hour is not validated
// yet.
const (
	integrityEvery  = time.Hour
	integrityWindow = 6 * time.Hour
)

// integrityMsg carries a validation's result.
type integrityMsg struct {
	report sources.IntegrityReport
	err    error
}

// integrityTick asks for the next periodic validation.
type integrityTick struct{}

// trailMsg handles the messages of the history search and the validation.
func (m *Model) trailMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case searchMsg:
		return m.searchUpdate(msg), true
	case integrityMsg:
		m.access.integrity, m.access.integrityErr = &msg.report, msg.err
		m.updateDenied()
		return nil, true
	case integrityTick:
		return m.startIntegrity(), true
	}
	return nil, false
}

// checkIntegrity validates the trail's log files off the UI goroutine, when
// the source can (Config.Integrity).
func (m *Model) checkIntegrity() tea.Cmd {
	checker := m.cfg.Integrity
	if checker == nil {
		return nil
	}
	end := m.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		r, err := checker.CheckIntegrity(ctx, end.Add(-integrityWindow), end)
		return integrityMsg{r, err}
	}
}

// startIntegrity validates now and asks to again in an hour.
func (m *Model) startIntegrity() tea.Cmd {
	if m.cfg.Integrity == nil {
		return nil
	}
	return tea.Batch(m.checkIntegrity(), tea.Tick(integrityEvery, func(time.Time) tea.Msg { return integrityTick{} }))
}

// integrityBanner is the header's alarm when a log file was modified or
// is missing.
func (m *Model) integrityBanner() string {
	r := m.access.integrity
	if r == nil || !r.Tampered() {
		return ""
	}
	return theme.Tampered.Render(panes.TamperedText(*r)+" · D") + " "
}

// countDenied adds live trail events to the denied tally.
func (m *Model) countDenied(events []sources.TrailEvent) {
	m.access.denied.Add(events)
	if _, open := inStack[deniedView](m); open {
		m.updateDenied()
	}
}

func (m *Model) deniedPane() *panes.Denied {
	if m.access.pane == nil {
		m.access.pane = panes.NewDenied()
		m.access.pane.SetZone(m.room.zone)
	}
	return m.access.pane
}

func (m *Model) updateDenied() {
	d := m.deniedPane()
	d.SetTally(&m.access.denied, m.now)
	if m.access.integrity != nil || m.access.integrityErr != nil {
		d.SetIntegrity(m.access.integrity, m.access.integrityErr)
	}
}

func (m *Model) openDenied() {
	m.updateDenied()
	m.push(deniedView{m.deniedPane()})
}

// deniedView shows the denied calls by principal and by source IP, and the
// log files that did not validate; Enter on a group narrows the trail pane
// to it.
type deniedView struct{ *panes.Denied }

var deniedHelp = shortHelp{moveHint, hint(keys.NextPane, "tab", "section"), hint(keys.Enter, "enter", "show in trail"),
	hint(keys.Refresh, "r", "refresh"), hint(keys.Back, "esc", "back"), hint(keys.Help, "?", "help")}

func (deniedView) keys() help.KeyMap    { return deniedHelp }
func (v deniedView) body(*Model) string { return v.View() }

func (v deniedView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	if m.moveKey(msg, v) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.NextPane):
		v.NextSection()
	case key.Matches(msg, keys.PrevPane):
		v.PrevSection()
	case key.Matches(msg, keys.Enter):
		if term, ok := v.Term(); ok {
			m.pop()
			return m.narrowTrail(term)
		} else if title, text, ok := v.OpenFile(); ok {
			m.openViewer(title, text)
		}
	case key.Matches(msg, keys.Back), key.Matches(msg, keys.Denied):
		m.pop()
	}
	return nil
}

// narrowTrail shows the trail pane with only the events of term, a query
// term such as user:alice.
func (m *Model) narrowTrail(term string) tea.Cmd {
	q, err := filter.ParseTrail(term)
	if err != nil {
		return nil // Term gives only values the syntax holds
	}
	m.focus = paneTrail
	return m.setTrailQuery(q)
}
