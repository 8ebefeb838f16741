package panes

import (
	"fmt"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/theme"
)

// Alarms lists every CloudWatch alarm, firing ones first.
type Alarms struct {
	all    []sources.Alarm
	shown  []sources.Alarm // all, narrowed by the filter
	filter string
	sel    int // index into shown
	top    int // first visible row
	loaded bool
	now    time.Time
}

// NewAlarms returns an empty alarms pane.
func NewAlarms() *Alarms { return &Alarms{} }

// SetNow sets the time "today" is judged by when printing state changes.
func (p *Alarms) SetNow(now time.Time) { p.now = now }

// SetAlarms replaces the list, which arrives sorted; the selection stays on
// the same alarm when it is still there, except on the first row, which stays
// first so a newly firing alarm is the one selected.
func (p *Alarms) SetAlarms(alarms []sources.Alarm) {
	p.all = append([]sources.Alarm(nil), alarms...)
	p.loaded = true
	p.refilter()
}

// SetFilter keeps only alarms whose row text contains text, ignoring case.
func (p *Alarms) SetFilter(text string) {
	p.filter = text
	p.refilter()
}

func (p *Alarms) refilter() {
	p.shown, p.sel = boxRefilter(p.all, p.shown, p.sel,
		func(a sources.Alarm) bool { return p.filter == "" || boxContains(alarmsRowText(a, p.now), p.filter) },
		func(a sources.Alarm) string { return a.Name })
}

// Move moves the selection by delta rows (positive is down).
func (p *Alarms) Move(delta int) {
	p.sel = boxClamp(p.sel+delta, 0, len(p.shown)-1)
}

// Selected returns the selected alarm.
func (p *Alarms) Selected() (sources.Alarm, bool) {
	if p.sel < 0 || p.sel >= len(p.shown) {
		return sources.Alarm{}, false
	}
	return p.shown[p.sel], true
}

// Firing counts alarms in the ALARM state, whatever the filter.
func (p *Alarms) Firing() int {
	n := 0
	for _, a := range p.all {
		if a.State == sources.StateAlarm {
			n++
		}
	}
	return n
}

// View draws the pane into exactly width x height cells.
func (p *Alarms) View(width, height int, focused bool) string {
	note := boxJoinNote(fmt.Sprintf("%d firing", p.Firing()), boxFilterNote(len(p.shown), len(p.all), p.filter))
	innerW, rows := width-2, height-2
	var lines []string
	switch {
	case !p.loaded:
		lines = []string{theme.Dim.Render("waiting for data…")}
	case len(p.all) == 0:
		lines = []string{theme.Dim.Render("no alarms")}
	case len(p.shown) == 0:
		lines = []string{theme.Dim.Render("no alarms match /" + sources.Sanitize(p.filter))}
	default:
		cols := alarmsColumns(p.shown, innerW, p.now)
		p.top = boxScrollTop(p.top, p.sel, rows, len(p.shown))
		for i := p.top; i < len(p.shown) && i < p.top+rows; i++ {
			lines = append(lines, cols.row(p.shown[i], i == p.sel, focused, innerW, p.now))
		}
	}
	return Frame("Alarms", note, strings.Join(lines, "\n"), width, height, focused)
}

// alarmsRowText is the plain text of a row, for filtering.
func alarmsRowText(a sources.Alarm, now time.Time) string {
	return strings.Join([]string{string(a.State), a.Name, alarmsMetric(a), fmtCondition(a, false), fmtWhen(a.StateChanged, now)}, " ")
}

// alarmsMetric is the metric name and its dimension values.
func alarmsMetric(a sources.Alarm) string {
	s := a.Metric.Metric
	for _, d := range a.Metric.Dims {
		s += " " + d.Value
	}
	return s
}

// alarmsStateWord shortens INSUFFICIENT_DATA so the column stays narrow.
func alarmsStateWord(s sources.AlarmState) string {
	if s == sources.StateInsufficient {
		return "INSUFF"
	}
	return string(s)
}

// alarmsLayout holds the column widths chosen for one render; 0 hides one.
type alarmsLayout struct{ name, metric, cond, when int }

// alarmsColumns fits the columns to the width: the name always shows, then
// the time, condition and metric as room allows.
func alarmsColumns(alarms []sources.Alarm, width int, now time.Time) alarmsLayout {
	var l alarmsLayout
	var nameW, metricW int
	for _, a := range alarms {
		nameW = max(nameW, len([]rune(sources.Sanitize(a.Name))))
		metricW = max(metricW, len([]rune(sources.Sanitize(alarmsMetric(a)))))
		l.cond = max(l.cond, len([]rune(fmtCondition(a, false))))
		l.when = max(l.when, len(fmtWhen(a.StateChanged, now)))
	}
	avail := width - 2 - 6 - 1 // marker, state, gap
	nameMin := min(nameW, 16)
	if avail-(l.when+1) < nameMin {
		l.when = 0
	} else {
		avail -= l.when + 1
	}
	if avail-(l.cond+1) < nameMin {
		l.cond = 0
	} else {
		avail -= l.cond + 1
	}
	l.name = avail
	if avail >= 30 {
		l.metric = min(metricW, avail*2/5)
		l.name = avail - l.metric - 1
	}
	return l
}

func (l alarmsLayout) row(a sources.Alarm, selected, focused bool, width int, now time.Time) string {
	marker := "  "
	if selected {
		marker = "› "
	}
	state := fmt.Sprintf("%-6s", alarmsStateWord(a.State))
	rest := " " + FitLine(sources.Sanitize(a.Name), l.name)
	if l.metric > 0 {
		rest += " " + FitLine(sources.Sanitize(alarmsMetric(a)), l.metric)
	}
	if l.cond > 0 {
		rest += " " + FitLine(fmtCondition(a, false), l.cond)
	}
	if l.when > 0 {
		rest += " " + fmt.Sprintf("%*s", l.when, fmtWhen(a.StateChanged, now))
	}
	if selected && focused {
		return theme.Selected.Render(FitLine(marker+state+rest, width))
	}
	return marker + theme.State(a.State).Render(state) + rest
}
