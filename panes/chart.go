package panes

import (
	"math"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	"github.com/charmbracelet/lipgloss"
)

// chartSparkline draws the newest width values as one row of bars, padded
// on the left when there are fewer values than cells.
func chartSparkline(values []float64, width int, style lipgloss.Style) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	if len(values) == 0 {
		return strings.Repeat(" ", width)
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	// Bars start at zero, unless the values sit in a narrow band far from
	// it (or below it), where zooming in is what makes their shape visible.
	floor := 0.0
	if spread := hi - lo; lo < 0 || (spread > 0 && lo > 2*spread) {
		floor = lo - spread
	}
	// An eighth of headroom below so the lowest value is a ▁, not a blank.
	top := hi - floor
	if top <= 0 { // all zero: draw the floor, not full bars
		top = 1
	}
	floor -= top / 7
	bars := make([]rune, 0, len(values))
	for _, v := range values {
		bars = append(bars, sparkBar((v-floor)/(top*8/7)))
	}
	// One styled run, not a colour escape around every cell.
	return strings.Repeat(" ", width-len(values)) + style.Render(string(bars))
}

// sparkBars are the eighths of a cell, from empty to full.
var sparkBars = []rune(" ▁▂▃▄▅▆▇█")

// sparkBar is the bar for a value scaled to 0..1: the nearest eighth.
func sparkBar(v float64) rune {
	return sparkBars[int(math.Round(max(0, min(v, 1))*8))]
}

// chartPlot is a time-series line chart with a threshold line and marked
// instants, drawn in braille by ntcharts.
type chartPlot struct {
	zone       *zoned // the zone of the axis labels; nil: UTC
	Times      []time.Time
	Values     []float64
	Start, End time.Time
	Threshold  float64
	HasThresh  bool
	Marks      []chartMark // drawn in order: an earlier mark keeps a shared cell
	Line       lipgloss.Style
	Thresh     lipgloss.Style
	Axis       lipgloss.Style
}

// chartMark is an instant drawn as a dotted vertical line with a ┴ on the
// axis, named by text so it reads without colour: Label on the top row (one
// character at the line, a word beside it), Tick on the time-label row.
type chartMark struct {
	At          time.Time
	Line        rune
	Label, Tick string
	Style       lipgloss.Style
}

