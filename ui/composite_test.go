package ui

import (
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

func TestCompositeAlarmShowsItsChildrenAndDrillsIntoAFiringOne(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 160, 40)
	pump(t, m)
	var composite sources.Alarm
	for _, a := range m.alarmList {
		if a.Composite {
			composite = a
		}
	}
	if composite.Name == "" || composite.State != sources.StateAlarm {
		t.Fatalf("the demo has no firing composite alarm: %+v", composite)
	}
	press(m, "z") // the whole width for the children
	out := screen(m)
	row := lineWith(out, composite.Name)
	firing := sources.FiringChildren(composite, m.alarmList)
	if len(firing) == 0 || !strings.Contains(row, "◆ ALARM "+firing[0].Name) || !strings.Contains(row, "◆") {
		t.Fatalf("the composite's row lacks its marker and children's states: %q\n%s", row, out)
	}
	press(m, append([]string{"esc"}, append(strings.Split("/"+composite.Name, ""), "enter")...)...)
	if a, _ := m.alarms.Selected(); a.Name != composite.Name {
		t.Fatalf("filter selected %s", a.Name)
	}
	cmd := press(m, "enter")
	if !m.inDrill() || cmd == nil {
		t.Fatal("enter on the composite did not open a drill-down")
	}
	if got := m.detail.Alarm().Name; got != firing[0].Name {
		t.Fatalf("the composite drilled into %s, want its firing child %s", got, firing[0].Name)
	}
	m.Update(cmd())
	if !strings.Contains(screen(m), firing[0].Name) {
		t.Fatalf("drill-down of the child lacks its name:\n%s", screen(m))
	}
}
