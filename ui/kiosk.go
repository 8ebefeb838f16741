package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"watchtrail/panes"
	"watchtrail/sources"
	"watchtrail/theme"
)

// defaultRotate is how long kiosk mode shows each firing alarm.
const defaultRotate = 20 * time.Second

// kiosk is the wall screen's mode: no input needed. The header is a large
// ALL CLEAR / N FIRING; while alarms fire, their drill-downs take turns,
// newest first; when all is clear the dashboard shows. Any key leaves it.
type kiosk struct {
	on    bool
	gen   int    // bumped at each turn, so only the latest turn's tick counts
	shown string // the alarm whose drill-down is up, "" for the dashboard
}

// kioskTick ends a kiosk turn.
type kioskTick struct{ gen int }

func (m *Model) rotate() time.Duration {
	if m.cfg.Rotate > 0 {
		return m.cfg.Rotate
	}
	return defaultRotate
}

// firingNewestFirst are the alarms in ALARM, the latest to fire first.
func (m *Model) firingNewestFirst() []sources.Alarm {
	var firing []sources.Alarm
	for _, a := range m.alarmList {
		if a.State == sources.StateAlarm {
			firing = append(firing, a)
		}
	}
	slices.SortStableFunc(firing, func(a, b sources.Alarm) int { return b.StateChanged.Compare(a.StateChanged) })
	return firing
}

// kioskFollow keeps the kiosk in step with fresh alarms: the dashboard when
// all is clear, else the rotation, started at the newest firing alarm.
func (m *Model) kioskFollow() tea.Cmd {
	if !m.room.kiosk.on {
		return nil
	}
	firing := m.firingNewestFirst()
	switch {
	case len(firing) == 0:
		m.room.kiosk.gen++
		if m.room.kiosk.shown != "" {
			m.room.kiosk.shown, m.stack = "", nil
			m.resize()
		}
		return nil
	case m.room.kiosk.shown == "":
		return m.kioskShow(firing[0])
	}
	return nil
}

// kioskNext shows the firing alarm after the one shown.
func (m *Model) kioskNext(tick kioskTick) tea.Cmd {
	if !m.room.kiosk.on || tick.gen != m.room.kiosk.gen {
		return nil
	}
	firing := m.firingNewestFirst()
	if len(firing) == 0 {
		return m.kioskFollow()
	}
	i := slices.IndexFunc(firing, func(a sources.Alarm) bool { return a.Name == m.room.kiosk.shown })
	return m.kioskShow(firing[(i+1)%len(firing)])
}

func (m *Model) kioskShow(a sources.Alarm) tea.Cmd {
	m.stack = nil
	m.room.kiosk.shown = a.Name
	m.room.kiosk.gen++
	gen := m.room.kiosk.gen
	return tea.Batch(m.openDrill(a), tea.Tick(m.rotate(), func(time.Time) tea.Msg { return kioskTick{gen} }))
}

// leaveKiosk returns to normal mode, on the screen the kiosk showed.
func (m *Model) leaveKiosk() {
	m.room.kiosk = kiosk{gen: m.room.kiosk.gen + 1}
	m.resize()
}

// headerHeight is the header's lines: three for the kiosk's banner.
func (m *Model) headerHeight() int {
	if m.room.kiosk.on {
		return 3
	}
	return 1
}

// kioskHeader is a banner across the screen, readable from across the room.
func (m *Model) kioskHeader() string {
	style, text := theme.Good, "ALL CLEAR"
	switch firing := m.alarms.Firing(); {
	case m.sched.State(sources.FeedAlarms).LastOK.IsZero():
		style, text = theme.Warn, "LOADING ALARMS"
	case firing > 0:
		style, text = theme.StatusErr, fmt.Sprintf("%d FIRING", firing)
	}
	band := style.Bold(true).Reverse(true).Width(m.width).Align(lipgloss.Center)
	big := strings.Join(strings.Split(text, ""), " ")
	info := "watchtrail · " + m.cfg.Source.Describe() + " · " + m.clock()
	if m.room.kiosk.shown != "" {
		info = m.room.kiosk.shown + " · " + info
	}
	return lipgloss.JoinVertical(lipgloss.Left, band.Render(""), band.Render(big), panes.FitLine(theme.Dim.Render(info+" · any key: normal mode"), m.width))
}
