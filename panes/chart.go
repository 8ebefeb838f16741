package panes

// The charts are drawn here rather than with ntcharts: its canvas imports
// github.com/lrstanley/bubblezone, which this module does not have.

import (
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
)

var chartBars = []rune("▁▂▃▄▅▆▇█")

// chartSparkline draws the newest width values as one line of bars, padded
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
	var b strings.Builder
	for _, v := range values {
		level := 0
		if hi > floor {
			level = int(math.Round((v - floor) / (hi - floor) * float64(len(chartBars)-1)))
		}
		b.WriteRune(chartBars[boxClamp(level, 0, len(chartBars)-1)])
	}
	return strings.Repeat(" ", width-len(values)) + style.Render(b.String())
}

// chartPlot is a time-series line chart with a threshold line and a marked
// instant, drawn with braille dots.
type chartPlot struct {
	Times      []time.Time
	Values     []float64
	Start, End time.Time
	Threshold  float64
	HasThresh  bool
	Mark       time.Time // zero: no mark
	Line       lipgloss.Style
	Thresh     lipgloss.Style
	MarkStyle  lipgloss.Style
	Axis       lipgloss.Style
}

// chartCell is one character of the plot and which style draws it.
type chartCell struct {
	r     rune
	style int // index into the styles slice passed to chartRenderRow
}

const (
	chartPlain = iota
	chartLine
	chartThresh
	chartMark
	chartAxis
)

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
// axis row and a time-label row.
func (c chartPlot) Render(width, height int) []string {
	lo, hi := c.yRange()
	yLabels := map[int]string{}
	gh := height - 2
	if gh < 1 || width < 12 || !c.End.After(c.Start) {
		return nil
	}
	rowOf := func(v float64) int { return chartDotY(v, lo, hi, gh) / 4 }
	yLabels[0] = fmtCompactNumber(hi)
	yLabels[gh-1] = fmtCompactNumber(lo)
	thrRow := -1
	if c.HasThresh {
		thrRow = rowOf(c.Threshold)
		yLabels[thrRow] = fmtCompactNumber(c.Threshold)
	}
	labelW := 0
	for _, l := range yLabels {
		labelW = max(labelW, len(l))
	}
	gw := width - labelW - 1
	grid := make([][]chartCell, gh)
	for i := range grid {
		grid[i] = make([]chartCell, gw)
	}
	c.plotLine(grid, lo, hi)
	span := c.End.Sub(c.Start).Seconds()
	colOf := func(t time.Time) int { return int(math.Round(t.Sub(c.Start).Seconds() / span * float64(gw-1))) }
	if thrRow >= 0 && thrRow < gh {
		for x := range grid[thrRow] {
			if grid[thrRow][x].r == 0 {
				grid[thrRow][x] = chartCell{'╌', chartThresh}
			}
		}
	}
	markCol := -1
	if !c.Mark.IsZero() && !c.Mark.Before(c.Start) && !c.Mark.After(c.End) {
		markCol = colOf(c.Mark)
		for y := range grid {
			if grid[y][markCol].r == 0 || grid[y][markCol].style == chartThresh {
				grid[y][markCol] = chartCell{'┊', chartMark}
			}
		}
	}
	styles := []lipgloss.Style{lipgloss.NewStyle(), c.Line, c.Thresh, c.MarkStyle, c.Axis}
	lines := make([]string, 0, height)
	for y, row := range grid {
		label, axis := yLabels[y], '│'
		if label != "" {
			axis = '┤'
		}
		lines = append(lines, c.Axis.Render(strings.Repeat(" ", labelW-len(label))+label+string(axis))+chartRenderRow(row, styles))
	}
	axisRow := make([]chartCell, gw)
	for x := range axisRow {
		axisRow[x] = chartCell{'─', chartAxis}
	}
	if markCol >= 0 {
		axisRow[markCol] = chartCell{'┴', chartMark}
	}
	lines = append(lines, c.Axis.Render(strings.Repeat(" ", labelW)+"└")+chartRenderRow(axisRow, styles))
	lines = append(lines, strings.Repeat(" ", labelW+1)+c.timeLabels(gw, markCol, colOf))
	return lines
}

// plotLine sets braille dots along straight segments between the points.
func (c chartPlot) plotLine(grid [][]chartCell, lo, hi float64) {
	gh, gw := len(grid), len(grid[0])
	span := c.End.Sub(c.Start).Seconds()
	dotX := func(t time.Time) int { return int(math.Round(t.Sub(c.Start).Seconds() / span * float64(gw*2-1))) }
	dotY := func(v float64) int { return chartDotY(v, lo, hi, gh) }
	set := func(x, y int) {
		if x < 0 || y < 0 || x >= gw*2 || y >= gh*4 {
			return
		}
		cell := &grid[y/4][x/2]
		if cell.r == 0 {
			cell.r = 0x2800
		}
		cell.r |= [2][4]rune{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}[x%2][y%4]
		cell.style = chartLine
	}
	n := min(len(c.Times), len(c.Values))
	for i := 0; i < n; i++ {
		x0, y0 := dotX(c.Times[i]), dotY(c.Values[i])
		x1, y1 := x0, y0
		if i+1 < n {
			x1, y1 = dotX(c.Times[i+1]), dotY(c.Values[i+1])
		}
		steps := max(chartAbs(x1-x0), chartAbs(y1-y0), 1)
		for s := 0; s <= steps; s++ {
			set(x0+(x1-x0)*s/steps, y0+(y1-y0)*s/steps)
		}
	}
}

// chartDotY maps a value to a braille dot row, 0 at the top of gh cell rows.
func chartDotY(v, lo, hi float64, gh int) int {
	return gh*4 - 1 - int(math.Round((v-lo)/(hi-lo)*float64(gh*4-1)))
}

func chartAbs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// timeLabels places the start, end and marked times under the axis, then
// times in between where they fit without touching.
func (c chartPlot) timeLabels(gw, markCol int, colOf func(time.Time) int) string {
	row := []rune(strings.Repeat(" ", gw))
	used := make([]bool, gw)
	place := func(col int, text string) {
		n := len([]rune(text))
		if n > gw {
			return
		}
		col = boxClamp(col-n/2, 0, gw-n)
		for x := max(0, col-1); x < min(gw, col+n+1); x++ {
			if used[x] {
				return
			}
		}
		copy(row[col:], []rune(text))
		for x := col; x < col+n; x++ {
			used[x] = true
		}
	}
	if markCol >= 0 {
		mark := "▲" + fmtClock(c.Mark)
		place(markCol+len([]rune(mark))/2, mark) // the ▲ sits under the mark
	}
	place(0, c.Start.UTC().Format("15:04"))
	place(gw, c.End.UTC().Format("15:04"))
	span := c.End.Sub(c.Start)
	for _, f := range []float64{0.5, 0.25, 0.75} {
		t := c.Start.Add(time.Duration(float64(span) * f))
		place(colOf(t), t.UTC().Format("15:04"))
	}
	return string(row)
}

// chartRenderRow renders a row of cells, one style call per run of cells
// drawn alike.
func chartRenderRow(row []chartCell, styles []lipgloss.Style) string {
	var b strings.Builder
	for i := 0; i < len(row); {
		j := i
		var run strings.Builder
		for ; j < len(row) && row[j].style == row[i].style; j++ {
			if row[j].r == 0 {
				run.WriteByte(' ')
			} else {
				run.WriteRune(row[j].r)
			}
		}
		if row[i].style == chartPlain {
			b.WriteString(run.String())
		} else {
			b.WriteString(styles[row[i].style].Render(run.String()))
		}
		i = j
	}
	return b.String()
}
