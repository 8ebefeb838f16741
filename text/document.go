package text

import (
	"bytes"
	"encoding/json"
	"strings"
)

// SanitizeDocument makes a whole record (a CloudTrail event's JSON, a log
// message) safe to show over many lines: JSON is pretty-printed first, then
// every line is sanitised on its own (see Sanitize).
func SanitizeDocument(text string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err == nil {
		text = buf.String()
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = Sanitize(line)
	}
	return strings.Join(lines, "\n")
}
