// Package tmuxtest drives terminal programs inside detached tmux sessions,
// for end-to-end tests that read the screen the way a user would.
package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Require skips the test when a command is missing, or fails it under
// CI=true, where every end-to-end test must run.
func Require(t *testing.T, commands ...string) {
	t.Helper()
	for _, c := range commands {
		if _, err := exec.LookPath(c); err != nil {
			if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
				t.Fatalf("%s is required in CI for the end-to-end tests", c)
			}
			fmt.Fprintf(os.Stderr, "!!! %s not installed: SKIPPING %s\n", c, t.Name())
			t.Skipf("%s not installed", c)
		}
	}
}

var sessions atomic.Int64

// Session is one command running in its own tmux server.
type Session struct {
	t      *testing.T
	socket string
	config string
	name   string
}

// Start runs command in a width×height tmux window, killed when the test ends.
func Start(t *testing.T, width, height int, command string) *Session {
	t.Helper()
	Require(t, "tmux")
	s := &Session{t: t, socket: fmt.Sprintf("watchtrail-test-%d-%d", os.Getpid(), sessions.Add(1)), name: "wt"}
	// The server starts with the window kept after the command ends, so that
	// its last words can be read even when it ends at once (set after the
	// start, the option may come too late: the server is gone with it). No
	// user configuration is read.
	s.config = filepath.Join(t.TempDir(), "tmux.conf")
	if err := os.WriteFile(s.config, []byte("set-option -g remain-on-exit on\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	s.Run("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	return s
}

// Kill ends the session and its command at once, as closing the terminal does.
func (s *Session) Kill() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() }

// Run runs a tmux command against this session's server.
func (s *Session) Run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket, "-f", s.config}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Socket names the session's tmux server (tmux -L).
func (s *Session) Socket() string { return s.socket }

// Resize makes the window width×height, as a user resizing the terminal.
func (s *Session) Resize(width, height int) {
	s.Run("resize-window", "-t", s.name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height))
}

// Screen is the visible text.
func (s *Session) Screen() string { return s.Run("capture-pane", "-p", "-t", s.name) }

// Keys types keys, in tmux send-keys notation.
func (s *Session) Keys(keys ...string) {
	s.Run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// Exited reports whether the command has ended.
func (s *Session) Exited() bool {
	return strings.TrimSpace(s.Run("display-message", "-p", "-t", s.name, "#{pane_dead}")) == "1"
}

// WaitFor polls the screen until every want appears, or fails after timeout.
func (s *Session) WaitFor(timeout time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := s.Screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(screen, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", missing, screen)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// WaitExit waits for the command to end and returns its last words: the
// screen and the scrollback above it.
func (s *Session) WaitExit(timeout time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for !s.Exited() {
		if time.Now().After(deadline) {
			s.t.Fatalf("the command did not end:\n%s", s.Screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s.Run("capture-pane", "-p", "-S", "-", "-t", s.name)
}
