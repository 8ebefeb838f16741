package text

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/internal/tmuxtest"
)

// trickyRunes are the parts of the clusters terminals disagree on.
var trickyRunes = []rune{
	'a', ' ', 'é', '中', 'テ', '한', '👍', '👨', '👩', '❤', '☀', '1', '#',
	0x1F3FB, 0x1F3FD, 0x1F3FF, // skin tones
	0x200D, 0xFE0F, 0xFE0E, 0x20E3, // ZWJ, VS16, VS15, keycap
	0x1F1EB, 0x1F1F7, // regional indicators
	0x0301, 0x0308, 0x20DD, // combining marks
	0x0915, 0x094D, 0x0937, 0x093F, // Devanagari with virama and a spacing mark
	0x1100, 0x1161, 0x11A8, // Hangul jamo
	0xE0067, 0xE007F, 0x1F3F4, // tag sequence parts
}

func randomTricky(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(trickyRunes[r.IntN(len(trickyRunes))])
	}
	return b.String()
}

func TestSanitizeRandomEmojiMixIsUnambiguous(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	for range 5000 {
		in := randomTricky(r, 1+r.IntN(12))
		out := Sanitize(in)
		if w, pw := ansi.StringWidth(out), perCharWidth(out); w != pw {
			t.Fatalf("Sanitize(%+q) = %+q: ansi width %d, per character %d", in, out, w, pw)
		}
	}
}

// tmuxWidth prints text alone in the tmux session's pane and returns the
// cursor column after it: the cells tmux gave it.
func tmuxWidth(t *testing.T, s *tmuxtest.Session, text string) int {
	file := filepath.Join(t.TempDir(), "text")
	if err := os.WriteFile(file, []byte(text+"|"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Run("respawn-pane", "-k", "cat "+file+"; sleep 600")
	// The marker shows the text is drawn; the cursor then stands after it.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.Screen(), "|"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%+q was never drawn:\n%s", text, s.Screen())
		}
	}
	x, _ := strconv.Atoi(strings.TrimSpace(s.Run("display", "-p", "#{cursor_x}")))
	return x - 1
}

// Issue 11 item 3: in a real tmux, sanitised text takes exactly the cells
// the width library (and so the layout) counts.
func TestSanitizedGraphemesTakeTheirWidthInTmux(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8") // tmux measures characters in the server's locale
	s := tmuxtest.Start(t, 60, 5, "sleep 600")
	var samples []string
	for _, c := range graphemeCases {
		samples = append(samples, c.in)
	}
	r := rand.New(rand.NewPCG(5, 8))
	for range 40 {
		samples = append(samples, randomTricky(r, 1+r.IntN(8)))
	}
	disagreed := 0
	for _, in := range samples {
		if tmuxWidth(t, s, in) != ansi.StringWidth(in) {
			disagreed++
		}
		out := Sanitize(in)
		if got, want := tmuxWidth(t, s, out), ansi.StringWidth(out); got != want {
			t.Errorf("%+q (from %+q): tmux draws %d cells, the layout counts %d", out, in, got, want)
		}
	}
	t.Logf("before sanitising, tmux and the width library disagreed on %d of %d samples; after, on none", disagreed, len(samples))
}
