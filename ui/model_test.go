package ui

import (
	"watchtrail/feed"
	"watchtrail/panes/panetest"

	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// clock is a settable time for the demo source and the model.
type clock = panetest.Clock

var demoStart = time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)

const incidentAfter = 20 * time.Second

// newDemoModel builds a dashboard on the demo account at start+elapsed.
func newDemoModel(t testing.TB, elapsed time.Duration, width, height int) (*Model, *clock) {
	t.Helper()
	c := &clock{T: demoStart.Add(elapsed)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter, Composite: true})
	m := New(Config{Source: d, Demo: true, Refresh: 2 * time.Second, LogGroups: d.LogGroups(),
		Metrics: d.WatchedMetrics(), Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	return m, c
}

// pump polls every feed once, synchronously, and delivers the results.
// Alarms go first so the metrics poll knows the alarms' metrics.
func pump(t testing.TB, m *Model) {
	t.Helper()
	for _, f := range feed.All {
		m.sched.FeedState(f).Phase = feed.PhaseIdle
		pollAll(m, m.sched.Poll(f))
	}
}

// press sends keys: names like "enter", "tab", "esc", or runes typed as-is.
func press(m *Model, names ...string) tea.Cmd {
	var last tea.Cmd
	for _, n := range names {
		var msg tea.KeyMsg
		switch n {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "shift+tab":
			msg = tea.KeyMsg{Type: tea.KeyShiftTab}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)}
		}
		_, last = m.Update(msg)
	}
	return last
}

func (m *Model) inDrill() bool {
	_, open := inStack[detailView](m)
	return open
}

func (m *Model) viewing() bool {
	switch m.top().(type) {
	case viewerView, *logLineView:
		return true
	}
	return false
}

// lineWith is the first line of out containing text.
var lineWith = panetest.LineWith

// column is the display column text starts at on its first line, or -1.
func column(out, text string) int {
	line := lineWith(out, text)
	if i := strings.Index(line, text); i >= 0 {
		return ansi.StringWidth(line[:i])
	}
	return -1
}

func screen(m *Model) string { return ansi.Strip(m.View()) }

func assertFills(t *testing.T, out string, width, height int) {
	t.Helper()
	panetest.CheckSize(t, out, width, height)
}

func TestDashboardShowsAllFourPanesInDemoMode(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		m, _ := newDemoModel(t, 5*time.Minute, size[0], size[1])
		pump(t, m)
		out := screen(m)
		assertFills(t, out, size[0], size[1])
		for _, want := range []string{"DEMO", "Alarms", "Metrics", "Logs", "CloudTrail", "checkout-api"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: screen lacks %q:\n%s", size[0], size[1], want, out)
			}
		}
		header, _, _ := strings.Cut(out, "\n")
		if !strings.Contains(header, "3 firing") || !strings.Contains(header, "UTC") {
			t.Errorf("%dx%d: header lacks the firing count or clock: %q", size[0], size[1], header)
		}
		if !strings.ContainsAny(out, "▁▂▃▄▅▆▇█") {
			t.Errorf("%dx%d: no sparklines:\n%s", size[0], size[1], out)
		}
	}
}

func TestIncidentFiresAndDrillDownFindsTheCause(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	out := screen(m)
	if !strings.Contains(out, "3 firing") || !strings.Contains(out, "ALARM  checkout-api-") {
		t.Fatalf("the incident alarm is not shown firing:\n%s", out)
	}
	a, ok := m.alarms.Selected()
	if !ok || a.State != sources.StateAlarm || !strings.HasPrefix(a.Name, "checkout-api-") {
		t.Fatalf("first selected alarm is %+v, want a checkout-api alarm in ALARM", a)
	}
	cmd := press(m, "enter")
	if !m.inDrill() || cmd == nil {
		t.Fatal("enter on an alarm did not open the drill-down")
	}
	m.Update(cmd())
	out = screen(m)
	assertFills(t, out, 120, 40)
	for _, want := range []string{a.Name, "UpdateFunctionConfiguration", "alice", "Task timed out"} {
		if !strings.Contains(out, want) {
			t.Errorf("drill-down lacks %q:\n%s", want, out)
		}
	}
	press(m, "esc")
	if m.inDrill() {
		t.Fatal("esc did not leave the drill-down")
	}
}

func TestTabCyclesFocusAndFilterNarrowsThePane(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab", "tab")
	if m.focus != paneLogs {
		t.Fatalf("focus is %v after two tabs, want logs", m.focus)
	}
	press(m, "/", "t", "i", "m", "e", "d", " ", "o", "u", "t", "enter")
	out := screen(m)
	if m.filters[paneLogs] != "timed out" || !strings.Contains(out, "/timed out") {
		t.Fatalf("filter not applied to logs:\n%s", out)
	}
	press(m, "esc")
	if m.filters[paneLogs] != "" {
		t.Fatal("esc did not clear the filter")
	}
}

