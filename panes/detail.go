package panes

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/notebook"
	"watchtrail/sources"
	"watchtrail/theme"
	"watchtrail/triage"
)

// The lists of the drill-down that Move and NextSection act on, in order.
const (
	detailSuspects = iota
	detailTrail
	detailLogs
	detailSections
)

// Detail is the drill-down of one alarm: its metric around the state change
// with the onset and the suspects marked, the ranked suspects, the
// CloudTrail events of the related changes and the matching log lines.
type Detail struct {
	zoned
	alarm         sources.Alarm
	loading       bool
	drill         *triage.Result
	suspects      *List[triage.Suspect]     // most likely first
	events        *List[sources.TrailEvent] // oldest first
	logs          *List[sources.LogEvent]   // oldest first
	section       int
	width, height int
	book          notebook.Entries // what the war room said about the incident
	fresh         map[string]bool  // suspects that arrived with the latest refresh (event IDs)

	// The chart is the costly part of a frame and only changes with the data
	// or the size, so it is drawn when they change.
	chartLines []string
}

// NewDetail returns an empty drill-down.
func NewDetail() *Detail {
	return &Detail{
		suspects: NewList[triage.Suspect](func(s triage.Suspect) string { return s.Event.ID }, nil),
		events:   NewList[sources.TrailEvent](func(e sources.TrailEvent) string { return e.ID }, nil),
		logs:     NewList[sources.LogEvent](func(l sources.LogEvent) string { return l.Group + "\x00" + l.ID }, nil),
	}
}

// Alarm returns the alarm being drilled into.
func (p *Detail) Alarm() sources.Alarm { return p.alarm }

// Drill is the data shown, once it has arrived.
func (p *Detail) Drill() (triage.Result, bool) {
	if p.drill == nil {
		return triage.Result{}, false
	}
	return *p.drill, true
}

// SetSize sets the cells the drill-down draws into.
func (p *Detail) SetSize(width, height int) {
	p.width, p.height = width, height
	p.relayout()
}

// SetLoading starts a drill-down of a. Refreshing the same alarm keeps its
// current data on screen until the new data arrives.
func (p *Detail) SetLoading(a sources.Alarm) {
	if a.Name != p.alarm.Name {
		w, h := p.width, p.height
		*p = *NewDetail()
		p.width, p.height = w, h
	}
	p.alarm, p.loading = a, true
	p.relayout()
}

// SetDrill shows the gathered data. The focus starts on the top suspect and
// the trail's selection on the likely cause; a refresh of the same alarm
// keeps both selections on the same events.
func (p *Detail) SetDrill(msg triage.Result) {
	prevEvent, hadEvent := p.SelectedEvent()
	prevSuspect, hadSuspect := p.suspects.Selected()
	refresh := p.drill != nil && msg.Alarm.Name == p.alarm.Name
	p.fresh = nil
	if refresh {
		p.fresh = newSuspects(p.drill.Suspects, msg.Suspects)
	}
	p.drill, p.loading = &msg, false
	if msg.Alarm.Name != "" {
		p.alarm = msg.Alarm
	}
	events := slices.Clone(msg.Trail)
	slices.SortStableFunc(events, func(a, b sources.TrailEvent) int { return a.Time.Compare(b.Time) })
	logs := slices.Clone(msg.Logs)
	slices.SortStableFunc(logs, func(a, b sources.LogEvent) int { return a.Time.Compare(b.Time) })
	if p.book.Incident != notebook.IncidentOf(msg) {
		p.book = notebook.Entries{}
	}
	p.setSuspects()
	p.events.SetItems(events)
	p.logs.SetItems(logs)
	p.relayout()
	if !refresh {
		p.section = detailSuspects
		p.suspects.Select(0)
		p.events.Select(max(slices.IndexFunc(events, func(e sources.TrailEvent) bool { return e.ID == msg.Cause && e.ID != "" }), 0))
		p.logs.Select(detailFirstLog(logs, p.anchor()))
		return
	}
	if hadEvent {
		p.events.SelectKey(prevEvent.ID)
	}
	if hadSuspect {
		p.suspects.SelectKey(prevSuspect.Event.ID)
	}
}

// newSuspects are the suspects of now that were not among before: changes
// that reached the trail since the last reading of the window.
func newSuspects(before, now []triage.Suspect) map[string]bool {
	seen := map[string]bool{}
	for _, s := range before {
		seen[s.Event.ID] = true
	}
	fresh := map[string]bool{}
	for _, s := range now {
		if !seen[s.Event.ID] {
			fresh[s.Event.ID] = true
		}
	}
	return fresh
}

