// Package text makes terminal text safe and readable: it neutralises escape
// sequences and control characters (Sanitize, SanitizeDocument), measures
// grapheme clusters as terminals draw them, matches fuzzy patterns and splits
// log lines into fields. It imports no project package.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLineBytes bounds one rendered log or trail line; longer text is cut and
// says how much was dropped.
const MaxLineBytes = 4096

// Sanitize makes text from AWS (log lines, CloudTrail fields) safe to print in
// a terminal: escape sequences are removed whole, other control characters
// and invalid UTF-8 become visible placeholders, tabs become spaces, newlines
// become "⏎", grapheme clusters terminals draw at different widths are
// replaced (see safeGraphemes), and the result is at most MaxLineBytes long.
func Sanitize(text string) string {
	if isPlain(text) && len(text) <= MaxLineBytes {
		return text
	}
	var b strings.Builder
	b.Grow(min(len(text), MaxLineBytes))
	for i := 0; i < len(text); {
		if b.Len() >= MaxLineBytes {
			fmt.Fprintf(&b, "… [%d more bytes]", len(text)-i)
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune('\uFFFD')
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			size = escapeLength(text[i:])
		case r == '\t':
			b.WriteString("    ")
		case r == '\n':
			b.WriteString("⏎")
		case r == '\r':
			// dropped: a bare carriage return would rewrite the line
		case unicode.IsControl(r) || r == 0x7f:
			b.WriteRune('\uFFFD')
		case unicode.Is(unicode.Bidi_Control, r):
			// dropped: bidi overrides can disguise the text around them
		default:
			b.WriteString(text[i : i+size])
		}
		i += size
	}
	return safeGraphemes(b.String())
}

// isPlain is the fast path: printable ASCII only.
func isPlain(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// escapeLength returns how many bytes of text form the escape sequence that
// starts it (ESC or a C1 introducer), so the whole sequence can be skipped.
func escapeLength(text string) int {
	r, size := utf8.DecodeRuneInString(text)
	kind := r
	if r == 0x1b {
		if len(text) < 2 {
			return 1
		}
		switch text[1] {
		case '[':
			kind, size = 0x9b, 2
		case ']':
			kind, size = 0x9d, 2
		case 'P', 'X', '^', '_':
			kind, size = 0x90, 2
		default:
			if len(text) >= 3 && text[1] >= 0x20 && text[1] <= 0x2f {
				return 3 // ESC intermediate final, e.g. charset designation
			}
			return 2 // two-byte escape such as ESC c (reset)
		}
	}
	switch kind {
	case 0x9b: // CSI: parameters and intermediates, then one final byte
		for i := size; i < len(text); i++ {
			if c := text[i]; c >= 0x40 && c <= 0x7e {
				return i + 1
			}
		}
		return len(text)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // string: ends at BEL or ST
		for i := size; i < len(text); i++ {
			switch {
			case text[i] == 0x07:
				return i + 1
			case text[i] == 0x1b && i+1 < len(text) && text[i+1] == '\\':
				return i + 2
			case strings.HasPrefix(text[i:], "\u009c"):
				return i + len("\u009c")
			}
		}
		return len(text)
	}
	return size
}
