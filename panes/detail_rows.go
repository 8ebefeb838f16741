package panes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/notebook"
	"watchtrail/sources"
	"watchtrail/theme"
	"watchtrail/triage"
)

// lists draws the suspects, CloudTrail and log sections in the rows l gives
// them; a section given no rows is left out, title and all.
func (p *Detail) lists(width int, l detailLayout) []string {
	if l.listsH <= 0 {
		return nil
	}
	names := triage.ResourceNames(p.alarm)
	for i, n := range names {
		names[i] = detailShortID(n)
	}
	res := strings.Join(names, ", ")
	if res == "" {
		res = "the resource"
	}
	lines := []string{p.sectionTitle(detailSuspects, fmt.Sprintf("Suspects (%d)", len(p.suspects.All())), width)}
	lines = append(lines, p.suspectRows(width, l.suspects)...)
	if l.trail > 0 {
		lines = append(lines, p.sectionTitle(detailTrail, fmt.Sprintf("CloudTrail changes on %s and related resources (%d)", res, len(p.events.All())), width))
		lines = append(lines, p.trailRows(width, l.trail)...)
	}
	if l.logs > 0 {
		lines = append(lines, p.sectionTitle(detailLogs, fmt.Sprintf("Log lines (%d)", len(p.logs.All())), width))
		lines = append(lines, p.logRows(width, l.logs)...)
	}
	return append(lines, p.bookRows(width, l.book)...)
}

func (p *Detail) sectionTitle(section int, text string, width int) string {
	if p.section == section {
		return theme.Key.Render(FitLine("▸ "+text, width))
	}
	return theme.Dim.Render(FitLine("  "+text, width))
}

func (p *Detail) marker(section, i, sel int) (string, bool) {
	if i != sel {
		return "  ", false
	}
	return "› ", p.section == section
}

func (p *Detail) trailRows(width, rows int) []string {
	if rows <= 0 {
		return nil
	}
	events := p.events.All()
	if len(events) == 0 {
		return []string{theme.Dim.Render("  no CloudTrail events in the window (CloudTrail can lag up to 15 minutes)")}
	}
	nameW, userW := 0, 0
	for _, e := range events {
		nameW = max(nameW, lipgloss.Width(triage.CallName(e.Name)))
		userW = max(userW, lipgloss.Width(e.User))
	}
	capName, capUser := 30, 24
	if width < 100 {
		capName, capUser = 22, 14
	}
	nameW, userW = min(nameW, capName), min(userW, capUser)
	var lines []string
	from, to := p.events.Visible()
	for i := from; i < to; i++ {
		e := events[i]
		marker, highlight := p.marker(detailTrail, i, p.events.Index())
		flag, nameStyle := "  ", theme.Dim
		if !e.ReadOnly {
			flag, nameStyle = "◆ ", lipgloss.NewStyle().Bold(true)
		}
		var extra []string
		if e.Failed() {
			extra = append(extra, theme.Error.Render(e.ErrorCode))
		}
		if e.ID != "" && e.ID == p.drill.Cause {
			extra = append(extra, theme.Warn.Bold(true).Render("← likely cause"))
		}
		if e.SourceIP != "" {
			extra = append(extra, e.SourceIP)
		}
		if len(e.Resources) > 0 {
			extra = append(extra, theme.Dim.Render(detailShortResources(e.Resources)))
		}
		if mark, dim := p.verdictMark(e.ID); mark != "" {
			extra = append([]string{mark}, extra...)
			if dim {
				nameStyle = theme.Dim
			}
		}
		marker = p.pinMarker(marker, notebook.PinEvent, e.ID)
		line := p.fmtClock(e.Time) + " " + flag + nameStyle.Render(FitLine(triage.CallName(e.Name), nameW)) + " " +
			FitLine(e.User, userW) + " " + strings.Join(extra, "  ")
		lines = append(lines, detailRow(marker, line, highlight, width))
	}
	return lines
}

func (p *Detail) logRows(width, rows int) []string {
	if rows <= 0 {
		return nil
	}
	logs := p.logs.All()
	if len(logs) == 0 {
		return []string{theme.Dim.Render("  no log lines in the window")}
	}
	srcW := 0
	for _, l := range logs {
		srcW = max(srcW, lipgloss.Width(detailShortGroup(l)))
	}
	srcW = min(srcW, 20, max(6, width/6))
	var lines []string
	from, to := p.logs.Visible()
	for i := from; i < to; i++ {
		l := logs[i]
		marker, highlight := p.marker(detailLogs, i, p.logs.Index())
		msg := l.Message
		if sources.IsErrorLine(msg) {
			msg = theme.Error.Render(msg)
		}
		marker = p.pinMarker(marker, notebook.PinLog, notebook.LogPin(l).Ref)
		line := p.fmtClock(l.Time) + " " + theme.Info.Render(FitLine(detailShortGroup(l), srcW)) + " " + msg
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

// detailShortGroup names a log line's source briefly: the last part of its
// group ("/aws/lambda/checkout" → "checkout"), else its stream.
func detailShortGroup(l sources.LogEvent) string {
	name := sources.ShortGroup(l.Group)
	if name == "" {
		name = l.Stream
	}
	return name
}

// detailShortResources shortens ARNs to their last part.
func detailShortResources(resources []string) string {
	short := make([]string, len(resources))
	for i, r := range resources {
		if j := strings.LastIndexAny(r, ":/"); j >= 0 && j < len(r)-1 {
			r = r[j+1:]
		}
		short[i] = r
	}
	return strings.Join(short, ",")
}
