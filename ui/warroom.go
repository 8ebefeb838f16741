package ui

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/clipboard"
	"watchtrail/sources"
)

// room is a session's war-room state: kiosk mode, the time zone shown, and
// the note the last copy or link left in the status line.
type room struct {
	kiosk kiosk
	zone  *time.Location
	note  string
	osc52 string // the clipboard sequence the next frames carry to the terminal
	// copied is when y was pressed: the sequence is dropped on the next key
	// or a second later, once a frame surely carried it.
	copied time.Time
}

func (m *Model) initRoom() {
	m.room.zone = m.cfg.Zone
	if m.room.zone == nil {
		m.room.zone = time.UTC
	}
	m.room.kiosk.on = m.cfg.Kiosk
	m.showZone()
}

// showZone has every pane show times in the session's zone.
func (m *Model) showZone() {
	for _, p := range []interface{ SetZone(*time.Location) }{m.alarms, m.logs, m.trail, m.detail} {
		p.SetZone(m.room.zone)
	}
	if m.access.pane != nil {
		m.access.pane.SetZone(m.room.zone)
	}
}

// clock is the data's time in the session's zone, with the zone's name.
func (m *Model) clock() string {
	if m.now.IsZero() {
		return "--:--:-- " + m.room.zone.String()
	}
	return m.now.In(m.room.zone).Format("15:04:05 MST")
}

// roomKey handles the keys of shared screens: t, y and o. It reports
// whether msg was one of them.
func (m *Model) roomKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, keys.Zone):
		m.toggleZone()
	case key.Matches(msg, keys.Copy):
		m.copySelected()
	case key.Matches(msg, keys.Link):
		return m.linkSelected(), true
	default:
		return nil, false
	}
	return nil, true
}

// toggleZone switches between UTC and the configured zone (local when the
// configuration says UTC).
func (m *Model) toggleZone() {
	other := m.cfg.Zone
	if other == nil || other == time.UTC {
		other = time.Local
	}
	if m.room.zone == time.UTC {
		m.room.zone = other
	} else {
		m.room.zone = time.UTC
	}
	m.showZone()
	m.room.note = "times in " + zoneLabel(m.room.zone)
}

func zoneLabel(loc *time.Location) string {
	if loc == time.Local {
		return "local time (" + time.Now().In(loc).Format("MST") + ")"
	}
	return loc.String()
}

// selection is what y copies and o links: the selected item of the top
// view, or of the focused pane.
type selection struct {
	text  string // what y copies
	alarm *sources.Alarm
	log   *sources.LogEvent
	trail *sources.TrailEvent
}

func (m *Model) selected() (selection, bool) {
	switch top := m.top().(type) {
	case viewerView:
		return selection{text: top.raw}, top.raw != ""
	case detailView:
		if e, ok := m.detail.SelectedEvent(); ok && !m.detail.LogsFocused() {
			return selection{text: e.JSON, trail: &e}, true
		}
		if l, ok := m.detail.SelectedLog(); ok {
			return selection{text: logText(l), log: &l}, true
		}
		a := m.detail.Alarm()
		return selection{text: alarmID(a), alarm: &a}, true
	}
	switch m.focus {
	case paneAlarms:
		if a, ok := m.alarms.Selected(); ok {
			return selection{text: alarmID(a), alarm: &a}, true
		}
	case paneMetrics:
		if s, ok := m.metrics.Selected(); ok {
			for _, a := range m.alarmList {
				if a.Metric.Key() == s.Spec.Key() {
					return selection{text: alarmID(a), alarm: &a}, true
				}
			}
			return selection{text: s.Spec.Key()}, true
		}
	case paneLogs:
		if e, ok := m.logs.Selected(); ok {
			return selection{text: logText(e), log: &e}, true
		}
	case paneTrail:
		if e, ok := m.trail.Selected(); ok {
			return selection{text: e.JSON, trail: &e}, true
		}
	}
	return selection{}, false
}

func alarmID(a sources.Alarm) string {
	if a.ARN != "" {
		return a.ARN
	}
	return a.Name
}

func logText(e sources.LogEvent) string { return strings.ReplaceAll(e.Message, "⏎", "\n") }

