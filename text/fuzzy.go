package text

import (
	"strings"

	"github.com/sahilm/fuzzy"
)

// FuzzyMatch is one item matching a fuzzy pattern, with the byte indexes of
// its matched characters for highlighting.
type FuzzyMatch struct {
	Item    string
	Index   int // position in the items given
	Matched []int
}

// FuzzyFilter returns the items containing pattern's characters in order,
// ignoring case, best match first: items holding the pattern as one run come
// first (sahilm/fuzzy matches greedily, so it may score a scattered match of
// "err" in "orders/error" below one in "resizer"), then by fuzzy score
// (consecutive runs, word starts and separators such as "/" score higher).
// An empty pattern returns every item in order.
func FuzzyFilter(pattern string, items []string) []FuzzyMatch {
	if pattern == "" {
		out := make([]FuzzyMatch, len(items))
		for i, it := range items {
			out[i] = FuzzyMatch{Item: it, Index: i}
		}
		return out
	}
	lower := strings.ToLower(pattern)
	var runs, scattered []FuzzyMatch
	for _, m := range fuzzy.Find(pattern, items) {
		fm := FuzzyMatch{Item: m.Str, Index: m.Index, Matched: m.MatchedIndexes}
		// Byte offsets in the lowered item are only valid when lowering kept the length.
		at := strings.Index(strings.ToLower(m.Str), lower)
		if at < 0 || len(lower) != len(pattern) || len(m.Str) != len(strings.ToLower(m.Str)) {
			scattered = append(scattered, fm)
			continue
		}
		fm.Matched = make([]int, len(pattern))
		for j := range fm.Matched {
			fm.Matched[j] = at + j
		}
		runs = append(runs, fm)
	}
	return append(runs, scattered...)
}
