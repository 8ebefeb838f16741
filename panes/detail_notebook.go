package panes

import (
	"fmt"
	"slices"
	"time"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/notebook"
	"watchtrail/sources"
	"watchtrail/theme"
	"watchtrail/triage"
)

// Incident is the incident the drill-down shows, once its data arrived.
func (p *Detail) Incident() (notebook.Incident, bool) {
	if p.drill == nil {
		return notebook.Incident{}, false
	}
	return notebook.IncidentOf(*p.drill), true
}

// SetNotebook shows what the war room said about the incident: verdicts
// on the suspects (dismissed ones drop to the bottom), notes and pins.
// Entries of another incident are ignored.
func (p *Detail) SetNotebook(e notebook.Entries) {
	if inc, ok := p.Incident(); !ok || inc != e.Incident {
		return
	}
	p.book = e
	p.setSuspects()
	p.relayout()
}

// setSuspects lists the suspects in the engine's order, those dismissed
// last, keeping the selection on the same suspect.
func (p *Detail) setSuspects() {
	prev, had := p.suspects.Selected()
	suspects := slices.Clone(p.drill.Suspects)
	slices.SortStableFunc(suspects, func(a, b triage.Suspect) int {
		return boolInt(p.dismissed(a.Event.ID)) - boolInt(p.dismissed(b.Event.ID))
	})
	p.suspects.SetItems(suspects)
	if had {
		p.suspects.SelectKey(prev.Event.ID)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *Detail) dismissed(eventID string) bool {
	v, ok := p.book.Verdict(eventID)
	return ok && v.Kind == notebook.Dismissed
}

// SelectedChange is the CloudTrail event a verdict or pin applies to: the
// selected suspect, or the selected event of the CloudTrail list.
func (p *Detail) SelectedChange() (sources.TrailEvent, bool) {
	switch p.section {
	case detailSuspects:
		s, ok := p.suspects.Selected()
		return s.Event, ok
	case detailTrail:
		return p.events.Selected()
	}
	return sources.TrailEvent{}, false
}

// SelectedPin is what p pins: the selected log line in the log list, else
// the selected change.
func (p *Detail) SelectedPin() (notebook.Pin, bool) {
	if p.section == detailLogs {
		l, ok := p.logs.Selected()
		return notebook.LogPin(l), ok
	}
	e, ok := p.SelectedChange()
	return notebook.EventPin(e), ok
}

// Verdict is the verdict on an event of the incident shown, if any.
func (p *Detail) Verdict(eventID string) (notebook.Verdict, bool) { return p.book.Verdict(eventID) }

// confirmed are the suspects people confirmed, in the engine's order.
func (p *Detail) confirmed() []triage.Suspect {
	var out []triage.Suspect
	for _, s := range p.suspects.All() {
		if v, ok := p.book.Verdict(s.Event.ID); ok && v.Kind == notebook.Confirmed {
			out = append(out, s)
		}
	}
	return out
}

// verdictLines replace the engine's conclusion with what people confirmed;
// the engine's own pick stays below when it is another change.
func (p *Detail) verdictLines(width int) []string {
	confirmed := p.confirmed()
	if len(confirmed) == 0 {
		return []string{p.verdictLine(width)}
	}
	s := confirmed[0]
	text := "  ✓ " + p.verdictText(p.book.Verdicts[s.Event.ID]) + " · " + triage.CallName(s.Event.Name) + " by " + s.Event.User
	if len(confirmed) > 1 {
		text += fmt.Sprintf(" (+%d more confirmed)", len(confirmed)-1)
	}
	lines := []string{theme.Good.Bold(true).Render(FitLine(text, width))}
	if p.drill.Cause != "" && !slices.ContainsFunc(confirmed, func(c triage.Suspect) bool { return c.Event.ID == p.drill.Cause }) {
		lines = append(lines, theme.Dim.Render(FitLine("    engine: "+detailShortID(p.drill.Verdict), width)))
	}
	return lines
}

// verdictRows is how many rows verdictLines takes.
func (p *Detail) verdictRows() int { return len(p.verdictLines(1)) }

// verdictText is "confirmed by ana 14:07: <reason>", the clock in the
// frame's zone.
func (z *zoned) verdictText(v notebook.Verdict) string {
	text := v.Kind + " by " + v.Who + " " + z.inZone(v.At).Format("15:04")
	if v.Reason != "" {
		text += ": " + v.Reason
	}
	return text
}

// verdictMark is what a suspect's row says of its verdict, and whether it
// is dimmed (dismissed).
func (p *Detail) verdictMark(eventID string) (string, bool) {
	v, ok := p.book.Verdict(eventID)
	switch {
	case !ok:
		return "", false
	case v.Kind == notebook.Confirmed:
		return theme.Good.Bold(true).Render("✓ " + p.verdictText(v)), false
	}
	return theme.Dim.Render("✗ " + p.verdictText(v)), true
}

// pinMarker is a row's marker (see marker), ⚑ on a pinned item that is not
// selected.
func (p *Detail) pinMarker(marker, kind, ref string) string {
	if marker == "  " && p.book.Pinned(kind, ref) {
		return theme.Info.Render("⚑ ")
	}
	return marker
}

// bookNeed is how many rows the Notebook section would like, title aside.
func (p *Detail) bookNeed() int { return len(p.book.Notes) + len(p.book.Pins) }

// bookRows draws the Notebook section: its title, then the newest notes
// and pins that fit, oldest first.
func (p *Detail) bookRows(width, rows int) []string {
	if rows <= 0 {
		return nil
	}
	type entry struct {
		at   time.Time
		line string
	}
	var entries []entry
	for _, n := range p.book.Notes {
		entries = append(entries, entry{n.At, p.fmtClock(n.At) + " " + lipgloss.NewStyle().Bold(true).Render(n.Who) + ": " + n.Text})
	}
	for _, pin := range p.book.Pins {
		entries = append(entries, entry{pin.At, p.fmtClock(pin.At) + " " + lipgloss.NewStyle().Bold(true).Render(pin.Who) + " " +
			theme.Info.Render("⚑ "+pin.Kind+" "+p.fmtClock(pin.ItemTime)) + " " + pin.Text})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return a.at.Compare(b.at) })
	title := fmt.Sprintf("  Notebook (%d notes, %d pins)", len(p.book.Notes), len(p.book.Pins))
	if shown := rows - 1; shown < len(entries) {
		title += fmt.Sprintf(" · %d earlier not shown", len(entries)-shown)
		entries = entries[len(entries)-shown:]
	}
	lines := []string{theme.Dim.Render(FitLine(title, width))}
	for _, e := range entries {
		lines = append(lines, FitLine("  "+e.line, width))
	}
	return lines
}
