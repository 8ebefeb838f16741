package ui

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/internal/wcwidth"
	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/text"
	"watchtrail/triage"
)

// Layout fuzzing: every pane and view is drawn with hostile text — emoji
// with skin tones, ZWJ sequences, flags, keycaps, variation selectors,
// combining marks, wide CJK, tabs, CR, controls, invalid UTF-8, very long
// lines — entering through text.Sanitize as AWS text does, and every
// screen row must be exactly as wide as the terminal (and every pane row as
// wide as its pane), with exactly as many rows as the screen is high.

// wildPieces are the fragments random text is built from.
var wildPieces = []string{
	"👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "🇩🇪", "🇺", "1️⃣", "#️⃣", "❤️", "❤︎", "☺", "é", "e\u0301\u0302", "\u0301",
	"日本語のログ", "한국어", "ｆｕｌｌ", "\t", "\r", "\n", "\x00", "\x07", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07",
	"\x9b2J", "\xff\xfe", "\xe2\x82", "\u200b", "\u200d", "\u202e", "\ufe0f", "\U000e0067", "क्षि", "ผู้",
	"ERROR", " ", "timeout", "arn:aws:lambda:eu-west-1:123456789012:function:x", "{", "\"", "\\",
	"z" + strings.Repeat("\u0301\u0316", 1500), "\u0301\u0301", // a Zalgo tower, marks alone
	"\x1b]0;ti", "tle\x07", "\x1bP1$qm\x1b\\", "\x1b_apc\x1b\\", "\u0085", "\u0090", "\u009d", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
	"\u1100\u1160", "\u11a8", "\u115f", "\u3164", "\u2066\u05e9\u2069", "\U0001F3FD", "\U000E0100", "\u8fbb\U000E0100", "\u0d4e", "\U000110bd",
	"soft\u00adhyphen", "\u200c", "\u2060", "\ufeff", "\u2028", "\u0600", "\U0001fa75", "\U00031350", "\u3248", "\u0378", "\uffff",
}

// wildText is random hostile text; one time in ten a very long line.
func wildText(r *rand.Rand) string {
	var b strings.Builder
	n := 1 + r.IntN(8)
	if r.IntN(10) == 0 {
		n = 200 + r.IntN(700)
	}
	for range n {
		switch r.IntN(8) {
		case 0, 1:
			b.WriteRune(rune(r.IntN(0x3000)))
			continue
		case 2:
			b.WriteRune(rune(r.IntN(0x40000))) // any plane with characters
			continue
		}
		b.WriteString(wildPieces[r.IntN(len(wildPieces))])
	}
	return b.String()
}

// fuzzData feeds the model text from next (raw, as AWS would send it; it is
// sanitised here as the sources do) in every field the panes show.
type fuzzData struct {
	r    *rand.Rand
	next func() string
}

func (d fuzzData) text() string { return text.Sanitize(d.next()) }

func (d fuzzData) alarms(base []sources.Alarm) []sources.Alarm {
	out := make([]sources.Alarm, 0, len(base)+3)
	for i, a := range base {
		a.Name, a.Reason = d.text()+fmt.Sprint(i), d.text()
		a.Metric.Metric = d.text()
		a.Metric.Dims = []sources.Dimension{{Name: d.text(), Value: d.text()}}
		out = append(out, a)
	}
	return out
}

func (d fuzzData) series(base []sources.Series) []sources.Series {
	out := make([]sources.Series, len(base))
	for i, s := range base {
		s.Spec.Namespace, s.Spec.Metric, s.Spec.Stat = d.text(), d.text()+fmt.Sprint(i), d.text()
		s.Spec.Dims = []sources.Dimension{{Name: d.text(), Value: d.text()}}
		out[i] = s
	}
	return out
}

func (d fuzzData) logs(at time.Time, n int) []sources.LogEvent {
	out := make([]sources.LogEvent, n)
	for i := range out {
		out[i] = sources.LogEvent{ID: fmt.Sprintf("fz-%d-%d", at.UnixNano(), i), Group: "/aws/lambda/" + d.text(),
			Stream: d.text(), Time: at.Add(time.Duration(i) * time.Millisecond), Message: d.text()}
	}
	return out
}

