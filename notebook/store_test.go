package notebook

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

var (
	web   = Incident{Alarm: "web-5xx", Fired: time.Date(2025, 3, 3, 14, 0, 0, 0, time.UTC)}
	at    = time.Date(2025, 3, 3, 14, 7, 0, 0, time.UTC)
	event = sources.TrailEvent{ID: "ev-revoke", Name: "RevokeSecurityGroupIngress", User: "erin", Time: at.Add(-9 * time.Minute)}
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestOpenEmptyMigratesAndKeepsFilesPrivate(t *testing.T) {
	s, dir := openTemp(t)
	if v, err := s.version(); err != nil || v != SchemaVersion {
		t.Fatalf("version %d, %v; want %d", v, err, SchemaVersion)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	if _, err := s.AddNote(web, "ana", "looking at the ALB", at); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, info.Mode().Perm())
		}
	}
	// Opening again runs no migration twice.
	again, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}

func TestOpenMigratesVersion1(t *testing.T) {
	dir := t.TempDir()
	fixture, err := os.ReadFile("testdata/v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(fixture)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.version(); v != SchemaVersion {
		t.Fatalf("version %d after migrating, want %d", v, SchemaVersion)
	}
	inc := Incident{Alarm: "web-5xx", Fired: time.UnixMilli(1741010400000).UTC()}
	e, err := s.Load(inc)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := e.Verdict("ev-revoke")
	if !ok || v.Kind != Confirmed || v.Who != "ana" || v.Reason != "the ALB lost its ingress rule" {
		t.Fatalf("version 1 verdict lost: %+v", e.Verdicts)
	}
	if len(e.Notes) != 1 || e.Notes[0].Text != "rolled the rule back by hand" || e.Recovered.IsZero() {
		t.Fatalf("version 1 note or recovery lost: %+v", e)
	}
	// What version 2 added works on the migrated database.
	if _, err := s.TogglePin(inc, EventPin(event), "bob", at); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Load(inc); len(e.Pins) != 1 {
		t.Fatalf("pins after migration: %+v", e.Pins)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, dir := openTemp(t)
	if _, err := s.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("a newer schema opened: %v", err)
	}
}

