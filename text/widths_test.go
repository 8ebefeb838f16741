package text

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/internal/wcwidth"
)

// Issue 18 item 7: every character, alone and after a letter, comes out of
// Sanitize as text that the layout (ansi.StringWidth) and libc's wcwidth in
// a UTF-8 locale (what tmux draws by) measure alike, with nothing wcwidth
// calls unprintable. The disagreements before sanitising are logged by
// general category.
func TestEveryCharacterMeasuresAsLibcWcwidth(t *testing.T) {
	meter := wcwidth.Start(t)
	var raw, clean []string
	var runes []rune
	for r := rune(0x20); r <= utf8.MaxRune; r++ {
		if r >= 0x40000 && r < 0xe0000 && r%257 != 0 { // planes 4 to 13 hold no character yet: a sample
			continue
		}
		if !utf8.ValidRune(r) || r == 0x7f {
			continue
		}
		for _, before := range []string{"", "a"} {
			in := before + string(r) + "b"
			raw, clean, runes = append(raw, in), append(clean, Sanitize(in)), append(runes, r)
		}
	}
	rawWidths, err := meter.Widths(raw)
	if err != nil {
		t.Fatal(err)
	}
	cleanWidths, err := meter.Widths(clean)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	failures := 0
	for i, in := range raw {
		if w := rawWidths[i]; w.Unprintable > 0 || w.Cells != ansi.StringWidth(in) {
			before[category(runes[i])]++
		}
		out, w := clean[i], cleanWidths[i]
		if (w.Unprintable > 0 || w.Cells != ansi.StringWidth(out)) && failures < 20 {
			failures++
			t.Errorf("%U: Sanitize(%+q) = %+q: the layout counts %d cells, wcwidth %d (%d unprintable)",
				runes[i], in, out, ansi.StringWidth(out), w.Cells, w.Unprintable)
		}
	}
	var kinds []string
	for k, n := range before {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("%d texts; before sanitising, the layout and wcwidth disagreed on: %s", len(raw), strings.Join(kinds, ", "))
}

// category names r's general category ("Cn" when unassigned).
func category(r rune) string {
	for _, name := range []string{"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
		"Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"} {
		if unicode.Is(unicode.Categories[name], r) {
			return name
		}
	}
	return "Cn"
}

// Text is sanitised piece by piece (fields, typed and pasted text) and the
// pieces drawn side by side: a piece must not join the next into a cluster
// of another width (a Hangul leading jamo and a syllable after it).
func TestSanitizedPiecesSideBySideStayAsTheyAre(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 18))
	for range 20000 {
		a, b := Sanitize(randomTricky(r, 1+r.IntN(6))), Sanitize(randomTricky(r, 1+r.IntN(6)))
		if joined := Sanitize(a + b); joined != a+b {
			t.Fatalf("%+q and %+q side by side sanitise to %+q", a, b, joined)
		}
	}
}
