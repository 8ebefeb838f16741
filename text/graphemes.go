package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// Terminals and the width library (ansi.StringWidth, which lipgloss uses to
// lay out rows) disagree on some grapheme clusters: tmux 3.3a draws 👍🏽 in 4
// cells (it adds the skin tone's width) and ❤️ in 1 (it ignores the
// variation selector) where the library counts 2 for both, and xterm draws
// a ZWJ family as its three members side by side. A row holding one of them
// overflows its pane, the terminal wraps it and the frame shifts.
//
// So text keeps only clusters every terminal draws alike: a single
// character both measures agree on, such a character followed by zero-width
// combining marks (é as e + U+0301), or a flag (a pair of regional
// indicators: 2 cells as one flag or as two letters). Any other cluster —
// emoji with a skin tone, ZWJ sequences, keycaps, variation selectors, tags,
// Indic and Hangul clusters whose parts have their own width — is replaced
// by its first character when that one is safe alone, else by U+FFFD.

// cellWidth is go-runewidth's per-character width, fixed to the non-East-Asian
// reading so that text is sanitised alike whatever the locale.
var cellWidth = &runewidth.Condition{StrictEmojiNeutral: true}

// safeGraphemes applies the rule above. Replacing a cluster can join its
// first character with the next cluster (Hangul L + L), so it repeats until
// nothing changes; each pass that changes something removes characters.
func safeGraphemes(s string) string {
	for {
		next, changed := replaceAmbiguous(s)
		if !changed {
			return s
		}
		s = next
	}
}

func replaceAmbiguous(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	changed := false
	for rest := s; rest != ""; {
		cluster, width := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		first := len(rest) == len(s)
		rest = rest[len(cluster):]
		if unambiguous(cluster, width) && !joinsNeighbour(cluster, first, rest == "") {
			kept := keepMarks(cluster)
			changed = changed || len(kept) < len(cluster)
			b.WriteString(kept)
			continue
		}
		changed = true
		if base, size := utf8.DecodeRuneInString(cluster); size < len(cluster) && safeAlone(base) {
			b.WriteRune(base)
		} else {
			b.WriteRune('\uFFFD')
		}
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// maxMarks bounds the combining marks kept on one character. Text written
// in any script stacks a few; a "Zalgo" tower stacks thousands in one cell,
// which terminals drop past a few (tmux keeps 21 bytes a cell) but which
// would be written out in every frame, and make a row longer than a line.
const maxMarks = 8

// keepMarks is cluster with at most maxMarks combining marks on its first
// character.
func keepMarks(cluster string) string {
	marks := 0
	for i := 0; i < len(cluster); {
		r, size := utf8.DecodeRuneInString(cluster[i:])
		if i > 0 && zeroWidthMark(r) {
			if marks++; marks > maxMarks {
				return cluster[:i]
			}
		}
		i += size
	}
	return cluster
}

// unambiguous reports whether cluster, which ansi measures as width cells, is
// drawn that wide by every terminal.
func unambiguous(cluster string, width int) bool {
	base, size := utf8.DecodeRuneInString(cluster)
	if size == len(cluster) {
		return safeAlone(base)
	}
	if isRegionalIndicator(base) {
		r, n := utf8.DecodeRuneInString(cluster[size:])
		return size+n == len(cluster) && isRegionalIndicator(r) && width == 2
	}
	if !safeAlone(base) || width != cellWidth.RuneWidth(base) {
		return false
	}
	for _, r := range cluster[size:] {
		if !zeroWidthMark(r) {
			return false
		}
	}
	return true
}

// joinsNeighbour reports whether the text's first cluster would join the
// character a pane draws before the text (a lone combining mark), or its last
// one the character after it (a prepended concatenation mark, a Hangul
// leading jamo): the joined
// cluster is measured anew and may be drawn at another width.
func joinsNeighbour(cluster string, first, last bool) bool {
	if first {
		if c, _ := ansi.FirstGraphemeCluster("x"+cluster, ansi.GraphemeWidth); c != "x" {
			return true
		}
	}
	if last {
		// A letter, and a Hangul syllable, which a leading jamo joins.
		for _, next := range []string{"x", "\uac00"} {
			if c, _ := ansi.FirstGraphemeCluster(cluster+next, ansi.GraphemeWidth); c != cluster {
				return true
			}
		}
	}
	return false
}

// safeAlone: a character the width library and go-runewidth measure alike
// and that means the same without its cluster. Hangul vowel and final jamo
// are measured 1 by both but drawn in no cell by tmux (wcwidth 0); after a
// zero-width joiner, even one alone, tmux draws the next character in the
// joiner's cell.
func safeAlone(r rune) bool {
	return !isRegionalIndicator(r) && !isTrailingJamo(r) && r != '\u200d' && ansi.StringWidth(string(r)) == cellWidth.RuneWidth(r)
}

func isTrailingJamo(r rune) bool { return r >= 0x1160 && r <= 0x11FF || r >= 0xD7B0 && r <= 0xD7FF }

// zeroWidthMark is a combining mark every terminal draws on the character
// before it, taking no cell: nonspacing or enclosing, but not the variation
// selectors or the keycap mark, which turn the character into an emoji.
func zeroWidthMark(r rune) bool {
	return (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)) &&
		!unicode.Is(unicode.Variation_Selector, r) && r != '\u20e3' && cellWidth.RuneWidth(r) == 0
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
