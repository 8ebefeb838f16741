package panes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/sources"
	"watchtrail/theme"
)

// Metrics shows one sparkline per watched metric, red when its alarm fires.
type Metrics struct {
	list          *List[sources.Series]
	alarms        map[string]*sources.Alarm // by MetricSpec.Key, the worst state wins
	breaching     int                       // series whose alarm fires
	loaded        bool
	inTurn        int // metrics a poll refreshes when they are refreshed in turn, else 0
	width, height int
}

// NewMetrics returns an empty metrics pane.
func NewMetrics() *Metrics {
	p := &Metrics{alarms: map[string]*sources.Alarm{}}
	p.list = NewList(func(s sources.Series) string { return s.Spec.Key() }, p.rowText)
	return p
}

// SetSize sets the cells the pane draws into.
func (p *Metrics) SetSize(width, height int) {
	p.width, p.height = width, height
	p.fit()
}

// fit gives each metric a label line and a sparkline line when all of them
// fit that way, else one line.
func (p *Metrics) fit() {
	innerH := p.height - 2
	p.list.SetRows(max(1, innerH/p.linesPerRow()))
}

func (p *Metrics) linesPerRow() int {
	if p.height-2 >= 2*len(p.list.Shown()) {
		return 2
	}
	return 1
}

// SetSeries replaces the data; the selection stays on the same metric.
func (p *Metrics) SetSeries(series []sources.Series) {
	p.loaded = true
	p.list.SetItems(series)
	p.fit()
	p.countBreaching()
}

// SetInTurn says the metrics are refreshed in turn, n a poll (0: all of
// them each period), which the title then says.
func (p *Metrics) SetInTurn(n int) { p.inTurn = n }

// VisibleKeys are the keys of the metrics on screen, for the metrics feed to
// request first.
func (p *Metrics) VisibleKeys() []string {
	from, to := p.list.Visible()
	keys := make([]string, 0, to-from)
	for _, s := range p.list.Shown()[from:to] {
		keys = append(keys, s.Spec.Key())
	}
	return keys
}

// SetAlarms tells the pane which metrics have alarms, and in which state.
// The pane keeps alarms, as a message's data, which nobody changes once sent.
func (p *Metrics) SetAlarms(alarms []sources.Alarm) {
	p.alarms = make(map[string]*sources.Alarm, len(alarms))
	for i := range alarms {
		a := &alarms[i]
		key := a.Metric.Key()
		if old, ok := p.alarms[key]; !ok || a.State.Rank() < old.State.Rank() {
			p.alarms[key] = a
		}
	}
	p.list.Refilter()
	p.fit()
	p.countBreaching()
}

// countBreaching counts, once per change of the series or the alarms, what
// every frame's note shows.
func (p *Metrics) countBreaching() {
	p.breaching = 0
	for _, s := range p.list.All() {
		if a, ok := p.alarms[s.Spec.Key()]; ok && a.State == sources.StateAlarm {
			p.breaching++
		}
	}
}

// SetFilter keeps only metrics whose row text contains text, ignoring case.
func (p *Metrics) SetFilter(text string) {
	p.list.SetFilter(text)
	p.fit()
}

// Move moves the selection by delta metrics (positive is down).
func (p *Metrics) Move(delta int) { p.list.Move(delta) }

// Page moves the selection by the metrics shown (dir -1 up, 1 down).
func (p *Metrics) Page(dir int) { p.list.Page(dir) }

// Selected returns the selected series.
func (p *Metrics) Selected() (sources.Series, bool) { return p.list.Selected() }

func (p *Metrics) rowText(s sources.Series) string {
	text := s.Spec.Label() + " " + metricsValue(s)
	if a, ok := p.alarms[s.Spec.Key()]; ok {
		text += " " + string(a.State) + " " + fmtCondition(*a, true)
	}
	return text
}

func metricsValue(s sources.Series) string {
	if s.Pending {
		return "…"
	}
	v, ok := s.Last()
	if !ok {
		return "no data"
	}
	return fmtMetricValue(v, fmtSeriesUnit(s))
}

// View draws the pane into exactly its size.
func (p *Metrics) View(focused bool) string {
	note := p.list.Note()
	if p.breaching > 0 {
		note = boxJoinNote(fmt.Sprintf("%d breaching", p.breaching), note)
	}
	if total := len(p.list.All()); p.inTurn > 0 && p.inTurn < total {
		note = boxJoinNote(note, "refreshing "+fmtCount(p.inTurn)+" of "+fmtCount(total)+" a poll")
	}
	innerW := p.width - 2
	var lines []string
	switch {
	case !p.loaded:
		lines = []string{theme.Dim.Render("waiting for data…")}
	case len(p.list.All()) == 0:
		lines = []string{theme.Dim.Render("no metrics watched (use --metric)")}
	case len(p.list.Shown()) == 0:
		lines = []string{theme.Dim.Render("no metrics match /" + p.list.Filter())}
	default:
		from, to := p.list.Visible()
		shown := p.list.Shown()[from:to]
		// Shared label and condition columns line the sparklines up.
		labelW, condW := 0, 0
		for _, s := range shown {
			labelW = max(labelW, min(metricsLabelMax, max(8, innerW/3), lipgloss.Width(s.Spec.Label())))
			cond, _, _ := p.cond(s)
			condW = max(condW, lipgloss.Width(cond))
		}
		for i, s := range shown {
			lines = append(lines, p.row(s, from+i == p.list.Index(), focused, innerW, p.linesPerRow() == 2, labelW, condW)...)
		}
	}
	return Frame("Metrics", note, strings.Join(lines, "\n"), p.width, p.height, focused)
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
		return fmtCondition(*a, true), theme.Dim, false
	}
	return alarmsStateWord(a.State) + " " + fmtCondition(*a, true), stateStyle(a.State), true
}

// row renders one metric as one line (label, sparkline, value, threshold)
// or two (label and threshold; sparkline and value).
func (p *Metrics) row(s sources.Series, selected, focused bool, width int, twoLines bool, labelW, condW int) []string {
	marker := "  "
	if selected {
		marker = "› "
	}
	label := s.Spec.Label()
	value := metricsValue(s)
	cond, condStyle, firing := p.cond(s)
	sparkStyle, valueStyle := theme.Info, lipgloss.NewStyle().Bold(true)
	if firing {
		sparkStyle, valueStyle = condStyle, condStyle
	}
	labelStyle := func(s ...string) string { return s[0] } // an empty style's Render costs as much
	if selected && focused {
		labelStyle = theme.Selected.Render
	}
	if twoLines {
		head := labelStyle(FitLine(marker+label, width))
		if cond != "" {
			avail := width - lipgloss.Width(cond) - 1
			head = labelStyle(FitLine(marker+label, avail)) + " " + condStyle.Render(cond)
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
	line := labelStyle(marker + FitLine(label, labelW))
	if sparkW > 0 {
		line += " " + chartSparkline(s.Values, sparkW, sparkStyle)
	}
	return []string{line + " " + tail}
}

// fmtCount writes n with thousands separators: 10,000.
func fmtCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
