package text

import (
	"strings"
	"testing"
)

func TestSanitizeDocumentIndentsJSONThenCleansEachLine(t *testing.T) {
	got := SanitizeDocument(`{"a":"x","b":[1,2]}`)
	if got != "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}" {
		t.Fatalf("JSON not indented: %q", got)
	}
	if got := SanitizeDocument("line \x1b[2Jone\nline two\x07"); got != "line one\nline two␇" && strings.Contains(got, "\x1b") {
		t.Fatalf("escapes kept: %q", got)
	}
}
