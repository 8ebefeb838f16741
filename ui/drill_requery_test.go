package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// lagging is the demo account read through a trail reader that delivers
// up to 15 minutes late, as LookupEvents does.
type lagging struct{ *demo.Source }

func (lagging) Deliveries() []sources.Delivery {
	return []sources.Delivery{{Reader: "LookupEvents", Lag: sources.CloudTrailLag}}
}

// While CloudTrail may still deliver changes, the open drill-down says so
// and reads its window again on the trail's cadence, in place; once the
// window is complete it stops asking.
func TestDrillDownReadsTheWindowAgainUntilComplete(t *testing.T) {
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter, Composite: true})
	m := New(Config{Source: lagging{d}, Demo: true, Refresh: 2 * time.Second, LogGroups: d.LogGroups(), Metrics: d.WatchedMetrics(), Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	pump(t, m)
	out := drillInto(t, m, "checkout-api-errors")
	if !strings.Contains(out, "changes may still be arriving until") || !strings.Contains(out, "likely cause: UpdateFunctionConfiguration by alice") {
		t.Fatalf("want the likely cause so far and the caveat:\n%s", out)
	}
	alarm := m.detail.Alarm()
	drill, _ := m.detail.Drill()
	if cmd := m.drillDone(drill); cmd == nil {
		t.Fatal("an incomplete window asks nothing again")
	}
	c.T = c.T.Add(20 * time.Minute)
	cmd := m.requery(drillAgain{alarm})
	if cmd == nil {
		t.Fatal("the open drill-down does not read its window again")
	}
	msg, ok := cmd().(triageMsg)
	if !ok || !msg.Complete {
		t.Fatalf("the window read again: %+v", msg.Result.Verdict)
	}
	_, next := m.Update(msg)
	out = screen(m)
	if strings.Contains(out, "arriving") || !strings.Contains(out, "likely cause: UpdateFunctionConfiguration by alice") {
		t.Errorf("the complete window's verdict:\n%s", out)
	}
	if next != nil {
		if _, again := next().(drillAgain); again {
			t.Error("a complete window is read again")
		}
	}
	press(m, "esc")
	if m.requery(drillAgain{alarm}) != nil {
		t.Error("a closed drill-down is read again")
	}
}
