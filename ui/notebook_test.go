package ui

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"watchtrail/notebook"
	"watchtrail/panes/panetest"
)

// webIncidentAt is a moment the demo's web incident is being looked at:
// prod-web-alb-5xx fired, its suspects ranked with erin's revoke first.
const webIncidentAt = incidentAfter + 15*time.Minute

func openBook(t *testing.T) *notebook.Store {
	t.Helper()
	s, err := notebook.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// bookModel is the demo dashboard of user writing to store, in the web
// incident's drill-down with its notebook loaded.
func bookModel(t *testing.T, store *notebook.Store, user string, width, height int) *Model {
	t.Helper()
	return bookModelOf(t, store, user, webIncidentAt, "prod-web-alb-5xx", width, height)
}

// bookModelOf is bookModel in the drill-down of alarm, elapsed into the demo.
func bookModelOf(t *testing.T, store *notebook.Store, user string, elapsed time.Duration, alarm string, width, height int) *Model {
	t.Helper()
	m, _ := newDemoModel(t, elapsed, width, height)
	m.cfg.Book = Book{Notebook: store, User: user}
	pump(t, m)
	drillInto(t, m, alarm)
	settleBook(t, m, m.loadBook(true))
	return m
}

// settleBook runs the notebook's commands and delivers their messages, and
// those of the commands they return, until none is left. Other messages
// (a cursor's blink) are dropped, and a command still waiting after a
// second (for the next change) is left.
func settleBook(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(time.Second):
		return
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			settleBook(t, m, c)
		}
	case bookDone, bookLoaded, notebook.Change:
		_, next := m.Update(msg)
		settleBook(t, m, next)
	}
}

// say types text into the open prompt and presses enter.
func say(t *testing.T, m *Model, text string) {
	t.Helper()
	if _, ok := m.top().(bookPrompt); !ok {
		t.Fatalf("no prompt open:\n%s", screen(m))
	}
	for _, r := range text {
		press(m, string(r))
	}
	settleBook(t, m, press(m, "enter"))
}

func TestConfirmReplacesTheLikelyCauseLine(t *testing.T) {
	m := bookModel(t, openBook(t), "ana", 120, 40)
	if !strings.Contains(screen(m), "likely cause: RevokeSecurityGroupIngress") {
		t.Fatalf("the engine's verdict before any verdict:\n%s", screen(m))
	}
	press(m, "c")
	if !strings.Contains(screen(m), "confirm RevokeSecurityGroupIngress · reason (enter to skip)") {
		t.Fatalf("no reason prompt:\n%s", screen(m))
	}
	say(t, m, "the ALB lost its ingress rule")
	out := screen(m)
	verdict := lineWith(out, "✓ confirmed by ana")
	if !strings.Contains(verdict, "confirmed by ana 19:15: the ALB lost its ingress rule · RevokeSecurityGroupIngress by erin") {
		t.Fatalf("the verdict line: %q\n%s", verdict, out)
	}
	if strings.Contains(out, "likely cause: RevokeSecurityGroupIngress") || strings.Contains(out, "engine:") {
		t.Fatalf("the engine's line should give way when it agrees:\n%s", out)
	}
	if !strings.Contains(lineWith(out, "refresh"), "ana confirmed RevokeSecurityGroupIngress") &&
		!strings.Contains(out, "ana confirmed RevokeSecurityGroupIngress") {
		t.Fatalf("no status line:\n%s", out)
	}
	// c again withdraws it, without a prompt.
	settleBook(t, m, press(m, "c"))
	if out := screen(m); strings.Contains(out, "✓ confirmed") || !strings.Contains(out, "likely cause: RevokeSecurityGroupIngress") {
		t.Fatalf("the withdrawn verdict stays:\n%s", out)
	}
}

func TestConfirmingAnotherSuspectKeepsTheEnginesPick(t *testing.T) {
	m := bookModel(t, openBook(t), "ana", 120, 40)
	press(m, "down", "c")
	say(t, m, "")
	out := screen(m)
	if !strings.Contains(out, "✓ confirmed by ana 19:15 · ModifyTargetGroup by frank") {
		t.Fatalf("the confirmed line:\n%s", out)
	}
	if !strings.Contains(lineWith(out, "engine:"), "likely cause: RevokeSecurityGroupIngress") {
		t.Fatalf("the engine's pick is not kept below:\n%s", out)
	}
}

func TestDismissedSuspectsDropToTheBottom(t *testing.T) {
	m := bookModel(t, openBook(t), "bob", 120, 50)
	press(m, "x")
	say(t, m, "rule restored at 19:15, errors went on")
	out := screen(m)
	rows := suspectRowsOf(out)
	if len(rows) < 2 || strings.Contains(rows[0], "RevokeSecurityGroupIngress") || !strings.Contains(rows[len(rows)-1], "RevokeSecurityGroupIngress") {
		t.Fatalf("the dismissed suspect is not last: %q\n%s", rows, out)
	}
	if !strings.Contains(out, "✗ dismissed by bob 19:15: rule restored at 19:15, errors went on") {
		t.Fatalf("the dismissal is not marked:\n%s", out)
	}
}

// suspectRowsOf are the suspects' first rows on screen, in order.
func suspectRowsOf(out string) []string {
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if suspectRow.MatchString(l) {
			rows = append(rows, l)
		}
	}
	return rows
}

var suspectRow = regexp.MustCompile(`┃[› ] +\d+\. \d\d:\d\d:\d\d `)

