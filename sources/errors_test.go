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

func TestByGroupNamesTheGroupsThatFailedAlike(t *testing.T) {
	missing := func() error {
		return &Error{Problem: ProblemService, Detail: "FilterLogEvents: ResourceNotFoundException", Err: errors.New("not found")}
	}
	throttled := &Error{Problem: ProblemThrottled, Detail: "FilterLogEvents: ThrottlingException", Err: errors.New("slow down")}
	errs := ByGroup([]string{"/a", "/b", "/c", "/d"}, []error{missing(), throttled, missing(), missing()})
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want one per kind of failure: %v", len(errs), errs)
	}
	if got := Summary(errs[0]); got != "3 log groups (/a, /c, /d): AWS service error — FilterLogEvents: ResourceNotFoundException" {
		t.Errorf("summary %q", got)
	}
	if got := Summary(errs[1]); got != "log group /b: throttled — FilterLogEvents: ThrottlingException" {
		t.Errorf("summary %q", got)
	}
	if Classify(errs[1]) != ProblemThrottled || !strings.Contains(errs[0].Error(), "/c") {
		t.Errorf("the groups' error lost its kind or its names: %v, %v", Classify(errs[1]), errs[0])
	}
}
