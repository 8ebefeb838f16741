package panetest

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/cellbuf"
)

// SameCells fails unless want and got draw the same screen: the same
// characters in the same places, each with the same style, except that a
// blank's foreground, bold, faint, italic and blink are not seen. The cells
// come from cellbuf's own parser, not the code under test.
func SameCells(tb testing.TB, want, got string) {
	tb.Helper()
	a, b := screenCells(want), screenCells(got)
	if a.Width() != b.Width() || a.Height() != b.Height() {
		tb.Fatalf("sizes differ: %dx%d, %dx%d", a.Width(), a.Height(), b.Width(), b.Height())
	}
	for y := range a.Height() {
		for x := range a.Width() {
			ca, cb := a.Cell(x, y), b.Cell(x, y)
			if ca == nil || cb == nil {
				if ca != cb {
					tb.Fatalf("cell %d,%d: one is missing", x, y)
				}
				continue
			}
			sa, sb := seen(*ca), seen(*cb)
			if ca.String() != cb.String() || !sa.Equal(&sb) {
				tb.Fatalf("cell %d,%d differs: %q %+v, %q %+v\nline: %q\nline: %q", x, y,
					ca.String(), sa, cb.String(), sb, strings.Split(want, "\n")[y], strings.Split(got, "\n")[y])
			}
		}
	}
}

func screenCells(s string) *cellbuf.Buffer {
	width := 0
	for _, line := range strings.Split(s, "\n") {
		width = max(width, ansi.StringWidth(line))
	}
	buf := cellbuf.NewBuffer(width, strings.Count(s, "\n")+1)
	cellbuf.SetContent(buf, s)
	return buf
}

// seen is the part of a cell's style that shows: all of it, or for a blank
// its background, reverse, strike-through and underline.
func seen(c cellbuf.Cell) cellbuf.Style {
	if c.String() != " " {
		return c.Style
	}
	st := c.Style
	st.Fg = nil
	st.Attrs &= cellbuf.ReverseAttr | cellbuf.StrikethroughAttr
	return st
}
