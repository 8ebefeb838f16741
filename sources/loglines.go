package sources

import "strings"

// Severity is how bad a log line reads.
type Severity int

const (
	SeverityInfo Severity = iota
	SeverityWarn
	SeverityError
)

// LineSeverity reads a log message's severity from its words: errors,
// exceptions, panics and timeouts are errors, WARN a warning.
func LineSeverity(msg string) Severity {
	lower := strings.ToLower(msg)
	for _, word := range []string{"ERROR", "Error", "FATAL", "panic"} {
		if strings.Contains(msg, word) {
			return SeverityError
		}
	}
	if strings.Contains(lower, "exception") || strings.Contains(lower, "timed out") {
		return SeverityError
	}
	if strings.Contains(msg, "WARN") {
		return SeverityWarn
	}
	return SeverityInfo
}

// IsErrorLine reports whether a log message reads like a failure.
func IsErrorLine(msg string) bool { return LineSeverity(msg) == SeverityError }

// ShortGroup names a log group briefly by its last path element
// ("/aws/lambda/checkout" → "checkout").
func ShortGroup(group string) string {
	group = strings.TrimRight(group, "/")
	return group[strings.LastIndex(group, "/")+1:]
}

// RelatedLogGroups adds the log groups AWS writes for the alarm's resource
// (a Lambda function's /aws/lambda/<name>) to the groups being tailed.
func RelatedLogGroups(a Alarm, tailed []string) []string {
	groups := append([]string(nil), tailed...)
	for _, d := range a.Metric.Dims {
		if d.Name == "FunctionName" {
			groups = appendUnique(groups, linkedGroup(a, "/aws/lambda/"+d.Value))
		}
	}
	return groups
}

// linkedGroup is the log group of an alarm on a linked account's metric
// by ARN (the monitoring account reads it so), else by name.
func linkedGroup(a Alarm, name string) string {
	parts := strings.SplitN(a.ARN, ":", 6) // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
	if a.Metric.Account == "" || len(parts) < 6 {
		return name
	}
	return "arn:" + parts[1] + ":logs:" + parts[3] + ":" + a.Metric.Account + ":log-group:" + name
}
