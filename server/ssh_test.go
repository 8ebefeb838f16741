package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/syncbuf"
	"watchtrail/internal/tmuxtest"
	"watchtrail/sources/demo"
	"watchtrail/ui"
)

// sshFixture is a running server, its log, and keys in a temporary dir.
type sshFixture struct {
	t      *testing.T
	dir    string
	port   int
	srv    *Server
	log    *syncbuf.Buffer
	stop   context.CancelFunc
	served chan error
	once   sync.Once
	err    error
}

// shutdown ends Serve's context, as the caller does on SIGTERM, and
// returns what Serve returned.
func (f *sshFixture) shutdown() error {
	f.once.Do(func() {
		f.stop()
		f.err = <-f.served
	})
	return f.err
}

func newKey(t *testing.T, path string) (fingerprint string) {
	t.Helper()
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", filepath.Base(path), "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return keyFingerprint(t, path+".pub")
}

func keyFingerprint(t *testing.T, pub string) string {
	t.Helper()
	out, err := exec.Command("ssh-keygen", "-l", "-f", pub).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v", err)
	}
	return strings.Fields(string(out))[1]
}

func startServer(t *testing.T, opts Options) *sshFixture {
	t.Helper()
	return startServerWith(t, opts, demoDashboard)
}

func startServerWith(t *testing.T, opts Options, newModel func(Session) tea.Model) *sshFixture {
	t.Helper()
	return startServerKeys(t, opts, newModel, nil)
}

// startServerKeys starts a server whose authorized_keys lists the key
// "listed" and then the lines extra returns, given the fixture's directory
// (for keys it makes there).
func startServerKeys(t *testing.T, opts Options, newModel func(Session) tea.Model, extra func(dir string) string) *sshFixture {
	t.Helper()
	tmuxtest.Require(t, "ssh", "ssh-keygen", "tmux")
	f := &sshFixture{t: t, dir: t.TempDir(), log: &syncbuf.Buffer{}, served: make(chan error, 1)}
	newKey(t, filepath.Join(f.dir, "listed"))
	pub, err := os.ReadFile(filepath.Join(f.dir, "listed.pub"))
	if err != nil {
		t.Fatal(err)
	}
	opts.AuthorizedKeysFile = filepath.Join(f.dir, "authorized_keys")
	if extra != nil {
		pub = append(pub, extra(f.dir)...)
	}
	if err := os.WriteFile(opts.AuthorizedKeysFile, append([]byte("# on-call\n"), pub...), 0o600); err != nil {
		t.Fatal(err)
	}
	opts.Listen = "127.0.0.1:0"
	opts.HostKeyFile = filepath.Join(f.dir, "host", "ssh_host_ed25519_key")
	opts.Logger = slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(opts, newModel)
	if err != nil {
		t.Fatal(err)
	}
	f.port, f.srv = srv.Addr().(*net.TCPAddr).Port, srv
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	go func() { f.served <- srv.Serve(ctx) }()
	t.Cleanup(func() { _ = f.shutdown() })
	return f
}

// waitSlotsFree waits until no slot of MaxSessions is taken.
func (f *sshFixture) waitSlotsFree(timeout time.Duration) {
	f.t.Helper()
	for deadline := time.Now().Add(timeout); f.srv.sessions.Load() != 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			f.t.Fatalf("%d session slots still taken:\n%s", f.srv.sessions.Load(), f.log.String())
		}
	}
}

// waitLog waits until the server's log holds want, or fails after timeout.
func (f *sshFixture) waitLog(timeout time.Duration, want string) {
	f.t.Helper()
	for deadline := time.Now().Add(timeout); !strings.Contains(f.log.String(), want); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			f.t.Fatalf("the log never showed %q:\n%s", want, f.log.String())
		}
	}
}

// sshCommand is the OpenSSH client command line for this server, reading
// no user configuration, agent or default keys.
func (f *sshFixture) sshCommand(key string, args ...string) []string {
	return append([]string{"env", "-i", "HOME=" + f.dir, "PATH=/usr/bin:/bin", "TERM=xterm-256color",
		"ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
		"-i", filepath.Join(f.dir, key), "-p", fmt.Sprint(f.port)}, append(args, "oncall@127.0.0.1")...)
}

