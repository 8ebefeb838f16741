package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"watchtrail/notebook"
	"watchtrail/sources"
)

// demoAnHourAgo is the demo whose story began an hour ago: both of its
// incidents have fired and recovered, the same in every run.
func demoAnHourAgo() []string {
	return []string{"--demo", "--demo-start", time.Now().Add(-time.Hour).UTC().Truncate(time.Minute).Format(time.RFC3339)}
}

func TestTriageReportCarriesTheNotebook(t *testing.T) {
	noAWS(t)
	demo := demoAnHourAgo()
	r := run(t, append([]string{"triage", "prod-web-alb-5xx", "--format", "json"}, demo...)...)
	var plain notebook.ReportJSON
	if err := json.Unmarshal([]byte(r.stdout), &plain); r.err != nil || err != nil || len(plain.Suspects) == 0 {
		t.Fatalf("%v %v\n%s", r.err, err, r.stdout)
	}
	if plain.Cause != "unconfirmed" || len(plain.Timeline) == 0 {
		t.Fatalf("a report before any verdict: cause %q, %d moments", plain.Cause, len(plain.Timeline))
	}

	// A verdict and a note given (as in a session) on the incident triage analysed.
	store, err := notebook.Open(defaultStateDir())
	if err != nil {
		t.Fatal(err)
	}
	top := plain.Suspects[0]
	inc := notebook.Incident{Alarm: "prod-web-alb-5xx", Fired: plain.Anchor}
	if _, err := store.SetVerdict(inc, sources.TrailEvent{ID: top.EventID, Name: top.Call, Time: top.Time}, notebook.Confirmed, "ana", "ingress rule revoked", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddNote(inc, "bob", "paged networking", time.Now()); err != nil {
		t.Fatal(err)
	}
	store.Close()

	// The demo restarted keeps its event IDs: the report finds the verdict.
	r = run(t, append([]string{"triage", "prod-web-alb-5xx", "--format", "markdown"}, demo...)...)
	if r.err != nil || !strings.Contains(r.stdout, "### Cause\n\n- `"+top.Call+"` by "+top.User) ||
		!strings.Contains(r.stdout, "confirmed by ana") || !strings.Contains(r.stdout, "bob: paged networking") {
		t.Fatalf("markdown: %v\n%s", r.err, r.stdout)
	}

	r = run(t, "incidents", "--format", "json", "--since", "3h")
	var list []incidentJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); r.err != nil || err != nil || len(list) != 1 {
		t.Fatalf("incidents: %v %v\n%s", r.err, err, r.stdout)
	}
	if got := list[0]; got.Alarm != "prod-web-alb-5xx" || got.Recovered == nil || len(got.Causes) != 1 || got.Causes[0] != top.Call || got.Notes != 1 {
		t.Fatalf("incident %+v", got)
	}
	r = run(t, "incidents")
	if r.err != nil || !strings.Contains(r.stdout, "prod-web-alb-5xx") || !strings.Contains(r.stdout, top.Call) {
		t.Fatalf("incidents text: %v\n%s", r.err, r.stdout)
	}
	if r = run(t, "incidents", "--since", "1m"); r.err != nil || !strings.HasPrefix(r.stdout, "no incidents since") {
		t.Fatalf("no recent incidents: %v\n%s", r.err, r.stdout)
	}
}

func TestStateDirFlagAndConfigKey(t *testing.T) {
	noAWS(t)
	dir := filepath.Join(t.TempDir(), "war-room")
	r := run(t, "--demo", "--state-dir", dir)
	if r.err != nil || r.cfg == nil || r.cfg.Notebook == nil || r.cfg.Notebook.Path() != filepath.Join(dir, notebook.FileName) {
		t.Fatalf("--state-dir: %v %+v", r.err, r.cfg)
	}
	if r.cfg.User == "" {
		t.Error("no OS user for the verdicts")
	}
	fromConfig := filepath.Join(t.TempDir(), "from-config")
	config := writeFile(t, filepath.Join(t.TempDir(), "config.yaml"), "state-dir: "+fromConfig+"\n")
	r = run(t, "--demo", "--config", config)
	if r.err != nil || r.cfg.Notebook == nil || r.cfg.Notebook.Path() != filepath.Join(fromConfig, notebook.FileName) {
		t.Fatalf("state-dir in the config: %v %+v", r.err, r.cfg)
	}
}

// A notebook that cannot be opened leaves the dashboard working, saying why;
// the commands that need it fail with the reason.
func TestBrokenNotebookKeepsTheDashboard(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, notebook.FileName), strings.Repeat("garbage ", 1000))
	r := run(t, "--demo", "--state-dir", dir)
	if r.err != nil || r.cfg == nil || r.cfg.Notebook != nil || r.cfg.NotebookErr == nil ||
		!strings.Contains(r.cfg.NotebookErr.Error(), "corrupt") {
		t.Fatalf("dashboard with a corrupt notebook: %v %+v", r.err, r.cfg)
	}
	r = run(t, "incidents", "--state-dir", dir)
	if r.err == nil || !strings.Contains(r.err.Error(), "corrupt") {
		t.Fatalf("incidents with a corrupt notebook: %v", r.err)
	}
	r = run(t, append([]string{"triage", "prod-web-alb-5xx", "--state-dir", dir}, demoAnHourAgo()...)...)
	if r.err != nil || !strings.Contains(r.stdout, "Triage: prod-web-alb-5xx") || !strings.Contains(r.stderr, "the report has no notebook") {
		t.Fatalf("triage with a corrupt notebook: %v\n%s\n%s", r.err, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, notebook.FileName)); err != nil {
		t.Fatal("the corrupt file should be left alone")
	}
	if r := run(t, "--demo", "--demo-start", "yesterday"); r.err == nil || !strings.Contains(r.err.Error(), "2025-03-01T14:00:00Z") {
		t.Fatalf("a bad --demo-start: %v", r.err)
	}
}
