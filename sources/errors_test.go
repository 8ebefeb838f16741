package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestClassifySortsErrorsByWhatToDo(t *testing.T) {
	api := func(code string) error {
		return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: "m"})
	}
	cases := []struct {
		err  error
		want Problem
	}{
		{api("ThrottlingException"), ProblemThrottled},
		{api("Throttling"), ProblemThrottled},
		{api("AccessDeniedException"), ProblemAccess},
		{api("AccessDenied"), ProblemAccess},
		{api("ExpiredTokenException"), ProblemCredentials},
		{api("InvalidClientTokenId"), ProblemCredentials},
		{errors.New("failed to refresh cached credentials, the SSO session has expired or is invalid"), ProblemCredentials},
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

func TestExplainIsOneSafeLine(t *testing.T) {
	err := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: arn:aws:iam::1:user/x is not authorized\x1b[2J"}
	got := Explain(FeedTrail, err)
	if !strings.HasPrefix(got, "trail: access denied — AccessDeniedException: User:") || strings.ContainsAny(got, "\x1b\n") {
		t.Fatalf("Explain = %q", got)
	}
}
