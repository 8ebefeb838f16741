package panes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/theme"
)

// Viewer is a scrollable full-screen view of a text, such as a CloudTrail
// event's JSON record or a whole log message.
type Viewer struct {
	title         string
	lines         []string
	wrapped       []string // lines wrapped at the width
	top           int
	width, height int
}

// NewViewer returns a viewer of text, which is sanitised already (see
// text.SanitizeDocument), under title.
func NewViewer(title, text string) *Viewer {
	v := &Viewer{title: title, lines: strings.Split(text, "\n")}
	if strings.TrimSpace(text) == "" {
		v.lines = []string{theme.Dim.Render("(no record)")}
	}
	v.wrapped = v.lines
	return v
}

// SetSize sets the cells the viewer draws into; long lines wrap at its width.
func (v *Viewer) SetSize(width, height int) {
	v.width, v.height = width, height
	innerW := width - 2
	v.wrapped = nil
	for _, line := range v.lines {
		if innerW > 0 && ansi.StringWidth(line) > innerW {
			v.wrapped = append(v.wrapped, strings.Split(ansi.Hardwrap(line, innerW, true), "\n")...)
		} else {
			v.wrapped = append(v.wrapped, line)
		}
	}
	v.Move(0)
}

// Move scrolls by delta lines (positive is down), stopping at the last page.
func (v *Viewer) Move(delta int) {
	v.top = boxClamp(v.top+delta, 0, len(v.wrapped)-max(1, v.height-2))
}

// Page scrolls by the lines shown (dir -1 up, 1 down).
func (v *Viewer) Page(dir int) { v.Move(dir * max(1, v.height-2)) }

// View draws the text into exactly its size, with the lines shown and
// "esc closes" in the border.
func (v *Viewer) View() string {
	end := min(len(v.wrapped), v.top+max(0, v.height-2))
	note := fmt.Sprintf("%d–%d/%d · esc closes", v.top+1, end, len(v.wrapped))
	return Frame(v.title, note, strings.Join(v.wrapped[v.top:end], "\n"), v.width, v.height, true)
}