// detailFirstLog picks the log line to start on: the failure nearest the
// state change, else the last line before it, so the list opens where the
// incident is rather than at the oldest line of the window.
func detailFirstLog(logs []sources.LogEvent, anchor time.Time) int {
	best, bestGap := -1, time.Duration(0)
	for i, l := range logs {
		if !sources.IsErrorLine(l.Message) {
			continue
		}
		gap := l.Time.Sub(anchor).Abs()
		if best < 0 || gap < bestGap {
			best, bestGap = i, gap
		}
	}
	if best >= 0 {
		return best
	}
	for i, l := range logs {
		if !l.Time.After(anchor) {
			best = i
		}
	}
	return max(best, 0)
}

// anchor is the moment the drill-down centres on: when the alarm last went
// into ALARM (from its history), else its latest state change.
func (p *Detail) anchor() time.Time {
	if p.drill != nil && !p.drill.Anchor.IsZero() {
		return p.drill.Anchor
	}
	return p.alarm.StateChanged
}

// anchorState names the state entered at the anchor.
func (p *Detail) anchorState() sources.AlarmState {
	if p.drill != nil {
		for _, h := range p.drill.History {
			if h.Time.Equal(p.anchor()) {
				return h.To
			}
		}
	}
	return p.alarm.State
}

// Move moves the selection of the focused list.
func (p *Detail) Move(delta int) { p.focused().Move(delta) }

// Page moves the focused list by the rows it shows (dir -1 up, 1 down).
func (p *Detail) Page(dir int) { p.focused().Page(dir) }

func (p *Detail) focused() scroller {
	switch p.section {
	case detailSuspects:
		return p.suspects
	case detailTrail:
		return p.events
	}
	return p.logs
}

// NextSection moves the focus to the next list: suspects, CloudTrail
// events, log lines, and round again.
func (p *Detail) NextSection() { p.section = (p.section + 1) % detailSections }

// PrevSection moves the focus to the previous list, round the other way.
func (p *Detail) PrevSection() { p.section = (p.section + detailSections - 1) % detailSections }

// SelectedEvent returns the selected CloudTrail event.
func (p *Detail) SelectedEvent() (sources.TrailEvent, bool) { return p.events.Selected() }

// Open is the title and raw text of the selected suspect's or CloudTrail
// event's full JSON record (or, in the log list, the whole log message), to
// show in full.
func (p *Detail) Open() (title, text string, ok bool) {
	event := func(e sources.TrailEvent) (string, string, bool) {
		return fmt.Sprintf("CloudTrail event · %s by %s", e.Name, e.User), e.JSON, true
	}
	switch p.section {
	case detailSuspects:
		if s, ok := p.suspects.Selected(); ok {
			return event(s.Event)
		}
		return "", "", false
	case detailTrail:
		if e, ok := p.SelectedEvent(); ok {
			return event(e)
		}
		return "", "", false
	}
	if l, ok := p.logs.Selected(); ok {
		return fmt.Sprintf("Log line · %s · %s", detailShortGroup(l), p.fmtClock(l.Time)), strings.ReplaceAll(l.Message, "⏎", "\n"), true
	}
	return "", "", false
}

// detailLayout is how the drill-down's height is shared: the header, the
// errors, the chart and the three sections (each a title and its rows; a
// section given no rows is not drawn).
type detailLayout struct {
	header, errs          []string
	chartH                int
	suspects, trail, logs int // rows of each section below its title
	book                  int // rows of the Notebook section, its title included
	listsH                int
}

