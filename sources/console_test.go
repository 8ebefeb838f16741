package sources

import (
	"testing"
	"time"
)

func TestConsoleURLs(t *testing.T) {
	start := time.UnixMilli(1728458220000)
	end := time.UnixMilli(1728458580000)
	cases := []struct {
		name string
		got  func() (string, error)
		want string
	}{
		{"alarm", func() (string, error) { return AlarmConsoleURL("us-east-1", Alarm{Name: "API 5xx errors/prod"}) },
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/API%205xx%20errors%2Fprod"},
		{"alarm in its ARN's region", func() (string, error) {
			return AlarmConsoleURL("us-east-1", Alarm{Name: "cpu", ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu"})
		}, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/cpu"},
		{"log group", func() (string, error) {
			return LogsConsoleURL("eu-west-1", "/aws/lambda/mock-app-CODE", start, end, "")
		},
			"https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/" +
				"$252Faws$252Flambda$252Fmock-app-CODE/log-events$3Fstart$3D1728458220000$26end$3D1728458580000"},
		{"log group with a pattern", func() (string, error) {
			return LogsConsoleURL("ap-southeast-2", "prod/rec", start, end, `{ $.eventType = "error" }`)
		}, "https://ap-southeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#logsV2:log-groups/log-group/" +
			"prod$252Frec/log-events$3Fstart$3D1728458220000$26end$3D1728458580000" +
			"$26filterPattern$3D$257B+$2524.eventType+$253D+$2522error$2522+$257D"},
		{"cloudtrail event", func() (string, error) {
			return TrailEventConsoleURL("us-east-1", TrailEvent{ID: "90c72977-31e0-4079-9a74-ee25e5d7aadf"})
		}, "https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/90c72977-31e0-4079-9a74-ee25e5d7aadf"},
		{"china", func() (string, error) { return TrailEventConsoleURL("cn-northwest-1", TrailEvent{ID: "e1"}) },
			"https://cn-northwest-1.console.amazonaws.cn/cloudtrailv2/home?region=cn-northwest-1#/events/e1"},
	}
	for _, c := range cases {
		got, err := c.got()
		if err != nil || got != c.want {
			t.Errorf("%s:\n got %s (err %v)\nwant %s", c.name, got, err, c.want)
		}
	}
}

func TestConsoleURLsRefuseBadInput(t *testing.T) {
	if _, err := AlarmConsoleURL("evil.example.com/x", Alarm{Name: "a"}); err == nil {
		t.Error("a region that is a host name was accepted")
	}
	if _, err := LogsConsoleURL("", "/g", time.Now(), time.Now(), ""); err == nil {
		t.Error("an empty region was accepted")
	}
	if _, err := TrailEventConsoleURL("us-east-1", TrailEvent{}); err == nil {
		t.Error("an event without id was accepted")
	}
}
