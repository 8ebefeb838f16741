package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"watchtrail/text"
)

func TestViewer(t *testing.T) {
	fxPlainColors(t)
	// The dashboard sanitises a record as it opens it (text.SanitizeDocument).
	v := NewViewer(text.Sanitize("event "+fxEvil), text.SanitizeDocument(`{"eventName":"RunInstances","userIdentity":{"userName":"alice"},"n":[1,2,3,4,5,6,7,8,9,10]}`))
	out := fxDraw(v, 60, 8)
	fxCheckSize(t, out, 60, 8)
	if strings.Contains(out, "\x1b") {
		t.Fatalf("escape sequences from the data must not reach the screen: %q", out)
	}
	if raw := fxDraw(NewViewer("log", text.SanitizeDocument("ERROR "+fxEvil+"\nnext")), 60, 8); strings.Contains(raw, "\x1b") || !strings.Contains(raw, "ERROR ") {
		t.Fatalf("escape sequences in a log line must not reach the screen: %q", raw)
	}
	plain := ansi.Strip(out)
	for _, want := range []string{"event pwned", `  "eventName": "RunInstances",`, `    "userName": "alice"`, "1–6/", "esc closes"} {
		if !strings.Contains(plain, want) {
			t.Errorf("missing %q in\n%s", want, plain)
		}
	}

	v.Move(-5)
	if !strings.Contains(ansi.Strip(fxDraw(v, 60, 8)), "1–6/") {
		t.Fatal("scrolling up from the top should stay at the top")
	}
	v.Move(1000)
	bottom := ansi.Strip(fxDraw(v, 60, 8))
	if !strings.Contains(bottom, "}") || strings.Contains(bottom, `"eventName"`) {
		t.Fatalf("scrolling down should stop at the last page:\n%s", bottom)
	}
	v.Move(-1)
	if up := ansi.Strip(fxDraw(v, 60, 8)); up == bottom {
		t.Fatalf("one line up from the bottom should scroll at once:\n%s", up)
	}

	long := NewViewer("log", strings.Repeat("x", 100))
	if out := ansi.Strip(fxDraw(long, 30, 6)); strings.Count(out, "x") != 100 {
		t.Fatalf("long lines should wrap, not be cut:\n%s", out)
	}
	for _, size := range fxSizes {
		fxCheckSize(t, fxDraw(NewViewer("empty", ""), size[0], size[1]), size[0], size[1])
	}
}
