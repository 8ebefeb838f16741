package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/theme"
)

// TestCompactDrawsTheSameCells renders pieces the panes are made of in each
// colour profile and checks Compact draws the same cells with fewer bytes.
func TestCompactDrawsTheSameCells(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI} {
		panetest.UseProfile(t, profile)
		border := lipgloss.NewStyle().Foreground(theme.Accent)
		spark := theme.Info.Render("▁▂▃") + " " + theme.Info.Render("▅▇█")
		lines := []string{
			theme.Header.Render("watchtrail") + theme.DemoBadge.Render("DEMO") + " demo " + theme.Good.Render("all clear") + theme.Dim.Render("  19:02:00 UTC"),
			border.Render("┃") + theme.Selected.Render("› checkout-api-errors   ") + border.Render("┃") + theme.Pane.Render("inner"),
			border.Render("┃") + "  " + spark + " " + lipgloss.NewStyle().Bold(true).Foreground(theme.Red).Render("ALARM") + "   " + theme.Warn.Render("INSUFFICIENT") + border.Render("┃"),
			theme.Key.Render("?") + " help  " + theme.Status.Render("refresh 2s") + lipgloss.NewStyle().Underline(true).Render("a b") + " " + lipgloss.NewStyle().Strikethrough(true).Render(" x "),
			"plain text, no escapes at all",
			lipgloss.NewStyle().Bold(true).Render("bold") + lipgloss.NewStyle().Italic(true).Faint(true).Render(" italic ") + "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
		}
		screen := strings.Join(lines, "\n")
		got := compact(screen)
		panetest.SameCells(t, screen, got)
		if len(got) >= len(screen) {
			t.Errorf("%v: compacting gave %d bytes from %d", profile, len(got), len(screen))
		}
		// A cell drawn after each line has the default pen.
		gotLines := strings.Split(got, "\n")
		for i, line := range strings.Split(screen, "\n") {
			panetest.SameCells(t, line+"X", gotLines[i]+"X")
		}
	}
}

func TestCompactRuns(t *testing.T) {
	for in, want := range map[string]string{
		// One escape for a run of equal colour; blanks keep the pen.
		"\x1b[38;5;75m▁\x1b[0m\x1b[38;5;75m▂\x1b[0m \x1b[38;5;75m▃\x1b[0m": "\x1b[38;5;75m▁▂ ▃\x1b[0m",
		// A colour change is one escape; switching bold off resets.
		"\x1b[1;31mA\x1b[0m\x1b[32mB\x1b[0m\x1b[1;32mC\x1b[0m": "\x1b[1;31mA\x1b[0;32mB\x1b[1mC\x1b[0m",
		// A background shows on blanks.
		"\x1b[41m \x1b[0m \x1b[41m \x1b[0m": "\x1b[41m \x1b[0m \x1b[41m \x1b[0m",
		// Unknown codes leave the line alone.
		"\x1b[4:3mcurly\x1b[0m\x1b[0m": "\x1b[4:3mcurly\x1b[0m\x1b[0m",
		"\x1b[31mcut off \x1b[":        "\x1b[31mcut off \x1b[",
		// Trailing resets and escapes around nothing vanish.
		"a\x1b[31m\x1b[0m b \x1b[0m": "a b ",
	} {
		if got := compact(in); got != want {
			t.Errorf("Compact(%q) = %q, want %q", in, got, want)
		}
	}
}
