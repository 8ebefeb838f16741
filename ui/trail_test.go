package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/filter"
	"watchtrail/sources"
)

// trailScreen is the demo at the trail pane, zoomed so every row shows.
func trailScreen(t *testing.T) *Model {
	t.Helper()
	m, _ := newDemoModel(t, incidentAfter+5*time.Minute, 120, 40)
	pump(t, m)
	press(m, "tab", "tab", "tab", "z")
	if m.focus != paneTrail {
		t.Fatalf("focus is %v, want trail", m.focus)
	}
	return m
}

// trailTitle is the trail pane's top border line.
func trailTitle(m *Model) string { return lineWith(screen(m), "CloudTrail") }

// statusOf is the screen's last line.
func statusOf(m *Model) string {
	lines := strings.Split(screen(m), "\n")
	return lines[len(lines)-1]
}

// namesOf is the event names of the events that pass keep.
func namesOf(events []sources.TrailEvent, keep func(sources.TrailEvent) bool) []string {
	var names []string
	for _, e := range events {
		if keep(e) && !slices.Contains(names, e.Name) {
			names = append(names, e.Name)
		}
	}
	return names
}

func TestTrailQueryNarrowsTheRowsAndTitleSaysSo(t *testing.T) {
	m := trailScreen(t)
	press(m, "/", "-ro user:ci-deployer", "enter")
	if _, open := m.top().(trailFilterView); open {
		t.Fatal("enter did not close the prompt")
	}
	out := screen(m)
	if title := trailTitle(m); !strings.Contains(title, "CloudTrail · write-only · user ci-deployer") {
		t.Fatalf("title does not say what is filtered: %q", title)
	}
	events := m.trail.Events()
	kept := namesOf(events, func(e sources.TrailEvent) bool { return e.User == "ci-deployer" && !e.ReadOnly })
	if len(kept) == 0 {
		t.Fatal("the demo has no writes by ci-deployer")
	}
	for _, name := range kept {
		if !strings.Contains(out, name) {
			t.Errorf("row %s of ci-deployer is missing:\n%s", name, out)
		}
	}
	for _, other := range []string{"svc-reports", "monitoring-readonly", "alice"} {
		if strings.Contains(out, other) {
			t.Errorf("a row of %s shows under user:ci-deployer:\n%s", other, out)
		}
	}
	if note := fmt.Sprintf("%d/%d", len(filter.Trail{WriteOnly: true, User: "ci-deployer"}.Filter(events)), len(events)); !strings.Contains(trailTitle(m), note) {
		t.Errorf("title lacks the count %s: %q", note, trailTitle(m))
	}

	press(m, "z", "esc") // on the pane: clears the query
	if title := trailTitle(m); strings.Contains(title, "·  user") || strings.Contains(title, "write-only") {
		t.Fatalf("esc did not clear the query: %q", title)
	}
}

func TestTrailQueryCompletesUsersSeenAndShowsParseErrors(t *testing.T) {
	m := trailScreen(t)
	press(m, "/", "user:svc", "tab")
	status := statusOf(m)
	if !strings.Contains(status, "/user:svc-reports") || !strings.Contains(status, "user:svc-reports (") {
		t.Fatalf("tab did not complete the user seen: %q", status)
	}
	if !strings.Contains(trailTitle(m), "user svc-reports") {
		t.Fatalf("the completed query is not applied: %q", trailTitle(m))
	}
	press(m, " nme:Delete")
	status = statusOf(m)
	if !strings.Contains(status, `unknown field "nme"`) {
		t.Fatalf("the parse error is not shown: %q", status)
	}
	if !strings.Contains(trailTitle(m), "user svc-reports") {
		t.Fatalf("a bad edit dropped the last valid query: %q", trailTitle(m))
	}
	press(m, "enter")
	if _, open := m.top().(trailFilterView); !open {
		t.Fatal("enter closed the prompt on a query that does not parse")
	}
	press(m, "esc")
	if _, open := m.top().(trailFilterView); open || !m.trail.Query().IsZero() {
		t.Fatalf("esc in the prompt did not close it and clear the query (%q)", m.trail.Query())
	}

	// A bare word completes to field names and flags.
	press(m, "/", "-ro na", "tab")
	if status := statusOf(m); !strings.Contains(status, "/-ro name:") {
		t.Fatalf("field name not completed: %q", status)
	}
}

