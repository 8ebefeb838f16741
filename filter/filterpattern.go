package filter

import (
	"sort"
	"strings"
)

// LogPattern is a CloudWatch Logs filter pattern, simplified: every term
// must appear, none of the "-term"s may, and at least one "?term" when any
// are given. "Quoted phrases" are one term. Matching is case-sensitive, as in
// CloudWatch. JSON ({ $.x = ... }) and space-delimited ([a, b]) patterns keep
// only their quoted strings as required terms.
type LogPattern struct {
	all, any, none []string
}

// ParseLogPattern reads a filter pattern; any text is accepted.
func ParseLogPattern(pattern string) LogPattern {
	pattern = strings.TrimSpace(pattern)
	var f LogPattern
	structured := strings.HasPrefix(pattern, "{") || strings.HasPrefix(pattern, "[")
	for _, tok := range tokenize(pattern) {
		if structured {
			if tok.quoted {
				f.all = append(f.all, tok.text)
			}
			continue
		}
		switch {
		case tok.text == "":
		case !tok.quoted && strings.HasPrefix(tok.text, "?") && len(tok.text) > 1:
			f.any = append(f.any, strings.Trim(tok.text[1:], `"`))
		case !tok.quoted && strings.HasPrefix(tok.text, "-") && len(tok.text) > 1:
			f.none = append(f.none, strings.Trim(tok.text[1:], `"`))
		default:
			f.all = append(f.all, tok.text)
		}
	}
	return f
}

// Match reports whether text matches the pattern.
func (f LogPattern) Match(text string) bool {
	for _, t := range f.all {
		if !strings.Contains(text, t) {
			return false
		}
	}
	for _, t := range f.none {
		if strings.Contains(text, t) {
			return false
		}
	}
	if len(f.any) == 0 {
		return true
	}
	for _, t := range f.any {
		if strings.Contains(text, t) {
			return true
		}
	}
	return false
}

type token struct {
	text   string
	quoted bool
}

// tokenize splits on spaces, keeping "quoted phrases" (and ?"..." / -"...")
// whole.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		prefix := ""
		if (s[i] == '?' || s[i] == '-') && i+1 < len(s) && s[i+1] == '"' {
			prefix, i = s[i:i+1], i+1
		}
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				end = len(s) - i - 1
			}
			text := s[i+1 : i+1+end]
			if prefix != "" {
				out = append(out, token{text: prefix + text})
			} else {
				out = append(out, token{text: text, quoted: true})
			}
			i += end + 2
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		out = append(out, token{text: s[i:j]})
		i = j
	}
	return out
}

// Highlights returns the byte ranges [start, end) of text where the
// pattern's terms (required or alternative) occur, in order and not
// overlapping: what to highlight in a matching line.
func (f LogPattern) Highlights(text string) [][2]int {
	var spans [][2]int
	for _, term := range append(append([]string(nil), f.all...), f.any...) {
		for from := 0; term != "" && from < len(text); {
			i := strings.Index(text[from:], term)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{from + i, from + i + len(term)})
			from += i + len(term)
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		return spans[i][0] < spans[j][0] || spans[i][0] == spans[j][0] && spans[i][1] > spans[j][1]
	})
	var merged [][2]int
	for _, s := range spans {
		if n := len(merged); n > 0 && s[0] < merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	return merged
}
