package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
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

func TestServerErrorsAreNamedWithTheirStatus(t *testing.T) {
	err := fmt.Errorf("operation error: %w", &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("boom")})
	if Classify(err) != ProblemService || Explain(FeedLogs, err) != "logs: AWS service error — HTTP 503" {
		t.Fatalf("got %q, %q", Classify(err), Explain(FeedLogs, err))
	}
}

func TestExplainNamesTheFailingCall(t *testing.T) {
	err := &smithy.OperationError{ServiceID: "CloudTrail", OperationName: "LookupEvents",
		Err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}}
	if got := Explain(FeedTrail, err); got != "trail: throttled — CloudTrail LookupEvents: ThrottlingException: Rate exceeded" {
		t.Fatalf("Explain = %q", got)
	}
}
