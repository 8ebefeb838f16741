package panes

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
)

// DashboardGrid draws a CloudWatch dashboard: every widget in a box placed
// by Dashboard.Layout, scrolled when the dashboard is taller than the box.
type DashboardGrid struct {
	dash          sources.Dashboard
	series        map[string]sources.Series // by MetricSpec.Key
	states        map[string]sources.AlarmState
	loaded        bool
	err           string
	sel, top      int
	rects         []sources.Rect
	width, height int
}

// NewDashboardGrid returns a grid waiting for its dashboard.
func NewDashboardGrid() *DashboardGrid { return &DashboardGrid{} }

// SetDashboard shows d with its metrics' series; err is what went wrong
// reading it or its metrics ("" when nothing did).
func (g *DashboardGrid) SetDashboard(d sources.Dashboard, series []sources.Series, err string) {
	g.dash, g.loaded, g.err = d, true, err
	g.series = make(map[string]sources.Series, len(series))
	for _, s := range series {
		g.series[s.Spec.Key()] = s
	}
	g.sel = min(g.sel, max(0, len(d.Widgets)-1))
	g.SetSize(g.width, g.height)
}

// SetAlarms gives the alarm widgets their alarms' states.
func (g *DashboardGrid) SetAlarms(alarms []sources.Alarm) { g.states = alarmStates(alarms) }

// SetSize sets the cells the grid draws into.
func (g *DashboardGrid) SetSize(width, height int) {
	g.width, g.height = width, height
	g.rects = g.dash.Layout(width, height)
	g.Move(0)
}

// Move selects the widget delta places on, in the dashboard's order, and
// scrolls it into view.
func (g *DashboardGrid) Move(delta int) {
	if len(g.rects) == 0 {
		return
	}
	g.sel = boxClamp(g.sel+delta, 0, len(g.rects)-1)
	r := g.rects[g.sel]
	if r.Y < g.top {
		g.top = r.Y
	}
	if r.Y+r.H > g.top+g.height {
		g.top = r.Y + r.H - g.height
	}
}

// Page scrolls by the rows shown (dir -1 up, 1 down) and selects the
// first widget starting on the new screen.
func (g *DashboardGrid) Page(dir int) {
	if len(g.rects) == 0 {
		return
	}
	bottom := 0
	for _, r := range g.rects {
		bottom = max(bottom, r.Y+r.H)
	}
	g.top = boxClamp(g.top+dir*g.height, 0, max(0, bottom-g.height))
	first := -1
	for i, r := range g.rects {
		if r.Y >= g.top && (first < 0 || r.Y < g.rects[first].Y || r.Y == g.rects[first].Y && r.X < g.rects[first].X) {
			first = i
		}
	}
	if first >= 0 {
		g.sel = first
	}
	g.Move(0)
}

// Selected is the selected widget.
func (g *DashboardGrid) Selected() (sources.Widget, bool) {
	if !g.loaded || g.sel >= len(g.dash.Widgets) {
		return sources.Widget{}, false
	}
	return g.dash.Widgets[g.sel], true
}

// Range is how far back the dashboard looks, or def when it does not say.
func (g *DashboardGrid) Range(def time.Duration) time.Duration {
	if g.dash.Range > 0 {
		return g.dash.Range
	}
	return def
}

