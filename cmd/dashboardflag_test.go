package cmd

import "testing"

func TestDashboardFlagOpensTheDashboard(t *testing.T) {
	noAWS(t)
	r := run(t, "--dashboard", "checkout-service")
	if r.err != nil || r.cfg == nil || r.cfg.Dashboard != "checkout-service" {
		t.Fatalf("got %v and %+v, want the dashboard named in the config", r.err, r.cfg)
	}
}
