// Package clipboard copies text with OSC 52, the escape sequence that asks
// the terminal itself to set the clipboard, so copying works over SSH.
package clipboard

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/x/ansi"
)

// MaxBytes bounds the text one copy sends: 100,000 bytes once base64
// encoded, the limit of several terminals (longer sequences are dropped
// whole), and a frame that stays small.
const MaxBytes = 75_000

// Copy is one copy, ready to send to the terminal.
type Copy struct {
	Sequence string // the escape sequence to write
	Bytes    int    // bytes of text copied, after cleaning and the cap
	Cut      int    // bytes of the cleaned text left out by the cap
}

// New prepares copying text to the clipboard of a terminal whose
// environment is environ (KEY=value lines, the terminal's own: for an SSH
// session, the client's). Escape sequences, bidi and other control
// characters are removed (only newlines and tabs stay), and the text is cut
// to MaxBytes.
func New(text string, environ []string) Copy {
	clean := Clean(text)
	copied := clean
	if len(copied) > MaxBytes {
		cut := MaxBytes
		for cut > 0 && !utf8.RuneStart(copied[cut]) {
			cut--
		}
		copied = copied[:cut]
	}
	seq := osc52.New(copied)
	switch term, tmux, screen := env(environ, "TERM"), env(environ, "TMUX"), env(environ, "STY"); {
	case tmux != "" || strings.HasPrefix(term, "tmux"):
		// tmux 3.3+ forwards its passthrough to the outer terminal when
		// allow-passthrough is on.
		seq = seq.Tmux()
	case screen != "" || strings.HasPrefix(term, "screen"):
		seq = seq.Screen()
	}
	return Copy{Sequence: seq.String(), Bytes: len(copied), Cut: len(clean) - len(copied)}
}

// Clean removes what must not reach a clipboard: escape sequences, bidi
// controls (which can make pasted text read differently from what runs),
// other control characters but newline and tab, and invalid UTF-8.
func Clean(text string) string {
	text = ansi.Strip(strings.ToValidUTF8(text, "\uFFFD"))
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, text)
}

func env(environ []string, key string) string {
	for _, kv := range environ {
		if value, ok := strings.CutPrefix(kv, key+"="); ok {
			return value
		}
	}
	return ""
}
