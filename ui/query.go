package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
	"watchtrail/triage"
)

// The query view's sections, which tab cycles through.
const (
	querySectionGroups = iota
	querySectionQuery
	querySectionResults
	querySections
)

// queryRanges are the time ranges ctrl+t cycles through.
var queryRanges = []time.Duration{15 * time.Minute, time.Hour, 3 * time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// queryTimeout bounds one query run, polls included.
const queryTimeout = 15 * time.Minute

// pickerRows is how many matching groups the picker lists.
const pickerRows = 6

// queryView is the Logs Insights view: log groups picked fuzzily, a time
// range, the query, and its results as a table.
type queryView struct {
	groups      []string // every log group, from ListLogGroups
	picked      []string
	groupFilter textinput.Model
	pickerSel   int
	input       textinput.Model
	saved       []sources.SavedQuery
	savedIdx    int // -1: none chosen yet
	rangeIdx    int // into queryRanges; -1: the window below
	window      [2]time.Time
	section     int

	run     int // id of the newest run, to drop stale messages
	cancel  context.CancelFunc
	running bool
	result  sources.QueryResult
	err     string
	table   *panes.QueryTable

	width, height int
}

// Messages of the query view.
type (
	queryListsMsg struct {
		groups []string
		saved  []sources.SavedQuery
		err    error
	}
	queryProgressMsg struct {
		run  int
		res  sources.QueryResult
		next <-chan tea.Msg
	}
	queryDoneMsg struct {
		run int
		res sources.QueryResult
		err error
	}
	queryRecordMsg struct {
		row sources.QueryRow
		err error
	}
)

func newTextInput(prompt, value string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.CharLimit = 2000
	in.Cursor.SetMode(cursor.CursorStatic)
	in.SetValue(value)
	in.CursorEnd()
	return in
}

// openQuery pushes the query view, pre-filled with q where it has values,
// and loads the log groups and saved queries.
func (m *Model) openQuery(q sources.InsightsQuery) tea.Cmd {
	v := &queryView{savedIdx: -1, rangeIdx: 1, table: panes.NewQueryTable(),
		groupFilter: newTextInput("groups › ", ""), input: newTextInput("query › ", sources.DefaultInsightsQuery)}
	v.picked = slices.Clone(q.Groups)
	if q.Query != "" {
		v.input.SetValue(q.Query)
	}
	if !q.Start.IsZero() && q.End.After(q.Start) {
		v.rangeIdx, v.window = -1, [2]time.Time{q.Start, q.End}
	}
	if len(v.picked) > 0 {
		v.section = querySectionQuery
	}
	v.focusSection()
	m.push(v)
	lq, ok := m.cfg.Source.(sources.LogQuerier)
	if !ok {
		v.err = "this source cannot run Logs Insights queries"
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), feed.PollTimeout)
		defer cancel()
		groups, err := lq.ListLogGroups(ctx, "")
		if err != nil {
			return queryListsMsg{err: err}
		}
		saved, err := lq.SavedQueries(ctx)
		return queryListsMsg{groups: groups, saved: saved, err: err}
	}
}

func (v *queryView) focusSection() {
	v.groupFilter.Blur()
	v.input.Blur()
	switch v.section {
	case querySectionGroups:
		v.groupFilter.Focus()
	case querySectionQuery:
		v.input.Focus()
	}
}

// typing tells the key handler that letters are text here, not commands.
func (v *queryView) typing() bool { return v.section != querySectionResults }

func (v *queryView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.table.SetSize(width, max(3, height-v.headerHeight()))
}

// headerHeight is the box above the results: borders, groups line, picker
// (while choosing groups), range, query and status lines.
func (v *queryView) headerHeight() int {
	h := 2 + 4
	if v.section == querySectionGroups {
		h += 1 + pickerRows
	}
	return h
}

func (v *queryView) matches() []text.FuzzyMatch {
	return text.FuzzyFilter(v.groupFilter.Value(), v.groups)
}

// query is what the view would run now.
func (v *queryView) query(now time.Time) sources.InsightsQuery {
	q := sources.InsightsQuery{Groups: v.picked, Query: strings.TrimSpace(v.input.Value())}
	if v.rangeIdx < 0 {
		q.Start, q.End = v.window[0], v.window[1]
	} else {
		q.Start, q.End = now.Add(-queryRanges[v.rangeIdx]), now
	}
	return q
}