func TestVerdictsToggleAndReplace(t *testing.T) {
	s, _ := openTemp(t)
	c, err := s.SetVerdict(web, event, Confirmed, "ana", "the ALB lost its ingress rule", at)
	if err != nil || c.What != "ana confirmed RevokeSecurityGroupIngress" {
		t.Fatalf("%+v %v", c, err)
	}
	e, _ := s.Load(web)
	if v, ok := e.Verdict(event.ID); !ok || v.Kind != Confirmed || !v.At.Equal(at) || !v.EventTime.Equal(event.Time) {
		t.Fatalf("verdict %+v", e.Verdicts)
	}
	// x on a confirmed suspect dismisses it instead.
	if _, err := s.SetVerdict(web, event, Dismissed, "bob", "", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	e, _ = s.Load(web)
	if v := e.Verdicts[event.ID]; v.Kind != Dismissed || v.Who != "bob" || v.Reason != "" {
		t.Fatalf("dismissal %+v", v)
	}
	// x again withdraws it.
	c, err = s.SetVerdict(web, event, Dismissed, "bob", "", at.Add(2*time.Minute))
	if err != nil || c.What != "bob cleared the verdict on RevokeSecurityGroupIngress" {
		t.Fatalf("%+v %v", c, err)
	}
	if e, _ := s.Load(web); len(e.Verdicts) != 0 {
		t.Fatalf("withdrawn verdict kept: %+v", e.Verdicts)
	}
	// Another incident of the same alarm has its own verdicts.
	if e, _ := s.Load(Incident{web.Alarm, web.Fired.Add(time.Hour)}); len(e.Verdicts)+len(e.Notes) != 0 {
		t.Fatalf("another incident shares entries: %+v", e)
	}
}

func TestPinsToggle(t *testing.T) {
	s, _ := openTemp(t)
	line := sources.LogEvent{ID: "l1", Group: "/aws/lambda/checkout", Time: at, Message: "Task timed out after 3.00 seconds"}
	for i, want := range []string{"ana pinned a log line", "ana unpinned a log line", "ana pinned a log line"} {
		c, err := s.TogglePin(web, LogPin(line), "ana", at)
		if err != nil || c.What != want {
			t.Fatalf("toggle %d: %q %v, want %q", i, c.What, err, want)
		}
	}
	e, _ := s.Load(web)
	if len(e.Pins) != 1 || !e.Pinned(PinLog, "/aws/lambda/checkout l1") || !strings.Contains(e.Pins[0].Text, "Task timed out") {
		t.Fatalf("pins %+v", e.Pins)
	}
	if _, err := s.TogglePin(web, Pin{Kind: PinEvent}, "ana", at); err == nil {
		t.Fatal("a pin of nothing was kept")
	}
}

func TestBadInputIsSanitisedAndBounded(t *testing.T) {
	s, _ := openTemp(t)
	hostile := "\x1b]52;c;aGVsbG8=\x07\x1b[2Jwiped\r\nline two\u202e" + strings.Repeat("é", 10_000)
	if _, err := s.AddNote(web, "\x1b[31mmallory\x1b[0m"+strings.Repeat("x", 500), hostile, at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetVerdict(web, event, Dismissed, "ana", hostile, at); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Load(web)
	for _, text := range []string{e.Notes[0].Text, e.Notes[0].Who, e.Verdicts[event.ID].Reason} {
		if strings.ContainsAny(text, "\x1b\x07\r\n\u202e") {
			t.Errorf("control characters kept: %q", text[:min(len(text), 80)])
		}
		if len(text) > MaxText {
			t.Errorf("%d bytes kept, the bound is %d", len(text), MaxText)
		}
	}
	if who := e.Notes[0].Who; len(who) > MaxWho || !strings.HasPrefix(who, "mallory") {
		t.Errorf("user name %q", who)
	}
	if !strings.HasPrefix(e.Notes[0].Text, "wiped⏎line two") {
		t.Errorf("note %q", e.Notes[0].Text[:40])
	}
	if _, err := s.AddNote(web, "ana", " \t ", at); err == nil {
		t.Error("an empty note was kept")
	}
}

func TestIncidentsList(t *testing.T) {
	s, _ := openTemp(t)
	older := Incident{Alarm: "checkout-errors", Fired: web.Fired.Add(-48 * time.Hour)}
	if err := s.RecordIncident(older, older.Fired.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordIncident(web, time.Time{}); err != nil {
		t.Fatal(err)
	}
	s.SetVerdict(web, event, Confirmed, "ana", "", at)
	s.AddNote(web, "ana", "one", at)
	s.AddNote(web, "bob", "two", at)
	// A later recording with the recovery fills it in; one without keeps it.
	s.RecordIncident(web, web.Fired.Add(12*time.Minute))
	s.RecordIncident(web, time.Time{})
	list, err := s.Incidents(web.Fired.Add(-time.Hour))
	if err != nil || len(list) != 1 {
		t.Fatalf("%+v %v", list, err)
	}
	got := list[0]
	if got.Alarm != "web-5xx" || !got.Fired.Equal(web.Fired) || !got.Recovered.Equal(web.Fired.Add(12*time.Minute)) ||
		len(got.Causes) != 1 || got.Causes[0] != "RevokeSecurityGroupIngress" || got.Notes != 2 {
		t.Fatalf("summary %+v", got)
	}
	if all, _ := s.Incidents(time.Time{}); len(all) != 2 || all[0].Alarm != "web-5xx" {
		t.Fatalf("all incidents, newest first: %+v", all)
	}
}

func TestSubscribeSeesLocalActions(t *testing.T) {
	s, _ := openTemp(t)
	ch, cancel := s.Subscribe()
	defer cancel()
	if _, err := s.SetVerdict(web, event, Confirmed, "ana", "", at); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		if c.What != "ana confirmed RevokeSecurityGroupIngress" || c.Incident != web || c.Who != "ana" {
			t.Fatalf("change %+v", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change seen")
	}
}