func TestErrorsShowInTheStatusLineAndKeepData(t *testing.T) {
	m, _ := newDemoModel(t, 5*time.Minute, 120, 40)
	pump(t, m)
	before := m.alarms.Firing()
	m.Update(sources.ErrMsg{Feed: sources.FeedAlarms, Err: throttled, At: m.now})
	m.Update(sources.ErrMsg{Feed: sources.FeedAlarms, Err: throttled, At: m.now})
	out := screen(m)
	if !strings.Contains(out, "alarms: throttled") || !strings.Contains(out, "retry in 8s") {
		t.Fatalf("status line lacks the throttling error and backoff:\n%s", out)
	}
	if m.alarms.Firing() != before || !strings.Contains(out, "checkout-api") {
		t.Fatal("the alarms pane lost its data after an error")
	}
	if !strings.Contains(out, "⚠ throttled · data from "+m.sched.FeedState(sources.FeedAlarms).LastOK.UTC().Format("15:04:05")) {
		t.Fatalf("the alarms pane does not say its data is stale:\n%s", out)
	}
	pump(t, m)
	if strings.Contains(screen(m), "throttled") {
		t.Fatal("the error stayed after the feed recovered")
	}
}

var throttled = &sources.Error{Problem: sources.ProblemThrottled, Detail: "ThrottlingException: Rate exceeded",
	Err: errors.New("api error ThrottlingException: Rate exceeded")}

func TestLogGroupsDefaultToTheAlarmsLambdaGroupsAndSayWhenThereAreNone(t *testing.T) {
	m, _ := newDemoModel(t, 5*time.Minute, 120, 40)
	m.sched.Config().LogGroups = nil
	m.sched.SetLogGroups(nil)
	m.Update(m.sched.Poll(sources.FeedLogs)())
	if out := screen(m); !strings.Contains(out, "no log groups to tail") {
		t.Fatalf("no hint about missing log groups:\n%s", out)
	}
	if m.sched.FeedState(sources.FeedLogs).Failures != 0 {
		t.Fatal("a missing log group configuration should not back off like a failure")
	}
	pump(t, m)
	if got := m.sched.LogGroups(); len(got) == 0 || got[0] != "/aws/lambda/checkout-api" {
		t.Fatalf("tailed groups %v, want the alarms' Lambda groups", got)
	}
	if m.logs.Len() == 0 {
		t.Fatal("no log lines from the derived groups")
	}
}

func TestHeaderNeverSaysAllClearBeforeAlarmsLoad(t *testing.T) {
	m, _ := newDemoModel(t, 5*time.Minute, 120, 40)
	unreachable := fmt.Errorf("operation error CloudWatch: DescribeAlarms: %w",
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")})
	m.Update(sources.ErrMsg{Feed: sources.FeedAlarms, Err: unreachable, At: m.now})
	m.Update(sources.ErrMsg{Feed: sources.FeedTrail, Err: throttled, At: m.now})
	out := screen(m)
	if strings.Contains(out, "all clear") || !strings.Contains(out, "alarms not loaded yet") {
		t.Fatalf("header claims a state it does not know:\n%s", out)
	}
	if !strings.Contains(out, "[+1 more failing] alarms: endpoint unreachable — dial tcp: connect: connection refused") {
		t.Fatalf("status line does not lead with the failures:\n%s", out)
	}
}

func TestEnterOnAnAlarmedMetricOpensItsAlarm(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab")
	s, _ := m.metrics.Selected()
	cmd := press(m, "enter")
	if !m.inDrill() || cmd == nil || m.detail.Alarm().Metric.Key() != s.Spec.Key() {
		t.Fatalf("enter on metric %s did not open its alarm's drill-down", s.Spec.Label())
	}
}

func TestEnterOnATrailEventShowsItsJSONAndEscCloses(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab", "tab", "tab")
	e, ok := m.trail.Selected()
	if m.focus != paneTrail || !ok {
		t.Fatal("no trail event selected")
	}
	press(m, "enter")
	out := screen(m)
	assertFills(t, out, 120, 40)
	if !strings.Contains(out, `"eventID": "`+e.ID+`"`) || !strings.Contains(out, "CloudTrail event · "+e.Name) {
		t.Fatalf("JSON of %s not shown:\n%s", e.ID, out)
	}
	press(m, "down", "esc")
	if m.viewing() || !strings.Contains(screen(m), "Alarms") {
		t.Fatal("esc did not close the JSON view")
	}
}

func TestEnterOnALogLineShowsItInFull(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	m.Update(sources.LogsMsg{Events: []sources.LogEvent{{ID: "long", Group: "/aws/lambda/checkout-api", Time: m.now,
		Message: `{"level":"ERROR","msg":"` + strings.Repeat("x", 300) + `","trace":"at handler (index.js:42)"}`}}})
	press(m, "tab", "tab", "G", "enter")
	out := screen(m)
	if _, ok := m.top().(*logLineView); !ok || !strings.Contains(out, "level: ERROR") || !strings.Contains(out, "trace: at handler (index.js:42)") {
		t.Fatalf("the selected JSON log line is not shown as fields:\n%s", out)
	}
	press(m, "v")
	if out := screen(m); !strings.Contains(out, `"trace": "at handler (index.js:42)"`) {
		t.Fatalf("v does not show the raw line in full:\n%s", out)
	}
	press(m, "v")
	if out := screen(m); !strings.Contains(out, "level: ERROR") {
		t.Fatalf("v again does not return to the fields:\n%s", out)
	}
}

func TestDrillDownOfARecoveredAlarmStillBlamesTheChangeThatFiredIt(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+9*time.Minute, 160, 50)
	pump(t, m)
	if m.alarms.Firing() != 0 {
		t.Fatal("the demo incident should have recovered by now")
	}
	press(m, append(strings.Split("/checkout-api-errors errors", ""), "enter")...) // not the composite naming it
	a, ok := m.alarms.Selected()
	if !ok || a.Name != "checkout-api-errors" {
		t.Fatalf("filter selected %+v", a)
	}
	m.Update(press(m, "enter")())
	out := screen(m)
	cause := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "likely cause") {
			cause = line
		}
	}
	if !strings.Contains(cause, "alice") || !strings.Contains(out, "OK→ALARM") || !strings.Contains(out, "ALARM→OK") {
		t.Fatalf("want alice's change as the likely cause and the alarm's history:\n%s", out)
	}
}

