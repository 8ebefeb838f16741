package sources

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
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

// tmuxPane measures in a real tmux how many cells text takes.
type tmuxPane struct {
	t      *testing.T
	socket string
	file   string
}

func newTmuxPane(t *testing.T) *tmuxPane {
	if _, err := exec.LookPath("tmux"); err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux not installed")
	}
	p := &tmuxPane{t: t, socket: fmt.Sprintf("watchtrail-width-%d", os.Getpid()), file: filepath.Join(t.TempDir(), "text")}
	p.run("-f", "/dev/null", "-u", "new-session", "-d", "-s", "w", "-x", "60", "-y", "5", "sleep 600")
	t.Cleanup(func() { exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

func (p *tmuxPane) run(args ...string) string {
	cmd := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// width prints text alone in the pane and returns the cursor column after
// it: the cells tmux gave it.
func (p *tmuxPane) width(text string) int {
	if err := os.WriteFile(p.file, []byte(text+"|"), 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.run("respawn-pane", "-k", "-t", "w", "cat "+p.file+"; sleep 600")
	deadline := time.Now().Add(5 * time.Second)
	for {
		// The marker shows the text is drawn; the cursor then stands after it.
		if strings.Contains(p.run("capture-pane", "-p", "-t", "w"), "|") || time.Now().After(deadline) {
			x, _ := strconv.Atoi(p.run("display", "-p", "-t", "w", "#{cursor_x}"))
			return x - 1
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Issue 11 item 3: in a real tmux, sanitised text takes exactly the cells
// the width library (and so the layout) counts.
func TestSanitizedGraphemesTakeTheirWidthInTmux(t *testing.T) {
	p := newTmuxPane(t)
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
		if p.width(in) != ansi.StringWidth(in) {
			disagreed++
		}
		out := Sanitize(in)
		if got, want := p.width(out), ansi.StringWidth(out); got != want {
			t.Errorf("%+q (from %+q): tmux draws %d cells, the layout counts %d", out, in, got, want)
		}
	}
	t.Logf("before sanitising, tmux and the width library disagreed on %d of %d samples; after, on none", disagreed, len(samples))
}
