package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestClassifySortsErrorsByWhatToDo(t *testing.T) {
	cases := []struct {
		err  error
		want Problem
	}{
		{fmt.Errorf("fetch: %w", &Error{Problem: ProblemThrottled, Err: errors.New("x")}), ProblemThrottled},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, ProblemUnreachable},
		{fmt.Errorf("request: %w", context.DeadlineExceeded), ProblemTimeout},
		{errors.New("something odd"), ProblemOther},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestExplainIsOneSafeLineWithTheSourcesDetail(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &Error{Problem: ProblemAccess, Err: errors.New("long SDK text"),
		Detail: "CloudTrail LookupEvents: AccessDeniedException: User: arn:aws:iam::1:user/x is not authorized\x1b[2J"})
	got := Explain(FeedTrail, err)
	if !strings.HasPrefix(got, "trail: access denied — CloudTrail LookupEvents: AccessDeniedException: User:") || strings.ContainsAny(got, "\x1b\n") {
		t.Fatalf("Explain = %q", got)
	}
	if got := Explain(FeedLogs, errors.New("plain\nerror")); strings.Contains(got, "\n") || !strings.HasPrefix(got, "logs: error — plain") {
		t.Fatalf("Explain = %q", got)
	}
	refused := fmt.Errorf("operation error CloudWatch: DescribeAlarms: %w",
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")})
	if got := Explain(FeedAlarms, refused); got != "alarms: endpoint unreachable — dial tcp: connect: connection refused" {
		t.Fatalf("Explain = %q", got)
	}
}
