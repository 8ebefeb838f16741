package notebook

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a second watchtrail process: with
// NOTEBOOK_WRITER set it adds NOTEBOOK_COUNT notes to the notebook in
// NOTEBOOK_DIR as NOTEBOOK_WRITER and prints "ok N" once note N is committed.
func TestMain(m *testing.M) {
	if who := os.Getenv("NOTEBOOK_WRITER"); who != "" {
		os.Exit(writer(who, os.Getenv("NOTEBOOK_DIR"), os.Getenv("NOTEBOOK_COUNT")))
	}
	os.Exit(m.Run())
}

func writer(who, dir, count string) int {
	n, _ := strconv.Atoi(count)
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer s.Close()
	for i := range n {
		if _, err := s.AddNote(web, who, fmt.Sprintf("%s note %d", who, i), time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("ok %d\n", i)
	}
	return 0
}

func startWriter(t testing.TB, dir, who string, count int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NOTEBOOK_WRITER="+who, "NOTEBOOK_DIR="+dir, "NOTEBOOK_COUNT="+strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewScanner(out)
}

// Two processes add notes at once while this one watches: none is lost,
// none fails with "locked", and the watcher sees every change.
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	s, dir := openTemp(t)
	ch, cancel := s.Subscribe()
	defer cancel()
	const each = 150
	seen := make(chan map[string]int)
	go func() { // drains as the changes come, as a session does
		counts := map[string]int{}
		deadline := time.After(20 * time.Second)
		for counts["ana"]+counts["bob"] < 2*each {
			select {
			case c := <-ch:
				counts[c.Who]++
			case <-deadline:
				seen <- counts
				return
			}
		}
		seen <- counts
	}()
	var cmds []*exec.Cmd
	for _, who := range []string{"ana", "bob"} {
		cmd, out := startWriter(t, dir, who, each)
		go func() {
			for out.Scan() {
			}
		}()
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer failed: %v", err)
		}
	}
	e, err := s.Load(web)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Notes) != 2*each {
		t.Fatalf("%d notes kept, want %d", len(e.Notes), 2*each)
	}
	if counts := <-seen; counts["ana"] != each || counts["bob"] != each {
		t.Fatalf("the watcher saw %v of %d changes each", counts, each)
	}
}

// A writer killed with SIGKILL at random moments loses nothing it reported
// committed, and leaves a database that passes SQLite's integrity check.
func TestKillDuringWritesLosesOnlyTheActionInFlight(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	committed, inFlight := 0, 0
	const rounds = 8
	for round := range rounds {
		cmd, out := startWriter(t, dir, fmt.Sprintf("w%d", round), 1_000_000)
		acked := 0
		stopAt := 5 + (round*37)%60 // bounded, and different each round
		for acked < stopAt && out.Scan() {
			if !strings.HasPrefix(out.Text(), "ok ") {
				t.Fatalf("writer said %q", out.Text())
			}
			acked++
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for out.Scan() { // acknowledged before it died, not yet read
			acked++
		}
		cmd.Wait()
		committed += acked

		s, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: reopening after kill -9: %v", round, err)
		}
		e, err := s.Load(web)
		if err != nil {
			t.Fatal(err)
		}
		// Every acknowledged note is there; at most the one in flight more.
		if n := len(e.Notes); n < committed || n > committed+1 {
			t.Fatalf("round %d: %d notes after kill -9, %d were acknowledged", round, n, committed)
		}
		inFlight += len(e.Notes) - committed
		committed = len(e.Notes)
		var check string
		if err := s.db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("round %d: integrity %q %v", round, check, err)
		}
		s.Close()
	}
	t.Logf("%d kills, %d notes acknowledged and kept, %d more committed as the kill came", rounds, committed-inFlight, inFlight)
}

func TestCorruptDatabaseSaysSo(t *testing.T) {
	dir := t.TempDir()
	garbage := []byte(strings.Repeat("not a database, just bytes ", 400))
	if err := os.WriteFile(filepath.Join(dir, FileName), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("corrupt database: %v", err)
	}
}

func TestLockedDatabaseSaysSo(t *testing.T) {
	s, dir := openTemp(t)
	busyTimeout = 200 * time.Millisecond
	defer func() { busyTimeout = 5 * time.Second }()
	other, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// Another process holds the write lock for longer than the timeout.
	holder, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	_, err = other.AddNote(web, "ana", "blocked", at)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("write under a held lock: %v", err)
	}
	conn.ExecContext(t.Context(), `ROLLBACK`)
	if _, err := s.AddNote(web, "ana", "free again", at); err != nil {
		t.Fatalf("after the lock was let go: %v", err)
	}
}

func TestReadOnlyDatabaseSaysSo(t *testing.T) {
	s, dir := openTemp(t)
	s.Close()
	// A read-only file (root ignores file modes: open it read-only instead).
	path := filepath.Join(dir, FileName)
	os.Chmod(path, 0o400)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`INSERT INTO incidents (alarm, fired) VALUES ('a', 1)`)
	if err = describe(path, err); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("read-only write: %v", err)
	}
	if os.Geteuid() != 0 {
		if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("opening a read-only notebook: %v", err)
		}
	}
}
