package text

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeNeutralisesTerminalControl(t *testing.T) {
	cases := map[string]string{
		"plain text":                     "plain text",
		"\x1b[31mred\x1b[0m":             "red",
		"title\x1b]0;pwned\x07 after":    "title after",
		"osc st \x1b]8;;http://x\x1b\\k": "osc st k",
		"clear\x1b[2J\x1b[H":             "clear",
		"a\tb":                           "a    b",
		"line1\nline2\r":                 "line1⏎line2",
		"nul\x00bell\x07":                "nul\uFFFDbell\uFFFD",
		"bad \xff utf8":                  "bad \uFFFD utf8",
		"c1 csi \u009b31m x":             "c1 csi  x",
		"bidi \u202egnp.exe":             "bidi gnp.exe",
		"unicode ✓ ok":                   "unicode ✓ ok",
		"dangling \x1b":                  "dangling ",
	}
	for in, want := range cases {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitizeNeverEmitsControlBytes(t *testing.T) {
	in := "\x1b[1;31m\x1bP+q\x1b\\\x9b2J\x9d0;x\x9c\x08\x0e\x7f" + strings.Repeat("\x1b", 5)
	out := Sanitize(in)
	for _, r := range out {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			t.Fatalf("control rune %U survived in %q", r, out)
		}
	}
}

func TestSanitizeBoundsHugeLines(t *testing.T) {
	out := Sanitize(strings.Repeat("x", 100_000))
	if len(out) > MaxLineBytes {
		t.Fatalf("output is %d bytes, want at most %d", len(out), MaxLineBytes)
	}
	if !strings.Contains(out, "more bytes]") {
		t.Fatalf("truncation is not announced: %q", out[len(out)-40:])
	}
}

// Issue 18 item 12: a 1 MB line is cut once, the marker counting the bytes
// left out; sanitising the result again (the log viewer does) changes
// nothing, however the line ends near the cut.
func TestSanitizeCutsOnceWithTheRightCount(t *testing.T) {
	if out := Sanitize(strings.Repeat("x", 100) + strings.Repeat("\x1b[31m", 1<<20)); out != strings.Repeat("x", 100) {
		t.Errorf("escape sequences are removed, not cut: %q", out)
	}
	for _, tail := range []string{"x", "é", "\t", "\n", "\x00", "中", "👍🏽", "e\u0301", "\u0378"} {
		in := strings.Repeat("x", MaxLineBytes-30) + strings.Repeat(tail, 1<<20/len(tail))
		out := Sanitize(in)
		shown, marker, ok := strings.Cut(out, "… [")
		if !ok || len(out) > MaxLineBytes || strings.Count(out, "more bytes]") != 1 {
			t.Fatalf("tail %+q: %d bytes, want one marker within %d: …%q", tail, len(out), MaxLineBytes, out[max(0, len(out)-60):])
		}
		var left int
		if _, err := fmt.Sscanf(marker, "%d more bytes]", &left); err != nil || left < len(in)-len(shown)-100 || left > len(in)-len(shown)+100 {
			t.Errorf("tail %+q: marker %q, want about %d left out", tail, marker, len(in)-len(shown))
		}
		if again := Sanitize(out); again != out {
			t.Errorf("tail %+q: sanitised again, the line changed: …%q", tail, again[max(0, len(again)-60):])
		}
		if doc := SanitizeDocument(out); doc != out {
			t.Errorf("tail %+q: the viewer's SanitizeDocument changed the line: …%q", tail, doc[max(0, len(doc)-60):])
		}
	}
}

func BenchmarkSanitize(b *testing.B) {
	line := "2026-11-25T19:20:00Z ERROR \x1b[31mrequest failed\x1b[0m id=42 " + strings.Repeat("payload ", 20)
	b.ReportAllocs()
	for b.Loop() {
		Sanitize(line)
	}
}

// FuzzSanitize checks, for any bytes (binary log lines included), that the
// output is valid UTF-8 with no control character and a bounded length.
// Run longer with: go test -fuzz FuzzSanitize ./sources/
func FuzzSanitize(f *testing.F) {
	for _, seed := range []string{"", "plain", "\x1b[31mred", "\x1b]0;t\x07", "\xff\xfe\x00\x01", "\u009b2J", strings.Repeat("é", 3000)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", in)
		}
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("control rune %U from %q", r, in)
			}
		}
		if len(out) > MaxLineBytes {
			t.Fatalf("%d bytes out", len(out))
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not stable: Sanitize(%+q) = %+q, sanitised again %+q", in, out, again)
		}
	})
}
