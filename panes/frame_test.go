package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/theme"
)

func TestFrameIsExactlyTheGivenSize(t *testing.T) {
	for _, focused := range []bool{false, true} {
		out := Frame("Alarms", "3 firing", "one\ntwo very long line that will not fit in the box at all\nthree\nfour", 30, 4, focused)
		lines := strings.Split(out, "\n")
		if len(lines) != 4 {
			t.Fatalf("got %d lines, want 4:\n%s", len(lines), out)
		}
		for _, l := range lines {
			if w := lipgloss.Width(l); w != 30 {
				t.Fatalf("line %q is %d wide, want 30", l, w)
			}
		}
		if !strings.Contains(lines[0], "Alarms") || !strings.Contains(lines[0], "3 firing") {
			t.Fatalf("title missing from top border: %q", lines[0])
		}
		if strings.Contains(out, "three") {
			t.Fatalf("body should be cut to 2 lines:\n%s", out)
		}
	}
}

func TestWithFooterWritesIntoTheBottomBorder(t *testing.T) {
	view := Frame("Logs", "", "a\nb", 40, 5, false)
	out := WithFooter(view, "⚠ throttled · data from 19:50:01", false)
	lines := strings.Split(out, "\n")
	last := lines[len(lines)-1]
	if len(lines) != 5 || lipgloss.Width(last) != 40 || !strings.Contains(last, "throttled") || !strings.HasPrefix(last, "╰") {
		t.Fatalf("footer not in the bottom border:\n%s", out)
	}
	if got := WithFooter(view, strings.Repeat("x", 100), false); lipgloss.Width(got[strings.LastIndex(got, "\n")+1:]) != 40 {
		t.Fatal("a long footer changed the width")
	}
}

// TestCellWidthAgreesWithLipgloss checks the fast width on the characters
// it counts itself, with styles, and on ones it hands on.
func TestCellWidthAgreesWithLipgloss(t *testing.T) {
	var narrow []rune
	for r := rune(0x80); r < 0x30000; r++ {
		if narrowRune(r) {
			narrow = append(narrow, r)
		}
	}
	lines := []string{"", "plain ascii", theme.Error.Render("red") + " │ ▁▂█ ⣿ …›", "日本語 wide", "e\u0301 combining",
		"👍🏽 emoji", "1\ufe0f\u20e3 keycap", "▲\ufe0f", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", string(narrow)}
	for _, r := range narrow {
		if w := lipgloss.Width(string(r)); w != 1 {
			t.Errorf("%U is %d cells wide, not 1", r, w)
		}
	}
	for _, l := range lines {
		if got, want := cellWidth(l), lipgloss.Width(l); got != want {
			t.Errorf("cellWidth(%q) = %d, lipgloss says %d", l, got, want)
		}
	}
}
