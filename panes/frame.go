// Package panes renders the dashboard's panes. Each pane owns its data and
// selection and draws itself into exactly the width x height it is given.
package panes

import (
	"strings"

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
	style := theme.Pane
	if focused {
		style = theme.PaneFocused
	}
	innerW, innerH := width-2, height-2
	lines := strings.Split(body, "\n")
	if len(lines) > innerH {
		lines = lines[:innerH]
	}
	for len(lines) < innerH {
		lines = append(lines, "")
	}
	for i, line := range lines {
		lines[i] = FitLine(line, innerW)
	}
	box := style.Width(innerW).Height(innerH).Render(strings.Join(lines, "\n"))
	return strings.Replace(box, topBorder(box), titledBorder(style, title, note, width), 1)
}

// FitLine cuts line to width cells (with an ellipsis) or pads it with spaces.
func FitLine(line string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(line) > width {
		line = ansi.Truncate(line, width, "…")
	}
	if pad := width - lipgloss.Width(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	return line
}

func topBorder(box string) string {
	top, _, _ := strings.Cut(box, "\n")
	return top
}

func titledBorder(style lipgloss.Style, title, note string, width int) string {
	b := style.GetBorderStyle()
	color := lipgloss.NewStyle().Foreground(style.GetBorderTopForeground())
	label := " " + theme.Title.Render(title) + " "
	if note != "" {
		label += theme.TitleMuted.Render(note) + " "
	}
	fill := width - 3 - lipgloss.Width(label)
	if fill < 0 {
		label = ansi.Truncate(label, width-3, "…")
		fill = 0
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
	style := theme.Pane
	if focused {
		style = theme.PaneFocused
	}
	b := style.GetBorderStyle()
	color := lipgloss.NewStyle().Foreground(style.GetBorderBottomForeground())
	label := " " + note + " "
	if lipgloss.Width(label) > width-3 {
		label = ansi.Truncate(label, max(0, width-3), "…")
	}
	fill := max(0, width-3-lipgloss.Width(label))
	return view[:i+1] + color.Render(b.BottomLeft+b.Bottom) + label + color.Render(strings.Repeat(b.Bottom, fill)+b.BottomRight)
}
