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
	list          *List[sources.Alarm]
	states        map[string]sources.AlarmState // by name, for composites' children
	loaded        bool
	now           time.Time
	width, height int
}

// NewAlarms returns an empty alarms pane.
func NewAlarms() *Alarms {
	p := &Alarms{}
	p.list = NewList(func(a sources.Alarm) string { return a.Name },
		func(a sources.Alarm) string { return alarmsRowText(a, p.states, p.now) })
	return p
}

// SetNow sets the time "today" is judged by when printing state changes.
func (p *Alarms) SetNow(now time.Time) { p.now = now }

// SetSize sets the cells the pane draws into.
func (p *Alarms) SetSize(width, height int) {
	p.width, p.height = width, height
	p.list.SetRows(height - 2)
}

// SetAlarms replaces the list, which arrives sorted; the selection stays on
// the same alarm when it is still there, except on the first row, which stays
// first so a newly firing alarm is the one selected.
func (p *Alarms) SetAlarms(alarms []sources.Alarm) {
	p.loaded = true
	p.states = alarmStates(alarms)
	p.list.SetItems(alarms)
}

// SetFilter keeps only alarms whose row text contains text, ignoring case.
func (p *Alarms) SetFilter(text string) { p.list.SetFilter(text) }

// Move moves the selection by delta rows (positive is down).
func (p *Alarms) Move(delta int) { p.list.Move(delta) }

// Selected returns the selected alarm.
func (p *Alarms) Selected() (sources.Alarm, bool) { return p.list.Selected() }

// Firing counts alarms in the ALARM state, whatever the filter.
func (p *Alarms) Firing() int {
	n := 0
	for _, a := range p.list.All() {
		if a.State == sources.StateAlarm {
			n++
		}
	}
	return n
}

// View draws the pane into exactly its size.
func (p *Alarms) View(focused bool) string {
	note := boxJoinNote(fmt.Sprintf("%d firing", p.Firing()), p.list.Note())
	innerW := p.width - 2
	shown := p.list.Shown()
	var lines []string
	switch {
	case !p.loaded:
		lines = []string{theme.Dim.Render("waiting for data…")}
	case len(p.list.All()) == 0:
		lines = []string{theme.Dim.Render("no alarms")}
	case len(shown) == 0:
		lines = []string{theme.Dim.Render("no alarms match /" + p.list.Filter())}
	default:
		cols := alarmsColumns(shown, p.states, innerW, p.now)
		from, to := p.list.Visible()
		for i := from; i < to; i++ {
			lines = append(lines, cols.row(shown[i], p.states, i == p.list.Index(), focused, innerW, p.now))
		}
	}
	return Frame("Alarms", note, strings.Join(lines, "\n"), p.width, p.height, focused)
}

// alarmsRowText is the plain text of a row, for filtering.
func alarmsRowText(a sources.Alarm, states map[string]sources.AlarmState, now time.Time) string {
	return strings.Join([]string{string(a.State), a.Source, a.Name, alarmsMetric(a, states), fmtCondition(a, false), fmtWhen(a.StateChanged, now)}, " ")
}

// alarmsMetric is the metric name and its dimension values, or a
// composite's children with their states.
func alarmsMetric(a sources.Alarm, states map[string]sources.AlarmState) string {
	if a.Composite {
		return compositeChildren(a, states)
	}
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
type alarmsLayout struct{ source, name, metric, cond, when int }

// alarmsColumns fits the columns to the width: the name always shows, then
// the time, condition and metric as room allows.
func alarmsColumns(alarms []sources.Alarm, states map[string]sources.AlarmState, width int, now time.Time) alarmsLayout {
	var l alarmsLayout
	var nameW, metricW int
	for _, a := range alarms {
		l.source = max(l.source, min(len([]rune(a.Source)), 20))
		nameW = max(nameW, len([]rune(a.Name)))
		metricW = max(metricW, len([]rune(alarmsMetric(a, states))))
		l.cond = max(l.cond, len([]rune(fmtCondition(a, false))))
		l.when = max(l.when, len(fmtWhen(a.StateChanged, now)))
	}
	avail := width - 2 - 6 - 1 // marker, state, gap
	if l.source > 0 {
		avail -= l.source + 1
	}
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

func (l alarmsLayout) row(a sources.Alarm, states map[string]sources.AlarmState, selected, focused bool, width int, now time.Time) string {
	marker := "  "
	if selected {
		marker = "› "
	}
	state := fmt.Sprintf("%-6s", alarmsStateWord(a.State))
	rest := " " + FitLine(a.Name, l.name)
	if l.source > 0 {
		rest = " " + FitLine(a.Source, l.source) + rest
	}
	if l.metric > 0 {
		rest += " " + FitLine(alarmsMetric(a, states), l.metric)
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