func TestHelpListsTheKeysInAColumn(t *testing.T) {
	m, _ := newDemoModel(t, time.Minute, 100, 30)
	press(m, "?")
	out := screen(m)
	tab, enter := column(out, "next pane"), column(out, "open: alarm")
	if !strings.Contains(out, "↑/k  move up") || !strings.Contains(out, "shift+tab previous pane") || tab < 0 || tab != enter {
		t.Fatalf("help keys are not aligned:\n%s", out)
	}
	press(m, "esc")
	if _, open := inStack[helpView](m); open {
		t.Fatal("esc did not close help")
	}
}

func TestViewStackPushesAndEscPops(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab", "tab", "z")
	if _, ok := m.top().(zoomView); !ok || !strings.Contains(lineWith(screen(m), "Logs"), "┏") {
		t.Fatalf("z did not zoom the logs pane:\n%s", screen(m))
	}
	if lipgloss.Width(lineWith(screen(m), "Logs")) != 120 {
		t.Fatal("the zoomed pane does not span the screen")
	}
	press(m, "/", "E", "R", "R")
	if _, ok := m.top().(filterView); !ok || !strings.Contains(lastLine(screen(m)), "/ERR") {
		t.Fatalf("the filter prompt is not on top of the zoom:\n%s", screen(m))
	}
	press(m, "enter")
	if _, ok := m.top().(zoomView); !ok || m.filters[paneLogs] != "ERR" {
		t.Fatal("enter should keep the filter and return to the zoomed pane")
	}
	press(m, "?")
	press(m, "x")
	press(m, "esc")
	if m.top() != nil || !strings.Contains(screen(m), "Alarms") {
		t.Fatalf("esc should pop back to the dashboard:\n%s", screen(m))
	}
	if lipgloss.Width(lineWith(screen(m), "Alarms")) != 120 || strings.Count(screen(m), "Alarms") != 1 {
		t.Fatal("the panes did not get their dashboard sizes back")
	}
}

// An error in the status line leaves the way to the help in view, also when
// it has to be cut to fit.
func TestStatusLineKeepsTheHelpKeyBesideAnError(t *testing.T) {
	m, _ := newDemoModel(t, 5*time.Minute, 80, 24)
	pump(t, m)
	long := &sources.Error{Problem: sources.ProblemThrottled, Detail: "ThrottlingException: " + strings.Repeat("Rate exceeded ", 10),
		Err: errors.New("api error ThrottlingException")}
	m.Update(sources.ErrMsg{Feed: sources.FeedAlarms, Err: long, At: m.now})
	status := lastLine(screen(m))
	if !strings.HasPrefix(strings.TrimSpace(status), "⚠ alarms: throttled") || !strings.HasSuffix(strings.TrimRight(status, " "), "? help") {
		t.Fatalf("status line %q, want the error and then ? help", status)
	}
}

// The default refresh is set in one place: 15 s for AWS, 2 s for the demo.
func TestConfigDefaultsTheRefreshOnce(t *testing.T) {
	if got := (Config{}).WithDefaults().Refresh; got != 15*time.Second {
		t.Errorf("AWS refresh %v", got)
	}
	if got := (Config{Demo: true}).WithDefaults().Refresh; got != 2*time.Second {
		t.Errorf("demo refresh %v", got)
	}
	if got := (Config{Refresh: 3 * time.Second}).WithDefaults().Refresh; got != 3*time.Second {
		t.Errorf("a set refresh became %v", got)
	}
}
