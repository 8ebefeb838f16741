package cmd

import (
	"testing"
	"time"

	"watchtrail/internal/tmuxtest"
)

// TestEndToEndInsightsDashboardsComposites drives the demo binary through
// a Logs Insights query, a composite alarm, the dashboard, the source
// switcher and a log line's context.
func TestEndToEndInsightsDashboardsComposites(t *testing.T) {
	bin := buildBinary(t)
	s := tmuxtest.Start(t, 120, 40, cleanEnv(t)+" "+bin+" --demo-incident-after=2s --refresh=1s")
	s.WaitFor(60*time.Second, "firing", "ALARM", "◆ ALARM")

	s.Keys("i")
	s.WaitFor(10*time.Second, "Logs Insights", "groups (", "query › fields @timestamp")
	s.Keys("Enter")
	s.WaitFor(20*time.Second, "Complete · ", "records matched", "@timestamp", "@message")
	s.Keys("Enter")
	s.WaitFor(10*time.Second, "Log record", "@message: ")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Results")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Alarms", "CloudTrail")

	s.Keys("d")
	s.WaitFor(10*time.Second, "Dashboards", "checkout-service")
	s.Keys("Enter")
	s.WaitFor(15*time.Second, "checkout alarms", "checkout-api duration", "not supported in the terminal", "ALARM  checkout-api-errors")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Alarms", "CloudTrail")

	s.Keys("S") // one source: the switcher offers all sources only
	s.WaitFor(5*time.Second, "Sources", "all sources", "one source only")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Alarms", "CloudTrail") // an escape straight before tab would read as alt+tab
	s.Keys("Tab", "Tab", "c")                        // context of the newest log line
	s.WaitFor(10*time.Second, "Context · /", "› ")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Alarms", "CloudTrail")
	s.Keys("q")
	s.WaitExit(5 * time.Second)

	// --dashboard opens it at start.
	s = tmuxtest.Start(t, 100, 30, cleanEnv(t)+" "+bin+" --dashboard checkout-service")
	s.WaitFor(15*time.Second, "checkout alarms", "prod-web load balancer")
	s.Keys("q")
	s.WaitExit(5 * time.Second)
}
