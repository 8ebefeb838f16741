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
	alarm   sources.Alarm
	loading bool
	drill   *sources.DrillMsg
	events  []sources.TrailEvent // oldest first
	logs    []sources.LogEvent   // oldest first
	cause   int                  // index of the likely-cause event, or -1
	section int
	sel     [2]int
	top     [2]int

	full *Viewer // the open JSON (or log message) view; nil when closed

	// The chart is the costly part of a frame and only changes with the data
	// or the size, so the last one drawn is kept.
	chartFor   detailChartKey
	chartLines []string
}

type detailChartKey struct {
	drill         *sources.DrillMsg
	width, height int
}

// NewDetail returns an empty drill-down.
func NewDetail() *Detail { return &Detail{cause: -1} }

// Alarm returns the alarm being drilled into.
func (p *Detail) Alarm() sources.Alarm { return p.alarm }

// SetLoading starts a drill-down of a. Refreshing the same alarm keeps its
// current data on screen until the new data arrives.
func (p *Detail) SetLoading(a sources.Alarm) {
	if a.Name != p.alarm.Name {
		*p = Detail{cause: -1}
	}
	p.alarm, p.loading = a, true
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
	p.events = slices.Clone(msg.Trail)
	slices.SortStableFunc(p.events, func(a, b sources.TrailEvent) int { return a.Time.Compare(b.Time) })
	p.logs = slices.Clone(msg.Logs)
	slices.SortStableFunc(p.logs, func(a, b sources.LogEvent) int { return a.Time.Compare(b.Time) })
	p.cause = sources.LikelyCause(p.events, p.anchor())
	if !refresh {
		p.section, p.top = detailTrail, [2]int{}
		p.sel = [2]int{max(p.cause, 0), detailFirstLog(p.logs, p.anchor())}
		return
	}
	p.sel[detailTrail] = boxClamp(p.sel[detailTrail], 0, len(p.events)-1)
	p.sel[detailLogs] = boxClamp(p.sel[detailLogs], 0, len(p.logs)-1)
	if hadEvent {
		if i := slices.IndexFunc(p.events, func(e sources.TrailEvent) bool { return e.ID == prevEvent.ID }); i >= 0 {
			p.sel[detailTrail] = i
		}
	}
}

// detailFirstLog picks the log line to start on: the failure nearest the
// state change, else the last line before it, so the list opens where the
// incident is rather than at the oldest line of the window.
func detailFirstLog(logs []sources.LogEvent, anchor time.Time) int {
	best, bestGap := -1, time.Duration(0)
	for i, l := range logs {
		if !detailIsErrorLine(l.Message) {
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

// Move moves the selection of the focused list, or scrolls the open JSON.
func (p *Detail) Move(delta int) {
	if p.full != nil {
		p.full.Move(delta)
		return
	}
	n := len(p.events)
	if p.section == detailLogs {
		n = len(p.logs)
	}
	p.sel[p.section] = boxClamp(p.sel[p.section]+delta, 0, n-1)
}

// NextSection moves the focus between the CloudTrail and log lists.
func (p *Detail) NextSection() {
	if p.full == nil {
		p.section = 1 - p.section
	}
}

// SelectedEvent returns the selected CloudTrail event.
func (p *Detail) SelectedEvent() (sources.TrailEvent, bool) {
	i := p.sel[detailTrail]
	if i < 0 || i >= len(p.events) {
		return sources.TrailEvent{}, false
	}
	return p.events[i], true
}

// ToggleJSON opens the selected CloudTrail event's full JSON record (or, in
// the log list, the whole log message), or closes the open one.
func (p *Detail) ToggleJSON() {
	if p.CloseJSON() {
		return
	}
	if p.section == detailTrail {
		if e, ok := p.SelectedEvent(); ok {
			p.full = NewViewer(fmt.Sprintf("CloudTrail event · %s by %s", e.Name, e.User), e.JSON)
		}
		return
	}
	if i := p.sel[detailLogs]; i >= 0 && i < len(p.logs) {
		l := p.logs[i]
		p.full = NewViewer(fmt.Sprintf("Log line · %s · %s", detailShortGroup(l), fmtClock(l.Time)), strings.ReplaceAll(l.Message, "⏎", "\n"))
	}
}

// CloseJSON closes the JSON view and reports whether one was open.
func (p *Detail) CloseJSON() bool {
	open := p.full != nil
	p.full = nil
	return open
}

// View draws the drill-down into exactly width x height cells.
func (p *Detail) View(width, height int) string {
	if p.full != nil {
		return p.full.View(width, height)
	}
	innerW, innerH := width-2, height-2
	title := "Drill-down · " + sources.Sanitize(p.alarm.Name)
	note := ""
	if p.loading {
		note = "loading…"
	}
	lines := p.header(innerW, innerH >= 12)
	if p.drill == nil {
		lines = append(lines, "", theme.Dim.Render("loading… gathering the metric, CloudTrail events and log lines around "+fmtClock(p.alarm.StateChanged)))
		return Frame(title, note, strings.Join(lines, "\n"), width, height, true)
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
		lines = append(lines, theme.Error.Render(FitLine(text, innerW)))
	}
	rem := innerH - len(lines)
	chartH := 0
	switch {
	case rem >= 12:
		// The chart gets what the lists do not need, within limits.
		need := 2 + max(1, len(p.events)) + max(1, len(p.logs))
		chartH = boxClamp(max(rem*2/5, rem-need), 6, 20)
	case rem >= 5:
		chartH = 1
	}
	if key := (detailChartKey{p.drill, innerW, chartH}); key != p.chartFor {
		p.chartFor, p.chartLines = key, p.chart(innerW, chartH)
	}
	lines = append(lines, p.chartLines...)
	lines = append(lines, p.lists(innerW, rem-chartH)...)
	return Frame(title, note, strings.Join(lines, "\n"), width, height, true)
}

// header is the alarm's state, name, metric and condition, then (when tall
// enough) the drill window and the reason CloudWatch gave.
func (p *Detail) header(width int, tall bool) []string {
	a := p.alarm
	line := theme.State(a.State).Render(string(a.State)) + "  " + lipgloss.NewStyle().Bold(true).Render(sources.Sanitize(a.Name)) +
		"  " + sources.Sanitize(a.Metric.Label()) + " " + fmtCondition(a, true) +
		theme.Dim.Render("  since "+fmtClock(a.StateChanged))
	lines := []string{FitLine(line, width)}
	if !tall {
		return lines
	}
	second := ""
	if p.drill != nil && !p.drill.Start.IsZero() {
		second = "window " + detailWindow(p.drill) + " · "
	}
	second += sources.Sanitize(a.Reason)
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
		return []string{theme.Dim.Render(FitLine("no datapoints for "+sources.Sanitize(s.Spec.Label())+" in the window", width))}
	}
	now := "now " + metricsValue(s)
	if height < 4 {
		label := sources.Sanitize(s.Spec.Label())
		tail := " " + now + "  " + theme.Error.Render("threshold "+fmtCondition(a, true))
		sparkW := width - lipgloss.Width(label) - 1 - lipgloss.Width(tail)
		return []string{FitLine(label+" "+chartSparkline(s.Values, max(0, sparkW), lineStyle)+tail, width)}
	}
	legend := lineStyle.Render("⠤⠤") + " " + sources.Sanitize(s.Spec.Label()) + " (" + now + ")  " +
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