func (d fuzzData) trail(at time.Time, n int) []sources.TrailEvent {
	out := make([]sources.TrailEvent, n)
	for i := range out {
		e := sources.TrailEvent{ID: fmt.Sprintf("fz-%d-%d", at.UnixNano(), i), Time: at.Add(time.Duration(i) * time.Second),
			Name: d.text(), Source: d.text() + ".amazonaws.com", User: d.text(), SourceIP: d.text(),
			Resources: []string{d.text(), d.text()}, ReadOnly: d.r.IntN(2) == 0}
		if d.r.IntN(3) == 0 {
			e.ErrorCode, e.ErrorMessage = "AccessDenied", d.text()
		}
		doc, _ := json.Marshal(map[string]any{"eventName": d.next(), "userAgent": d.next(),
			"requestParameters": map[string]string{d.next(): d.next()}})
		e.JSON = string(doc)
		out[i] = e
	}
	return out
}

// drill rewrites every text of a real drill-down result.
func (d fuzzData) drill(msg triage.Result, alarm sources.Alarm) triage.Result {
	msg.Alarm = alarm
	msg.Verdict = d.text()
	msg.Trail = d.trail(msg.Start, 6)
	msg.Logs = d.logs(msg.Start, 20)
	msg.Errors = append(msg.Errors, fmt.Errorf("%s", d.text()))
	msg.Graph.Problems = append(msg.Graph.Problems, d.text())
	for i := range msg.Graph.Resources {
		msg.Graph.Resources[i].Resource.ID = d.text()
	}
	for i := range msg.History {
		msg.History[i].Summary = d.text()
	}
	suspects := make([]triage.Suspect, 0, len(msg.Trail))
	for _, e := range msg.Trail {
		suspects = append(suspects, triage.Suspect{Event: e, Score: d.r.Float64(), Relation: d.text(),
			Change: d.text(), Reason: d.text(), Likely: len(suspects) == 0})
	}
	msg.Suspects = suspects
	msg.Cause = suspects[0].Event.ID
	return msg
}

// baseline is the demo's data mid-incident, polled once for every case.
type baseline struct {
	alarms []sources.Alarm
	series []sources.Series
	drill  triage.Result
}

var demoBaseline = sync.OnceValue(func() baseline {
	now := func() time.Time { return demoStart.Add(incidentAfter + 2*time.Minute) }
	d := demo.New(demo.Options{Start: demoStart, Now: now, IncidentAfter: incidentAfter})
	m := New(Config{Source: d, Demo: true, Metrics: d.WatchedMetrics(), Now: now})
	pollAll(m, m.sched.Poll(sources.FeedAlarms))
	b := baseline{alarms: m.alarmList, drill: m.openDrill(m.alarmList[0])().(triageMsg).Result}
	b.series = m.sched.Poll(sources.FeedMetrics)().(sources.MetricsMsg).Series
	return b
})

// fuzzSizes are terminal sizes from the smallest drawn to a wide screen.
var fuzzSizes = [][2]int{{40, 10}, {80, 24}, {100, 30}, {159, 40}, {160, 45}, {213, 60}}

