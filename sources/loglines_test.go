package sources

import (
	"strings"
	"testing"
)

func TestLineSeverity(t *testing.T) {
	for msg, want := range map[string]Severity{
		"[ERROR] payment declined":            SeverityError,
		"java.lang.NullPointerException":      SeverityError,
		"Task timed out after 3.00 seconds":   SeverityError,
		"panic: runtime error":                SeverityError,
		"FATAL could not connect":             SeverityError,
		"TypeError: x is undefined":           SeverityError,
		"WARN retrying":                       SeverityWarn,
		"INFO request served in 12ms":         SeverityInfo,
		"START RequestId: 1b2c Version: $LAT": SeverityInfo,
		"GET /health 200":                     SeverityInfo,
		"0 errors today":                      SeverityInfo,
	} {
		if got := LineSeverity(msg); got != want {
			t.Errorf("LineSeverity(%q) = %d, want %d", msg, got, want)
		}
	}
}

func TestShortGroup(t *testing.T) {
	for group, want := range map[string]string{"/aws/lambda/checkout": "checkout", "/aws/lambda/checkout/": "checkout", "plain": "plain", "": ""} {
		if got := ShortGroup(group); got != want {
			t.Errorf("ShortGroup(%q) = %q, want %q", group, got, want)
		}
	}
}

func TestSanitizeDocumentIndentsJSONThenCleansEachLine(t *testing.T) {
	got := SanitizeDocument(`{"a":"x","b":[1,2]}`)
	if got != "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}" {
		t.Fatalf("JSON not indented: %q", got)
	}
	if got := SanitizeDocument("line \x1b[2Jone\nline two\x07"); got != "line one\nline two␇" && strings.Contains(got, "\x1b") {
		t.Fatalf("escapes kept: %q", got)
	}
}
