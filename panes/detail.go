package panes

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/sources"
	"watchtrail/theme"
)

// The two lists of the drill-down that Move and NextSection act on.
const (
	detailTrail = iota
	detailLogs
)

// Detail is the drill-down of one alarm: its metric around the state change,
// the CloudTrail events on its resource and the matching log lines.
type Detail struct {
	alarm         sources.Alarm
	loading       bool
	drill         *sources.DrillMsg
	events        *List[sources.TrailEvent] // oldest first
	logs          *List[sources.LogEvent]   // oldest first
	section       int
	width, height int

	// The chart is the costly part of a frame and only changes with the data
	// or the size, so it is drawn when they change.
	chartLines []string
}

// NewDetail returns an empty drill-down.
func NewDetail() *Detail {
	return &Detail{
		events: NewList[sources.TrailEvent](func(e sources.TrailEvent) string { return e.ID }, nil),
		logs:   NewList[sources.LogEvent](func(l sources.LogEvent) string { return l.Group + "\x00" + l.ID }, nil),
	}
}

// Alarm returns the alarm being drilled into.
func (p *Detail) Alarm() sources.Alarm { return p.alarm }

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

// SetDrill shows the gathered data. The selection starts on the likely
// cause, or stays on the same event when the same alarm is refreshed.
func (p *Detail) SetDrill(msg sources.DrillMsg) {
	prevEvent, hadEvent := p.SelectedEvent()
	refresh := p.drill != nil && msg.Alarm.Name == p.alarm.Name
	p.drill, p.loading = &msg, false
	if msg.Alarm.Name != "" {
		p.alarm = msg.Alarm
	}
	events := slices.Clone(msg.Trail)
	slices.SortStableFunc(events, func(a, b sources.TrailEvent) int { return a.Time.Compare(b.Time) })
	logs := slices.Clone(msg.Logs)
	slices.SortStableFunc(logs, func(a, b sources.LogEvent) int { return a.Time.Compare(b.Time) })
	p.events.SetItems(events)
	p.logs.SetItems(logs)
	p.relayout()
	if !refresh {
		p.section = detailTrail
		p.events.Select(max(slices.IndexFunc(events, func(e sources.TrailEvent) bool { return e.ID == msg.Cause && e.ID != "" }), 0))
		p.logs.Select(detailFirstLog(logs, p.anchor()))
		return
	}
	if hadEvent {
		p.events.SelectKey(prevEvent.ID)
	}
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
func (p *Detail) Move(delta int) {
	if p.section == detailLogs {
		p.logs.Move(delta)
	} else {
		p.events.Move(delta)
	}
}

// NextSection moves the focus between the CloudTrail and log lists.
func (p *Detail) NextSection() { p.section = 1 - p.section }

// SelectedEvent returns the selected CloudTrail event.
func (p *Detail) SelectedEvent() (sources.TrailEvent, bool) { return p.events.Selected() }

// Open is the title and raw text of the selected CloudTrail event's full
// JSON record (or, in the log list, the whole log message), to show in full.
func (p *Detail) Open() (title, text string, ok bool) {
	if p.section == detailTrail {
		if e, ok := p.SelectedEvent(); ok {
			return fmt.Sprintf("CloudTrail event · %s by %s", e.Name, e.User), e.JSON, true
		}
		return "", "", false
	}
	if l, ok := p.logs.Selected(); ok {
		return fmt.Sprintf("Log line · %s · %s", detailShortGroup(l), fmtClock(l.Time)), strings.ReplaceAll(l.Message, "⏎", "\n"), true
	}
	return "", "", false
}

// detailLayout is how the drill-down's height is shared: the header, the
// errors, the chart and the two lists.
type detailLayout struct {
	header, errs []string
	chartH       int
	trail, logs  int // rows of each list
	listsH       int
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
	switch {
	case rem >= 12:
		// The chart gets what the lists do not need, within limits.
		need := 2 + max(1, len(p.events.All())) + max(1, len(p.logs.All()))
		l.chartH = boxClamp(max(rem*2/5, rem-need), 6, 20)
	case rem >= 5:
		l.chartH = 1
	}
	l.listsH = rem - l.chartH
	rows := max(0, l.listsH-2)
	l.trail = (rows + 1) / 2
	l.logs = rows - l.trail
	if need := max(1, len(p.events.All())); need < l.trail {
		l.logs, l.trail = l.logs+l.trail-need, need
	} else if need := max(1, len(p.logs.All())); need < l.logs {
		l.trail, l.logs = l.trail+l.logs-need, need
	}
	return l
}

// relayout sizes the lists and draws the chart after the data or the size
// changed.
func (p *Detail) relayout() {
	l := p.layout()
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
		lines = append(lines, "", theme.Dim.Render("loading… gathering the metric, CloudTrail events and log lines around "+fmtClock(p.alarm.StateChanged)))
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
	line := theme.State(a.State).Render(string(a.State)) + "  " + lipgloss.NewStyle().Bold(true).Render(a.Name) +
		"  " + a.Metric.Label() + " " + fmtCondition(a, true) +
		theme.Dim.Render("  since "+fmtClock(a.StateChanged))
	lines := []string{FitLine(line, width)}
	if !tall {
		return lines
	}
	second := ""
	if p.drill != nil && !p.drill.Start.IsZero() {
		second = "window " + detailWindow(p.drill) + " · "
	}
	second += a.Reason
	lines = append(lines, theme.Dim.Render(FitLine(second, width)))
	if p.drill != nil && len(p.drill.History) > 0 {
		lines = append(lines, FitLine(detailHistory(p.drill.History), width))
	}
	return lines
}

// detailHistory prints the state changes in the window, each state coloured:
// "history  19:00:50 OK→ALARM  19:07:20 ALARM→OK".
func detailHistory(history []sources.StateChange) string {
	parts := []string{theme.Dim.Render("history")}
	for _, h := range history {
		parts = append(parts, fmtClock(h.Time)+" "+theme.State(h.From).Render(string(h.From))+"→"+theme.State(h.To).Render(string(h.To)))
	}
	return strings.Join(parts, "  ")
}

// detailWindow prints the drill window: "Jan 02 19:05–19:45 UTC".
func detailWindow(d *sources.DrillMsg) string {
	start, end := d.Start.UTC(), d.End.UTC()
	text := start.Format("Jan 02 15:04") + "–" + end.Format("15:04") + " UTC"
	if start.YearDay() != end.YearDay() || start.Year() != end.Year() {
		text = start.Format("Jan 02 15:04") + "–" + end.Format("Jan 02 15:04") + " UTC"
	}
	return text
}

// chart draws the metric over the drill window in height lines: a legend
// and a plot, or a single sparkline line when space is short.
func (p *Detail) chart(width, height int) []string {
	if height <= 0 {
		return nil
	}
	a, s := p.alarm, p.drill.Series
	if s.Spec.Metric == "" {
		s.Spec = a.Metric
	}
	lineStyle := theme.Info
	if len(s.Values) == 0 {
		return []string{theme.Dim.Render(FitLine("no datapoints for "+s.Spec.Label()+" in the window", width))}
	}
	now := "now " + metricsValue(s)
	if height < 4 {
		label := s.Spec.Label()
		tail := " " + now + "  " + theme.Error.Render("threshold "+fmtCondition(a, true))
		sparkW := width - lipgloss.Width(label) - 1 - lipgloss.Width(tail)
		return []string{FitLine(label+" "+chartSparkline(s.Values, max(0, sparkW), lineStyle)+tail, width)}
	}
	legend := lineStyle.Render("⠤⠤") + " " + s.Spec.Label() + " (" + now + ")  " +
		theme.Error.Render("⠒⠒ threshold "+fmtCondition(a, true))
	if anchor := p.anchor(); !anchor.IsZero() {
		legend += "  " + theme.Warn.Render("┊ ▲ "+string(p.anchorState())+" at "+fmtClock(anchor))
	}
	plot := chartPlot{
		Times: s.Times, Values: s.Values, Start: p.drill.Start, End: p.drill.End,
		Threshold: a.Threshold, HasThresh: !strings.HasSuffix(fmtComparison(a.Comparison), "band"),
		Mark: p.anchor(), Line: lineStyle, Thresh: theme.Error, MarkStyle: theme.Warn, Axis: theme.Dim,
	}
	if !plot.End.After(plot.Start) && len(s.Times) > 0 {
		plot.Start, plot.End = s.Times[0], s.Times[len(s.Times)-1]
	}
	rows := plot.Render(width, height-1)
	if rows == nil {
		return []string{FitLine(legend, width)}
	}
	return append([]string{FitLine(legend, width)}, rows...)
}
