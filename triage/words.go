package triage

import "strings"

// lowerWords are s's camel words in lower case.
func lowerWords(s string) []string {
	words := camelWords(s)
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
