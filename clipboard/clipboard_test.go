package clipboard

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"watchtrail/internal/tmuxtest"
)

const arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-errors"

func TestSequenceIsOSC52(t *testing.T) {
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(arn)) + "\a"
	if got := New(arn, []string{"TERM=xterm-256color"}).Sequence; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestSequenceInsideTmuxUsesPassthrough(t *testing.T) {
	got := New(arn, []string{"TMUX=/tmp/tmux-0/default,123,0"}).Sequence
	// tmux's DCS passthrough doubles every ESC of the wrapped sequence.
	want := "\x1bPtmux;\x1b\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(arn)) + "\a\x1b\\"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The wrapping follows the terminal's environment as given (for an SSH
// session, the client's), never this process's own.
func TestSequenceFollowsTheGivenTerminal(t *testing.T) {
	t.Setenv("TMUX", "/tmp/tmux-0/default,1,0") // the process's own: ignored
	b64 := base64.StdEncoding.EncodeToString([]byte(arn))
	cases := []struct {
		environ []string
		prefix  string
	}{
		{[]string{"TERM=xterm-256color"}, "\x1b]52;c;" + b64},
		{[]string{"TERM=tmux-256color"}, "\x1bPtmux;\x1b\x1b]52;c;"},
		{[]string{"TERM=screen.xterm-256color", "STY=123.pts-0.host"}, "\x1bP\x1b]52;c;"},
		{[]string{"TERM=xterm", "TMUX=/tmp/tmux-1000/default,5,0"}, "\x1bPtmux;"},
	}
	for _, c := range cases {
		if got := New(arn, c.environ).Sequence; !strings.HasPrefix(got, c.prefix) {
			t.Errorf("%v: got %q, want it to start %q", c.environ, got, c.prefix)
		}
	}
}

func TestCopyIsCleanedAndCapped(t *testing.T) {
	hostile := "rm -rf /tmp/x \u202e\u2066gnp.txt\u2069 \x1b[31mred\x1b[0m\x1b]0;title\a\r\nnext\tline\x00\x7f\u0085\xff"
	if got, want := Clean(hostile), "rm -rf /tmp/x gnp.txt red\nnext\tline\ufffd"; got != want {
		t.Fatalf("Clean = %q, want %q", got, want)
	}
	huge := strings.Repeat("é", 30<<20/2) // 30 MB, two bytes a character
	c := New(huge, nil)
	if c.Bytes > MaxBytes || c.Bytes < MaxBytes-1 || c.Cut != len(huge)-c.Bytes {
		t.Fatalf("copied %d bytes, cut %d, of %d: want at most %d copied and the rest cut", c.Bytes, c.Cut, len(huge), MaxBytes)
	}
	payload := strings.TrimSuffix(strings.TrimPrefix(c.Sequence, "\x1b]52;c;"), "\a")
	text, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || !utf8.Valid(text) || len(text) != c.Bytes {
		t.Fatalf("the payload decodes to %d bytes (valid UTF-8 %v, err %v), want %d", len(text), utf8.Valid(text), err, c.Bytes)
	}
	if small := New(arn, nil); small.Cut != 0 || small.Bytes != len(arn) {
		t.Fatalf("a short copy: %+v", small)
	}
}

// A real tmux that accepts clipboard sequences from its programs
// (set-clipboard on) stores the copied text as a paste buffer.
func TestTmuxReceivesTheCopy(t *testing.T) {
	dir := t.TempDir()
	seqFile := filepath.Join(dir, "seq")
	if err := os.WriteFile(seqFile, []byte(New(arn, nil).Sequence), 0o600); err != nil {
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
