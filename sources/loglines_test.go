package sources

import (
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