func (v *queryView) update(m *Model, msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Back):
		if v.running {
			v.cancel()
			return nil
		}
		m.pop()
		return nil
	case key.Matches(msg, keys.NextPane):
		v.section = (v.section + 1) % querySections
	case key.Matches(msg, keys.PrevPane):
		v.section = (v.section + querySections - 1) % querySections
	case key.Matches(msg, queryKeys.Range):
		v.rangeIdx = (v.rangeIdx + 1) % len(queryRanges)
	case key.Matches(msg, queryKeys.Saved):
		v.nextSaved()
	case v.section == querySectionGroups:
		return v.groupKey(msg)
	case v.section == querySectionQuery:
		if key.Matches(msg, keys.Enter) {
			return v.start(m)
		}
		var cmd tea.Cmd
		v.input, cmd = v.input.Update(msg)
		return cmd
	case m.moveKey(msg, v.table):
	case key.Matches(msg, keys.Enter):
		return v.openRecord(m)
	}
	v.focusSection()
	v.SetSize(v.width, v.height)
	return nil
}

// groupKey moves in the picker, toggles the group under it with enter, and
// otherwise edits the fuzzy filter.
func (v *queryView) groupKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case msg.Type == tea.KeyUp:
		v.pickerSel = max(0, v.pickerSel-1)
	case msg.Type == tea.KeyDown:
		v.pickerSel = min(len(v.matches())-1, v.pickerSel+1)
	case key.Matches(msg, keys.Enter):
		if ms := v.matches(); v.pickerSel < len(ms) {
			g := ms[v.pickerSel].Item
			if i := slices.Index(v.picked, g); i >= 0 {
				v.picked = slices.Delete(v.picked, i, i+1)
			} else {
				v.picked = append(v.picked, g)
			}
		}
	default:
		var cmd tea.Cmd
		v.groupFilter, cmd = v.groupFilter.Update(msg)
		v.pickerSel = 0
		return cmd
	}
	return nil
}

func (v *queryView) nextSaved() {
	if len(v.saved) == 0 {
		return
	}
	v.savedIdx = (v.savedIdx + 1) % len(v.saved)
	s := v.saved[v.savedIdx]
	v.input.SetValue(strings.Join(strings.Fields(s.Query), " "))
	v.input.CursorEnd()
	if len(s.Groups) > 0 {
		v.picked = slices.Clone(s.Groups)
	}
}

// start runs the query in the background; progress and the end arrive as
// messages. A running query is stopped first.
func (v *queryView) start(m *Model) tea.Cmd {
	lq, ok := m.cfg.Source.(sources.LogQuerier)
	if !ok {
		return nil
	}
	q := v.query(m.cfg.Now())
	if err := q.Validate(); err != nil {
		v.err = err.Error()
		return nil
	}
	if v.running {
		v.cancel()
	}
	v.run++
	v.running, v.err, v.result = true, "", sources.QueryResult{Status: sources.QueryScheduled}
	v.table.SetResult(v.result)
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	v.cancel = cancel
	ch := make(chan tea.Msg, 1)
	run := v.run
	go func() {
		defer cancel()
		res, err := sources.RunQuery(ctx, lq, q, func(r sources.QueryResult) {
			select { // a slow screen skips progress, never the end
			case ch <- queryProgressMsg{run: run, res: r, next: ch}:
			default:
			}
		})
		ch <- queryDoneMsg{run: run, res: res, err: err}
		close(ch)
	}()
	return waitQuery(ch)
}

func waitQuery(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

func (v *queryView) openRecord(m *Model) tea.Cmd {
	row, ok := v.table.Selected()
	if !ok {
		return nil
	}
	ptr, hasPtr := row.Get(sources.PtrField)
	reader, canRead := m.cfg.Source.(sources.LogRecordReader)
	if !hasPtr || !canRead {
		m.openViewer("Query result row", recordText(row))
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), feed.PollTimeout)
		defer cancel()
		rec, err := reader.LogRecord(ctx, ptr)
		if err != nil {
			return queryRecordMsg{row: row, err: err}
		}
		return queryRecordMsg{row: rec}
	}
}

// recordText is a record's fields one per line, without the hidden @ptr.
func recordText(row sources.QueryRow) string {
	var lines []string
	for _, f := range row {
		if f.Name != sources.PtrField {
			lines = append(lines, f.Name+": "+f.Value)
		}
	}
	return strings.Join(lines, "\n")
}