// dashboard opens an interactive ssh client in tmux.
func (f *sshFixture) dashboard(key string, args ...string) *tmuxtest.Session {
	return tmuxtest.Start(f.t, 120, 36, strings.Join(f.sshCommand(key, append([]string{"-t"}, args...)...), " "))
}

// refused runs ssh without a terminal and returns what it printed, banners
// included (as by default), failing the test if it succeeded.
func (f *sshFixture) refused(key string, args ...string) string {
	f.t.Helper()
	cmd := f.sshCommand(key, args...)
	for i, arg := range cmd {
		if arg == "LogLevel=ERROR" {
			cmd[i] = "LogLevel=INFO"
		}
	}
	out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
	if err == nil {
		f.t.Fatalf("ssh %v succeeded:\n%s", args, out)
	}
	return string(out)
}

func demoDashboard(Session) tea.Model {
	d := demo.New(demo.Options{})
	return ui.New(ui.Config{Source: d, Demo: true, Refresh: time.Second, LogGroups: d.LogGroups(), Metrics: d.WatchedMetrics()})
}

// focused is the title of the pane drawn with the thick, focused border.
func focused(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if _, after, ok := strings.Cut(line, "┏━ "); ok {
			return strings.Fields(after)[0]
		}
	}
	return ""
}

