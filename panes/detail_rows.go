package panes

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
	"watchtrail/theme"
)

// lists draws the CloudTrail and log sections in height lines, sharing the
// rows between them and giving one's spare rows to the other.
func (p *Detail) lists(width, height int) []string {
	if height <= 0 {
		return nil
	}
	rows := max(0, height-2)
	trailRows := (rows + 1) / 2
	logRows := rows - trailRows
	if need := max(1, len(p.events)); need < trailRows {
		logRows, trailRows = logRows+trailRows-need, need
	} else if need := max(1, len(p.logs)); need < logRows {
		trailRows, logRows = trailRows+logRows-need, need
	}
	res := strings.Join(sources.ResourceNames(p.alarm), ", ")
	if res == "" {
		res = "the resource"
	}
	var lines []string
	lines = append(lines, p.sectionTitle(detailTrail, fmt.Sprintf("CloudTrail events on %s (%d)", sources.Sanitize(res), len(p.events)), width))
	lines = append(lines, p.trailRows(width, trailRows)...)
	if height >= 2 {
		lines = append(lines, p.sectionTitle(detailLogs, fmt.Sprintf("Log lines (%d)", len(p.logs)), width))
		lines = append(lines, p.logRows(width, logRows)...)
	}
	return lines
}

func (p *Detail) sectionTitle(section int, text string, width int) string {
	if p.section == section {
		return theme.Key.Render(FitLine("▸ "+text, width))
	}
	return theme.Dim.Render(FitLine("  "+text, width))
}

// visible returns the range of rows of a section to draw.
func (p *Detail) visible(section, count, rows int) (int, int) {
	p.top[section] = boxScrollTop(p.top[section], p.sel[section], rows, count)
	return p.top[section], min(count, p.top[section]+rows)
}

func (p *Detail) marker(section, i int) (string, bool) {
	if i != p.sel[section] {
		return "  ", false
	}
	return "› ", p.section == section
}

func (p *Detail) trailRows(width, rows int) []string {
	if rows <= 0 {
		return nil
	}
	if len(p.events) == 0 {
		return []string{theme.Dim.Render("  no CloudTrail events in the window (CloudTrail can lag up to 15 minutes)")}
	}
	nameW, userW := 0, 0
	for _, e := range p.events {
		nameW = max(nameW, lipgloss.Width(detailEventName(e)))
		userW = max(userW, lipgloss.Width(sources.Sanitize(e.User)))
	}
	capName, capUser := 30, 24
	if width < 100 {
		capName, capUser = 22, 14
	}
	nameW, userW = min(nameW, capName), min(userW, capUser)
	var lines []string
	from, to := p.visible(detailTrail, len(p.events), rows)
	for i := from; i < to; i++ {
		e := p.events[i]
		marker, highlight := p.marker(detailTrail, i)
		flag, nameStyle := "  ", theme.Dim
		if !e.ReadOnly {
			flag, nameStyle = "◆ ", lipgloss.NewStyle().Bold(true)
		}
		var extra []string
		if e.Failed() {
			extra = append(extra, theme.Error.Render(sources.Sanitize(e.ErrorCode)))
		}
		if i == p.cause {
			extra = append(extra, theme.Warn.Bold(true).Render("← likely cause"))
		}
		if e.SourceIP != "" {
			extra = append(extra, sources.Sanitize(e.SourceIP))
		}
		if len(e.Resources) > 0 {
			extra = append(extra, theme.Dim.Render(detailShortResources(e.Resources)))
		}
		line := fmtClock(e.Time) + " " + flag + nameStyle.Render(FitLine(detailEventName(e), nameW)) + " " +
			FitLine(sources.Sanitize(e.User), userW) + " " + strings.Join(extra, "  ")
		lines = append(lines, detailRow(marker, line, highlight, width))
	}
	return lines
}

func (p *Detail) logRows(width, rows int) []string {
	if rows <= 0 {
		return nil
	}
	if len(p.logs) == 0 {
		return []string{theme.Dim.Render("  no log lines in the window")}
	}
	srcW := 0
	for _, l := range p.logs {
		srcW = max(srcW, lipgloss.Width(detailShortGroup(l)))
	}
	srcW = min(srcW, 20, max(6, width/6))
	var lines []string
	from, to := p.visible(detailLogs, len(p.logs), rows)
	for i := from; i < to; i++ {
		l := p.logs[i]
		marker, highlight := p.marker(detailLogs, i)
		msg := sources.Sanitize(l.Message)
		if detailIsErrorLine(msg) {
			msg = theme.Error.Render(msg)
		}
		line := fmtClock(l.Time) + " " + theme.Info.Render(FitLine(detailShortGroup(l), srcW)) + " " + msg
		lines = append(lines, detailRow(marker, line, highlight, width))
	}
	return lines
}

// detailRow fits a list row; the focused selection is drawn reversed, which
// needs the row's own colours stripped so the reverse spans the whole line.
func detailRow(marker, line string, highlight bool, width int) string {
	if highlight {
		return theme.Selected.Render(FitLine(marker+ansi.Strip(line), width))
	}
	return FitLine(marker+line, width)
}

// detailAPIVersion is the API version CloudTrail appends to some event
// names: Lambda's "UpdateFunctionConfiguration20150331v2".
var detailAPIVersion = regexp.MustCompile(`([a-z])20\d{6}(v\d+)?$`)

// detailEventName is the event name without an API version suffix.
func detailEventName(e sources.TrailEvent) string {
	return detailAPIVersion.ReplaceAllString(sources.Sanitize(e.Name), "$1")
}

// detailIsErrorLine reports whether a log message reads like a failure.
func detailIsErrorLine(msg string) bool {
	lower := strings.ToLower(msg)
	return strings.Contains(msg, "ERROR") || strings.Contains(msg, "FATAL") ||
		strings.Contains(lower, "exception") || strings.Contains(lower, "timed out")
}

// detailShortGroup names a log line's source briefly: the last part of its
// group ("/aws/lambda/checkout" → "checkout"), else its stream.
func detailShortGroup(l sources.LogEvent) string {
	name := l.Group
	if i := strings.LastIndex(strings.TrimRight(name, "/"), "/"); i >= 0 {
		name = strings.TrimRight(name, "/")[i+1:]
	}
	if name == "" {
		name = l.Stream
	}
	return sources.Sanitize(name)
}

// detailShortResources shortens ARNs to their last part.
func detailShortResources(resources []string) string {
	short := make([]string, len(resources))
	for i, r := range resources {
		if j := strings.LastIndexAny(r, ":/"); j >= 0 && j < len(r)-1 {
			r = r[j+1:]
		}
		short[i] = sources.Sanitize(r)
	}
	return strings.Join(short, ",")
}
