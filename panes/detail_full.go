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

// open shows text full screen, pretty-printed when it is JSON. Every line is
// sanitised: CloudTrail records and log lines are attacker-controllable.
func (p *Detail) open(title, text string) {
	p.fullTitle, p.fullTop = sources.Sanitize(title), 0
	p.full = []string{}
	if strings.TrimSpace(text) == "" {
		p.full = append(p.full, theme.Dim.Render("(no record)"))
		return
	}
	for _, line := range strings.Split(detailIndentJSON(text), "\n") {
		p.full = append(p.full, sources.Sanitize(line))
	}
}

// detailIndentJSON pretty-prints text when it is JSON, else returns it as is.
func detailIndentJSON(text string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}

// fullView draws the open JSON view, long lines wrapped, scrolled to fullTop.
func (p *Detail) fullView(width, height int) string {
	innerW, innerH := width-2, height-2
	var lines []string
	for _, line := range p.full {
		if innerW > 0 && ansi.StringWidth(line) > innerW {
			lines = append(lines, strings.Split(ansi.Hardwrap(line, innerW, true), "\n")...)
		} else {
			lines = append(lines, line)
		}
	}
	p.fullTop = boxClamp(p.fullTop, 0, len(lines)-max(1, innerH))
	end := min(len(lines), p.fullTop+max(0, innerH))
	note := fmt.Sprintf("%d–%d/%d · esc closes", p.fullTop+1, end, len(lines))
	return Frame(p.fullTitle, note, strings.Join(lines[p.fullTop:end], "\n"), width, height, true)
}
