package panes

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/triage"
)

func detailTestPane() *Detail {
	p := NewDetail()
	p.SetLoading(fxAlarms()[0])
	p.SetDrill(fxDrill())
	return p
}

// detailTestLine returns the first line of out containing text.
var detailTestLine = panetest.LineWith

func TestDetailShowsEverythingAt80x24(t *testing.T) {
	fxPlainColors(t)
	p := detailTestPane()
	out := ansi.Strip(fxDraw(p, 80, 22))
	for _, want := range []string{
		"ALARM  web-cpu-high", "CPUUtilization i-0abc (Average) > 80 %", "window Mar 05 19:05–19:45 UTC",
		"⚠ error — logs: AccessDeniedException on /app/secret",
		"⠒⠒ > 80 %", "80┤", "▲19:35:00", "┴", "┊", "19:05", "19:45",
		"▸ Suspects (1)", "likely cause: ModifyInstanceAttribute by alice on instance i-0abc", "╎", "onset",
		"CloudTrail changes on i-0abc and related resources (4)", "AccessDenied", "mallory", "203.0.113.7",
		"Log lines (3)", "ERROR worker pool exhausted", "request timed out",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if again := ansi.Strip(fxDraw(p, 80, 22)); again != out {
		t.Errorf("rendering should be deterministic:\n%s", again)
	}
	if line := detailTestLine(ansi.Strip(fxDraw(p, 120, 40)), "80┤"); strings.Count(line, "⠒")+strings.Count(line, "⠤") < 40 {
		t.Errorf("the threshold should be a line across the chart: %q", line)
	}
	if line := detailTestLine(out, "◆ ModifyInstanceAttribu"); !strings.Contains(line, "← likely cause") || !strings.HasPrefix(strings.TrimLeft(line, "┃"), "›") {
		t.Errorf("the likely cause should be flagged and selected in the trail: %q", line)
	}
	if strings.Count(out, "← likely cause") != 2 {
		t.Errorf("the likely cause should be flagged once among the suspects and once in the trail:\n%s", out)
	}
	if e, ok := p.SelectedEvent(); !ok || e.ID != "e2" {
		t.Errorf("SelectedEvent = %v %v", e.ID, ok)
	}
}

func TestDetailLikelyCauseSkipsReadsFailuresAndLaterEvents(t *testing.T) {
	events := fxDrill().Trail
	if i := triage.LikelyCause(events, fxAlarms()[0].StateChanged); i != 1 {
		t.Fatalf("likely cause %d, want 1 (ModifyInstanceAttribute)", i)
	}
	if i := triage.LikelyCause(events[:1], fxAlarms()[0].StateChanged); i != -1 {
		t.Fatalf("read-only events are never the cause, got %d", i)
	}
}

func TestDetailSizes(t *testing.T) {
	fxPlainColors(t)
	many := fxDrill()
	for i := 0; i < 40; i++ {
		many.Trail = append(many.Trail, many.Trail[i%4])
		many.Logs = append(many.Logs, many.Logs[i%3])
	}
	many.Errors = append(many.Errors, errors.New("trail: throttled"), errors.New("metrics: timeout"))
	for _, drill := range []triage.Result{fxDrill(), many, {Alarm: fxAlarms()[1]}} {
		p := NewDetail()
		p.SetLoading(drill.Alarm)
		for _, size := range fxSizes {
			fxCheckSize(t, fxDraw(p, size[0], size[1]), size[0], size[1])
		}
		p.SetDrill(drill)
		p.Move(7)
		for _, size := range append(fxSizes, [2]int{80, 22}, [2]int{100, 14}, [2]int{120, 8}) {
			fxCheckSize(t, fxDraw(p, size[0], size[1]), size[0], size[1])
		}
		if v, ok := fxOpen(p); ok {
			v.Move(3)
			for _, size := range fxSizes {
				fxCheckSize(t, fxDraw(v, size[0], size[1]), size[0], size[1])
			}
		}
	}
	p := NewDetail()
	p.SetDrill(triage.Result{Alarm: fxAlarms()[1]})
	out := ansi.Strip(fxDraw(p, 80, 22))
	for _, want := range []string{"no datapoints", "no CloudTrail events", "no log lines"} {
		if !strings.Contains(out, want) {
			t.Errorf("empty drill-down missing %q:\n%s", want, out)
		}
	}
}

func TestDetailSmallHeightFallsBackToSparkline(t *testing.T) {
	fxPlainColors(t)
	p := detailTestPane()
	out := ansi.Strip(fxDraw(p, 100, 14))
	if !strings.Contains(out, "threshold > 80 %") || !strings.ContainsAny(out, "▁█") || !strings.Contains(out, "Log lines") {
		t.Fatalf("compact layout:\n%s", out)
	}
}

func TestDetailLoadingAndRefresh(t *testing.T) {
	fxPlainColors(t)
	p := NewDetail()
	p.SetLoading(fxAlarms()[0])
	if out := ansi.Strip(fxDraw(p, 80, 22)); !strings.Contains(out, "loading…") || !strings.Contains(out, "web-cpu-high") {
		t.Fatalf("loading view:\n%s", out)
	}
	if p.Alarm().Name != "web-cpu-high" {
		t.Fatalf("Alarm() = %q", p.Alarm().Name)
	}
	p.SetDrill(fxDrill())
	p.NextSection()
	p.Move(-1) // onto DescribeInstances
	p.SetLoading(fxAlarms()[0])
	if out := ansi.Strip(fxDraw(p, 80, 22)); !strings.Contains(out, "DescribeInstances") {
		t.Fatalf("a refresh keeps the old data on screen:\n%s", out)
	}
	p.SetDrill(fxDrill())
	if e, _ := p.SelectedEvent(); e.ID != "e1" {
		t.Fatalf("a refresh keeps the selected event, got %q", e.ID)
	}
	p.SetLoading(fxAlarms()[1])
	if _, ok := p.SelectedEvent(); ok {
		t.Fatal("another alarm starts empty")
	}
}

func TestDetailSectionsAndJSON(t *testing.T) {
	fxPlainColors(t)
	p := detailTestPane()
	v, ok := fxOpen(p)
	if !ok {
		t.Fatal("the selected event should open")
	}
	out := ansi.Strip(fxDraw(v, 80, 22))
	if !strings.Contains(out, `"userName": "alice"`) || !strings.Contains(out, "CloudTrail event · ModifyInstanceAttribute by alice") {
		t.Fatalf("JSON view:\n%s", out)
	}
	v.SetSize(80, 6)
	v.Move(100)
	if out := ansi.Strip(v.View()); !strings.Contains(out, "}") || strings.Contains(out, `"eventName"`) {
		t.Fatalf("JSON view should scroll to the end:\n%s", out)
	}

	p.NextSection()
	p.NextSection()
	if out := ansi.Strip(fxDraw(p, 80, 22)); !strings.Contains(detailTestLine(out, "request timed out"), "›") {
		t.Fatalf("the log list should open on the failure nearest the state change:\n%s", out)
	}
	p.Move(-1)
	if e, _ := p.SelectedEvent(); e.ID != "e2" {
		t.Fatalf("moving in the log list changed the event to %q", e.ID)
	}
	out = ansi.Strip(fxDraw(p, 80, 22))
	if !strings.Contains(out, "▸ Log lines") || !strings.Contains(detailTestLine(out, "worker pool"), "›") {
		t.Fatalf("log section should be focused with the worker pool line selected:\n%s", out)
	}
	v, _ = fxOpen(p)
	if out := ansi.Strip(fxDraw(v, 80, 10)); !strings.Contains(out, "Log line · web") || !strings.Contains(out, "worker pool exhausted") {
		t.Fatalf("log line view:\n%s", out)
	}
	p.NextSection()
	if out := ansi.Strip(fxDraw(p, 80, 22)); !strings.Contains(out, "▸ Suspects") {
		t.Fatalf("NextSection should cycle back:\n%s", out)
	}
}

func TestDetailNeverPrintsEscapesFromData(t *testing.T) {
	panetest.UseProfile(t, termenv.ANSI256)
	// Sources sanitise text where it enters; the pane must add nothing.
	evil := text.Sanitize(fxEvil)
	drill := fxDrill()
	drill.Alarm.Name += evil
	drill.Alarm.Reason = evil
	drill.Trail[3].User = evil
	drill.Trail[3].ErrorCode = evil
	drill.Trail[3].Resources = []string{evil}
	drill.Logs[0].Group = evil
	drill.Trail[1].User = evil // a suspect's
	drill.Graph.Problems = []string{"could not see role " + evil + "'s relations: " + evil}
	drill.Errors = append(drill.Errors, errors.New(fxEvil))
	drill = fxTriage(drill)
	p := NewDetail()
	p.SetLoading(drill.Alarm)
	fxNoInjectedEscapes(t, fxDraw(p, 120, 40))
	p.SetDrill(drill)
	fxNoInjectedEscapes(t, fxDraw(p, 120, 40))
	p.NextSection()
	p.Move(100) // the event whose JSON carries raw escapes
	v, _ := fxOpen(p)
	out := fxDraw(v, 120, 40)
	fxNoInjectedEscapes(t, out)
	if !strings.Contains(ansi.Strip(out), "not json pwned") {
		t.Fatalf("the text around the escapes should still show:\n%s", ansi.Strip(out))
	}
	p.NextSection()
	p.Move(-1)
	v, _ = fxOpen(p)
	fxNoInjectedEscapes(t, fxDraw(v, 120, 40))

	a := NewAlarms()
	a.SetAlarms([]sources.Alarm{drill.Alarm})
	a.SetFilter(evil)
	fxNoInjectedEscapes(t, fxDrawPane(a, 80, 10, true))
	a.SetFilter("")
	fxNoInjectedEscapes(t, fxDrawPane(a, 80, 10, true))
}

func TestPanesEverySmallSize(t *testing.T) {
	fxPlainColors(t)
	d := detailTestPane()
	a := NewAlarms()
	a.SetAlarms(fxAlarms())
	m := NewMetrics()
	m.SetSeries(fxAllSeries())
	m.SetAlarms(fxAlarms())
	for w := 0; w <= 90; w++ {
		for h := 0; h <= 30; h++ {
			fxCheckSize(t, fxDraw(d, w, h), w, h)
			fxCheckSize(t, fxDrawPane(a, w, h, true), w, h)
			fxCheckSize(t, fxDrawPane(m, w, h, false), w, h)
		}
	}
	v, _ := fxOpen(d)
	for w := 0; w <= 40; w++ {
		for h := 0; h <= 12; h++ {
			fxCheckSize(t, fxDraw(v, w, h), w, h)
		}
	}
}

func TestDetailEventNameDropsAPIVersion(t *testing.T) {
	for name, want := range map[string]string{
		"UpdateFunctionConfiguration20150331v2": "UpdateFunctionConfiguration",
		"GetFunction20150331":                   "GetFunction",
		"RunInstances":                          "RunInstances",
		"Version20150331":                       "Version",
	} {
		if got := triage.CallName(name); got != want {
			t.Errorf("CallName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDetailFirstLog(t *testing.T) {
	a := fxAlarms()[0]
	logs := fxDrill().Logs
	if i := detailFirstLog(logs, a.StateChanged); i != 2 {
		t.Fatalf("want the timeout at the state change, got %d", i)
	}
	calm := []sources.LogEvent{{Time: a.StateChanged.Add(-2 * time.Minute)}, {Time: a.StateChanged.Add(-time.Minute)}, {Time: a.StateChanged.Add(time.Minute)}}
	if i := detailFirstLog(calm, a.StateChanged); i != 1 {
		t.Fatalf("without failures, want the last line before the change, got %d", i)
	}
	if i := detailFirstLog(nil, a.StateChanged); i != 0 {
		t.Fatalf("empty: %d", i)
	}
}

func TestChartPlotWithoutThresholdStillDrawsTheMetric(t *testing.T) {
	c := chartPlot{Start: fxChanged.Add(-time.Hour), End: fxChanged,
		Times: []time.Time{fxChanged.Add(-time.Hour), fxChanged}, Values: []float64{1, 2}}
	out := strings.Join(c.Render(40, 6), "\n")
	if !strings.ContainsFunc(out, func(r rune) bool { return r > 0x2800 && r <= 0x28ff }) {
		t.Fatalf("no line drawn:\n%s", out)
	}
}

func TestChartPlotOddValuesAndSizes(t *testing.T) {
	fxPlainColors(t)
	for _, values := range [][]float64{{1e20, -1e20}, {0.000123, 0.000125}, {5}, {}} {
		c := chartPlot{Start: fxChanged.Add(-time.Hour), End: fxChanged, Threshold: 3, HasThresh: true,
			Marks: []chartMark{{At: fxChanged.Add(-time.Minute), Line: '┊', Tick: "▲", Label: "1"}, {At: fxChanged.Add(-30 * time.Minute), Line: '╎', Label: "onset"}}}
		for i, v := range values {
			c.Times = append(c.Times, c.Start.Add(time.Duration(i)*time.Minute))
			c.Values = append(c.Values, v)
		}
		for w := 0; w <= 40; w++ {
			for h := 0; h <= 8; h++ {
				if rows := c.Render(w, h); rows != nil {
					fxCheckSize(t, strings.Join(rows, "\n"), w, h)
				}
			}
		}
	}
}

func TestDetailChartFollowsNewData(t *testing.T) {
	fxPlainColors(t)
	p := NewDetail()
	msg := fxDrill()
	p.SetDrill(msg)
	before := ansi.Strip(fxDraw(p, 120, 40))
	msg.Series.Values = append([]float64(nil), msg.Series.Values...)
	msg.Series.Values[len(msg.Series.Values)-1] = 42
	p.SetDrill(msg)
	after := ansi.Strip(fxDraw(p, 120, 40))
	if before == after || !strings.Contains(after, "now 42 %") {
		t.Fatalf("the chart did not redraw with the new data:\n%s", after)
	}
}
