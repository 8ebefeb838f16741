package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
)

// historyView asks, in the status line, for a range to search the trail's
// history over and an optional query; Enter starts the search, whose
// results replace the live events in the trail pane.
type historyView struct{ *historyState }

type historyState struct {
	line *textinput.Model
	err  error
}

var historyHelp = shortHelp{hint(keys.Enter, "enter", "search"), hint(keys.Back, "esc", "cancel")}

func (m *Model) openHistory() tea.Cmd {
	input := newPromptInput("history: ", "")
	input.Placeholder = "3d · 36h user:alice · 2026-11-20..2026-11-21 -ro"
	m.push(historyView{&historyState{line: input}})
	return input.Focus()
}

func (v historyView) input() *textinput.Model { return v.line }
func (historyView) keys() help.KeyMap         { return historyHelp }

func (v historyView) prompt(m *Model) string {
	text := v.line.View() + "   "
	if v.err != nil {
		return text + theme.StatusErr.Render("⚠ "+v.err.Error())
	}
	return text + m.help.ShortHelpView(historyHelp.ShortHelp())
}

func (v historyView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Back):
		m.pop()
		return nil
	case key.Matches(msg, keys.Enter):
		label, search, query, err := parseHistory(text.Sanitize(v.line.Value()), m.cfg.Now(), m.trail.Query())
		if v.err = err; err != nil {
			return nil
		}
		m.pop()
		search.Limit = m.cfg.LogCapacity
		return tea.Batch(m.setTrailQuery(query), m.startSearch(label, search))
	}
	v.err = nil
	var cmd tea.Cmd
	*v.line, cmd = v.line.Update(msg)
	return cmd
}

// parseHistory reads "RANGE [QUERY]": RANGE is how far back ("3d", "36h",
// "2026-11-20") or FROM..TO in the same forms, as `watchtrail trail`'s
// --since and --until; QUERY is in the trail filter's syntax, the pane's
// query when none is given. It returns the range as typed, for the title.
func parseHistory(text string, now time.Time, query filter.Trail) (string, filter.TrailSearch, filter.Trail, error) {
	rng, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	if rng == "" {
		return "", filter.TrailSearch{}, query, fmt.Errorf("history: type a range (3d, 36h, 2026-11-20..2026-11-21), then a filter if you like")
	}
	from, to, _ := strings.Cut(rng, "..")
	since, until, err := filter.ParseWindow(from, to, now)
	if err != nil {
		return "", filter.TrailSearch{}, query, fmt.Errorf("history: %w", err)
	}
	if strings.TrimSpace(rest) != "" {
		if query, err = filter.ParseTrail(rest); err != nil {
			return "", filter.TrailSearch{}, query, err
		}
	}
	return rng, filter.TrailSearch{Since: since, Until: until, Filter: query}, query, nil
}

// runningSearch is a history search in progress.
type runningSearch struct {
	label    string
	cancel   context.CancelFunc
	progress <-chan filter.SearchProgress
	done     <-chan searchMsg
}

// searchMsg is a search's progress, or with done its outcome.
type searchMsg struct {
	search   *runningSearch
	progress filter.SearchProgress
	done     bool
	events   []sources.TrailEvent
	err      error
}

// startSearch returns the command that runs a history search (one at a
// time) and waits for its first report; each report waits to be shown, so
// the pane follows every step.
func (m *Model) startSearch(label string, s filter.TrailSearch) tea.Cmd {
	m.cancelSearch()
	ctx, cancel := context.WithCancel(context.Background())
	progress, done := make(chan filter.SearchProgress), make(chan searchMsg, 1)
	rs := &runningSearch{label: label, cancel: cancel, progress: progress, done: done}
	m.access.search = rs
	m.focus = paneTrail
	m.trail.SetProgress("searching " + label + "…")
	src := m.cfg.Source
	search := func() {
		events, err := filter.SearchTrail(ctx, src, s, func(p filter.SearchProgress) {
			select {
			case progress <- p:
			case <-ctx.Done():
			}
		})
		done <- searchMsg{search: rs, done: true, events: events, err: err}
	}
	return func() tea.Msg {
		go search()
		return rs.wait()
	}
}

// wait is the command that waits for the search's next report.
func (rs *runningSearch) wait() tea.Msg {
	select {
	case p := <-rs.progress:
		return searchMsg{search: rs, progress: p}
	case msg := <-rs.done:
		return msg
	}
}

func (m *Model) searchUpdate(msg searchMsg) tea.Cmd {
	rs := m.access.search
	if msg.search != rs { // a cancelled search's
		return nil
	}
	if !msg.done {
		p := msg.progress
		m.trail.SetProgress(fmt.Sprintf("searching %s · back to %s · %.0f%% · %d found",
			rs.label, p.Through.UTC().Format("01-02 15:04"), 100*p.Fraction(), p.Found))
		return rs.wait
	}
	m.access.search = nil
	rs.cancel()
	label := rs.label
	if len(msg.events) == m.cfg.LogCapacity {
		label += fmt.Sprintf(" · the newest %d", len(msg.events))
	}
	if msg.err != nil {
		label += " · ⚠ " + sources.Summary(msg.err)
	}
	m.trail.ShowHistory(label, msg.events)
	return nil
}

// cancelSearch stops the running search, if any; the trail stays live.
func (m *Model) cancelSearch() {
	if rs := m.access.search; rs != nil {
		rs.cancel()
		m.access.search = nil
		m.trail.SetProgress("")
	}
}
