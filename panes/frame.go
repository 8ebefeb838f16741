// Package panes renders the dashboard's panes. Each pane owns its data and
// selection and draws itself into exactly the width x height it is given.
package panes

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/theme"
)

// Frame draws body inside a bordered box of exactly width x height cells,
// with title (and an optional right-aligned note) on the top border line.
// Body lines are cut or padded to fit.
func Frame(title, note, body string, width, height int, focused bool) string {
	if width < 4 || height < 3 {
		return blank(width, height)
	}
	style := frameStyle(focused)
	b, color := style.GetBorderStyle(), borderColor(style)
	innerW, innerH := width-2, height-2
	left, right := color.Render(b.Left), color.Render(b.Right)
	var out strings.Builder
	out.Grow(height * (width + 2*len(left)))
	out.WriteString(titledBorder(style, title, note, width))
	rest := body
	for range innerH {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		out.WriteString("\n" + left + FitLine(line, innerW) + right)
	}
	out.WriteString("\n" + color.Render(b.BottomLeft+strings.Repeat(b.Bottom, innerW)+b.BottomRight))
	return out.String()
}

// frameStyle is the border of a pane: thick and bright when focused.
func frameStyle(focused bool) lipgloss.Style {
	if focused {
		return theme.PaneFocused
	}
	return theme.Pane
}

func borderColor(style lipgloss.Style) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(style.GetBorderTopForeground())
}

// FitLine cuts line to width cells (with an ellipsis) or pads it with spaces.
func FitLine(line string, width int) string {
	if width <= 0 {
		return ""
	}
	w := cellWidth(line)
	if w > width {
		line = ansi.Truncate(line, width, "…")
		w = cellWidth(line)
	}
	if pad := width - w; pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	return line
}

// cellWidth is lipgloss.Width of a line, without grapheme segmentation for
// the characters the panes are mostly made of (ASCII, box drawing, blocks,
// braille and a few marks), each one cell wide; any other character sends
// the whole line to ansi.StringWidth.
func cellWidth(line string) int {
	w := 0
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == 0x1b:
			n := escapeLen(line[i:])
			if n == 0 {
				return ansi.StringWidth(line)
			}
			i += n
		case c >= 0x20 && c < 0x7f:
			w++
			i++
		default:
			r, size := utf8.DecodeRuneInString(line[i:])
			if !narrowRune(r) {
				return ansi.StringWidth(line)
			}
			w++
			i += size
		}
	}
	return w
}

// escapeLen is the length of the CSI sequence at the start of s, 0 when it
// is another kind (left to ansi.StringWidth).
func escapeLen(s string) int {
	if len(s) < 2 || s[1] != '[' {
		return 0
	}
	for j := 2; j < len(s); j++ {
		if c := s[j]; c >= 0x40 && c <= 0x7e {
			return j + 1
		} else if c < 0x20 || c > 0x3f {
			return 0
		}
	}
	return 0
}

// narrowRune reports the non-ASCII characters known to take one cell and
// never to start a multi-character grapheme (no emoji among them).
func narrowRune(r rune) bool {
	switch {
	case r >= 0x2500 && r <= 0x259f, // box drawing, block elements
		r >= 0x2800 && r <= 0x28ff: // braille
		return true
	}
	return strings.ContainsRune("…›‹·⏎▲▼→←↑↓°±×–—’‘“”", r)
}

func titledBorder(style lipgloss.Style, title, note string, width int) string {
	b, color := style.GetBorderStyle(), borderColor(style)
	label := " " + theme.Title.Render(title) + " "
	if note != "" {
		label += theme.TitleMuted.Render(note) + " "
	}
	fill := width - 3 - lipgloss.Width(label)
	if fill < 0 {
		// A wide character that does not fit leaves one cell to fill.
		label = ansi.Truncate(label, width-3, "…")
		fill = max(0, width-3-lipgloss.Width(label))
	}
	return color.Render(b.TopLeft+b.Top) + label + color.Render(strings.Repeat(b.Top, fill)+b.TopRight)
}

// blank is an empty area of width x height cells, for sizes too small to draw.
func blank(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	line := strings.Repeat(" ", width)
	return strings.TrimSuffix(strings.Repeat(line+"\n", height), "\n")
}

// WithFooter writes note into the bottom border of a view drawn by Frame, so
// the UI can flag a pane (e.g. its feed is failing) without the pane knowing.
func WithFooter(view, note string, focused bool) string {
	i := strings.LastIndex(view, "\n")
	if i < 0 || note == "" {
		return view
	}
	width := lipgloss.Width(view[i+1:])
	style := frameStyle(focused)
	b, color := style.GetBorderStyle(), borderColor(style)
	label := " " + note + " "
	if lipgloss.Width(label) > width-3 {
		label = ansi.Truncate(label, max(0, width-3), "…")
	}
	fill := max(0, width-3-lipgloss.Width(label))
	return view[:i+1] + color.Render(b.BottomLeft+b.Bottom) + label + color.Render(strings.Repeat(b.Bottom, fill)+b.BottomRight)
}
