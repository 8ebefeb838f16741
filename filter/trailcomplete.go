package filter

import (
	"sort"
	"strings"

	"watchtrail/sources"
)

// Completion is one way to finish the last term of a filter query.
type Completion struct {
	Term  string // the completed term, e.g. "user:alice"
	Line  string // the whole query with its last term replaced
	Count int    // events seen with this value (0 for field names)
}

const maxCompletions = 10

// CompleteTrail suggests how to finish the last term of query from
// the events seen so far: field names and flags for a bare word, and for
// "user:", "name:", "src:", "res:", "ip:", "key:" and "kind:" the values
// seen, most frequent first (prefixes match case-insensitively).
func CompleteTrail(query string, seen []sources.TrailEvent) []Completion {
	head, last := splitLast(query)
	key, prefix, hasColon := strings.Cut(last, ":")
	var terms []Completion
	if !hasColon {
		for _, field := range filterFields {
			terms = append(terms, Completion{Term: field.names[0] + ":"})
		}
		terms = append(terms, Completion{Term: "kind:"})
		for _, w := range [][]string{writeWords, readWords, errorWords} {
			terms = append(terms, Completion{Term: w[0]})
		}
		prefix, key = last, ""
	} else {
		counts := valuesSeen(strings.ToLower(key), seen)
		for v, n := range counts {
			terms = append(terms, Completion{Term: key + ":" + v, Count: n})
		}
		prefix = key + ":" + prefix
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].Count != terms[j].Count {
			return terms[i].Count > terms[j].Count
		}
		return terms[i].Term < terms[j].Term
	})
	var out []Completion
	for _, c := range terms {
		if len(out) == maxCompletions {
			break
		}
		if strings.HasPrefix(strings.ToLower(c.Term), strings.ToLower(prefix)) && c.Term != last {
			c.Line = head + c.Term
			out = append(out, c)
		}
	}
	return out
}

// splitLast cuts query before its last term (which is "" after a space).
func splitLast(query string) (head, last string) {
	i := strings.LastIndexAny(query, " \t")
	return query[:i+1], query[i+1:]
}

// valuesSeen counts the values of the field named key over events.
func valuesSeen(key string, events []sources.TrailEvent) map[string]int {
	counts := map[string]int{}
	add := func(v string) {
		if v != "" && !strings.ContainsAny(v, " \t") {
			counts[v]++
		}
	}
	for _, e := range events {
		switch key {
		case "user", "principal":
			add(e.User)
		case "name", "event":
			add(e.Name)
		case "src", "source", "service":
			add(strings.TrimSuffix(e.Source, ".amazonaws.com"))
		case "res", "resource":
			for _, r := range e.Resources {
				add(r)
			}
		case "type":
			for _, r := range e.ResourceTypes {
				add(r)
			}
		case "ip":
			add(e.SourceIP)
		case "key":
			add(e.AccessKeyID)
		case "kind":
			add(string(e.EffectiveKind()))
		}
	}
	return counts
}
