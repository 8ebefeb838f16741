package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// At 200x50 a PgDn in the logs pane moves the selection and the view by
// exactly the rows the pane shows (it moved a third of the screen, three
// rows more than shown), and PgUp back.
func TestPgDnInTheLogsPaneMovesByTheRowsShown(t *testing.T) {
	m, c := newDemoModel(t, 0, 200, 50)
	for range 40 {
		c.T = c.T.Add(3 * time.Second)
		pump(t, m)
	}
	m.focus = paneLogs
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	first, _ := m.logs.Selected()
	shown := 0 // rows the pane shows: downs until the first row scrolls away
	for strings.Contains(screen(m), first.Message) && shown < 100 {
		press(m, "down")
		shown++
	}
	if shown < 10 || shown >= 100 {
		t.Fatalf("the logs pane shows %d rows at 200x50", shown)
	}
	want, _ := m.logs.Selected() // the first row of the next page

	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	homePage := screen(m)
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if got, _ := m.logs.Selected(); got.ID != want.ID {
		t.Fatalf("PgDn selected %q, want %q, the row after the %d shown", got.Message, want.Message, shown)
	}
	if out := screen(m); strings.Contains(out, first.Message) || !strings.Contains(out, want.Message) {
		t.Fatalf("PgDn did not show the next page:\n%s", out)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if got, _ := m.logs.Selected(); got.ID != first.ID || screen(m) != homePage {
		t.Fatalf("PgUp did not go back to the first page: selected %q, want %q:\n%s\nwant:\n%s", got.Message, first.Message, screen(m), homePage)
	}
}
