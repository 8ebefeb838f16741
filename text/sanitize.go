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

// MaxLineBytes bounds one rendered log or trail line; longer text is cut
// once and says how many bytes of it were left out.
const MaxLineBytes = 4096

// Sanitize makes text from AWS (log lines, CloudTrail fields) safe to print in
// a terminal: escape sequences are removed whole, other control characters
// and invalid UTF-8 become visible placeholders, tabs become spaces, newlines
// become "⏎", characters and grapheme clusters terminals draw at different
// widths are dropped or replaced (see widths.go and safeGraphemes), and the result is at most MaxLineBytes long,
// the cut marked "… [N more bytes]" with N the bytes of text not shown.
// Sanitized text comes out of Sanitize unchanged, so a line sanitised again
// downstream is not cut a second time.
func Sanitize(text string) string {
	if isPlain(text) && len(text) <= MaxLineBytes {
		return text
	}
	for budget := MaxLineBytes; ; {
		out, used := clean(text, budget)
		out = safeGraphemes(out)
		if used == len(text) && len(out) <= MaxLineBytes {
			return out
		}
		marker := fmt.Sprintf("… [%d more bytes]", len(text)-used)
		over := len(out) + len(marker) - MaxLineBytes
		if over <= 0 {
			return out + marker
		}
		budget -= over // safeGraphemes or the marker made it longer: show less
	}
}

// clean is the neutralised text of text's first used bytes, as many as fit
// in budget bytes.
func clean(text string, budget int) (out string, used int) {
	var b strings.Builder
	b.Grow(min(len(text), budget))
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		var chunk string
		switch {
		case r == utf8.RuneError && size <= 1:
			chunk = "\uFFFD"
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			size = escapeLength(text[i:])
		case r == '\t':
			chunk = "    "
		case r == '\n':
			chunk = "⏎"
		case r == '\r':
			// dropped: a bare carriage return would rewrite the line
		case unicode.IsControl(r) || r == 0x7f || disputedWidth(r):
			chunk = "\uFFFD"
		case isLineSeparator(r):
			chunk = "⏎"
		case droppedFormat(r):
			// dropped (see widths.go); bidi overrides among them could
			// disguise the text around them
		default:
			chunk = text[i : i+size]
		}
		if b.Len()+len(chunk) > budget {
			break
		}
		b.WriteString(chunk)
		i += size
	}
	return b.String(), i
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
