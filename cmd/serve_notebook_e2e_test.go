package cmd

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"watchtrail/internal/tmuxtest"
)

// openWebIncident filters the alarms to the demo's web alarm and opens its
// drill-down.
func openWebIncident(t *testing.T, s *tmuxtest.Session) {
	s.WaitFor(30*time.Second, "DEMO", "prod-web-alb-5xx")
	// A key sent as the session starts may be taken by the terminal's
	// answers to the program's queries: / is pressed until the prompt shows.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.Screen(), "enter keep"); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("/ opened no filter:\n%s", s.Screen())
		}
		s.Keys("/")
	}
	s.Keys("-l", "prod-web-alb-5xx")
	s.WaitFor(5*time.Second, "· /prod-web-alb-5xx")
	s.Keys("Enter")
	s.Keys("Enter")
	s.WaitFor(30*time.Second, "Drill-down · prod-web-alb-5xx", "likely cause: RevokeSecurityGroupIngress")
}

// Two people in the war room, over real OpenSSH sessions: ana confirms the
// cause, bob's screen shows it; after the server stops, the triage report
// from the same state directory carries the verdict.
func TestEndToEndVerdictReachesTheOtherSession(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Minute).Format(time.RFC3339)
	ssh, log, srv := servedDemo(t, "--demo-start", start, "--refresh=1s", "--state-dir", state)
	ana := tmuxtest.Start(t, 140, 44, strings.Replace(ssh("listed"), "oncall@", "ana@", 1))
	bob := tmuxtest.Start(t, 140, 44, strings.Replace(ssh("listed"), "oncall@", "bob@", 1))
	openWebIncident(t, ana)
	openWebIncident(t, bob)

	ana.Keys("c")
	ana.WaitFor(5*time.Second, "confirm RevokeSecurityGroupIngress · reason")
	ana.Keys("-l", "ingress rule revoked at 19:12")
	said := time.Now()
	ana.Keys("Enter")
	var seen time.Duration
	for deadline := said.Add(10 * time.Second); seen == 0; time.Sleep(20 * time.Millisecond) {
		screen := bob.Screen()
		if strings.Contains(screen, "✓ confirmed by ana") && strings.Contains(screen, "ana confirmed RevokeSecurityGroupIngress") {
			seen = time.Since(said)
		} else if time.Now().After(deadline) {
			t.Fatalf("bob's session did not show ana's verdict:\n%s", screen)
		}
	}
	t.Logf("ana's verdict reached bob's screen %s after her Enter", seen.Round(time.Millisecond))
	ana.WaitFor(5*time.Second, "✓ confirmed by ana", "ingress rule revoked at 19:12")

	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, log)
	}
	report := exec.Command(srv.Path, "triage", "prod-web-alb-5xx", "--format", "markdown", "--demo", "--demo-start", start, "--state-dir", state)
	report.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}
	out, err := report.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "confirmed by ana") || !strings.Contains(string(out), "ingress rule revoked at 19:12") ||
		!strings.Contains(string(out), "### Cause\n\n- `RevokeSecurityGroupIngress` by erin") {
		t.Fatalf("the report after the server stopped: %v\n%s", err, out)
	}
}
