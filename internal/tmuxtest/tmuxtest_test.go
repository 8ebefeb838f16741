package tmuxtest

import (
	"strings"
	"testing"
	"time"
)

// A command that ends at once still leaves its last words to read. (A
// moment's sleep: tmux itself may lose what a process writes just before it
// exits within a millisecond of starting.)
func TestACommandThatEndsAtOnceCanBeRead(t *testing.T) {
	for range 5 {
		s := Start(t, 40, 5, "echo bye; sleep 0.1")
		if last := s.WaitExit(10 * time.Second); !strings.Contains(last, "bye") {
			t.Fatalf("the last words are gone: %q", last)
		}
	}
}