func TestWriteOnlyToggleHidesReadCalls(t *testing.T) {
	m := trailScreen(t)
	reads := namesOf(m.trail.Events(), func(e sources.TrailEvent) bool { return e.ReadOnly })
	if len(reads) == 0 || !strings.Contains(screen(m), reads[len(reads)-1]) {
		t.Fatalf("the demo's read calls %v are not on screen to begin with", reads)
	}
	press(m, "w")
	out := screen(m)
	if !strings.Contains(trailTitle(m), "write-only") {
		t.Fatalf("title does not say write-only: %q", trailTitle(m))
	}
	for _, name := range reads {
		if strings.Contains(out, " "+name+" ") {
			t.Errorf("read call %s still shown with w:\n%s", name, out)
		}
	}
	press(m, "w")
	if strings.Contains(trailTitle(m), "write-only") || !m.trail.Query().IsZero() {
		t.Fatalf("w again did not show every call: %q", trailTitle(m))
	}
}

func TestDeniedViewCountsByPrincipalAndIPAndNarrowsTheTrail(t *testing.T) {
	m := trailScreen(t)
	press(m, "z", "D")
	out := screen(m)
	assertFills(t, out, 120, 40)
	principals, ips := m.access.denied.ByPrincipal(), m.access.denied.ByIP()
	if len(principals) < 2 || len(ips) < 2 {
		t.Fatalf("the demo's denied burst is missing: %d principals, %d IPs", len(principals), len(ips))
	}
	top := lineWith(out, "› ")
	if !strings.Contains(top, fmt.Sprintf("%5d  %s", principals[0].Count, principals[0].Key)) {
		t.Fatalf("the first row is not the principal with the most denied calls (%s × %d): %q", principals[0].Key, principals[0].Count, top)
	}
	// Rows appear in count order, in both sections.
	for _, section := range [][]sources.DeniedGroup{principals, ips} {
		last := -1
		for _, g := range section {
			at := strings.Index(out, fmt.Sprintf("%5d  %s ", g.Count, g.Key))
			if at < 0 || at < last {
				t.Fatalf("group %s × %d missing or out of order:\n%s", g.Key, g.Count, out)
			}
			last = at
		}
	}
	if !strings.Contains(out, "By principal ("+fmt.Sprint(len(principals))+")") || !strings.Contains(out, "By source IP") {
		t.Fatalf("section titles missing:\n%s", out)
	}

	press(m, "tab", "down", "enter") // the second IP
	if _, open := m.top().(deniedView); open {
		t.Fatal("enter did not leave the denied view")
	}
	if title := trailTitle(m); m.focus != paneTrail || !strings.Contains(title, "ip "+ips[1].Key) {
		t.Fatalf("trail not narrowed to %s: %q", ips[1].Key, title)
	}
	if rows := strings.Count(screen(m), ips[1].Key); rows < ips[1].Count {
		t.Fatalf("%d rows from %s, want at least its %d denied calls:\n%s", rows, ips[1].Key, ips[1].Count, screen(m))
	}
}

func TestHistorySearchShowsProgressResultsAndEscGoesLive(t *testing.T) {
	m := trailScreen(t)
	cmd := press(m, "H", "3d -ro", "enter")
	if m.access.search == nil || cmd == nil {
		t.Fatal("enter did not start the search")
	}
	// Each progress report waits to be shown: the first arrives alone.
	_, cmd = m.Update(cmd())
	if title := trailTitle(m); !strings.Contains(title, "searching 3d · back to") || !strings.Contains(title, "found") {
		t.Fatalf("no progress in the title: %q", title)
	}
	for range 100 {
		if cmd == nil {
			break
		}
		_, cmd = m.Update(cmd())
	}
	if m.access.search != nil {
		t.Fatal("the search did not finish")
	}
	title := trailTitle(m)
	if !strings.Contains(title, "CloudTrail history 3d · write-only") || strings.Contains(title, "searching") {
		t.Fatalf("title does not say the history's range and query: %q", title)
	}
	if m.trail.Len() == 0 {
		t.Fatal("the search found nothing")
	}
	for _, e := range m.trail.Events() {
		if e.ReadOnly {
			t.Fatalf("a read call in a write-only search: %+v", e)
		}
	}
	press(m, "z", "esc")
	if title := trailTitle(m); strings.Contains(title, "history") || !strings.Contains(title, "write-only") {
		t.Fatalf("esc did not go back to the live events (keeping the query): %q", title)
	}
}

