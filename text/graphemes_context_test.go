package text

import "testing"

// A field's text is drawn next to the pane's own characters ("name (dims)"),
// so its first cluster must not join the character before it nor its last
// one the character after.
func TestSanitizedTextJoinsNoNeighbour(t *testing.T) {
	for _, text := range []string{"\u0301abc", "\u1ae6ERROR", "\u200dx", "abc\u0600", "\u0600", "\u0301"} {
		got := Sanitize(text)
		for _, around := range []string{"(", "x", "│"} {
			row := around + got + around
			if again := Sanitize(row); again != row {
				t.Errorf("Sanitize(%q) = %q, which changes beside %q: %q", text, got, around, again)
			}
		}
	}
}