// layout shares the height between the parts for the current data.
func (p *Detail) layout() detailLayout {
	innerW, innerH := p.width-2, p.height-2
	var l detailLayout
	l.header = p.header(innerW, innerH >= 12)
	if p.drill == nil {
		return l
	}
	errs := p.drill.Errors
	if room := max(1, innerH/8); len(errs) > room {
		errs = errs[:room]
	}
	for i, err := range errs {
		text := "⚠ " + sources.Summary(err)
		if i == len(errs)-1 && len(errs) < len(p.drill.Errors) {
			text += fmt.Sprintf(" (+%d more)", len(p.drill.Errors)-len(errs))
		}
		l.errs = append(l.errs, theme.Error.Render(FitLine(text, innerW)))
	}
	rem := innerH - len(l.header) - len(l.errs)
	suspectsNeed := p.suspectsNeed()
	trailNeed, logsNeed := max(1, len(p.events.All())), max(1, len(p.logs.All()))
	switch {
	case rem >= 12:
		// The chart gets what the sections do not need, within limits.
		need := detailSections + suspectsNeed + trailNeed + logsNeed
		l.chartH = boxClamp(max(rem*2/5, rem-need), 6, 20)
	case rem >= 5:
		l.chartH = 1
	}
	l.listsH = rem - l.chartH
	if l.listsH < 6 { // room for the suspects only
		l.suspects = max(0, l.listsH-1)
		return l
	}
	// The suspects come first, but leave the other two sections a row each
	// and, when there are many suspects, a third of the rows.
	rows := l.listsH - detailSections
	if need := p.bookNeed(); need > 0 && rows >= 8 {
		l.book = min(need+1, max(2, rows/5))
		rows -= l.book
	}
	l.suspects = p.suspectsLayout(min(suspectsNeed, rows-2, max(8, rows*2/3))).rows()
	rows -= l.suspects
	l.trail = (rows + 1) / 2
	l.logs = rows - l.trail
	if trailNeed < l.trail {
		l.logs, l.trail = l.logs+l.trail-trailNeed, trailNeed
	} else if logsNeed < l.logs {
		l.trail, l.logs = l.trail+l.logs-logsNeed, logsNeed
	}
	return l
}

// relayout sizes the lists and draws the chart after the data or the size
// changed.
func (p *Detail) relayout() {
	l := p.layout()
	p.suspects.SetRows(p.suspectsLayout(l.suspects).items)
	p.events.SetRows(l.trail)
	p.logs.SetRows(l.logs)
	p.chartLines = nil
	if p.drill != nil {
		p.chartLines = p.chart(p.width-2, l.chartH)
	}
}

// View draws the drill-down into exactly its size.
func (p *Detail) View() string {
	title := "Drill-down · " + p.alarm.Name
	note := ""
	if p.loading {
		note = "loading…"
	}
	l := p.layout()
	lines := l.header
	if p.drill == nil {
		lines = append(lines, "", theme.Dim.Render("loading… gathering the metric, CloudTrail events and log lines around "+p.fmtClock(p.alarm.StateChanged)))
		return Frame(title, note, strings.Join(lines, "\n"), p.width, p.height, true)
	}
	lines = append(lines, l.errs...)
	lines = append(lines, p.chartLines...)
	lines = append(lines, p.lists(p.width-2, l)...)
	return Frame(title, note, strings.Join(lines, "\n"), p.width, p.height, true)
}

// header is the alarm's state, name, metric and condition, then (when tall
// enough) the drill window and the reason CloudWatch gave.
func (p *Detail) header(width int, tall bool) []string {
	a := p.alarm
	line := stateStyle(a.State).Render(string(a.State)) + "  " + lipgloss.NewStyle().Bold(true).Render(a.Name) +
		"  " + a.Metric.Label() + " " + fmtCondition(a, true) +
		theme.Dim.Render("  since "+p.fmtClock(a.StateChanged))
	lines := []string{FitLine(line, width)}
	if !tall {
		return lines
	}
	second := ""
	if p.drill != nil && !p.drill.Start.IsZero() {
		second = "window " + p.detailWindow(p.drill) + " · "
	}
	second += a.Reason
	lines = append(lines, theme.Dim.Render(FitLine(second, width)))
	if p.drill != nil && len(p.drill.History) > 0 {
		lines = append(lines, FitLine(p.detailHistory(p.drill.History), width))
	}
	return lines
}

// detailHistory prints the state changes in the window, each state coloured:
// "history  19:00:50 OK→ALARM  19:07:20 ALARM→OK".
func (z *zoned) detailHistory(history []sources.StateChange) string {
	parts := []string{theme.Dim.Render("history")}
	for _, h := range history {
		parts = append(parts, z.fmtClock(h.Time)+" "+stateStyle(h.From).Render(string(h.From))+"→"+stateStyle(h.To).Render(string(h.To)))
	}
	return strings.Join(parts, "  ")
}

// detailWindow prints the drill window: "Jan 02 19:05–19:45 UTC", in the frame's zone.
func (z *zoned) detailWindow(d *triage.Result) string {
	start, end := z.inZone(d.Start), z.inZone(d.End)
	text := start.Format("Jan 02 15:04") + "–" + end.Format("15:04 MST")
	if start.YearDay() != end.YearDay() || start.Year() != end.Year() {
		text = start.Format("Jan 02 15:04") + "–" + end.Format("Jan 02 15:04 MST")
	}
	return text
}
