package ui

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

// withRoom gives a demo dashboard a war-room configuration.
func withRoom(m *Model, room WarRoom) *Model {
	m.cfg.WarRoom = room
	m.initRoom()
	m.resize()
	return m
}

func firingAlarm(name string, changed time.Time) sources.Alarm {
	return sources.Alarm{Name: name, State: sources.StateAlarm, StateChanged: changed,
		ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:" + name}
}

func TestKioskRotatesFiringAlarmsNewestFirstAndAnyKeyLeaves(t *testing.T) {
	m, _ := newDemoModel(t, 0, 120, 40)
	withRoom(m, WarRoom{Kiosk: true, Rotate: time.Minute})
	pump(t, m)
	if out := screen(m); !strings.Contains(out, "A L L   C L E A R") || m.inDrill() || !strings.Contains(out, "Alarms") {
		t.Fatalf("kiosk, all clear: want the banner over the dashboard:\n%s", out)
	}
	old, newer := firingAlarm("db-cpu-high", demoStart.Add(-time.Hour)), firingAlarm("api-5xx", demoStart)
	m.Update(sources.AlarmsMsg{Alarms: []sources.Alarm{old, newer}, At: demoStart})
	for _, want := range []string{"api-5xx", "db-cpu-high", "api-5xx"} {
		out := screen(m)
		if !m.inDrill() || m.detail.Alarm().Name != want || !strings.Contains(out, "2   F I R I N G") {
			t.Fatalf("kiosk shows %q (drill-down open: %v), want %s's drill-down under 2 FIRING:\n%s",
				m.detail.Alarm().Name, m.inDrill(), want, out)
		}
		m.Update(kioskTick{gen: m.room.kiosk.gen})
	}
	m.Update(kioskTick{gen: m.room.kiosk.gen - 1}) // a stale turn changes nothing
	if m.detail.Alarm().Name != "db-cpu-high" {
		t.Fatalf("a stale tick moved the rotation to %s", m.detail.Alarm().Name)
	}
	old.State, newer.State = sources.StateOK, sources.StateOK
	m.Update(sources.AlarmsMsg{Alarms: []sources.Alarm{old, newer}, At: demoStart})
	if out := screen(m); m.inDrill() || !strings.Contains(out, "A L L   C L E A R") {
		t.Fatalf("all clear again: want the dashboard:\n%s", out)
	}
	m.Update(sources.AlarmsMsg{Alarms: []sources.Alarm{firingAlarm("api-5xx", demoStart)}, At: demoStart})
	press(m, "x")
	out := screen(m)
	if m.room.kiosk.on || strings.Contains(out, "F I R I N G") || !strings.Contains(out, "1 firing") || !m.inDrill() {
		t.Fatalf("any key: want normal mode on the drill-down shown:\n%s", out)
	}
	assertFills(t, out, 120, 40)
}

func TestTTogglesTheZoneOfEveryTimeShown(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+time.Minute, 120, 40)
	cet := time.FixedZone("CET", 3600)
	withRoom(m, WarRoom{Zone: cet})
	pump(t, m)
	e, ok := m.logs.Selected()
	if !ok {
		t.Fatal("no log line")
	}
	out := screen(m)
	if !strings.Contains(lineWith(out, "watchtrail"), m.now.In(cet).Format("15:04:05 CET")) ||
		!strings.Contains(out, e.Time.In(cet).Format("15:04:05")) {
		t.Fatalf("--tz CET: want the header and log lines in CET:\n%s", out)
	}
	press(m, "t")
	out = screen(m)
	if !strings.Contains(lineWith(out, "watchtrail"), m.now.UTC().Format("15:04:05 UTC")) ||
		!strings.Contains(out, e.Time.UTC().Format("15:04:05")+" ") || strings.Contains(out, e.Time.In(cet).Format("15:04:05")+" ") {
		t.Fatalf("t: want every time in UTC:\n%s", out)
	}
	press(m, "t")
	if !strings.Contains(lineWith(screen(m), "watchtrail"), "CET") {
		t.Fatalf("t again: want CET back:\n%s", screen(m))
	}
}

// osc52 is the OSC 52 sequence that sets the clipboard to text.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}

func TestYCopiesTheSelectionWithOSC52(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+time.Minute, 120, 40)
	pump(t, m)
	a, _ := m.alarms.Selected()
	press(m, "y")
	if frame := m.View(); !strings.Contains(frame, osc52(alarmID(a))) || !strings.Contains(screen(m), "copied") {
		t.Fatalf("y on an alarm: want the OSC 52 sequence of %q in the frame and \"copied\":\n%q", alarmID(a), frame)
	}
	press(m, "tab", "tab", "tab") // the CloudTrail pane
	e, _ := m.trail.Selected()
	if frame := m.View(); strings.Contains(frame, "\x1b]52;") {
		t.Fatal("the sequence outlived the copy: the next key must drop it")
	}
	press(m, "y")
	if frame := m.View(); !strings.Contains(frame, osc52(e.JSON)) {
		t.Fatalf("y on a CloudTrail event: want its JSON copied:\n%q", frame)
	}
	press(m, "tab", "tab", "tab", "enter") // a log line in the viewer
	l, _ := m.logs.Selected()
	press(m, "y")
	if frame := m.View(); !m.viewing() || !strings.Contains(frame, osc52(logText(l))) {
		t.Fatalf("y in the log viewer: want the line copied:\n%q", frame)
	}
	m.cfg.Environ = []string{"TMUX=/tmp/tmux-0/default,1,0"}
	press(m, "y")
	if frame := m.View(); !strings.Contains(frame, "\x1bPtmux;\x1b\x1b]52;c;") {
		t.Fatalf("inside tmux: want the sequence wrapped for tmux:\n%q", frame)
	}
}

func TestOShowsTheConsoleLinkOfTheSelection(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+time.Minute, 120, 40)
	pump(t, m)
	withRoom(m, WarRoom{Region: "eu-central-1"})
	a, _ := m.alarms.Selected()
	press(m, "o")
	want, _ := sources.AlarmConsoleURL("eu-central-1", a)
	if out := screen(m); !m.viewing() || !strings.Contains(strings.ReplaceAll(out, "\n", ""), "#alarmsV2:alarm/") || want == "" {
		t.Fatalf("o on an alarm: want its console link %s:\n%s", want, out)
	}
	if v := m.top().(viewerView); v.raw != want {
		t.Fatalf("link %q, want %q", v.raw, want)
	}
	press(m, "esc", "tab", "tab") // the logs pane
	l, _ := m.logs.Selected()
	press(m, "o")
	raw := m.top().(viewerView).raw
	if !strings.HasPrefix(raw, "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#logsV2:log-groups/log-group/") ||
		!strings.Contains(raw, "start$3D"+strconv.FormatInt(l.Time.Add(-5*time.Minute).UnixMilli(), 10)) {
		t.Fatalf("o on a log line: want the group's console page around the line, got %s", raw)
	}
	press(m, "o")
	if !strings.Contains(screen(m), "select an alarm") {
		t.Fatalf("o in the viewer: want a hint:\n%s", screen(m))
	}
}

// testNote stands for a note from whatever runs the UI (the SSH server's
// window note has the same shape).
type testNote string

func (n testNote) Note() string { return string(n) }

func TestNotesFromOutsideShowInTheStatusLine(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+time.Minute, 120, 40)
	pump(t, m)
	m.Update(testNote("the terminal is 10000×10000: drawing 500×500"))
	if s := screen(m); !strings.Contains(s, "drawing 500×500") {
		t.Fatalf("the note is not on the screen:\n%s", s)
	}
}
