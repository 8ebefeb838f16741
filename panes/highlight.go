package panes

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// highlightSpans renders text in style with the byte ranges spans (in
// order, not overlapping) bold and reversed.
func highlightSpans(text string, spans [][2]int, style lipgloss.Style) string {
	mark := style.Bold(true).Reverse(true)
	var b strings.Builder
	at := 0
	for _, s := range spans {
		b.WriteString(style.Render(text[at:s[0]]))
		b.WriteString(mark.Render(text[s[0]:s[1]]))
		at = s[1]
	}
	b.WriteString(style.Render(text[at:]))
	return b.String()
}
