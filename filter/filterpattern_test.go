package filter

import (
	"fmt"
	"testing"
)

func TestFilterPatternHighlights(t *testing.T) {
	cases := []struct {
		pattern, text, want string
	}{
		{`ERROR ?timeout ?"hang up"`, "ERROR socket hang up, ERROR again", "[[0 5] [13 20] [22 27]]"},
		{`ERROR -debug`, "no match here", "[]"},
		{`"Task timed" timed`, "Task timed out", "[[0 10]]"}, // overlapping terms merge
		{`{ $.level = "error" }`, `{"level":"error"}`, "[[10 15]]"},
		{``, "anything", "[]"},
	}
	for _, c := range cases {
		f := ParseLogPattern(c.pattern)
		if got := fmt.Sprint(f.Highlights(c.text)); got != c.want && !(c.want == "[]" && got == "[]") {
			t.Errorf("%q in %q: highlights %s, want %s", c.pattern, c.text, got, c.want)
		}
	}
	if f := ParseLogPattern(`ERROR -timeout ?orders ?"socket hang"`); !f.Match("ERROR socket hang up") || f.Match("ERROR timeout socket hang") || f.Match("ERROR x") {
		t.Error("Match disagrees with CloudWatch's term semantics")
	}
}
