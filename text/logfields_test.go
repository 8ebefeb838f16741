package text

import (
	"strings"
	"testing"
)

func fieldText(fs []Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + "=" + f.Value
	}
	return strings.Join(parts, " ")
}

func TestParseLogLine(t *testing.T) {
	cases := []struct {
		line, level, message, fields string
		json                         bool
	}{
		{`{"level":"error","msg":"payment failed","order":"o-1","retry":{"n":2, "max":3},"ok":false}`,
			"ERROR", "payment failed", `order=o-1 retry={"n":2,"max":3} ok=false`, true},
		{`{"severity":"WARNING","message":"slow","latency_ms":812.5}`, "WARN", "slow", "latency_ms=812.5", true},
		{`{"level":50,"time":1700000000000,"msg":"pino says"}`, "ERROR", "pino says", "time=1700000000000", true},
		// Lambda's text format with a JSON tail (tabs already sanitised to spaces).
		{"2026-01-02T03:04:05.000Z    c0ffee    ERROR    Invoke Error     {\"errorType\":\"Error\",\"errorMessage\":\"socket hang up\"}",
			"ERROR", "socket hang up", "errorType=Error", true},
		{"2026-01-02T03:04:05.000Z c0ffee WARN slow DynamoDB PutItem", "WARN", "2026-01-02T03:04:05.000Z c0ffee WARN slow DynamoDB PutItem", "", false},
		{"[INFO] started", "INFO", "[INFO] started", "", false},
		{"the error budget is fine today, said the INFO desk", "", "the error budget is fine today, said the INFO desk", "", false},
		{`{"broken": json}`, "", `{"broken": json}`, "", false},
		{`{"a":1} {"b":2}`, "", `{"a":1} {"b":2}`, "", false},
		{"", "", "", "", false},
	}
	for _, c := range cases {
		got := ParseLogLine(c.line)
		if got.Level != c.level || got.Message != c.message || fieldText(got.Fields) != c.fields || got.JSON != c.json || got.Raw != c.line {
			t.Errorf("ParseLogLine(%q) = %+v\nwant level %q message %q fields %q json %v", c.line, got, c.level, c.message, c.fields, c.json)
		}
	}
}
