package text

import (
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
	if len(out) > MaxLineBytes+64 {
		t.Fatalf("output is %d bytes, want about %d", len(out), MaxLineBytes)
	}
	if !strings.Contains(out, "more bytes]") {
		t.Fatalf("truncation is not announced: %q", out[len(out)-40:])
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
		if len(out) > MaxLineBytes+64 {
			t.Fatalf("%d bytes out", len(out))
		}
	})
}
