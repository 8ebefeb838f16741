package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"watchtrail/feed"
	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/theme"
)

// FrameRate is the most frames a second the program draws (tea.WithFPS).
// bubbletea's renderer wakes up this often even when nothing changed: 20
// answers a key within 50 ms at a third of the idle CPU of its default 60.
const FrameRate = 20

// minWidth and minHeight are the smallest screen the dashboard draws on.
const minWidth, minHeight = 40, 10

// View draws the header, the body (the dashboard or the view on top) and
// the status line, exactly filling the terminal.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return "starting watchtrail…"
	}
	if m.width < minWidth || m.height < minHeight {
		return fmt.Sprintf("watchtrail needs at least %dx%d; this terminal is %dx%d", minWidth, minHeight, m.width, m.height)
	}
	// Every part is compacted (compact) on its own: the terminal gets
	// fewer bytes, and a pane drawn from the cache is not compacted again.
	return m.roomView(func() string {
		return compact(m.header()) + "\n" + m.body() + "\n" + compact(m.statusLine())
	})
}

// body is drawn by the top view that draws one, else it is the dashboard.
func (m *Model) body() string {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if d, ok := m.stack[i].(drawer); ok {
			return compact(d.body(m))
		}
	}
	return m.dashboard()
}

// dashboard places the panes, each exactly the size the layout gave it.
func (m *Model) dashboard() string {
	view := m.paneView
	return besides(view(paneAlarms), view(paneMetrics)) + "\n" + view(paneLogs) + "\n" + view(paneTrail)
}

// besides puts two blocks of equally many lines side by side.
func besides(left, right string) string {
	var b strings.Builder
	b.Grow(len(left) + len(right))
	for i := 0; left != "" || right != ""; i++ {
		var l, r string
		l, left, _ = strings.Cut(left, "\n")
		r, right, _ = strings.Cut(right, "\n")
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l + r)
	}
	return b.String()
}

// redraw forgets the drawings of the panes msg may change: a data message
// changes its feed's pane (alarms also the metrics and log groups), a
// poll's tick none, any other message (keys, sizes, errors) all of them.
func (m *Model) redraw(msg tea.Msg) {
	switch msg.(type) {
	case feed.PollMsg:
	case sources.LogsMsg:
		m.drawn[paneLogs] = ""
	case sources.TrailMsg:
		m.drawn[paneTrail] = ""
	case sources.MetricsMsg:
		m.drawn[paneMetrics] = ""
	case sources.AlarmsMsg: // they pick the metrics and the log groups
		m.drawn[paneAlarms], m.drawn[paneMetrics], m.drawn[paneLogs] = "", "", ""
	default:
		m.drawn = [paneCount]string{}
	}
}

// paneView is a pane's drawing, compacted, drawn anew only after redraw
// forgot it.
func (m *Model) paneView(id paneID) string {
	if m.drawn[id] == "" {
		m.drawn[id] = compact(m.drawPane(id))
	}
	return m.drawn[id]
}

// drawPane draws a pane, flagged in its bottom border while its feed fails
// (the data shown is then the last that arrived, and says from when), or
// while its tail falls behind or some of its log groups fail.
func (m *Model) drawPane(id paneID) string {
	focused := id == m.focus
	if id == paneLogs {
		m.logs.SetNote(moreGroupsNote(m.sched))
	}
	view := m.pane(id).View(focused)
	st := m.sched.State(id.feed())
	if st.LastErr == "" {
		if id == paneAlarms && m.sched.Loading() {
			return panes.WithFooter(view, theme.Dim.Render(loadingNote(len(m.alarmList))), focused)
		}
		if note := tailNote(m.sched, id.feed()); note != "" {
			return panes.WithFooter(view, theme.Warn.Render("⚠ "+note), focused)
		}
		return view
	}
	note := "⚠ " + string(st.Problem) + " · no data yet"
	if !st.LastOK.IsZero() {
		note = "⚠ " + string(st.Problem) + " · data from " + st.LastOK.In(m.room.zone).Format("15:04:05 MST")
	}
	return panes.WithFooter(view, theme.StatusErr.Render(note), focused)
}

func (m *Model) header() string {
	if m.room.kiosk.on {
		return m.kioskHeader()
	}
	left := theme.Header.Render("watchtrail")
	if m.cfg.Demo {
		left += theme.DemoBadge.Render("DEMO")
	}
	left += " " + m.cfg.Source.Describe()
	if m.narrow != "" {
		left += theme.Warn.Render(" · only " + m.narrow)
	}
	var right string
	switch firing := m.alarms.Firing(); {
	case m.sched.State(sources.FeedAlarms).LastOK.IsZero():
		right = theme.Warn.Render("alarms not loaded yet")
	case firing > 0:
		right = theme.StatusErr.Render(fmt.Sprintf("%d firing", firing))
	default:
		right = theme.Good.Render("all clear")
	}
	if !m.now.IsZero() {
		right += theme.Dim.Render("  " + m.clock())
	}
	right = m.integrityBanner() + right
	return spread(left, right, m.width)
}

// statusLine shows the filter prompt, or the newest error, or the top
// view's keys.
func (m *Model) statusLine() string {
	if p, ok := m.top().(prompter); ok {
		return panes.FitLine(p.prompt(m), m.width)
	}
	if errText := m.errorText(); errText != "" {
		// The error is cut before the way to the help is.
		helpHint := m.help.ShortHelpView([]key.Binding{hint(keys.Help, "?", "help")})
		return spread(theme.StatusErr.Render("⚠ "+errText), helpHint, m.width)
	}
	var km help.KeyMap = keys
	if top := m.top(); top != nil {
		km = top.keys()
	}
	return spread(m.help.ShortHelpView(km.ShortHelp()), theme.Status.Render(m.statusRight()), m.width)
}

// errorText is the first failing feed's error, with when it retries and how
// many other feeds are failing.
func (m *Model) errorText() string {
	text, others := "", 0
	for _, f := range feed.All {
		st := m.sched.State(f)
		switch {
		case st.LastErr == "":
		case text != "":
			others++
		default:
			text = st.LastErr
			if st.Failures > 1 {
				text += fmt.Sprintf(" (failed %d×, retry in %s)", st.Failures, m.sched.Delay(f))
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
