package awssrc

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"watchtrail/sources"
)

func TestClassifySortsAWSErrorsByWhatToDo(t *testing.T) {
	api := func(code string) error {
		return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: "m"})
	}
	cases := []struct {
		err  error
		want sources.Problem
	}{
		{api("ThrottlingException"), sources.ProblemThrottled},
		{api("Throttling"), sources.ProblemThrottled},
		{api("AccessDeniedException"), sources.ProblemAccess},
		{api("AccessDenied"), sources.ProblemAccess},
		{api("UnrecognizedClientException"), sources.ProblemCredentials},
		{api("InvalidClientTokenId"), sources.ProblemCredentials},
		{api("ExpiredTokenException"), sources.ProblemCredentials},
		{api("ExpiredToken"), sources.ProblemCredentials},
		{api("SignatureDoesNotMatch"), sources.ProblemCredentials},
		{api("InvalidAccessKeyId"), sources.ProblemCredentials},
		{errors.New("failed to refresh cached credentials, the SSO session has expired or is invalid"), sources.ProblemCredentials},
		{&smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("boom")}, sources.ProblemService},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, sources.ProblemUnreachable},
		{errors.New("something odd"), sources.ProblemOther},
	}
	for _, c := range cases {
		if got := sources.Classify(classify(c.err)); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestExplainNamesTheFailingCall(t *testing.T) {
	err := classify(&smithy.OperationError{ServiceID: "CloudTrail", OperationName: "LookupEvents",
		Err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}})
	if got := sources.Explain(sources.FeedTrail, err); got != "trail: throttled — CloudTrail LookupEvents: ThrottlingException: Rate exceeded" {
		t.Fatalf("Explain = %q", got)
	}
}

// A key AWS does not know is bad credentials, not missing permissions: the
// fix is new credentials, not a policy change.
func TestUnrecognizedClientIsBadCredentialsOnTheWire(t *testing.T) {
	s, _ := fakeTrail(t, func(lookupRequest) (int, any) {
		return 400, map[string]string{"__type": "UnrecognizedClientException",
			"message": "The security token included in the request is invalid."}
	})
	_, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{})
	want := "trail: bad or expired credentials — CloudTrail LookupEvents: UnrecognizedClientException: The security token included in the request is invalid."
	if got := sources.Explain(sources.FeedTrail, err); got != want {
		t.Fatalf("Explain = %q, want %q", got, want)
	}
}

func TestServerErrorsAreNamedWithTheirStatus(t *testing.T) {
	s, _ := fakeTrail(t, func(lookupRequest) (int, any) { return 503, nil })
	_, err := s.FetchTrail(ctxFor(t), sources.TrailQuery{})
	if got := sources.Explain(sources.FeedTrail, err); !strings.HasPrefix(got, "trail: AWS service error — CloudTrail LookupEvents: ") {
		t.Fatalf("Explain = %q", got)
	}
}
