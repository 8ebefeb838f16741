package sources

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// consoleBase is the AWS console of region's partition, e.g.
// https://eu-west-1.console.aws.amazon.com.
func consoleBase(region string) (string, error) {
	if !regionName.MatchString(region) {
		return "", fmt.Errorf("console link: %q is not an AWS region", region)
	}
	domain := "console.aws.amazon.com"
	switch {
	case strings.HasPrefix(region, "cn-"):
		domain = "console.amazonaws.cn"
	case strings.HasPrefix(region, "us-gov-"):
		domain = "console.amazonaws-us-gov.com"
	}
	return "https://" + region + "." + domain, nil
}

// AlarmConsoleURL links to an alarm's page, in the region of its ARN when
// known, else in region.
func AlarmConsoleURL(region string, a Alarm) (string, error) {
	if parts := strings.Split(a.ARN, ":"); len(parts) > 3 && parts[3] != "" {
		region = parts[3]
	}
	base, err := consoleBase(region)
	if err != nil {
		return "", err
	}
	name := strings.ReplaceAll(url.QueryEscape(a.Name), "+", "%20")
	return fmt.Sprintf("%s/cloudwatch/home?region=%s#alarmsV2:alarm/%s", base, region, name), nil
}

// LogsConsoleURL links to a log group's events in [start, end], filtered by
// pattern when it is not empty.
func LogsConsoleURL(region, group string, start, end time.Time, pattern string) (string, error) {
	base, err := consoleBase(region)
	if err != nil {
		return "", err
	}
	query := "?start=" + strconv.FormatInt(start.UnixMilli(), 10) + "&end=" + strconv.FormatInt(end.UnixMilli(), 10)
	if pattern != "" {
		query += "&filterPattern=" + url.QueryEscape(pattern)
	}
	return fmt.Sprintf("%s/cloudwatch/home?region=%s#logsV2:log-groups/log-group/%s/log-events%s",
		base, region, consoleEscape(url.QueryEscape(group)), consoleEscape(query)), nil
}

// consoleEscape is the CloudWatch console's encoding of its fragment:
// percent-encode the reserved characters once more, then write % as $.
func consoleEscape(s string) string {
	return strings.NewReplacer("%", "$25", "?", "$3F", "=", "$3D", "&", "$26").Replace(s)
}

// TrailEventConsoleURL links to one CloudTrail event of region's event history.
func TrailEventConsoleURL(region string, e TrailEvent) (string, error) {
	base, err := consoleBase(region)
	if err != nil {
		return "", err
	}
	if e.ID == "" {
		return "", fmt.Errorf("console link: the CloudTrail event has no id")
	}
	return fmt.Sprintf("%s/cloudtrailv2/home?region=%s#/events/%s", base, region, url.PathEscape(e.ID)), nil
}
