package ui

import (
	"fmt"

	"github.com/charmbracelet/lipgloss"

	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/theme"
)

// minWidth and minHeight are the smallest screen the dashboard draws on.
const minWidth, minHeight = 40, 10

// View draws the header, the body (dashboard, detail, JSON or help) and the
// status line, exactly filling the terminal.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return "starting watchtrail…"
	}
	if m.width < minWidth || m.height < minHeight {
		return fmt.Sprintf("watchtrail needs at least %dx%d; this terminal is %dx%d", minWidth, minHeight, m.width, m.height)
	}
	bodyH := m.height - 2
	var body string
	switch {
	case m.showHelp:
		body = panes.Frame("Help", "any key closes", helpText(), m.width, bodyH, true)
	case m.json != nil:
		body = m.json.View(m.width, bodyH)
	case m.inDetail:
		body = m.detail.View(m.width, bodyH)
	case m.zoomed:
		body = m.paneView(m.focus, m.width, bodyH)
	default:
		body = m.dashboard(bodyH)
	}
	return lipgloss.JoinVertical(lipgloss.Left, m.header(), body, m.statusLine())
}

func (m *Model) dashboard(height int) string {
	r := layout(m.width, height)
	view := func(id paneID) string { return m.paneView(id, r[id].w, r[id].h) }
	if m.width >= wideLayoutMin {
		left := lipgloss.JoinVertical(lipgloss.Left, view(paneAlarms), view(paneMetrics))
		right := lipgloss.JoinVertical(lipgloss.Left, view(paneLogs), view(paneTrail))
		return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
	}
	top := lipgloss.JoinHorizontal(lipgloss.Top, view(paneAlarms), view(paneMetrics))
	return lipgloss.JoinVertical(lipgloss.Left, top, view(paneLogs), view(paneTrail))
}

// paneView draws a pane, flagged in its bottom border while its feed fails:
// the data shown is then the last that arrived, and says from when.
func (m *Model) paneView(id paneID, width, height int) string {
	focused := id == m.focus
	view := m.pane(id).View(width, height, focused)
	st := m.feeds[id.feed()]
	if st.lastErr == "" {
		return view
	}
	note := "⚠ " + string(st.problem) + " · no data yet"
	if !st.lastOK.IsZero() {
		note = "⚠ " + string(st.problem) + " · data from " + st.lastOK.UTC().Format("15:04:05")
	}
	return panes.WithFooter(view, theme.StatusErr.Render(note), focused)
}

func (m *Model) header() string {
	left := theme.Header.Render("watchtrail")
	if m.cfg.Demo {
		left += theme.DemoBadge.Render("DEMO")
	}
	left += " " + m.cfg.Source.Describe()
	var right string
	switch firing := m.alarms.Firing(); {
	case m.feeds[sources.FeedAlarms].lastOK.IsZero():
		right = theme.Warn.Render("alarms not loaded yet")
	case firing > 0:
		right = theme.StatusErr.Render(fmt.Sprintf("%d firing", firing))
	default:
		right = theme.Good.Render("all clear")
	}
	if !m.now.IsZero() {
		right += theme.Dim.Render("  " + m.now.UTC().Format("15:04:05") + " UTC")
	}
	return spread(left, right, m.width)
}

// statusLine shows the filter prompt, or the newest error, or key hints.
func (m *Model) statusLine() string {
	if m.filtering {
		return panes.FitLine(m.filter.View()+theme.Dim.Render("   enter keep · esc clear"), m.width)
	}
	if errText := m.errorText(); errText != "" {
		return panes.FitLine(theme.StatusErr.Render("⚠ "+errText), m.width)
	}
	return spread(hints(m.inDetail), theme.Status.Render("refresh "+m.cfg.Refresh.String()), m.width)
}

// errorText is the first failing feed's error, with when it retries and how
// many other feeds are failing.
func (m *Model) errorText() string {
	text, others := "", 0
	for _, f := range allFeeds {
		st := m.feeds[f]
		switch {
		case st.lastErr == "":
		case text != "":
			others++
		default:
			text = st.lastErr
			if st.failures > 1 {
				text += fmt.Sprintf(" (failed %d×, retry in %s)", st.failures, st.delay(m.cfg.Refresh))
			}
		}
	}
	if others > 0 {
		text = fmt.Sprintf("[+%d more failing] %s", others, text)
	}
	return text
}

// spread puts left and right at the two ends of a width-cell line; left is
// cut when both do not fit, as right holds the state (firing count, clock).
func spread(left, right string, width int) string {
	room := width - lipgloss.Width(right) - 1
	if room < 1 {
		return panes.FitLine(right, width)
	}
	left = panes.FitLine(left, room)
	return left + " " + right
}
