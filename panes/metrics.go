package panes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/sources"
	"watchtrail/theme"
)

// Metrics shows one sparkline per watched metric, red when its alarm fires.
type Metrics struct {
	all    []sources.Series
	shown  []sources.Series
	alarms map[string]sources.Alarm // by MetricSpec.Key, the worst state wins
	filter string
	sel    int
	top    int
	loaded bool
}

// NewMetrics returns an empty metrics pane.
func NewMetrics() *Metrics { return &Metrics{alarms: map[string]sources.Alarm{}} }

// SetSeries replaces the data; the selection stays on the same metric.
func (p *Metrics) SetSeries(series []sources.Series) {
	p.all = append([]sources.Series(nil), series...)
	p.loaded = true
	p.refilter()
}

// SetAlarms tells the pane which metrics have alarms, and in which state.
func (p *Metrics) SetAlarms(alarms []sources.Alarm) {
	p.alarms = map[string]sources.Alarm{}
	for _, a := range alarms {
		key := a.Metric.Key()
		if old, ok := p.alarms[key]; !ok || a.State.Rank() < old.State.Rank() {
			p.alarms[key] = a
		}
	}
	p.refilter()
}

// SetFilter keeps only metrics whose row text contains text, ignoring case.
func (p *Metrics) SetFilter(text string) {
	p.filter = text
	p.refilter()
}

func (p *Metrics) refilter() {
	p.shown, p.sel = boxRefilter(p.all, p.shown, p.sel,
		func(s sources.Series) bool { return p.filter == "" || boxContains(p.rowText(s), p.filter) },
		func(s sources.Series) string { return s.Spec.Key() })
}

// Move moves the selection by delta metrics (positive is down).
func (p *Metrics) Move(delta int) {
	p.sel = boxClamp(p.sel+delta, 0, len(p.shown)-1)
}

// Selected returns the selected series.
func (p *Metrics) Selected() (sources.Series, bool) {
	if p.sel < 0 || p.sel >= len(p.shown) {
		return sources.Series{}, false
	}
	return p.shown[p.sel], true
}

func (p *Metrics) rowText(s sources.Series) string {
	text := s.Spec.Label() + " " + metricsValue(s)
	if a, ok := p.alarms[s.Spec.Key()]; ok {
		text += " " + string(a.State) + " " + fmtCondition(a, true)
	}
	return text
}

func metricsValue(s sources.Series) string {
	v, ok := s.Last()
	if !ok {
		return "no data"
	}
	return fmtMetricValue(v, fmtSeriesUnit(s))
}

// View draws the pane into exactly width x height cells. Each metric takes a
// label line and a sparkline line when all of them fit that way, else one.
func (p *Metrics) View(width, height int, focused bool) string {
	breaching := 0
	for _, s := range p.all {
		if a, ok := p.alarms[s.Spec.Key()]; ok && a.State == sources.StateAlarm {
			breaching++
		}
	}
	note := boxFilterNote(len(p.shown), len(p.all), p.filter)
	if breaching > 0 {
		note = boxJoinNote(fmt.Sprintf("%d breaching", breaching), note)
	}
	innerW, innerH := width-2, height-2
	var lines []string
	switch {
	case !p.loaded:
		lines = []string{theme.Dim.Render("waiting for data…")}
	case len(p.all) == 0:
		lines = []string{theme.Dim.Render("no metrics watched (use -metric)")}
	case len(p.shown) == 0:
		lines = []string{theme.Dim.Render("no metrics match /" + sources.Sanitize(p.filter))}
	default:
		perRow := 1
		if innerH >= 2*len(p.shown) {
			perRow = 2
		}
		rows := max(1, innerH/perRow)
		p.top = boxScrollTop(p.top, p.sel, rows, len(p.shown))
		shown := p.shown[p.top:min(len(p.shown), p.top+rows)]
		// Shared label and condition columns line the sparklines up.
		labelW, condW := 0, 0
		for _, s := range shown {
			labelW = max(labelW, min(metricsLabelMax, max(8, innerW/3), lipgloss.Width(sources.Sanitize(s.Spec.Label()))))
			cond, _, _ := p.cond(s)
			condW = max(condW, lipgloss.Width(cond))
		}
		for i, s := range shown {
			lines = append(lines, p.row(s, p.top+i == p.sel, focused, innerW, perRow == 2, labelW, condW)...)
		}
	}
	return Frame("Metrics", note, strings.Join(lines, "\n"), width, height, focused)
}

// metricsLabelMax caps the label column so the sparkline gets the width;
// metricsSparkMin is the narrowest sparkline worth more than the condition.
const (
	metricsLabelMax = 28
	metricsSparkMin = 12
)

// cond is the alarm condition shown after the value, its style, and whether
// the alarm is not OK (then the state is named and colours the metric).
func (p *Metrics) cond(s sources.Series) (string, lipgloss.Style, bool) {
	a, ok := p.alarms[s.Spec.Key()]
	if !ok {
		return "", theme.Dim, false
	}
	if a.State == sources.StateOK {
		return fmtCondition(a, true), theme.Dim, false
	}
	return alarmsStateWord(a.State) + " " + fmtCondition(a, true), theme.State(a.State), true
}

// row renders one metric as one line (label, sparkline, value, threshold)
// or two (label and threshold; sparkline and value).
func (p *Metrics) row(s sources.Series, selected, focused bool, width int, twoLines bool, labelW, condW int) []string {
	marker := "  "
	if selected {
		marker = "› "
	}
	label := sources.Sanitize(s.Spec.Label())
	value := metricsValue(s)
	cond, condStyle, firing := p.cond(s)
	sparkStyle, valueStyle := theme.Info, lipgloss.NewStyle().Bold(true)
	if firing {
		sparkStyle, valueStyle = condStyle, condStyle
	}
	labelStyle := lipgloss.NewStyle()
	if selected && focused {
		labelStyle = theme.Selected
	}
	if twoLines {
		head := labelStyle.Render(FitLine(marker+label, width))
		if cond != "" {
			avail := width - lipgloss.Width(cond) - 1
			head = labelStyle.Render(FitLine(marker+label, avail)) + " " + condStyle.Render(cond)
		}
		spark := chartSparkline(s.Values, width-2-lipgloss.Width(value)-1, sparkStyle)
		return []string{head, "  " + spark + " " + valueStyle.Render(value)}
	}
	tail := valueStyle.Render(fmt.Sprintf("%11s", value))
	sparkW := width - 2 - labelW - 1 - lipgloss.Width(tail) - 1
	// The condition is also in the alarms pane and the colour says the
	// state, so on narrow panes the sparkline gets its cells.
	if condW > 0 && sparkW-condW-1 >= metricsSparkMin {
		tail += " " + condStyle.Render(FitLine(cond, condW))
		sparkW -= condW + 1
	}
	if sparkW < 4 { // no room for a sparkline: give the label its cells
		labelW, sparkW = labelW+sparkW+1, 0
	}
	line := labelStyle.Render(marker + FitLine(label, labelW))
	if sparkW > 0 {
		line += " " + chartSparkline(s.Values, sparkW, sparkStyle)
	}
	return []string{line + " " + tail}
}
