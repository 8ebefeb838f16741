package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
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
