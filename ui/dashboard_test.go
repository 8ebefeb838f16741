package ui

import (
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

func TestDashboardPickerOpensTheDashboardOnAGrid(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 120, 40)
	pump(t, m)
	settle(t, m, press(m, "d"))
	out := screen(m)
	if !strings.Contains(out, "Dashboards") || !strings.Contains(out, "checkout-service") {
		t.Fatalf("the picker does not list the demo dashboard:\n%s", out)
	}
	settle(t, m, press(m, "c", "h", "k", "enter")) // fuzzy: "chk" finds checkout-service
	v, ok := m.top().(*dashboardView)
	if !ok {
		t.Fatalf("enter did not open the dashboard: %T\n%s", m.top(), screen(m))
	}
	out = screen(m)
	assertFills(t, out, 120, 40)
	for _, want := range []string{"checkout-api errors and invocations", "Sum · 1m", "checkout-api duration",
		"checkout alarms", "ALARM  checkout-api-errors", "EC2 CPU by instance (metrics explorer)", sources.NotSupported,
		"enter runs it in Logs Insights", "on-call runbook"} {
		if !strings.Contains(out, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, out)
		}
	}
	if !strings.ContainsAny(out, "▁▂▃▄▅▆▇█") {
		t.Errorf("no sparklines in the metric widgets:\n%s", out)
	}
	// Widgets keep their places: the two metric widgets side by side, the
	// alarm widget left of the log widget.
	if l, r := column(out, "checkout-api errors and"), column(out, "checkout-api duration"); l < 0 || r < 55 || r > 65 || lineWith(out, "checkout-api errors and") != lineWith(out, "checkout-api duration") {
		t.Errorf("metric widgets are not side by side at half width: columns %d, %d\n%s", l, r, out)
	}
	// The log widget runs its query in the Logs Insights view.
	for i := 0; i < 4; i++ {
		if w, _ := v.grid.Selected(); w.Type == sources.WidgetLog {
			break
		}
		press(m, "tab")
	}
	settle(t, m, press(m, "enter"))
	q := m.queryView(t)
	if len(q.picked) != 1 || !strings.Contains(q.input.Value(), "filter @message like /ERROR|timed out/") {
		t.Fatalf("the log widget's query is not pre-filled: %v %q", q.picked, q.input.Value())
	}
	press(m, "esc", "esc")
	if m.top() != nil {
		t.Fatalf("esc twice did not return to the panes: %T", m.top())
	}
}

func TestDashboardAtStartAndUnknownName(t *testing.T) {
	m, _ := newDemoModel(t, incidentAfter+2*time.Minute, 80, 24)
	m.cfg.Dashboard = "nope"
	settle(t, m, m.openDashboard(m.cfg.Dashboard))
	out := screen(m)
	if !strings.Contains(out, `dashboard "nope" does not exist`) {
		t.Fatalf("an unknown dashboard does not say so:\n%s", out)
	}
	press(m, "esc")
	m.cfg.Dashboard = "checkout-service"
	settle(t, m, m.openDashboard(m.cfg.Dashboard))
	out = screen(m)
	assertFills(t, out, 80, 24)
	if !strings.Contains(out, "checkout-api") {
		t.Fatalf("the dashboard does not show on a small terminal:\n%s", out)
	}
}
