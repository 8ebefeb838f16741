// Package panetest holds what the panes' and the dashboard's tests share:
// a settable clock, the exact-size check and the colour profile switch.
package panetest

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Clock is a settable time.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// UseProfile renders with profile (and a dark background) until the test
// ends: termenv.Ascii for plain text, termenv.ANSI256 for what tmux and SSH
// users get.
func UseProfile(tb testing.TB, profile termenv.Profile) {
	prev, dark := lipgloss.ColorProfile(), lipgloss.HasDarkBackground()
	lipgloss.SetColorProfile(profile)
	lipgloss.SetHasDarkBackground(true)
	tb.Cleanup(func() {
		lipgloss.SetColorProfile(prev)
		lipgloss.SetHasDarkBackground(dark)
	})
}

// CheckSize fails unless out is exactly width x height cells (empty when
// either is zero).
func CheckSize(tb testing.TB, out string, width, height int) {
	tb.Helper()
	if width <= 0 || height <= 0 {
		if out != "" {
			tb.Fatalf("%dx%d: want empty output, got %q", width, height, out)
		}
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) != height {
		tb.Fatalf("%dx%d: got %d lines:\n%s", width, height, len(lines), out)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w != width {
			tb.Fatalf("%dx%d: line %d is %d wide: %q", width, height, i, w, ansi.Strip(l))
		}
	}
}

// LineWith is the first line of out containing text, or "".
func LineWith(out, text string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, text) {
			return line
		}
	}
	return ""
}
