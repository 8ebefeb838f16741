package clipboard

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/tmuxtest"
)

const arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-errors"

func TestSequenceIsOSC52(t *testing.T) {
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(arn)) + "\a"
	if got := Sequence(arn, []string{"TERM=xterm-256color"}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestSequenceInsideTmuxUsesPassthrough(t *testing.T) {
	got := Sequence(arn, []string{"TMUX=/tmp/tmux-0/default,123,0"})
	// tmux's DCS passthrough doubles every ESC of the wrapped sequence.
	want := "\x1bPtmux;\x1b\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(arn)) + "\a\x1b\\"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A real tmux that accepts clipboard sequences from its programs
// (set-clipboard on) stores the copied text as a paste buffer.
func TestTmuxReceivesTheCopy(t *testing.T) {
	dir := t.TempDir()
	seqFile := filepath.Join(dir, "seq")
	if err := os.WriteFile(seqFile, []byte(Sequence(arn, nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	s := tmuxtest.Start(t, 80, 10, "sh")
	s.Run("set-option", "-s", "set-clipboard", "on")
	s.Keys("cat "+seqFile+"; echo copied", "Enter")
	s.WaitFor(5*time.Second, "copied")
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := exec.Command("tmux", "-L", s.Socket(), "show-buffer").Output()
		if err == nil && strings.TrimSpace(string(out)) == arn {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux's paste buffer is %q (err %v), want %q", out, err, arn)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
