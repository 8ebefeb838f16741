// Package triage holds the parts of the triage engine that judge what a
// change and an alarm's metric mean: the metric's family, the change's
// category, which categories can move which family (Plausibility), routine
// writes learned from the trail's own history, and change points in a
// series. It depends on no other watchtrail package, so the engine can use
// it from anywhere.
package triage

import (
	"strings"
	"unicode"
)

// CamelWords splits "PutRolePolicy" into Put, Role, Policy and keeps runs of
// capitals together: "ModifyDBInstance" → Modify, DB, Instance; digits end
// a word and are dropped ("HTTPCode_ELB_5XX_Count" → HTTP, Code, ELB, XX, Count).
func CamelWords(s string) []string {
	var words []string
	runes := []rune(s)
	start := 0
	for i := 1; i <= len(runes); i++ {
		if i < len(runes) && !boundary(runes, i) {
			continue
		}
		if w := strings.TrimFunc(string(runes[start:i]), func(r rune) bool { return !unicode.IsLetter(r) }); w != "" {
			words = append(words, w)
		}
		start = i
	}
	return words
}

func boundary(r []rune, i int) bool {
	upper := unicode.IsUpper(r[i])
	if !upper {
		return !unicode.IsLetter(r[i]) && unicode.IsLetter(r[i-1])
	}
	return !unicode.IsUpper(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))
}

// lowerWords are s's camel words in lower case.
func lowerWords(s string) []string {
	words := CamelWords(s)
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}

func hasAny(words []string, any ...string) bool {
	for _, w := range words {
		for _, a := range any {
			if w == a {
				return true
			}
		}
	}
	return false
}

func hasPrefixAny(words []string, prefixes ...string) bool {
	for _, w := range words {
		for _, p := range prefixes {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}
