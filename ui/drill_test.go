package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// drillInto filters the alarms to name, opens its drill-down and delivers
// the analysis, returning the screen.
func drillInto(t *testing.T, m *Model, name string) string {
	t.Helper()
	keys := []string{"/"}
	for _, r := range name {
		keys = append(keys, string(r))
	}
	press(m, append(keys, "enter")...)
	if a, ok := m.alarms.Selected(); !ok || a.Name != name {
		t.Fatalf("the filter selected %+v, want %s", a, name)
	}
	cmd := press(m, "enter")
	if !m.inDrill() || cmd == nil {
		t.Fatal("enter on an alarm did not open the drill-down")
	}
	m.Update(cmd())
	return screen(m)
}

// firstSuspect is the first suspect's row and the line under it.
func firstSuspect(t *testing.T, out string) (row, why string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "› 1. ") && i+1 < len(lines) {
			return l, lines[i+1]
		}
	}
	t.Fatalf("no selected first suspect:\n%s", out)
	return "", ""
}

func TestDrillDownRanksAlicesChangeFirstForTheCheckoutAlarms(t *testing.T) {
	for _, name := range []string{"checkout-api-duration-p99", "checkout-api-errors"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			m, _ := newDemoModel(t, incidentAfter+2*time.Minute, size[0], size[1])
			pump(t, m)
			out := drillInto(t, m, name)
			assertFills(t, out, size[0], size[1])
			if !strings.Contains(out, "▸ Suspects") || !strings.Contains(out, "likely cause: UpdateFunctionConfiguration by alice on function checkout-api") {
				t.Fatalf("%s %v: want the focused Suspects section and its verdict:\n%s", name, size, out)
			}
			row, why := firstSuspect(t, out)
			if !strings.Contains(row, "UpdateFunctionConfigu") || !strings.Contains(row, "alice") || !strings.Contains(row, "checkout-api") {
				t.Errorf("%s %v: first suspect %q, want alice's change on checkout-api", name, size, row)
			}
			if !strings.Contains(why, "← likely cause · memorySize → 128, timeout → 3 · a runtime configuration") {
				t.Errorf("%s %v: under the first suspect %q, want the flag, what changed and why", name, size, why)
			}
			if chart := out[strings.Index(out, "⠤⠤"):strings.Index(out, "▸ Suspects")]; !strings.Contains(chart, "1") || !strings.Contains(chart, "┆") || !strings.Contains(chart, "╎") {
				t.Errorf("%s %v: the chart should mark the suspects and the onset:\n%s", name, size, chart)
			}
		}
	}
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	drillInto(t, m, "checkout-api-errors")
	press(m, "enter")
	if out := screen(m); !m.viewing() || !strings.Contains(out, "CloudTrail event · UpdateFunctionConfiguration") || !strings.Contains(out, `"memorySize": 128`) {
		t.Fatalf("enter on the top suspect should show alice's event in full:\n%s", out)
	}
}

// tab cycles the sections forward, shift+tab backward.
func TestDrillDownSectionsTabForwardShiftTabBack(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	drillInto(t, m, "checkout-api-errors")
	focused := func() string {
		for _, l := range strings.Split(screen(m), "\n") {
			if i := strings.Index(l, "▸ "); i >= 0 {
				return strings.Fields(l[i+len("▸ "):])[0]
			}
		}
		t.Fatalf("no focused section:\n%s", screen(m))
		return ""
	}
	var got []string
	for _, k := range []string{"shift+tab", "shift+tab", "shift+tab", "tab", "tab"} {
		press(m, k)
		got = append(got, focused())
	}
	if want := "Log CloudTrail Suspects CloudTrail Log"; strings.Join(got, " ") != want {
		t.Errorf("focus after shift+tab ×3, tab ×2: %q, want %q", strings.Join(got, " "), want)
	}
}

func TestDrillDownOfTheWebIncidentBlamesErinsRevokeThroughTheTargets(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		m, c := newDemoModel(t, incidentAfter+2*time.Minute, size[0], size[1])
		pump(t, m)
		c.T = c.T.Add(13 * time.Minute) // past erin's revoke and the alarm it fires
		pump(t, m)
		out := drillInto(t, m, "prod-web-alb-5xx")
		assertFills(t, out, size[0], size[1])
		row, why := firstSuspect(t, out)
		for _, want := range []string{"RevokeSecurityGroupIn", "erin", "→ sg sg-0c4d5e6f7a8b9c0d1"} {
			if !strings.Contains(row, want) {
				t.Errorf("%v: first suspect %q lacks %q", size, row, want)
			}
		}
		if size[0] >= 200 && !strings.Contains(row, "load balancer prod-web → target group prod-web-tg → instance i-0a1b2c3d4e5f60001 → sg") {
			t.Errorf("%v: the whole relation path fits: %q", size, row)
		}
		if !strings.Contains(why, "← likely cause") {
			t.Errorf("%v: the revoke is not flagged: %q", size, why)
		}
		if size[0] >= 120 && !strings.Contains(why, "· a network path change can cause erro") ||
			size[0] >= 200 && !strings.Contains(why, "a network path change can cause errors; on sg sg-0c4d5e6f7a8b9c0d1 (3 hops)") {
			t.Errorf("%v: the reason: %q", size, why)
		}
		if !strings.Contains(out, "onset") {
			t.Errorf("%v: the onset is not marked:\n%s", size, out)
		}
	}
}

// TestGoldenWebIncident is the drill-down of the second incident, as
// TestGolden draws screens: prod-web-alb-5xx is the only alarm firing.
func TestGoldenWebIncident(t *testing.T) {
	panetest.UseProfile(t, termenv.ANSI256)
	m, _ := newDemoModel(t, incidentAfter+15*time.Minute, 120, 40)
	pump(t, m)
	m.Update(press(m, "enter")())
	out := m.View()
	assertFills(t, out, 120, 40)
	golden.RequireEqual(t, out)
}

func TestDrillDownBeforeAnyChangeBlamesNothing(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter/2, 120, 40)
	pump(t, m)
	out := drillInto(t, m, "checkout-api-errors")
	if !strings.Contains(out, "no related change in the window") || strings.Contains(out, "likely cause") {
		t.Fatalf("before alice's change nothing should be blamed:\n%s", out)
	}
}

// blindDemo is the demo account whose discovery could not see past the
// execution role.
type blindDemo struct{ *demo.Source }

func (b blindDemo) DiscoverGraph(ctx context.Context, a sources.Alarm) sources.ResourceGraph {
	g := b.Source.DiscoverGraph(ctx, a)
	g.Problems = append(g.Problems, "could not see role checkout-api-exec's relations: AccessDenied: iam:ListAttachedRolePolicies")
	return g
}

func TestDrillDownSaysWhatDiscoveryCouldNotSee(t *testing.T) {
	c := &clock{T: demoStart.Add(incidentAfter + 2*time.Minute)}
	d := demo.New(demo.Options{Start: demoStart, Now: c.Now, IncidentAfter: incidentAfter})
	m := New(Config{Source: blindDemo{d}, Demo: true, Refresh: 2 * time.Second, LogGroups: d.LogGroups(), Now: c.Now})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	pump(t, m)
	out := drillInto(t, m, "checkout-api-errors")
	assertFills(t, out, 80, 24)
	problem := strings.Index(out, "⚠ could not see role checkout-api-exec's relations: AccessDe")
	if problem < 0 || problem > strings.Index(out, "› 1. ") || !strings.Contains(out, "likely cause") {
		t.Fatalf("want the problem line above the suspects, and the suspects still ranked:\n%s", out)
	}
}
