package panes

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/theme"
)

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
	marks := p.chartMarks()
	var keys []string
	for _, m := range marks {
		if m.Legend != "" {
			keys = append(keys, m.Style.Render(m.Legend))
		}
	}
	legend := strings.Join(append([]string{lineStyle.Render("⠤⠤") + " " + s.Spec.Label() + " (" + now + ")",
		theme.Error.Render("⠒⠒ threshold " + fmtCondition(a, true))}, keys...), "  ")
	if lipgloss.Width(legend) > width { // the header names the metric; the marks need their keys
		legend = strings.Join(append([]string{lineStyle.Render("⠤⠤") + " " + now,
			theme.Error.Render("⠒⠒ " + fmtCondition(a, true))}, keys...), "  ")
	}
	plot := chartPlot{
		Times: s.Times, Values: s.Values, Start: p.drill.Start, End: p.drill.End,
		Threshold: a.Threshold, HasThresh: !strings.HasSuffix(fmtComparison(a.Comparison), "band"),
		Line: lineStyle, Thresh: theme.Error, Axis: theme.Dim, zone: &p.zoned,
	}
	for _, m := range marks {
		plot.Marks = append(plot.Marks, m.chartMark)
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

// detailChartSuspects is how many of the top suspects get a mark on the chart.
const detailChartSuspects = 3

// detailMark is a chart mark with its legend entry ("" for none).
type detailMark struct {
	chartMark
	Legend string
}

// chartMarks are the instants the chart marks: the firing, the top
// suspects numbered by rank, the onset; in that order, which decides whose
// line shows where two share a column.
func (p *Detail) chartMarks() []detailMark {
	var marks []detailMark
	if anchor := p.anchor(); !anchor.IsZero() {
		marks = append(marks, detailMark{chartMark{At: anchor, Line: '┊', Tick: "▲" + p.fmtClock(anchor), Style: theme.Warn},
			"┊ ▲ " + string(p.anchorState()) + " " + p.fmtClock(anchor)})
	}
	suspects := p.drill.Suspects[:min(len(p.drill.Suspects), detailChartSuspects)]
	for i, s := range suspects {
		m := detailMark{chartMark: chartMark{At: s.Event.Time, Line: '┆', Label: strconv.Itoa(i + 1), Style: theme.Key}}
		if i == 0 {
			m.Legend = "┆ changes " + detailRange(len(suspects))
		}
		marks = append(marks, m)
	}
	if o := p.drill.Onset; o.Found {
		marks = append(marks, detailMark{chartMark{At: o.Time, Line: '╎', Label: "onset", Style: theme.Error},
			"╎ onset " + p.fmtClock(o.Time)})
	}
	return marks
}

// detailRange names ranks 1 to n: "1", "1–3".
func detailRange(n int) string {
	if n == 1 {
		return "1"
	}
	return "1–" + strconv.Itoa(n)
}