// receive takes the query view's messages.
func (v *queryView) receive(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case queryListsMsg:
		v.groups, v.saved = msg.groups, msg.saved
		if msg.err != nil {
			v.err = sources.Summary(msg.err)
		}
	case queryProgressMsg:
		if msg.run == v.run {
			v.result = msg.res
			v.table.SetResult(msg.res)
		}
		return waitQuery(msg.next), true
	case queryDoneMsg:
		if msg.run != v.run {
			return nil, true
		}
		v.running, v.result = false, msg.res
		v.table.SetResult(msg.res)
		if msg.err != nil {
			v.err = sources.Summary(msg.err)
			if errors.Is(msg.err, context.Canceled) {
				v.err = "cancelled: the query was stopped"
			}
		} else {
			v.section = querySectionResults
			v.focusSection()
			v.SetSize(v.width, v.height)
		}
	case queryRecordMsg:
		if msg.err != nil {
			v.err = "reading the record: " + sources.Summary(msg.err)
			m.openViewer("Query result row", recordText(msg.row))
		} else {
			m.openViewer("Log record", recordText(msg.row))
		}
	default:
		return nil, false
	}
	return nil, true
}

func (v *queryView) body(m *Model) string {
	innerW := v.width - 2
	groups := "groups: " + theme.Dim.Render("none chosen (tab to the picker, type to search, enter toggles)")
	if len(v.picked) > 0 {
		groups = fmt.Sprintf("groups (%d): %s", len(v.picked), strings.Join(v.picked, ", "))
	}
	lines := []string{groups}
	if v.section == querySectionGroups {
		lines = append(lines, v.groupFilter.View())
		ms := v.matches()
		from := max(0, v.pickerSel-pickerRows+1)
		for i := from; i < min(len(ms), from+pickerRows); i++ {
			mark := "[ ] "
			if slices.Contains(v.picked, ms[i].Item) {
				mark = "[x] "
			}
			row := mark + ms[i].Item
			if i == v.pickerSel {
				row = theme.Selected.Render(panes.FitLine("› "+row, innerW))
			} else {
				row = "  " + row
			}
			lines = append(lines, row)
		}
		for len(lines) < 2+pickerRows {
			lines = append(lines, "")
		}
	}
	q := v.query(m.cfg.Now())
	rangeText := fmt.Sprintf("last %s", fmtRange(queryRanges[max(0, v.rangeIdx)]))
	if v.rangeIdx < 0 {
		rangeText = "fixed window"
	}
	lines = append(lines, fmt.Sprintf("range: %s · %s – %s UTC", rangeText, q.Start.UTC().Format("01-02 15:04"), q.End.UTC().Format("01-02 15:04")))
	if v.section == querySectionQuery {
		lines = append(lines, v.input.View())
	} else {
		lines = append(lines, "query › "+v.input.Value())
	}
	lines = append(lines, v.statusText())
	title := "Logs Insights"
	if v.savedIdx >= 0 {
		title += " · " + v.saved[v.savedIdx].Name
	}
	header := panes.Frame(title, queryKeys.sectionName(v.section), strings.Join(lines, "\n"), v.width, v.headerHeight(), v.section != querySectionResults)
	return header + "\n" + v.table.View("Results", "", v.section == querySectionResults)
}

func (v *queryView) statusText() string {
	switch {
	case v.running:
		return theme.Warn.Render("running… " + sources.StatsLine(v.result) + " · esc cancels")
	case v.err != "":
		return theme.Error.Render("⚠ " + v.err)
	case v.result.ID != "":
		return theme.Good.Render(sources.StatsLine(v.result))
	}
	return theme.Dim.Render("enter in the query runs it")
}

// fmtRange is a duration the short way: 15m, 1h, 7d.
func fmtRange(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

func (v *queryView) keys() help.KeyMap {
	enter := map[int]string{querySectionGroups: "toggle group", querySectionQuery: "run", querySectionResults: "record"}[v.section]
	esc := "back"
	if v.running {
		esc = "cancel"
	}
	return shortHelp{hint(keys.NextPane, "tab", "section"), hint(keys.Enter, "enter", enter),
		hint(queryKeys.Range, "ctrl+t", "range"), hint(queryKeys.Saved, "ctrl+s", "saved query"), hint(keys.Back, "esc", esc)}
}

type queryKeyMap struct{ Range, Saved key.Binding }

var queryKeys = queryKeyMap{
	Range: key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "next time range")),
	Saved: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "next saved query")),
}

func (queryKeyMap) sectionName(section int) string {
	return [...]string{"choosing groups", "editing the query", "results"}[section]
}

// queryAround opens the query view on the drill-down's window and the
// alarm resource's log groups.
func (m *Model) queryAround() tea.Cmd {
	d, ok := m.detail.Drill()
	if !ok {
		return nil
	}
	return m.openQuery(triage.QueryAround(d, m.sched.LogGroups()))
}
