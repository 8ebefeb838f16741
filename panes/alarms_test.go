package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
)

func alarmsTestNames(t *testing.T, p *Alarms, w, h int) []string {
	t.Helper()
	var names []string
	for _, line := range strings.Split(ansi.Strip(fxDrawPane(p, w, h, true)), "\n") {
		for _, a := range fxAlarms() {
			if strings.Contains(line, a.Name) {
				names = append(names, a.Name)
			}
		}
	}
	return names
}

func TestAlarmsKeepOrderAndRows(t *testing.T) {
	fxPlainColors(t)
	p := NewAlarms()
	p.SetAlarms(fxAlarms())
	got := strings.Join(alarmsTestNames(t, p, 120, 10), ",")
	if got != "web-cpu-high,checkout-errors,queue-depth,checkout-latency" {
		t.Fatalf("order %s", got)
	}
	out := ansi.Strip(fxDrawPane(p, 120, 10, true))
	for _, want := range []string{"2 firing", "› ALARM  web-cpu-high", "CPUUtilization i-0abc", "> 80", "≥ 5", "INSUFF", "Mar 05 19:35"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if p.Firing() != 2 {
		t.Errorf("Firing() = %d", p.Firing())
	}
	p.SetNow(fxChanged)
	if out := ansi.Strip(fxDrawPane(p, 120, 10, true)); !strings.Contains(out, "19:35:00") || !strings.Contains(out, "Mar 03 19:35") {
		t.Errorf("today's changes should show the time of day, older ones the date:\n%s", out)
	}
}

func TestAlarmsSelectionFollowsNameAcrossRefresh(t *testing.T) {
	p := NewAlarms()
	p.SetAlarms(fxAlarms())
	p.Move(2)
	if a, _ := p.Selected(); a.Name != "queue-depth" {
		t.Fatalf("selected %q", a.Name)
	}
	// queue-depth starts firing: it moves to the top, the selection follows.
	refreshed := fxAlarms()
	refreshed[2].State = sources.StateAlarm
	sources.SortAlarms(refreshed)
	p.SetAlarms(refreshed)
	if a, _ := p.Selected(); a.Name != "queue-depth" {
		t.Fatalf("selection moved to %q", a.Name)
	}
	if p.Firing() != 3 {
		t.Fatalf("Firing() = %d", p.Firing())
	}
	// When the selected alarm disappears the selection stays in range.
	p.Move(100)
	p.SetAlarms(fxAlarms()[:1])
	if a, ok := p.Selected(); !ok || a.Name != "web-cpu-high" {
		t.Fatalf("selected %q %v", a.Name, ok)
	}
	p.Move(-100)
	p.Move(100)
	if a, _ := p.Selected(); a.Name != "web-cpu-high" {
		t.Fatalf("move past the end: %q", a.Name)
	}
}

func TestAlarmsFilter(t *testing.T) {
	fxPlainColors(t)
	p := NewAlarms()
	p.SetAlarms(fxAlarms())
	p.SetFilter("CHECKOUT")
	if got := strings.Join(alarmsTestNames(t, p, 100, 10), ","); got != "checkout-errors,checkout-latency" {
		t.Fatalf("filtered rows %s", got)
	}
	if out := ansi.Strip(fxDrawPane(p, 100, 10, true)); !strings.Contains(out, "2/4 · /CHECKOUT") {
		t.Fatalf("note missing:\n%s", out)
	}
	p.SetFilter("cpuutil") // matches the metric column
	if a, ok := p.Selected(); !ok || a.Name != "web-cpu-high" {
		t.Fatalf("selected %q %v", a.Name, ok)
	}
	p.SetFilter("nothing-like-this")
	if _, ok := p.Selected(); ok {
		t.Fatal("nothing should be selected")
	}
	if out := ansi.Strip(fxDrawPane(p, 60, 5, true)); !strings.Contains(out, "no alarms match") {
		t.Fatalf("empty filter state:\n%s", out)
	}
	p.SetFilter("")
	if n := len(alarmsTestNames(t, p, 100, 10)); n != 4 {
		t.Fatalf("clearing the filter shows %d alarms", n)
	}
}

func TestAlarmsEmptyStatesAndSizes(t *testing.T) {
	fxPlainColors(t)
	p := NewAlarms()
	if out := fxDrawPane(p, 40, 5, false); !strings.Contains(out, "waiting for data") {
		t.Fatalf("before data:\n%s", out)
	}
	p.SetAlarms(nil)
	if out := fxDrawPane(p, 40, 5, false); !strings.Contains(out, "no alarms") {
		t.Fatalf("no alarms:\n%s", out)
	}
	if _, ok := p.Selected(); ok {
		t.Fatal("empty list has no selection")
	}
	p.Move(1)
	many := fxAlarms()
	for i := 0; i < 30; i++ {
		many = append(many, sources.Alarm{Name: strings.Repeat("x", i+1), State: sources.StateOK})
	}
	p.SetAlarms(many)
	p.Move(25)
	for _, size := range fxSizes {
		for _, focused := range []bool{true, false} {
			fxCheckSize(t, fxDrawPane(p, size[0], size[1], focused), size[0], size[1])
		}
	}
	// The selection scrolls into view.
	if out := ansi.Strip(fxDrawPane(p, 80, 6, true)); !strings.Contains(out, "› OK     "+strings.Repeat("x", 22)) {
		t.Fatalf("selection not visible:\n%s", out)
	}
}

func TestAlarmsFirstRowStaysFirstSoANewlyFiringAlarmIsSelected(t *testing.T) {
	p := NewAlarms()
	quiet := []sources.Alarm{{Name: "a-ok", State: sources.StateOK}, {Name: "b-ok", State: sources.StateOK}}
	p.SetAlarms(quiet)
	p.SetAlarms(append([]sources.Alarm{{Name: "z-firing", State: sources.StateAlarm}}, quiet...))
	if a, _ := p.Selected(); a.Name != "z-firing" {
		t.Fatalf("selected %q, want the newly firing alarm at the top", a.Name)
	}
}

// TestAlarmsDrawTheSameWhateverTheOrderOfUpdates: the rows and widths kept
// between frames follow a new time as a fresh pane would, also when the
// filter matches the printed time.
func TestAlarmsDrawTheSameWhateverTheOrderOfUpdates(t *testing.T) {
	fxPlainColors(t)
	for _, filter := range []string{"", "mar 05", "19:35:00"} {
		kept := NewAlarms()
		kept.SetAlarms(fxAlarms())
		kept.SetFilter(filter)
		kept.SetNow(fxChanged)
		fresh := NewAlarms()
		fresh.SetNow(fxChanged)
		fresh.SetAlarms(fxAlarms())
		fresh.SetFilter(filter)
		if got, want := fxDrawPane(kept, 120, 10, true), fxDrawPane(fresh, 120, 10, true); got != want {
			t.Errorf("filter %q: the kept pane draws\n%s\nwant\n%s", filter, got, want)
		}
	}
}

// In a monitoring account, an alarm on a linked account's metric says
// whose, by the account's name, and the filter finds it by that name.
func TestAlarmsNameTheLinkedAccount(t *testing.T) {
	fxPlainColors(t)
	alarms := fxAlarms()
	alarms[1].Account = "Payments"
	p := NewAlarms()
	p.SetAlarms(alarms)
	out := ansi.Strip(fxDrawPane(p, 140, 10, true))
	if !strings.Contains(out, "Payments "+alarms[1].Name) {
		t.Errorf("the linked account's alarm does not name it:\n%s", out)
	}
	p.SetFilter("payments")
	if a, ok := p.Selected(); !ok || a.Name != alarms[1].Name {
		t.Errorf("filtering by the account selects %q %v", a.Name, ok)
	}
}