// checkLayout fills a demo dashboard with d's text at width x height and
// checks every pane and view.
func checkLayout(t *testing.T, meter *wcwidth.Meter, d fuzzData, width, height int) {
	t.Helper()
	base := demoBaseline()
	m, c := newDemoModel(t, incidentAfter+2*time.Minute, width, height)
	at := c.Now()
	m.Update(sources.AlarmsMsg{Alarms: d.alarms(base.alarms), At: at})
	m.Update(sources.MetricsMsg{Series: d.series(base.series), At: at})
	m.Update(sources.LogsMsg{Events: d.logs(at, 40), At: at})
	m.Update(sources.TrailMsg{Events: d.trail(at, 30), At: at})

	check := func(what string) {
		t.Helper()
		out := m.View()
		if t.Failed() {
			return
		}
		t.Run(what, func(t *testing.T) {
			panetest.CheckSize(t, out, width, height)
			checkTerminalSafe(t, out)
			checkWcwidth(t, meter, out, width)
		})
	}
	check("dashboard")
	if len(m.stack) == 0 {
		for id := range paneCount {
			r := m.layout.panes[id]
			t.Run(id.String()+" pane", func(t *testing.T) { panetest.CheckSize(t, m.paneView(id), r.w, r.h) })
		}
	}
	for range paneCount {
		press(m, "z")
		check(m.focus.String() + " zoomed")
		press(m, "enter")
		check(m.focus.String() + " opened")
		press(m, "esc", "esc", "tab")
	}
	m.focus = paneLogs
	press(m, "/", d.text(), d.text())
	check("filter prompt")
	press(m, "esc", "esc")
	m.focus = paneTrail
	press(m, "/", d.text())
	check("trail filter prompt")
	press(m, "esc", "esc", "?")
	check("help")
	press(m, "esc", "D")
	check("denied view")
	press(m, "esc")

	m.openDrill(m.alarmList[0])
	check("drill-down loading")
	m.Update(triageMsg{d.drill(base.drill, m.alarmList[0])})
	for i := range 4 {
		check(fmt.Sprintf("drill-down section %d", i))
		press(m, "down", "down", "tab")
	}
	press(m, "enter")
	check("drill-down line opened")
}

// checkTerminalSafe fails when a row holds something Sanitize would change:
// a grapheme cluster terminals draw at another width than the layout counts
// (e.g. one a pane cut in half), a control character or a tab.
func checkTerminalSafe(t *testing.T, out string) {
	t.Helper()
	for i, row := range strings.Split(ansi.Strip(out), "\n") {
		if safe := text.Sanitize(row); safe != row {
			t.Fatalf("row %d is not terminal-safe:\n%q\nsanitised:\n%q", i, row, safe)
		}
	}
}

// checkWcwidth fails when a row is not width cells wide by libc's wcwidth,
// or holds a character it calls unprintable.
func checkWcwidth(t *testing.T, meter *wcwidth.Meter, out string, width int) {
	t.Helper()
	rows := strings.Split(ansi.Strip(out), "\n")
	widths, err := meter.Widths(rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range widths {
		if w.Cells != width || w.Unprintable > 0 {
			t.Fatalf("row %d is %d cells by wcwidth (%d unprintable), the screen %d:\n%+q", i, w.Cells, w.Unprintable, width, rows[i])
		}
	}
}

// TestLayoutWithRandomUnicode runs a few hundred random cases.
func TestLayoutWithRandomUnicode(t *testing.T) {
	cases := 200
	if testing.Short() {
		cases = 24
	}
	meter := wcwidth.Start(t)
	for seed := range cases {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		size := fuzzSizes[seed%len(fuzzSizes)]
		checkLayout(t, meter, fuzzData{r: r, next: func() string { return wildText(r) }}, size[0], size[1])
		if t.Failed() {
			t.Fatalf("seed %d at %dx%d", seed, size[0], size[1])
		}
	}
}

// FuzzPaneLayout draws every view with the fuzzer's text in every field
// ("|" separates the texts taken in turn).
func FuzzPaneLayout(f *testing.F) {
	for _, s := range []string{"👍🏽 thumbs|👩‍👩‍👧 family|🇩🇪🇺|1️⃣#️⃣|❤️❤︎|e\u0301\u0302",
		"日本語のログ|한국어|\t\r\n|\x00\x07\x1b[31m|\xff\xfe|\u202e",
		strings.Repeat("👍🏽日", 3000), "", "a|b|c"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	meter := wcwidth.Start(f)
	f.Fuzz(func(t *testing.T, text string, sizeIndex uint8) {
		texts := strings.Split(text, "|")
		i := 0
		next := func() string { i++; return texts[i%len(texts)] }
		size := fuzzSizes[int(sizeIndex)%len(fuzzSizes)]
		checkLayout(t, meter, fuzzData{r: rand.New(rand.NewPCG(uint64(len(text)), 1)), next: next}, size[0], size[1])
	})
}
