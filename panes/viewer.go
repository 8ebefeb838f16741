package panes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
	"watchtrail/theme"
)

// Viewer is a scrollable full-screen view of a text, such as a CloudTrail
// event's JSON record or a whole log message.
type Viewer struct {
	title string
	lines []string
	top   int
	count int // lines after wrapping at the last View's width
}

// NewViewer returns a viewer of text, pretty-printed when it is JSON. Every
// line is sanitised: CloudTrail records and log lines are
// attacker-controllable.
func NewViewer(title, text string) *Viewer {
	v := &Viewer{title: sources.Sanitize(title)}
	if strings.TrimSpace(text) == "" {
		v.lines = []string{theme.Dim.Render("(no record)")}
	} else {
		for _, line := range strings.Split(viewerIndentJSON(text), "\n") {
			v.lines = append(v.lines, sources.Sanitize(line))
		}
	}
	v.count = len(v.lines)
	return v
}

// viewerIndentJSON pretty-prints text when it is JSON, else returns it as is.
func viewerIndentJSON(text string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}

// Move scrolls by delta lines (positive is down), within the text.
func (v *Viewer) Move(delta int) {
	v.top = boxClamp(v.top+delta, 0, v.count-1) // View clamps to a full page
}

// View draws the text into exactly width x height cells, long lines
// wrapped, with the lines shown and "esc closes" in the border.
func (v *Viewer) View(width, height int) string {
	innerW, innerH := width-2, height-2
	var lines []string
	for _, line := range v.lines {
		if innerW > 0 && ansi.StringWidth(line) > innerW {
			lines = append(lines, strings.Split(ansi.Hardwrap(line, innerW, true), "\n")...)
		} else {
			lines = append(lines, line)
		}
	}
	v.count = len(lines)
	v.top = boxClamp(v.top, 0, len(lines)-max(1, innerH))
	end := min(len(lines), v.top+max(0, innerH))
	note := fmt.Sprintf("%d–%d/%d · esc closes", v.top+1, end, len(lines))
	return Frame(v.title, note, strings.Join(lines[v.top:end], "\n"), width, height, true)
}
