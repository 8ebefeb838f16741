package server

import (
	"fmt"
	"unicode/utf8"
)

// maxLoggedBytes bounds a client's string (its user name, its TERM) in a log
// line: before login anyone can send a user name of 256 KB with every key
// offered, and each refusal is logged (to stderr and the log file).
const maxLoggedBytes = 64

// clientText is s cut to maxLoggedBytes, saying how much was left out. The
// log handler quotes what is left, so its escape sequences print as text.
func clientText(s string) string {
	if len(s) <= maxLoggedBytes {
		return s
	}
	cut := maxLoggedBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…[%d more bytes]", s[:cut], len(s)-cut)
}