// copySelected puts the selection on the clipboard of the user's terminal
// with OSC 52: the sequence rides in the next frame, so it reaches the
// terminal through SSH and tmux wherever the program draws.
func (m *Model) copySelected() {
	sel, ok := m.selected()
	if !ok || sel.text == "" {
		m.room.note = "nothing selected to copy"
		return
	}
	c := clipboard.New(sel.text, m.cfg.Environ)
	m.room.osc52, m.room.copied = c.Sequence, time.Now()
	m.room.note = fmt.Sprintf("copied %s to the clipboard", sizeOf(sel.text))
	if c.Cut > 0 {
		m.room.note = fmt.Sprintf("copied the first %d bytes to the clipboard, cut %d more (its limit is %d)", c.Bytes, c.Cut, clipboard.MaxBytes)
	}
}

func sizeOf(text string) string {
	if n := strings.Count(text, "\n") + 1; n > 1 {
		return fmt.Sprintf("%d lines", n)
	}
	return fmt.Sprintf("%d characters", len([]rune(text)))
}

// linkSelected shows the AWS console link of the selection, and opens it
// when the user sits at this machine and it has a browser.
func (m *Model) linkSelected() tea.Cmd {
	url, err := m.consoleLink()
	if err != nil {
		m.room.note = err.Error()
		return nil
	}
	m.openViewer("AWS console link", url)
	m.room.note = "console link"
	if !m.cfg.OpenLinks {
		return nil
	}
	return func() tea.Msg {
		if err := openBrowser(url); err != nil {
			return linkNote("no browser opened: " + err.Error())
		}
		return linkNote("opened in the browser")
	}
}

// linkNote is what opening a link in a browser came to.
type linkNote string

func (n linkNote) Note() string { return string(n) }

// noter is a message carrying a note for the status line: the UI's own, or
// one from what runs it (the SSH server says when it draws less than the
// terminal's size).
type noter interface{ Note() string }

func (m *Model) consoleLink() (string, error) {
	sel, ok := m.selected()
	if _, isViewer := m.top().(viewerView); isViewer || !ok {
		return "", fmt.Errorf("select an alarm, a log line or a CloudTrail event for its console link")
	}
	region := m.region()
	switch {
	case sel.alarm != nil:
		return sources.AlarmConsoleURL(region, *sel.alarm)
	case sel.trail != nil:
		return sources.TrailEventConsoleURL(region, *sel.trail)
	case sel.log != nil:
		at := sel.log.Time
		return sources.LogsConsoleURL(region, sel.log.Group, at.Add(-5*time.Minute), at.Add(5*time.Minute), m.cfg.LogFilter)
	}
	return "", fmt.Errorf("the selection has no console page")
}

// region is the configured region, else the one the alarms' ARNs name.
func (m *Model) region() string {
	if m.cfg.Region != "" {
		return m.cfg.Region
	}
	for _, a := range m.alarmList {
		if parts := strings.Split(a.ARN, ":"); len(parts) > 3 && parts[3] != "" {
			return parts[3]
		}
	}
	return "us-east-1"
}

// openBrowser opens url with the desktop's opener, when there is one.
func openBrowser(url string) error {
	name := "xdg-open"
	if runtime.GOOS == "darwin" {
		name = "open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s not found", name)
	}
	return exec.Command(path, url).Start()
}

// roomView adds the war room's parts to a frame drawn by draw: the
// clipboard sequence of a copy.
func (m *Model) roomView(draw func() string) string {
	frame := draw()
	if m.room.osc52 != "" {
		frame = m.room.osc52 + frame
	}
	return frame
}

// roomUpdate handles the war room's own messages, and keys in kiosk mode:
// any key (but ctrl+c, which quits) returns to normal mode. It reports
// whether msg is done with.
func (m *Model) roomUpdate(msg tea.Msg) (tea.Cmd, bool) {
	if m.room.osc52 != "" && time.Since(m.room.copied) > time.Second {
		m.room.osc52 = ""
	}
	switch msg := msg.(type) {
	case kioskTick:
		return m.kioskNext(msg), true
	case noter:
		m.room.note = msg.Note()
		return nil, true
	case tea.KeyMsg:
		m.room.note, m.room.osc52 = "", ""
		if m.room.kiosk.on && msg.String() != "ctrl+c" {
			m.leaveKiosk()
			m.room.note = "kiosk mode off"
			return nil, true
		}
	}
	return nil, false
}

// statusRight is the status line's right end: the last copy or link note,
// else the refresh and the estimated API cost.
func (m *Model) statusRight() string {
	if m.room.note != "" {
		return m.room.note
	}
	text := "refresh " + m.cfg.Refresh.String()
	if cost := m.costSummary(); cost != "" {
		text += " · " + cost
	}
	return text
}

// detailOpen is the drill-down's selection in full, its title's time in the
// session's zone.
func (m *Model) detailOpen() (title, text string, ok bool) {
	return m.detail.Open()
}