// yRange returns the value range to plot: from zero (or the lowest value)
// to a little above the highest value or threshold.
func (c chartPlot) yRange() (float64, float64) {
	lo, hi := 0.0, 0.0
	if c.HasThresh {
		lo, hi = min(lo, c.Threshold), max(hi, c.Threshold)
	}
	for _, v := range c.Values {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi == lo {
		return lo, lo + 1
	}
	return lo, hi + (hi-lo)/10
}

// Render draws the chart in exactly width x height cells: graph rows, an
// axis row and a time-label row. It returns nil when that is too small.
func (c chartPlot) Render(width, height int) []string {
	if height < 3 || width < 12 || !c.End.After(c.Start) {
		return nil
	}
	lo, hi := c.yRange()
	ts := timeserieslinechart.New(width, height,
		timeserieslinechart.WithTimeRange(c.Start, c.End),
		timeserieslinechart.WithYRange(lo, hi),
		timeserieslinechart.WithXYSteps(14, max(1, (height-2)/3)),
		timeserieslinechart.WithXLabelFormatter(func(_ int, v float64) string { return c.zone.inZone(time.Unix(int64(v), 0)).Format("15:04") }),
		timeserieslinechart.WithYLabelFormatter(func(_ int, v float64) string { return fmtCompactNumber(v) }),
		timeserieslinechart.WithAxesStyles(c.Axis, c.Axis),
		timeserieslinechart.WithDataSetStyle("metric", c.Line),
		timeserieslinechart.WithDataSetStyle("threshold", c.Thresh),
	)
	if ts.GraphWidth() < 2 || ts.GraphHeight() < 1 { // Y labels too wide
		return nil
	}
	// Fixed ranges: points outside the window must not stretch the axes.
	ts.AutoMinX, ts.AutoMaxX, ts.AutoMinY, ts.AutoMaxY = false, false, false, false
	for i := range min(len(c.Times), len(c.Values)) {
		ts.PushDataSet("metric", timeserieslinechart.TimePoint{Time: c.Times[i], Value: c.Values[i]})
	}
	// The metric goes last so it wins the cells where the lines cross. An
	// empty data set ends ntcharts' drawing, so only named ones are listed.
	sets := []string{"metric"}
	if c.HasThresh {
		ts.PushDataSet("threshold", timeserieslinechart.TimePoint{Time: c.Start, Value: c.Threshold})
		ts.PushDataSet("threshold", timeserieslinechart.TimePoint{Time: c.End, Value: c.Threshold})
		sets = []string{"threshold", "metric"}
	}
	ts.DrawBrailleDataSets(sets)
	if c.HasThresh {
		c.labelThreshold(&ts, lo, hi)
	}
	// ntcharts labels evenly spaced times; the window's end is worth a label.
	chartPutLabel(&ts.Canvas, ts.Origin().X, ts.Origin().Y+1, width, c.zone.inZone(c.End).Format("15:04"), c.Axis)
	c.drawMarks(&ts)
	return strings.Split(ts.View(), "\n")
}

// labelThreshold writes the threshold's value on the Y axis at its row,
// over the evenly spaced label there, when it fits the label column.
func (c chartPlot) labelThreshold(ts *timeserieslinechart.Model, lo, hi float64) {
	gh, x := ts.GraphHeight(), ts.Origin().X
	// The same mapping ntcharts uses for the braille dots of the data.
	dot := gh*4 - 1 - int(math.Round((c.Threshold-lo)/(hi-lo)*float64(gh*4-1)))
	label := fmtCompactNumber(c.Threshold)
	if len(label) > x || dot < 0 || dot >= gh*4 {
		return
	}
	y := dot / 4
	ts.Canvas.SetString(canvas.Point{X: 0, Y: y}, strings.Repeat(" ", x-len(label)))
	ts.Canvas.SetStringWithStyle(canvas.Point{X: x - len(label), Y: y}, label, c.Thresh)
	ts.Canvas.SetCell(canvas.Point{X: x, Y: y}, canvas.NewCellWithStyle('┤', c.Thresh))
}

// drawMarks draws the marks inside the window: their lines only through
// empty cells, so the data stays visible, then their ticks and labels.
func (c chartPlot) drawMarks(ts *timeserieslinechart.Model) {
	gw, origin, cv := ts.GraphWidth(), ts.Origin(), &ts.Canvas
	cols := make([]int, len(c.Marks))
	for i, m := range c.Marks {
		cols[i] = -1
		if m.At.IsZero() || m.At.Before(c.Start) || m.At.After(c.End) {
			continue
		}
		// The same mapping ntcharts uses for the braille dots of the data.
		frac := m.At.Sub(c.Start).Seconds() / c.End.Sub(c.Start).Seconds()
		cols[i] = origin.X + 1 + int(math.Round(frac*float64(2*gw-1)))/2
		for y := range origin.Y {
			if cv.Cell(canvas.Point{X: cols[i], Y: y}).Rune == 0 {
				cv.SetCell(canvas.Point{X: cols[i], Y: y}, canvas.NewCellWithStyle(m.Line, m.Style))
			}
		}
	}
	lines := map[rune]bool{}
	for _, m := range c.Marks {
		lines[m.Line] = true
	}
	for i, m := range c.Marks {
		if cols[i] < 0 {
			continue
		}
		if cv.Cell(canvas.Point{X: cols[i], Y: origin.Y}).Rune != '┴' {
			cv.SetCell(canvas.Point{X: cols[i], Y: origin.Y}, canvas.NewCellWithStyle('┴', m.Style))
		}
		if m.Tick != "" {
			chartPutLabel(cv, origin.X, origin.Y+1, cols[i], m.Tick, m.Style)
		}
		if m.Label != "" {
			chartTopLabel(cv, origin.X+1, cols[i], origin.Y, m.Label, m.Style, lines)
		}
	}
}

// chartTopLabel writes a mark's label on the graph's top row, else on the
// axis row: a single character at the mark's column (or next to it), a word
// ending just left of it (or starting just right). It only covers empty
// cells and mark lines on the top row, the axis line on the axis row, so it
// never hides data or another label; when nowhere fits, it is left out.
func chartTopLabel(cv *canvas.Model, minX, col, axisY int, text string, style lipgloss.Style, lines map[rune]bool) {
	label := []rune(text)
	from := []int{col, col + 1, col - 1}
	if len(label) > 1 {
		from = []int{col - len(label), col + 1}
	}
	free := func(x, y int) bool {
		r := cv.Cell(canvas.Point{X: x, Y: y}).Rune
		if x < minX || x >= cv.Width() {
			return false
		}
		if y == axisY {
			return r == '─' || (len(label) == 1 && x == col)
		}
		return r == 0 || lines[r]
	}
	for _, y := range []int{0, axisY} {
		for _, x := range from {
			fits := true
			for i := range label {
				fits = fits && free(x+i, y)
			}
			if fits {
				cv.SetRunesWithStyle(canvas.Point{X: x, Y: y}, label, style)
				return
			}
		}
	}
}

// chartPutLabel writes text on the time-label row from col (moved left to
// fit), blanking the labels it would touch.
func chartPutLabel(cv *canvas.Model, minX, row, col int, text string, style lipgloss.Style) {
	label := []rune(text)
	from := max(minX, min(col, cv.Width()-len(label)))
	for x := from - 1; x <= from+len(label); x++ {
		chartEraseRun(cv, x, row)
	}
	cv.SetRunesWithStyle(canvas.Point{X: from, Y: row}, label, style)
}

// chartEraseRun blanks the run of non-blank cells around (x, y): one label.
func chartEraseRun(cv *canvas.Model, x, y int) {
	if cv.Cell(canvas.Point{X: x, Y: y}).Rune == 0 {
		return
	}
	for x > 0 && cv.Cell(canvas.Point{X: x - 1, Y: y}).Rune != 0 {
		x--
	}
	for ; x < cv.Width() && cv.Cell(canvas.Point{X: x, Y: y}).Rune != 0; x++ {
		cv.SetCell(canvas.Point{X: x, Y: y}, canvas.Cell{})
	}
}