func TestEscCancelsARunningHistorySearch(t *testing.T) {
	m := trailScreen(t)
	cmd := press(m, "H", "30d", "enter")
	_, cmd = m.Update(cmd())
	if !strings.Contains(trailTitle(m), "searching 30d") {
		t.Fatalf("no progress: %q", trailTitle(m))
	}
	rs := m.access.search
	press(m, "z", "esc")
	if m.access.search != nil || strings.Contains(trailTitle(m), "searching") {
		t.Fatalf("esc did not cancel the search: %q", trailTitle(m))
	}
	// The cancelled search ends, and its last report changes nothing.
	for range 100 {
		msg := cmd().(searchMsg)
		if _, cmd = m.Update(msg); msg.done {
			if !errors.Is(msg.err, context.Canceled) {
				t.Fatalf("the search ended with %v, want cancelled", msg.err)
			}
			break
		}
		cmd = rs.wait
	}
	if m.trail.History() != "" || strings.Contains(trailTitle(m), "history") {
		t.Fatalf("a cancelled search's results were shown: %q", trailTitle(m))
	}
}

func TestHistoryPromptShowsBadRanges(t *testing.T) {
	m := trailScreen(t)
	press(m, "H", "yesterday", "enter")
	if _, open := m.top().(historyView); !open || !strings.Contains(statusOf(m), `since "yesterday"`) {
		t.Fatalf("a bad range did not keep the prompt open with the error: %q", statusOf(m))
	}
	press(m, "esc")
	if _, open := m.top().(historyView); open || m.access.search != nil {
		t.Fatal("esc did not close the prompt")
	}
}

func TestParseHistory(t *testing.T) {
	now := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		text         string
		since, until time.Time
		query        string
	}{
		{"3d", now.Add(-72 * time.Hour), now, ""},
		{"36h user:alice -ro", now.Add(-36 * time.Hour), now, "-ro user:alice"},
		{"2026-11-20..2026-11-21", day(20), day(21), ""}, // the 20th, as --since and --until
		{"3d..1d err", now.Add(-72 * time.Hour), now.Add(-24 * time.Hour), "err"},
	} {
		label, s, q, err := parseHistory(tc.text, now, filter.Trail{})
		if err != nil || !s.Since.Equal(tc.since) || !s.Until.Equal(tc.until) || q.String() != tc.query || s.Filter.String() != tc.query ||
			label != strings.Fields(tc.text)[0] {
			t.Errorf("%q: %q %v..%v %q %v", tc.text, label, s.Since, s.Until, q, err)
		}
	}
	for bad, want := range map[string]string{
		"":         "history: type a range",
		"soon":     `history: since "soon": want a duration`,
		"1d..soon": `history: until "soon": want a duration`,
		"1d..2d":   "history: since 2026-11-24T19:00:00Z is not before until 2026-11-23T19:00:00Z",
		"3d usr:x": `unknown field "usr"`,
	} {
		if _, _, _, err := parseHistory(bad, now, filter.Trail{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", bad, err, want)
		}
	}
	// Without a query, the pane's is searched.
	pane := filter.Trail{ErrorsOnly: true}
	if _, s, _, _ := parseHistory("1d", now, pane); s.Filter.String() != "err" {
		t.Errorf("the pane's query is not searched: %q", s.Filter)
	}
}

// checkerFunc validates with a function: the report the UI is given.
type checkerFunc func(ctx context.Context, start, end time.Time) (sources.IntegrityReport, error)

func (f checkerFunc) CheckIntegrity(ctx context.Context, start, end time.Time) (sources.IntegrityReport, error) {
	return f(ctx, start, end)
}

