package panes

import (
	"slices"
	"strings"
	"testing"
)

// TestListFilterAsTyped types, extends, shortens and replaces a filter and
// checks every step against a search of all items, including after the
// items' text changed.
func TestListFilterAsTyped(t *testing.T) {
	suffix := map[string]string{}
	l := NewList(func(s string) string { return s }, func(s string) string { return s + suffix[s] })
	items := []string{"alpha", "Beta", "gamma", "alphabet", "DELTA", "épsilon", "zeta-alp"}
	l.SetItems(items)
	want := func(filter string) []string {
		var out []string
		for _, s := range items {
			if strings.Contains(strings.ToLower(s+suffix[s]), strings.ToLower(filter)) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, f := range []string{"a", "al", "alp", "ALPH", "alx", "al", "", "É", "éps", "ta", "t", "x"} {
		l.SetFilter(f)
		if got := l.Shown(); !slices.Equal(got, want(f)) {
			t.Errorf("filter %q: shown %q, want %q", f, got, want(f))
		}
	}
	l.SetFilter("al")
	suffix["gamma"] = " (alias)"
	l.Refilter()
	if got := l.Shown(); !slices.Equal(got, want("al")) {
		t.Errorf("after the text changed: shown %q, want %q", got, want("al"))
	}
	l.SetFilter("ali")
	if got := l.Shown(); !slices.Equal(got, want("ali")) {
		t.Errorf("narrowed after the text changed: shown %q, want %q", got, want("ali"))
	}
}
