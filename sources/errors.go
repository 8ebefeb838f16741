package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Problem is a failure sorted by what the on-call engineer should do about it.
type Problem string

const (
	ProblemThrottled   Problem = "throttled"
	ProblemAccess      Problem = "access denied"
	ProblemCredentials Problem = "credentials expired or missing"
	ProblemUnreachable Problem = "endpoint unreachable"
	ProblemTimeout     Problem = "timed out"
	ProblemService     Problem = "AWS service error"
	ProblemOther       Problem = "error"
)

// Classify sorts an error from any source into a Problem.
func Classify(err error) Problem {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		switch {
		case strings.Contains(code, "Throttl"), code == "TooManyRequestsException",
			code == "RequestLimitExceeded", code == "LimitExceededException", code == "SlowDown":
			return ProblemThrottled
		case strings.Contains(code, "AccessDenied"), code == "UnauthorizedOperation",
			code == "AuthorizationError", code == "UnrecognizedClientException":
			return ProblemAccess
		case strings.Contains(code, "Expired"), code == "InvalidClientTokenId",
			code == "SignatureDoesNotMatch", code == "MissingAuthenticationToken":
			return ProblemCredentials
		}
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
		return ProblemService
	}
	var netErr net.Error
	var opErr *net.OpError
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ProblemTimeout
	case errors.As(err, &opErr), strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"):
		return ProblemUnreachable
	case strings.Contains(msg, "failed to retrieve credentials"), strings.Contains(msg, "failed to refresh cached credentials"),
		strings.Contains(msg, "no EC2 IMDS role found"), strings.Contains(msg, "ExpiredToken"), strings.Contains(msg, "has expired"):
		return ProblemCredentials
	}
	return ProblemOther
}

// Explain is a one-line status message for a feed's error:
// "trail: throttled — CloudTrail LookupEvents: ThrottlingException: Rate exceeded".
func Explain(feed Feed, err error) string { return string(feed) + ": " + Summary(err) }

// Summary is an error in one safe line: the problem first, then the failing
// call and the detail, without the SDK's long preamble.
func Summary(err error) string {
	detail := err.Error()
	var apiErr smithy.APIError
	var netErr *net.OpError
	var respErr *smithyhttp.ResponseError
	switch {
	case errors.As(err, &apiErr):
		detail = apiErr.ErrorCode()
		if m := apiErr.ErrorMessage(); m != "" {
			detail += ": " + m
		}
	case errors.As(err, &netErr):
		detail = netErr.Error()
	case errors.As(err, &respErr):
		detail = fmt.Sprintf("HTTP %d", respErr.HTTPStatusCode())
		if r := respErr.Response; r != nil && r.Response != nil && r.Request != nil {
			detail += " from " + r.Request.URL.Host
		}
	}
	var call *smithy.OperationError
	if errors.As(err, &call) && detail != err.Error() {
		detail = call.Service() + " " + call.Operation() + ": " + detail
	}
	return Sanitize(string(Classify(err)) + " — " + detail)
}
