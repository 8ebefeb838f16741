package sources

import (
	"strings"
	"testing"
)

func TestParseAlarmRule(t *testing.T) {
	cases := map[string]string{
		`ALARM("checkout-api-errors") OR ALARM("checkout-api-duration-p99")`:                                          "checkout-api-errors,checkout-api-duration-p99",
		`ALARM(cpu-high) AND NOT (OK("disk") or INSUFFICIENT_DATA( "arn:aws:cloudwatch:eu-west-1:1:alarm:mem low" ))`: "cpu-high,disk,mem low",
		`(ALARM("a") AND ALARM("b")) OR (ALARM("a") AND TRUE)`:                                                        "a,b",
		`not alarm("x")`:                 "x",
		`FALSE`:                          "",
		"ALARM(\"with \x1b[31mescape\")": "with escape",
	}
	for rule, want := range cases {
		got, err := ParseAlarmRule(rule)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("ParseAlarmRule(%q) = %q, %v; want %q", rule, got, err, want)
		}
	}
	bad := map[string]string{
		``:                        "rule ends where a condition should be",
		`ALARM("a") OR`:           "rule ends where a condition should be",
		`ALARM("a") XOR ALARM(b)`: `unexpected "XOR"`,
		`(ALARM("a")`:             "missing )",
		`ALARM "a"`:               "ALARM needs (alarm name)",
		`ALARM("a)`:               "unterminated quoted alarm name",
		`ALARM()`:                 "empty alarm name",
		`BROKEN("a")`:             `"BROKEN" is not ALARM(...)`,
	}
	for rule, want := range bad {
		if _, err := ParseAlarmRule(rule); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "alarm rule") {
			t.Errorf("ParseAlarmRule(%q) err = %v, want %q", rule, err, want)
		}
	}
}

func TestFiringChildren(t *testing.T) {
	composite := Alarm{Name: "checkout", Composite: true, Children: []string{"b", "a", "c"}}
	alarms := []Alarm{{Name: "a", State: StateAlarm}, {Name: "b", State: StateAlarm}, {Name: "c", State: StateOK},
		{Name: "a", State: StateAlarm, Source: "other/eu-west-1"}}
	got := FiringChildren(composite, alarms)
	if len(got) != 2 || got[0].Name != "b" || got[1].Name != "a" || got[1].Source != "" {
		t.Errorf("firing children = %+v", got)
	}
}
