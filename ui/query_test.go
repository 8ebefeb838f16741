package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources/demo"
)

// newRunningDemoModel is newDemoModel on a clock that moves with the wall
// clock (and is safe to read from the query's goroutine): demo queries
// report Running for a moment before they complete.
func newRunningDemoModel(t *testing.T, elapsed time.Duration, width, height int) *Model {
	t.Helper()
	t0 := time.Now()
	now := func() time.Time { return demoStart.Add(elapsed).Add(time.Since(t0)) }
	d := demo.New(demo.Options{Start: demoStart, Now: now, IncidentAfter: incidentAfter, Composite: true})
	m := New(Config{Source: d, Demo: true, Refresh: 2 * time.Second, LogGroups: d.LogGroups(),
		Metrics: d.WatchedMetrics(), Now: now})
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	return m
}

// settle runs cmd and what its messages lead to, synchronously, until no
// command is left; batches run in order. Bounded, so a loop fails the test.
func settle(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 200 {
			t.Fatal("commands did not settle in 200 steps")
		}
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		got := make(chan tea.Msg, 1)
		go func() { got <- next() }()
		var msg tea.Msg
		select {
		case msg = <-got:
		case <-time.After(20 * time.Second):
			t.Fatal("a command did not return in 20s")
		}
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case nil:
		default:
			_, c := m.Update(msg)
			queue = append(queue, c)
		}
	}
}

func (m *Model) queryView(t *testing.T) *queryView {
	t.Helper()
	v, ok := m.top().(*queryView)
	if !ok {
		t.Fatalf("the query view is not on top: %T", m.top())
	}
	return v
}

func TestInsightsQueryRunsAndShowsATableAndTheRecord(t *testing.T) {
	m := newRunningDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	settle(t, m, press(m, "i"))
	out := screen(m)
	assertFills(t, out, 120, 40)
	for _, want := range []string{"Logs Insights", "groups (", "range: last 1h", "query › fields @timestamp"} {
		if !strings.Contains(out, want) {
			t.Fatalf("query view lacks %q:\n%s", want, out)
		}
	}
	settle(t, m, press(m, "enter")) // the tailed groups are chosen: enter runs
	out = screen(m)
	assertFills(t, out, 120, 40)
	header := lineWith(out, "@timestamp")
	if !strings.Contains(header, "@message") || !strings.Contains(header, "@logStream") {
		t.Fatalf("results header lacks the query's fields: %q\n%s", header, out)
	}
	if !strings.Contains(out, "Complete · ") || !strings.Contains(out, "scanned") {
		t.Fatalf("no statistics line after the run:\n%s", out)
	}
	if strings.Contains(header, "@ptr") {
		t.Errorf("the hidden @ptr field is a column: %q", header)
	}
	v := m.queryView(t)
	if v.table.Len() == 0 || v.section != querySectionResults {
		t.Fatalf("no rows, or results not focused: %d rows, section %d", v.table.Len(), v.section)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > 120 {
			t.Fatalf("a line overflows the terminal: %q", line)
		}
	}
	settle(t, m, press(m, "enter"))
	if !m.viewing() {
		t.Fatal("enter on a row did not open the record")
	}
	rec := screen(m)
	for _, want := range []string{"Log record", "@message: ", "@log: "} {
		if !strings.Contains(rec, want) {
			t.Errorf("record view lacks %q:\n%s", want, rec)
		}
	}
	press(m, "esc", "esc")
	if m.top() != nil {
		t.Fatalf("esc twice did not return to the dashboard: %T", m.top())
	}
}

func TestInsightsGroupPickerIsFuzzyAndMultiSelect(t *testing.T) {
	m := newRunningDemoModel(t, incidentAfter+2*time.Minute, 100, 30)
	pump(t, m)
	m.sched.SetLogGroups(nil) // nothing tailed: the view starts in the picker
	settle(t, m, press(m, "i"))
	v := m.queryView(t)
	if v.section != querySectionGroups || len(v.groups) == 0 {
		t.Fatalf("the picker is not open with the groups listed: section %d, %v", v.section, v.groups)
	}
	press(m, "enter") // runs nothing: toggles the first group
	first := v.picked
	if len(first) != 1 {
		t.Fatalf("enter did not choose the group under the cursor: %v", first)
	}
	want := v.groups[len(v.groups)-1]
	press(m, strings.Split(strings.TrimPrefix(want, "/"), "")...) // q, r, ... are text here
	out := screen(m)
	if !strings.Contains(lineWith(out, "› [ ]"), want) {
		t.Fatalf("typing the name does not bring %s first:\n%s", want, out)
	}
	press(m, "enter")
	if len(v.picked) != 2 || v.picked[1] != want {
		t.Fatalf("picked %v, want two groups ending with %s", v.picked, want)
	}
	run := press(m, "tab", "enter") // to the query; enter runs
	if !v.running {
		t.Fatalf("enter in the query did not run it: %s", v.err)
	}
	press(m, "esc") // esc cancels the running query
	settle(t, m, run)
	if v.running || !strings.Contains(screen(m), "cancelled") {
		t.Fatalf("esc did not cancel the query:\n%s", screen(m))
	}
	if m.top() != v {
		t.Fatal("esc while running closed the view instead of cancelling")
	}
}

func TestInsightsSavedQueriesAndRanges(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 100, 30)
	pump(t, m)
	settle(t, m, press(m, "i"))
	v := m.queryView(t)
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	if v.savedIdx != 0 || !strings.Contains(screen(m), "Logs Insights · "+v.saved[0].Name) {
		t.Fatalf("ctrl+s did not choose the first saved query:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "query › "+strings.Fields(v.saved[0].Query)[0]) {
		t.Fatalf("the saved query's text is not in the input:\n%s", screen(m))
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlT})
	if !strings.Contains(screen(m), "range: last 3h") {
		t.Fatalf("ctrl+t did not move to the next range:\n%s", screen(m))
	}
	press(m, "tab", "tab", "tab") // round to the query: an empty one is refused with the reason
	v.input.SetValue("")
	press(m, "enter")
	if !strings.Contains(screen(m), "the query is empty") {
		t.Fatalf("an empty query is not refused:\n%s", screen(m))
	}
}

func TestQueryAroundTheAlarmFromTheDrillDown(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	settle(t, m, press(m, "enter"))
	if !m.inDrill() {
		t.Fatal("no drill-down")
	}
	settle(t, m, press(m, "i"))
	v := m.queryView(t)
	d, _ := m.detail.Drill()
	if v.rangeIdx != -1 || !v.window[0].Equal(d.Start) || !v.window[1].Equal(d.End) || len(v.picked) == 0 {
		t.Fatalf("the view is not pre-filled with the drill-down: window %v, groups %v", v.window, v.picked)
	}
	out := screen(m)
	if !strings.Contains(out, "range: fixed window · "+d.Start.UTC().Format("01-02 15:04")) {
		t.Fatalf("the range does not show the drill-down window:\n%s", out)
	}
	press(m, "esc")
	if !m.inDrill() || m.top() != (detailView{}) {
		t.Fatal("esc did not return to the drill-down")
	}
}
