package panes

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"watchtrail/sources"
	"watchtrail/theme"
)

// Alarms lists every CloudWatch alarm, firing ones first. What a row shows
// but the time is worked out once per alarm list, and the columns' widths
// once per list or filter, so a key or a frame costs the same with 10,000
// alarms as with 10: a frame draws only the visible rows.
type Alarms struct {
	zoned
	list          *List[alarmRow]
	firing        int
	widest        alarmsWidest // of the shown rows
	loaded        bool
	now           time.Time
	width, height int
}

// alarmRow is an alarm with its metric and condition columns and their
// widths in runes.
type alarmRow struct {
	*sources.Alarm
	origin, metric, cond           string // origin: the source and, for a linked account's metric, its name
	sourceW, nameW, metricW, condW int
}

// alarmsWidest is what the shown rows need of each column; the time's
// width depends on the zone a frame is drawn in, so it is kept as the
// oldest and newest time.
type alarmsWidest struct {
	source, name, metric, cond int
	oldest, newest             time.Time // zero when no row has a time
	noTime                     bool      // some row has none
}

// NewAlarms returns an empty alarms pane.
func NewAlarms() *Alarms {
	p := &Alarms{}
	p.list = NewList(func(r alarmRow) string { return r.Name }, p.rowText)
	return p
}

// SetNow sets the time "today" is judged by when printing state changes.
func (p *Alarms) SetNow(now time.Time) {
	if !now.Equal(p.now) {
		p.now = now
		p.list.Refilter() // the rows' text holds the time
		p.measure()
	}
}

// SetSize sets the cells the pane draws into.
func (p *Alarms) SetSize(width, height int) {
	p.width, p.height = width, height
	p.list.SetRows(height - 2)
}

// SetAlarms replaces the list, which arrives sorted; the selection stays on
// the same alarm when it is still there, except on the first row, which stays
// first so a newly firing alarm is the one selected. The pane keeps alarms,
// as a message's data, which nobody changes once sent.
func (p *Alarms) SetAlarms(alarms []sources.Alarm) {
	p.loaded = true
	var states map[string]sources.AlarmState // only composites show others' states
	rows := make([]alarmRow, len(alarms))
	p.firing = 0
	for i := range alarms {
		a := &alarms[i]
		if a.Composite && states == nil {
			states = alarmStates(alarms)
		}
		r := alarmRow{Alarm: a, origin: alarmOrigin(*a), metric: alarmsMetric(*a, states), cond: fmtCondition(*a, false)}
		r.sourceW, r.nameW = utf8.RuneCountInString(r.origin), utf8.RuneCountInString(a.Name)
		r.metricW, r.condW = utf8.RuneCountInString(r.metric), utf8.RuneCountInString(r.cond)
		rows[i] = r
		if a.State == sources.StateAlarm {
			p.firing++
		}
	}
	p.list.SetItems(rows)
	p.measure()
}

// SetFilter keeps only alarms whose row text contains text, ignoring case.
func (p *Alarms) SetFilter(text string) {
	p.list.SetFilter(text)
	p.measure()
}

// measure finds what the shown rows need of each column.
func (p *Alarms) measure() {
	var w alarmsWidest
	for _, r := range p.list.Shown() {
		w.source = max(w.source, min(r.sourceW, 20))
		w.name, w.metric, w.cond = max(w.name, r.nameW), max(w.metric, r.metricW), max(w.cond, r.condW)
		switch t := r.StateChanged; {
		case t.IsZero():
			w.noTime = true
		case w.oldest.IsZero():
			w.oldest, w.newest = t, t
		case t.Before(w.oldest):
			w.oldest = t
		case t.After(w.newest):
			w.newest = t
		}
	}
	p.widest = w
}

// Move moves the selection by delta rows (positive is down).
func (p *Alarms) Move(delta int) { p.list.Move(delta) }

// Page moves the selection by the rows shown (dir -1 up, 1 down).
func (p *Alarms) Page(dir int) { p.list.Page(dir) }

// Selected returns the selected alarm.
func (p *Alarms) Selected() (sources.Alarm, bool) {
	r, ok := p.list.Selected()
	if !ok {
		return sources.Alarm{}, false
	}
	return *r.Alarm, true
}

// Firing counts alarms in the ALARM state, whatever the filter.
func (p *Alarms) Firing() int { return p.firing }

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
		cols := alarmsColumns(&p.zoned, p.widest, innerW, p.now)
		from, to := p.list.Visible()
		for i := from; i < to; i++ {
			lines = append(lines, cols.row(shown[i], i == p.list.Index(), focused, innerW, p.now))
		}
	}
	return Frame("Alarms", note, strings.Join(lines, "\n"), p.width, p.height, focused)
}

// rowText is the plain text of a row, for filtering.
func (p *Alarms) rowText(r alarmRow) string {
	return strings.Join([]string{string(r.State), r.origin, r.Name, r.metric, r.cond, p.fmtWhen(r.StateChanged, p.now)}, " ")
}

// alarmOrigin says where an alarm's metric lives: the source label of a
// merged view and the linked account's name, those set.
func alarmOrigin(a sources.Alarm) string { return strings.TrimSpace(a.Source + " " + a.Account) }

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
type alarmsLayout struct {
	source, name, metric, cond, when int
	zone                             *zoned
}

// alarmsColumns fits the columns to the width: the name always shows, then
// the time, condition and metric as room allows.
func alarmsColumns(z *zoned, w alarmsWidest, width int, now time.Time) alarmsLayout {
	l := alarmsLayout{source: w.source, cond: w.cond, when: w.whenWidth(z, now), zone: z}
	nameW, metricW := w.name, w.metric
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

// whenWidth is the width of the widest time fmtWhen prints for the rows
// (in bytes, as "—" always counted), in the zone of the frame being drawn:
// the times between the oldest and the newest fall on their days.
func (w alarmsWidest) whenWidth(z *zoned, now time.Time) int {
	width := 0
	if w.noTime {
		width = len(z.fmtWhen(time.Time{}, now))
	}
	if !w.oldest.IsZero() {
		width = max(width, len(z.fmtWhen(w.oldest, now)), len(z.fmtWhen(w.newest, now)))
	}
	return width
}

func (l alarmsLayout) row(r alarmRow, selected, focused bool, width int, now time.Time) string {
	marker := "  "
	if selected {
		marker = "› "
	}
	state := fmt.Sprintf("%-6s", alarmsStateWord(r.State))
	rest := " " + FitLine(r.Name, l.name)
	if l.source > 0 {
		rest = " " + FitLine(r.origin, l.source) + rest
	}
	if l.metric > 0 {
		rest += " " + FitLine(r.metric, l.metric)
	}
	if l.cond > 0 {
		rest += " " + FitLine(r.cond, l.cond)
	}
	if l.when > 0 {
		rest += " " + fmt.Sprintf("%*s", l.when, l.zone.fmtWhen(r.StateChanged, now))
	}
	if selected && focused {
		return theme.Selected.Render(FitLine(marker+state+rest, width))
	}
	return marker + stateStyle(r.State).Render(state) + rest
}