// View draws the grid into exactly its size.
func (g *DashboardGrid) View() string {
	if !g.loaded || len(g.dash.Widgets) == 0 {
		text := theme.Dim.Render("loading the dashboard…")
		if g.err != "" {
			text = theme.Error.Render("⚠ " + g.err)
		} else if g.loaded {
			text = theme.Dim.Render("the dashboard has no widgets")
		}
		return Frame("Dashboard "+g.dash.Name, "", text, g.width, g.height, true)
	}
	screen := make([][]placed, g.height)
	for i, w := range g.dash.Widgets {
		r := g.rects[i]
		box := strings.Split(Frame(text.Sanitize(widgetTitle(w)), widgetNote(w), g.widgetBody(w, r.W-2, r.H-2), r.W, r.H, i == g.sel), "\n")
		for dy, line := range box {
			if y := r.Y + dy - g.top; y >= 0 && y < g.height {
				screen[y] = append(screen[y], placed{r.X, line})
			}
		}
	}
	lines := make([]string, g.height)
	for y, row := range screen {
		sort.Slice(row, func(a, b int) bool { return row[a].x < row[b].x })
		var b strings.Builder
		at := 0
		for _, p := range row {
			if p.x > at {
				b.WriteString(strings.Repeat(" ", p.x-at))
				at = p.x
			}
			b.WriteString(p.text)
			at += lipgloss.Width(p.text)
		}
		lines[y] = FitLine(b.String(), g.width)
	}
	if g.err != "" {
		lines[g.height-1] = FitLine(theme.Error.Render("⚠ "+g.err), g.width)
	}
	return strings.Join(lines, "\n")
}

// placed is one widget's line at its column.
type placed struct {
	x    int
	text string
}

func widgetTitle(w sources.Widget) string {
	if w.Title != "" {
		return w.Title
	}
	return w.Type
}

// widgetNote is a metric widget's statistic and period, as the console shows.
func widgetNote(w sources.Widget) string {
	if w.Type != sources.WidgetMetric || len(w.Metrics) == 0 {
		return ""
	}
	s := w.Metrics[0].Spec
	period := fmt.Sprintf("%ds", int(s.Period.Seconds()))
	if s.Period%time.Minute == 0 {
		period = fmt.Sprintf("%dm", int(s.Period.Minutes()))
	}
	return s.Stat + " · " + period
}

func (g *DashboardGrid) widgetBody(w sources.Widget, width, height int) string {
	if w.Unsupported != "" {
		return theme.Dim.Render(w.Unsupported)
	}
	var lines []string
	switch w.Type {
	case sources.WidgetMetric:
		lines = g.metricLines(w, width)
	case sources.WidgetAlarm:
		for _, name := range w.Alarms {
			st, ok := g.states["|"+name]
			word := "?"
			if ok {
				word = alarmsStateWord(st)
			}
			lines = append(lines, stateStyle(st).Render(fmt.Sprintf("%-6s", word))+" "+name)
		}
	case sources.WidgetLog:
		lines = append(lines, theme.Dim.Render(strings.Join(w.Groups, ", ")), w.Query, theme.Key.Render("enter")+" runs it in Logs Insights")
	case sources.WidgetText:
		lines = strings.Split(text.Sanitize(strings.TrimLeft(w.Text, "# ")), "\n")
	}
	if len(lines) > height && height > 0 {
		lines = lines[:height]
	}
	return strings.Join(lines, "\n")
}

// metricLines draws one line per drawn metric: its label, a sparkline and
// the newest value; expressions are listed by label only.
func (g *DashboardGrid) metricLines(w sources.Widget, width int) []string {
	var lines []string
	for _, m := range w.Metrics {
		label := m.Label
		if label == "" {
			label = m.Spec.Metric
		}
		label = FitLine(text.Sanitize(label), min(20, width/3))
		switch {
		case m.Hidden:
			continue
		case m.Expression != "":
			lines = append(lines, label+" "+theme.Dim.Render("expression, not drawn"))
			continue
		}
		s, ok := g.series[m.Spec.Key()]
		value := "no data"
		if last, has := s.Last(); ok && has {
			value = fmtMetricValue(last, fmtSeriesUnit(s))
		}
		value = fmt.Sprintf("%10s", value)
		spark := ""
		if room := width - lipgloss.Width(label) - lipgloss.Width(value) - 2; room > 0 && w.View != "singleValue" {
			spark = chartSparkline(s.Values, room, theme.Info) + " "
		}
		lines = append(lines, label+" "+spark+value)
	}
	return lines
}
