package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/sources/demo"

	tea "github.com/charmbracelet/bubbletea"
)

func TestCShowsTheLinesAroundALogLine(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab", "tab") // the logs pane
	e, ok := m.logs.Selected()
	if !ok {
		t.Fatal("no log line selected")
	}
	settle(t, m, press(m, "c"))
	out := screen(m)
	if !m.viewing() || !strings.Contains(out, "Context · "+e.Group) {
		t.Fatalf("c did not open the context:\n%s", out)
	}
	marked := lineWith(out, "› ")
	if !strings.Contains(marked, e.Time.UTC().Format("15:04:05.000")) {
		t.Fatalf("the selected line is not marked in its context: %q\n%s", marked, out)
	}
	if n := strings.Count(out, e.Time.UTC().Format("15:04")); n < 2 {
		t.Fatalf("no lines around the selected one:\n%s", out)
	}
}

func TestFilterMatchesAreHighlightedInTheLogsPane(t *testing.T) {
	panetest.UseProfile(t, termenv.ANSI256)
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter, Composite: true})
	m := New(Config{Source: d, Refresh: time.Minute, LogGroups: d.LogGroups(), LogFilter: "?ERROR ?timed", Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	m.Update(sources.LogsMsg{Events: []sources.LogEvent{{ID: "1", Group: "/aws/lambda/checkout-api", Time: c.T,
		Message: "ERROR Task timed out after 3.00 seconds"}}})
	out := m.View()
	line := lineWith(out, "Task")
	if !strings.Contains(line, "\x1b[") || !strings.Contains(ansi.Strip(line), "ERROR Task timed out") {
		t.Fatalf("the line is missing: %q", line)
	}
	for _, term := range []string{"ERROR", "timed"} {
		before, _, found := strings.Cut(line, "m"+term+"\x1b[") // the escape after it ends the highlight
		if sgr := before[strings.LastIndex(before, "\x1b[")+1:]; !found || !strings.Contains(sgr, "7") {
			t.Errorf("%s is not reversed: %q", term, line)
		}
	}
	if strings.Contains(line, "mTask\x1b") {
		t.Errorf("a word the pattern does not name is highlighted: %q", line)
	}
}