func TestNotesAndPinsShowInTheNotebookSection(t *testing.T) {
	m := bookModelOf(t, openBook(t), "ana", incidentAfter+3*time.Minute, "checkout-api-errors", 120, 50)
	press(m, "n")
	say(t, m, "paging the network team")
	settleBook(t, m, press(m, "p")) // the selected suspect's event
	press(m, "tab", "tab")          // the log lines
	settleBook(t, m, press(m, "p"))
	out := screen(m)
	if !strings.Contains(out, "Notebook (1 notes, 2 pins)") || !strings.Contains(out, "ana: paging the network team") {
		t.Fatalf("no Notebook section:\n%s", out)
	}
	if !strings.Contains(out, "⚑ event 19:") || !strings.Contains(out, "⚑ log 19:") {
		t.Fatalf("pins not listed:\n%s", out)
	}
	if !strings.Contains(out, "ana pinned a log line") {
		t.Fatalf("no status line for the pin:\n%s", out)
	}
}

// Another session on the same notebook sees a verdict as it is given, with
// a line in its status bar.
func TestAnotherSessionSeesTheVerdict(t *testing.T) {
	store := openBook(t)
	ana, bob := bookModel(t, store, "ana", 120, 40), bookModel(t, store, "bob", 120, 40)
	wait := bob.initBook()
	press(ana, "c")
	say(t, ana, "ingress rule gone")
	done := make(chan tea.Msg)
	go func() { done <- wait() }()
	select {
	case msg := <-done:
		_, cmd := bob.Update(msg)
		settleBook(t, bob, cmd)
	case <-time.After(5 * time.Second):
		t.Fatal("bob's session was not told")
	}
	out := screen(bob)
	if !strings.Contains(out, "✓ confirmed by ana 19:15: ingress rule gone") || !strings.Contains(out, "ana confirmed RevokeSecurityGroupIngress") {
		t.Fatalf("bob's screen:\n%s", out)
	}
}

func TestWithoutTheNotebookTheDrillDownStillWorks(t *testing.T) {
	m, _ := newDemoModel(t, webIncidentAt, 120, 40)
	m.cfg.Book = Book{NotebookErr: errors.New("notebook /x/notebook.db is corrupt or not a notebook database: move it away to start a new one")}
	m.initBook()
	pump(t, m)
	if !strings.Contains(screen(m), "notebook off: notebook /x/notebook.db is corrupt") {
		t.Fatalf("no status line error:\n%s", screen(m))
	}
	out := drillInto(t, m, "prod-web-alb-5xx")
	if !strings.Contains(out, "likely cause: RevokeSecurityGroupIngress") {
		t.Fatalf("the drill-down without the notebook:\n%s", out)
	}
	press(m, "c")
	if _, prompt := m.top().(bookPrompt); prompt || !strings.Contains(screen(m), "notebook off:") {
		t.Fatalf("c without a notebook:\n%s", screen(m))
	}
}

func TestHostileUserNameIsSanitised(t *testing.T) {
	m := bookModel(t, openBook(t), "mal\x1b]0;pwned\x07lory\x1b[2J", 120, 40)
	press(m, "n")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("hi \x1b[31mred\x1b]8;;http://x\x07"), Paste: true})
	say(t, m, "")
	out := m.View()
	if strings.Contains(out, "pwned") || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b]0") {
		t.Fatalf("escape sequences reached the screen: %q", out)
	}
	if !strings.Contains(screen(m), "mallory: hi") {
		t.Fatalf("the note:\n%s", screen(m))
	}
}

// TestGoldenDrillDownWithVerdicts draws the web incident's drill-down after
// a confirmation, a dismissal, a note and a pin.
func TestGoldenDrillDownWithVerdicts(t *testing.T) {
	panetest.UseProfile(t, termenv.ANSI256)
	m := bookModel(t, openBook(t), "ana", 120, 40)
	press(m, "c")
	say(t, m, "the ALB lost its ingress rule")
	press(m, "down", "down", "x")
	say(t, m, "tags only")
	press(m, "n")
	say(t, m, "restored by frank, 5xx gone")
	settleBook(t, m, press(m, "up", "p"))
	out := m.View()
	assertFills(t, out, 120, 40)
	golden.RequireEqual(t, out)
}

// The wall screen in kiosk mode shows a verdict given elsewhere: in the
// drill-down it rotates to, and in its status line.
func TestKioskShowsVerdictsGivenElsewhere(t *testing.T) {
	store := openBook(t)
	m, _ := newDemoModel(t, webIncidentAt, 120, 40)
	m.cfg.Book = Book{Notebook: store, User: "wall"}
	withRoom(m, WarRoom{Kiosk: true, Rotate: time.Minute})
	wait := m.initBook()
	pump(t, m)
	if !m.inDrill() || m.detail.Alarm().Name != "prod-web-alb-5xx" {
		t.Fatalf("the kiosk did not open the firing alarm:\n%s", screen(m))
	}
	_, cmd := m.Update(m.drill(m.detail.Alarm())())
	settleBook(t, m, cmd)
	d, _ := m.detail.Drill()
	inc, _ := m.detail.Incident()
	if _, err := store.SetVerdict(inc, d.Suspects[0].Event, notebook.Confirmed, "bob", "security group rule revoked", time.Now()); err != nil {
		t.Fatal(err)
	}
	_, cmd = m.Update(wait())
	settleBook(t, m, cmd)
	out := screen(m)
	if !m.room.kiosk.on || !strings.Contains(out, "✓ confirmed by bob") || !strings.Contains(out, "bob confirmed RevokeSecurityGroupIngress") {
		t.Fatalf("the kiosk screen:\n%s", out)
	}
}
