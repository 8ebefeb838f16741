// Package clipboard copies text with OSC 52, the escape sequence that asks
// the terminal itself to set the clipboard, so copying works over SSH.
package clipboard

import (
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
)

// Sequence is the escape sequence copying text, for a terminal whose
// environment is environ (KEY=value lines). Inside tmux ($TMUX set) it is
// wrapped in tmux's passthrough, which tmux 3.3+ forwards to the outer
// terminal when allow-passthrough is on.
func Sequence(text string, environ []string) string {
	seq := osc52.New(text)
	for _, kv := range environ {
		if value, ok := strings.CutPrefix(kv, "TMUX="); ok && value != "" {
			seq = seq.Tmux()
		}
	}
	return seq.String()
}
