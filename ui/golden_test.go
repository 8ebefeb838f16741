package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
)

// TestGolden compares whole screens of the demo, on a fixed clock and in the
// 256-colour profile tmux and SSH users get, with the files under testdata/;
// `go test ./ui/ -update` rewrites them. Each screen is drawn twice: a View
// that changed state would draw differently the second time.
func TestGolden(t *testing.T) {
	panetest.UseProfile(t, termenv.ANSI256)
	screens := []struct {
		name          string
		width, height int
		keys          []string
	}{
		{"dashboard_80x24", 80, 24, nil},
		{"dashboard_120x40", 120, 40, nil},
		{"dashboard_200x60", 200, 60, nil},
		{"drilldown_80x24", 80, 24, []string{"enter"}},
		{"drilldown_120x40", 120, 40, []string{"enter"}},
		{"drilldown_200x60", 200, 60, []string{"enter"}},
		{"help_120x40", 120, 40, []string{"?"}},
		{"json_120x40", 120, 40, []string{"tab", "tab", "tab", "enter"}},
		{"trail_writeonly_120x40", 120, 40, []string{"tab", "tab", "tab", "w"}},
		{"denied_120x40", 120, 40, []string{"D"}},
		{"denied_80x24", 80, 24, []string{"D"}},
	}
	for _, s := range screens {
		t.Run(s.name, func(t *testing.T) {
			m, _ := newDemoModel(t, incidentAfter+2*time.Minute, s.width, s.height)
			pump(t, m)
			if cmd := press(m, s.keys...); cmd != nil && m.inDrill() {
				m.Update(cmd())
			}
			out := m.View()
			assertFills(t, out, s.width, s.height)
			if again := m.View(); again != out {
				t.Fatal("drawing the same model twice gave two screens")
			}
			golden.RequireEqual(t, out)
		})
	}
}
