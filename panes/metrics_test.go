package panes

import (
	"watchtrail/panes/panetest"

	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"watchtrail/sources"
)

func TestMetricsRowsShowValueUnitSparklineAndThreshold(t *testing.T) {
	fxPlainColors(t)
	p := NewMetrics()
	p.SetSeries(fxAllSeries())
	p.SetAlarms(fxAlarms())
	for _, size := range [][2]int{{100, 5}, {60, 12}} { // one line each, two lines each
		out := ansi.Strip(fxDrawPane(p, size[0], size[1], true))
		for _, want := range []string{"CPUUtilization i-0abc", "87.3 %", "1.2k Count", "2.91 s", "ALARM > 80 %", "> 3 s", "▇", "2 breaching"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: missing %q in\n%s", size, want, out)
			}
		}
		if !strings.ContainsAny(out, "▁▂▃▄▅▆") {
			t.Errorf("%v: no sparkline in\n%s", size, out)
		}
	}
	two := strings.Split(ansi.Strip(fxDrawPane(p, 60, 12, true)), "\n")
	if !strings.Contains(two[1], "› CPUUtilization") || !strings.Contains(two[2], "87.3 %") {
		t.Errorf("want label line then sparkline line:\n%s", strings.Join(two, "\n"))
	}
}

func TestMetricsBreachingSparklineIsColoured(t *testing.T) {
	panetest.UseProfile(t, termenv.TrueColor)
	p := NewMetrics()
	p.SetSeries(fxAllSeries()[:1])
	plain := fxDrawPane(p, 80, 4, false)
	p.SetAlarms(fxAlarms())
	alarmed := fxDrawPane(p, 80, 4, false)
	if plain == alarmed {
		t.Fatal("a firing alarm should change how its metric is drawn")
	}
	if ansi.Strip(plain) == ansi.Strip(alarmed) && !strings.Contains(ansi.Strip(alarmed), "ALARM") {
		t.Fatal("the alarm state should be named")
	}
}

func TestMetricsSelectionFilterAndScroll(t *testing.T) {
	fxPlainColors(t)
	p := NewMetrics()
	p.SetSeries(fxAllSeries())
	p.Move(1)
	if s, _ := p.Selected(); s.Spec.Metric != "Errors" {
		t.Fatalf("selected %s", s.Spec.Metric)
	}
	reordered := fxAllSeries()
	reordered[0], reordered[1] = reordered[1], reordered[0]
	p.SetSeries(reordered)
	if s, _ := p.Selected(); s.Spec.Metric != "Errors" {
		t.Fatalf("selection did not follow the metric: %s", s.Spec.Metric)
	}
	p.SetFilter("duration")
	out := ansi.Strip(fxDrawPane(p, 80, 6, true))
	if !strings.Contains(out, "1/3 · /duration") || strings.Contains(out, "CPUUtilization") {
		t.Fatalf("filter:\n%s", out)
	}
	p.SetFilter("")
	p.Move(100)
	out = ansi.Strip(fxDrawPane(p, 80, 4, true)) // room for two one-line rows
	if !strings.Contains(out, "› Duration") {
		t.Fatalf("selection scrolled out of view:\n%s", out)
	}
}

func TestMetricsEmptyStatesAndSizes(t *testing.T) {
	fxPlainColors(t)
	p := NewMetrics()
	if out := fxDrawPane(p, 40, 4, true); !strings.Contains(out, "waiting for data") {
		t.Fatalf("before data:\n%s", out)
	}
	p.SetSeries(nil)
	if out := fxDrawPane(p, 60, 4, true); !strings.Contains(out, "no metrics") {
		t.Fatalf("no metrics:\n%s", out)
	}
	p.SetSeries(append(fxAllSeries(), sources.Series{Spec: fxCPU()}))
	p.SetAlarms(fxAlarms())
	if out := ansi.Strip(fxDrawPane(p, 80, 10, true)); !strings.Contains(out, "no data") {
		t.Fatalf("a series without points should say so:\n%s", out)
	}
	for _, size := range fxSizes {
		fxCheckSize(t, fxDrawPane(p, size[0], size[1], true), size[0], size[1])
		fxCheckSize(t, fxDrawPane(p, size[0], size[1], false), size[0], size[1])
	}
}

func TestFormatMetricValues(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{87.34, "Percent", "87.3 %"},
		{100, "Percent", "100 %"},
		{1234, "Count", "1.2k Count"},
		{5, "Count", "5 Count"},
		{2910, "Milliseconds", "2.91 s"},
		{312, "Milliseconds", "312 ms"},
		{0.45, "Seconds", "450 ms"},
		{2.5, "Seconds", "2.5 s"},
		{3 << 20, "Bytes", "3 MiB"},
		{1500, "Bytes/Second", "1.46 KiB/s"},
		{42, "", "42"},
		{2_500_000, "None", "2.5M"},
		{0, "Percent", "0 %"},
		{-3.5, "Count", "-3.5 Count"},
	} {
		if got := fmtMetricValue(c.v, c.unit); got != c.want {
			t.Errorf("fmtMetricValue(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

func TestChartSparklineScales(t *testing.T) {
	got := chartSparkline([]float64{0, 50, 100}, 5, lipgloss.NewStyle())
	if got != "  ▁▅█" {
		t.Fatalf("got %q", got)
	}
	// A narrow band far from zero is zoomed into so its shape shows.
	if got := chartSparkline([]float64{50, 51, 52}, 3, lipgloss.NewStyle()); got == "███" {
		t.Fatalf("band not zoomed: %q", got)
	}
	if got := chartSparkline([]float64{3, 3}, 4, lipgloss.NewStyle()); got != "  ██" {
		t.Fatalf("flat series: %q", got)
	}
	if got := chartSparkline(nil, 3, lipgloss.NewStyle()); got != "   " {
		t.Fatalf("empty: %q", got)
	}
}

func TestMetricsSparklineUsesSpareWidth(t *testing.T) {
	fxPlainColors(t)
	values := make([]float64, 200)
	for i := range values {
		values[i] = float64(i % 17)
	}
	p := NewMetrics()
	p.SetSeries([]sources.Series{fxSeries(fxCPU(), "Percent", values...)})
	out := ansi.Strip(fxDrawPane(p, 160, 3, true))
	if out != ansi.Strip(fxDrawPane(p, 160, 3, true)) {
		t.Fatal("rendering should be deterministic")
	}
	line := strings.Split(out, "\n")[1]
	start := strings.IndexAny(line, "▁▂▃▄▅▆▇█")
	if start < 0 || len([]rune(line[:start])) > 1+2+28+1 { // border, marker, label, gap
		t.Fatalf("the label column should be capped at 28 cells:\n%s", out)
	}
	if n := len([]rune(strings.TrimSpace(strings.Split(line[start:], "  ")[0]))); n < 100 {
		t.Fatalf("sparkline %d cells wide, want the spare width:\n%s", n, out)
	}
}

func TestMetricsSparklineOfZerosIsLow(t *testing.T) {
	got := ansi.Strip(chartSparkline([]float64{0, 0, 0, 0}, 4, lipgloss.NewStyle()))
	if got != "▁▁▁▁" {
		t.Fatalf("all-zero sparkline is %q, want low bars", got)
	}
}

// The hint names the flag as it is typed: --metric, not -metric.
func TestMetricsEmptyHintNamesTheLongFlag(t *testing.T) {
	fxPlainColors(t)
	p := NewMetrics()
	p.SetSeries(nil)
	if out := fxDrawPane(p, 60, 4, true); !strings.Contains(out, "(use --metric)") {
		t.Fatalf("no metrics:\n%s", out)
	}
}
