package awssrc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"watchtrail/sources"
)

// problemsByCode sorts AWS error codes. Codes not listed fall through to the
// HTTP status and the network error.
var problemsByCode = map[string]sources.Problem{
	"ThrottlingException": sources.ProblemThrottled, "Throttling": sources.ProblemThrottled,
	"TooManyRequestsException": sources.ProblemThrottled, "RequestLimitExceeded": sources.ProblemThrottled,
	"LimitExceededException": sources.ProblemThrottled, "SlowDown": sources.ProblemThrottled,
	"RequestThrottled": sources.ProblemThrottled, "RequestThrottledException": sources.ProblemThrottled,

	"AccessDenied": sources.ProblemAccess, "AccessDeniedException": sources.ProblemAccess,
	"UnauthorizedOperation": sources.ProblemAccess, "AuthorizationError": sources.ProblemAccess,
	"UnauthorizedException": sources.ProblemAccess,

	// The key, token or signature is not accepted: the credentials are
	// wrong or stale, which no IAM policy change fixes.
	"UnrecognizedClientException": sources.ProblemCredentials, "InvalidClientTokenId": sources.ProblemCredentials,
	"ExpiredToken": sources.ProblemCredentials, "ExpiredTokenException": sources.ProblemCredentials,
	"RequestExpired": sources.ProblemCredentials, "SignatureDoesNotMatch": sources.ProblemCredentials,
	"IncompleteSignature": sources.ProblemCredentials, "MissingAuthenticationToken": sources.ProblemCredentials,
	"InvalidAccessKeyId": sources.ProblemCredentials, "InvalidToken": sources.ProblemCredentials,
	"TokenRefreshRequired": sources.ProblemCredentials, "AuthFailure": sources.ProblemCredentials,
	"InvalidSignatureException": sources.ProblemCredentials,
}

// credentialFailures are texts of the SDK's credential-provider errors,
// which carry no API error code.
var credentialFailures = []string{"failed to retrieve credentials", "failed to refresh cached credentials",
	"no EC2 IMDS role found", "has expired", "static credentials are empty"}

// classify wraps err in a sources.Error saying what kind of failure it is,
// with the failing call and a short detail. It is idempotent and keeps nil.
func classify(err error) error {
	var sorted *sources.Error
	if err == nil || errors.As(err, &sorted) {
		return err
	}
	text := detail(err)
	var call *smithy.OperationError
	if errors.As(err, &call) && text != err.Error() {
		text = call.Service() + " " + call.Operation() + ": " + text
	}
	return &sources.Error{Problem: problem(err), Detail: text, Err: err}
}

func problem(err error) sources.Problem {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if p, ok := problemsByCode[apiErr.ErrorCode()]; ok {
			return p
		}
	}
	msg := err.Error()
	for _, s := range credentialFailures {
		if strings.Contains(msg, s) {
			return sources.ProblemCredentials
		}
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
		return sources.ProblemService
	}
	return sources.Classify(err)
}

// detail is the error without the SDK's long preamble: the API error code
// and message, the network error, or the HTTP status.
func detail(err error) string {
	text := err.Error()
	var apiErr smithy.APIError
	var netErr *net.OpError
	var respErr *smithyhttp.ResponseError
	switch {
	case errors.As(err, &apiErr):
		text = apiErr.ErrorCode()
		if m := apiErr.ErrorMessage(); m != "" {
			text += ": " + m
		}
	case strings.Contains(text, "timeout awaiting response headers"):
		text = "the endpoint accepted the connection but sent no answer in time"
	case errors.As(err, &netErr):
		text = netErr.Error()
	case errors.As(err, &respErr):
		text = fmt.Sprintf("HTTP %d", respErr.HTTPStatusCode())
		if r := respErr.Response; r != nil && r.Response != nil && r.Request != nil {
			text += " from " + r.Request.URL.Host
		}
	}
	return text
}

// classifyErrors is client middleware that classifies every failed call,
// so each error leaving this package says what kind of failure it is.
func classifyErrors(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("watchtrailClassify",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			if err != nil {
				call := middleware.GetServiceID(ctx) + " " + middleware.GetOperationName(ctx)
				err = &sources.Error{Problem: problem(err), Detail: call + ": " + detail(err), Err: err}
			}
			return out, md, err
		}), middleware.Before)
}
