package text

import (
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// perCharWidth is how a terminal that knows no grapheme clusters draws s:
// each character on its own, marks, format characters and Hangul vowel and
// final jamo taking no cell (as tmux 3.3a does).
func perCharWidth(s string) int {
	w := 0
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) && !isTrailingJamo(r) {
			w += cellWidth.RuneWidth(r)
		}
	}
	return w
}

var graphemeCases = []struct{ in, want string }{
	{"ok 👍🏽 done", "ok 👍 done"},                                                  // skin tone modifier
	{"👨\u200d👩\u200d👧 family", "👨👩👧 family"},                                     // ZWJ sequence: the joiners dropped (widths.go)
	{"I ❤\ufe0f it", "I ❤ it"},                                                   // VS16
	{"☀\ufe0f", "☀"},                                                             // VS16 on a text-default emoji
	{"key 1\ufe0f\u20e3", "key 1"},                                               // keycap
	{"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴"},       // tag sequence
	{"flag 🇫🇷 ok", "flag 🇫🇷 ok"},                                                 // a pair of regional indicators is kept
	{"lone 🇫 x", "lone \ufffd x"},                                                // a single one is not
	{"cafe\u0301 naïve", "cafe\u0301 naïve"},                                     // combining mark kept
	{"中文 テスト 한국어", "中文 テスト 한국어"},                                                 // wide CJK kept
	{"क्षि", "क"},                                                                // Indic cluster whose parts take cells
	{"\u1100\u1161\u11a8", "\ufffd"},                                             // decomposed Hangul: its leading jamo alone would join what follows
	{"x\ufe0f", "x"},                                                             // stray variation selector
	{"\ufe0fx", "\ufffdx"},                                                       // ... with nothing before it
	{"soft\u00adhyphen zw\u200bsp w\u2060j bom\ufeff", "softhyphen zwsp wj bom"}, // format characters dropped
	{"a\u2028b\u2029c", "a⏎b⏎c"},                                                 // line and paragraph separators
	{"new \U0001fa75 \U00031350 \u3248 x", "new \ufffd \ufffd \ufffd x"},         // widths in dispute
	{"\u0378\uffff\U000e0080", "\ufffd\ufffd\ufffd"},                             // unassigned, noncharacter
	{"Z" + strings.Repeat("\u0301\u0316", 1000) + "z", "Z" + strings.Repeat("\u0301\u0316", 4) + "z"}, // a Zalgo tower: 8 marks kept
	{"\u1e69\u0307\u0323", "\u1e69\u0307\u0323"},                                                      // a few marks stay
}

func TestSanitizeReplacesAmbiguousGraphemes(t *testing.T) {
	for _, c := range graphemeCases {
		got := Sanitize(c.in)
		if got != c.want {
			t.Errorf("Sanitize(%+q) = %+q, want %+q", c.in, got, c.want)
		}
		if w, pw := ansi.StringWidth(got), perCharWidth(got); w != pw {
			t.Errorf("Sanitize(%+q) = %+q: ansi width %d, per character %d", c.in, got, w, pw)
		}
	}
}

func FuzzSanitizeWidthUnambiguous(f *testing.F) {
	for _, c := range graphemeCases {
		f.Add(c.in)
	}
	f.Add("\x1b[31mred\x1b[0m\ttab\r\n👍🏾‍♂️")
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if w, pw := ansi.StringWidth(out), perCharWidth(out); w != pw {
			t.Fatalf("Sanitize(%+q) = %+q: ansi width %d, per character %d", in, out, w, pw)
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Fatalf("escape left in %+q", out)
		}
	})
}