func TestTamperedLogFilesShowLoudly(t *testing.T) {
	m := trailScreen(t)
	var asked [2]time.Time
	m.cfg.Integrity = checkerFunc(func(_ context.Context, start, end time.Time) (sources.IntegrityReport, error) {
		asked = [2]time.Time{start, end}
		return sources.IntegrityReport{Start: start, End: end, Files: []sources.FileIntegrity{
			{File: "s3://trail/d1.json.gz", Digest: true, Status: sources.IntegrityVerified},
			{File: "s3://trail/a.json.gz", Status: sources.IntegrityVerified},
			{File: "s3://trail/b.json.gz", Status: sources.IntegrityNotValidated, Detail: "no digest yet"},
			{File: "s3://trail/c.json.gz", Status: sources.IntegrityModified, Detail: "SHA-256 differs from the digest's"},
			{File: "s3://trail/d.json.gz", Status: sources.IntegrityMissing, Detail: "listed in a digest, not in the bucket"},
		}}, nil
	})
	m.Update(m.checkIntegrity()())
	if want := m.cfg.Now(); !asked[1].Equal(want) || !asked[0].Equal(want.Add(-integrityWindow)) {
		t.Errorf("validated %v, want the %s before now", asked, integrityWindow)
	}
	header, _, _ := strings.Cut(screen(m), "\n")
	if !strings.Contains(header, "TRAIL LOGS TAMPERED: 1 modified · 1 missing") {
		t.Fatalf("no banner in the header: %q", header)
	}
	press(m, "D")
	out := screen(m)
	if !strings.Contains(out, "Log file integrity: 1 modified · 1 missing · 2 verified · 1 not validated") {
		t.Fatalf("the denied view lacks the integrity section:\n%s", out)
	}
	modified, missing, notValidated := strings.Index(out, "c.json.gz"), strings.Index(out, "d.json.gz"), strings.Index(out, "b.json.gz")
	if modified < 0 || missing < modified || notValidated < missing || strings.Contains(out, "a.json.gz") {
		t.Fatalf("files not listed modified, missing, not validated (verified left out):\n%s", out)
	}
	press(m, "shift+tab", "enter") // the files are the last section: one back from the first
	if !m.viewing() || !strings.Contains(screen(m), "SHA-256 differs") {
		t.Fatalf("enter on a file did not open it:\n%s", screen(m))
	}
}

func TestIntegrityFailureIsShownInTheDeniedView(t *testing.T) {
	m := trailScreen(t)
	m.Update(integrityMsg{err: errors.New("AccessDenied: cloudtrail:ListPublicKeys")})
	press(m, "D")
	if out := screen(m); !strings.Contains(out, "Log file integrity: validation failed · AccessDenied") {
		t.Fatalf("the failure is not shown:\n%s", out)
	}
	if header, _, _ := strings.Cut(screen(m), "\n"); strings.Contains(header, "TAMPERED") {
		t.Fatalf("a failed validation claims tampering: %q", header)
	}
}

// No checker (no --trail-bucket): no validation runs.
func TestNoIntegrityCheckWithoutAChecker(t *testing.T) {
	m, _ := newDemoModel(t, time.Minute, 80, 24)
	if m.checkIntegrity() != nil || m.startIntegrity() != nil {
		t.Fatal("a validation would run without a checker")
	}
	var _ tea.Msg = integrityTick{}
}

// kind:insight asks the live tail for the Insights category: the demo's
// Insights event arrives and shows with its marker; clearing the query goes
// back to management events.
func TestInsightQueryFetchesInsightsEvents(t *testing.T) {
	m := trailScreen(t)
	cmd := press(m, "/", "kind:insight")
	press(m, "enter")
	if cmd == nil || !m.sched.TrailQuery().Insights || !m.sched.TrailQuery().Lookup.IsZero() {
		t.Fatalf("kind:insight did not poll for Insights events (query %+v)", m.sched.TrailQuery())
	}
	m.Update(m.sched.Poll(sources.FeedTrail)()) // the poll cmd asks for, without the cursor's blink
	out := screen(m)
	if !strings.Contains(out, "I◆") || !strings.Contains(out, "GetSecretValue") || !strings.Contains(trailTitle(m), "insight events") {
		t.Fatalf("no Insights event shown:\n%s", out)
	}
	// Terms LookupEvents could take stay client-side in the live tail.
	if press(m, "/", " user:alice"); m.sched.TrailQuery().Lookup != (sources.LookupAttr{}) {
		t.Fatalf("the live tail sent %+v", m.sched.TrailQuery().Lookup)
	}
	press(m, "esc")
	if m.sched.TrailQuery().Insights {
		t.Fatal("clearing the query kept asking for Insights events")
	}
}