func TestSSHListedKeyGetsItsOwnDashboard(t *testing.T) {
	f := startServer(t, Options{})
	fp := keyFingerprint(t, filepath.Join(f.dir, "listed.pub"))
	a := f.dashboard("listed")
	b := f.dashboard("listed", "-o", "SetEnv=NO_COLOR=1")
	for _, s := range []*tmuxtest.Session{a, b} {
		if got := focused(s.WaitFor(20*time.Second, "DEMO", "Alarms", "Metrics", "Logs", "CloudTrail")); got != "Alarms" {
			t.Fatalf("a new session focuses %q, want Alarms", got)
		}
	}
	a.Keys("Tab")
	deadline := time.Now().Add(10 * time.Second)
	for focused(a.Screen()) != "Metrics" {
		if time.Now().After(deadline) {
			t.Fatalf("tab did not move the focus to Metrics:\n%s", a.Screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := focused(b.Screen()); got != "Alarms" {
		t.Fatalf("tab in one session moved the focus of the other to %q:\n%s", got, b.Screen())
	}
	// Each session draws in its own colours: b asked for none.
	if colored := a.Run("capture-pane", "-e", "-p", "-t", "wt"); !strings.Contains(colored, "[38;") {
		t.Fatalf("the 256-colour session shows no colour:\n%q", colored)
	}
	if plain := b.Run("capture-pane", "-e", "-p", "-t", "wt"); strings.Contains(plain, "[38;") || strings.Contains(plain, "[48;") {
		t.Fatalf("the NO_COLOR session shows colour:\n%q", plain)
	}
	for _, want := range []string{`msg="ssh key accepted" user=oncall key=` + fp, `msg="ssh session start" user=oncall key=` + fp} {
		if !strings.Contains(f.log.String(), want) {
			t.Fatalf("log lacks %q:\n%s", want, f.log.String())
		}
	}

	a.Keys("q")
	if screen := a.WaitExit(10 * time.Second); strings.Contains(screen, "Alarms") {
		t.Fatalf("after q the terminal still shows the dashboard:\n%s", screen)
	}
	if err := f.shutdown(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if last := b.WaitExit(10 * time.Second); !strings.Contains(last, "the server is shutting down") {
		t.Fatalf("the session was not told the server stopped:\n%s", last)
	}
	if !strings.Contains(f.log.String(), `msg="ssh server stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", f.log.String())
	}
}

func TestSSHRefusals(t *testing.T) {
	f := startServer(t, Options{MaxSessions: 1})
	unlisted := newKey(t, filepath.Join(f.dir, "unlisted"))
	cases := []struct {
		name, key string
		args      []string
		want, log string
	}{
		{"unlisted key", "unlisted", []string{"-tt"}, "Permission denied (publickey)",
			`msg="ssh key refused: not in authorized keys" user=oncall key=` + unlisted},
		{"password", "listed", []string{"-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no"},
			"Permission denied (publickey)", `msg="ssh connection refused"`},
		{"no terminal", "listed", []string{"-T"}, "needs a terminal", `msg="ssh session refused: no terminal"`},
		{"command", "listed", []string{"-tt", "--", "oncall@127.0.0.1", "cat /etc/passwd"}, "connect without a command",
			`msg="ssh session refused: command"`},
		{"stdio forwarding", "listed", []string{"-W", "127.0.0.1:22"}, "forwarding failed", ""},
		{"remote forwarding", "listed", []string{"-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"}, "forwarding failed", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if out := f.refused(c.key, c.args...); !strings.Contains(out, c.want) {
				t.Fatalf("ssh said %q, want %q", out, c.want)
			}
			if !strings.Contains(f.log.String(), c.log) {
				t.Fatalf("log lacks %q:\n%s", c.log, f.log.String())
			}
		})
	}
	t.Run("too many sessions", func(t *testing.T) {
		first := f.dashboard("listed")
		first.WaitFor(20*time.Second, "Alarms")
		if out := f.refused("listed", "-tt"); !strings.Contains(out, "already has 1 sessions") {
			t.Fatalf("a session past the limit: ssh said %q", out)
		}
		first.Kill() // the client vanishes without quitting: its slot is freed
		f.waitLog(20*time.Second, `msg="ssh session end"`)
		f.waitSlotsFree(10 * time.Second)
		f.dashboard("listed").WaitFor(20*time.Second, "Alarms")
	})
}

func TestHostKeyIsCreatedPrivateAndKept(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test\n"
	if err := os.WriteFile(keys, []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{Listen: "127.0.0.1:0", AuthorizedKeysFile: keys, HostKeyFile: filepath.Join(dir, "new", "host_key")}
	var hostKeys []string
	for range 2 {
		srv, err := New(opts, demoDashboard)
		if err != nil {
			t.Fatal(err)
		}
		srv.listener.Close()
		info, err := os.Stat(opts.HostKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Fatalf("host key mode %v, want 0600", info.Mode().Perm())
		}
		data, _ := os.ReadFile(opts.HostKeyFile)
		hostKeys = append(hostKeys, string(data))
	}
	if hostKeys[0] != hostKeys[1] {
		t.Fatal("the host key changed between runs")
	}
}

func TestBadAuthorizedKeysFailAtStart(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keys, []byte("# team\nssh-ed25519 not-base64\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(Options{Listen: "127.0.0.1:0", AuthorizedKeysFile: keys, HostKeyFile: filepath.Join(dir, "k")}, demoDashboard)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("a bad key line: err = %v, want one naming line 2", err)
	}
	if _, err := New(Options{AuthorizedKeysFile: filepath.Join(dir, "missing")}, demoDashboard); err == nil {
		t.Fatal("a missing authorized keys file was accepted")
	}
}

// The session is not waited for on the screen first: on a busy machine the
// two idle seconds may be over before the first frame.
func TestSSHIdleSessionIsClosed(t *testing.T) {
	f := startServer(t, Options{IdleTimeout: 2 * time.Second})
	s := f.dashboard("listed")
	f.waitLog(20*time.Second, `msg="ssh session start"`)
	if last := s.WaitExit(30 * time.Second); !strings.Contains(last, "closed after 2s without a keystroke") {
		t.Fatalf("the idle session was not told why it ended:\n%s", last)
	}
}

func TestConnectionThatNeverLogsInIsDropped(t *testing.T) {
	f := startServer(t, Options{loginGrace: 500 * time.Millisecond})
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", f.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the server kept a silent connection open: %v", err)
	}
	if want := "no login within the grace time"; !strings.Contains(f.log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, f.log.String())
	}
}
