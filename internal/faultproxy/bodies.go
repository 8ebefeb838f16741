package faultproxy

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is an error answer as the service sends it: status, code, message.
type apiError struct {
	status  int
	code    string
	message string
}

// errorFor is the error a service answers for an injected fault, with the
// codes and statuses the AWS API references give: CloudWatch (query
// protocol) answers Throttling 400 and credential errors 403; CloudWatch Logs
// and CloudTrail (JSON 1.1) ThrottlingException 400, ExpiredTokenException
// and UnrecognizedClientException 400; S3 SlowDown 503 and ExpiredToken 400,
// InvalidAccessKeyId 403.
func errorFor(f Fault, proto protocol) apiError {
	const expired, invalid = "The security token included in the request is expired",
		"The security token included in the request is invalid."
	switch proto {
	case protoQuery, protoRPCv2:
		return map[Fault]apiError{
			Throttle:     {400, "Throttling", "Rate exceeded"},
			ServerError:  {500, "InternalServiceError", "Internal service error"},
			Unavailable:  {503, "ServiceUnavailable", "Service is unavailable"},
			ExpiredToken: {403, "ExpiredToken", expired},
			InvalidToken: {403, "InvalidClientTokenId", invalid},
		}[f]
	case protoS3:
		return map[Fault]apiError{
			Throttle:     {503, "SlowDown", "Please reduce your request rate."},
			ServerError:  {500, "InternalError", "We encountered an internal error. Please try again."},
			Unavailable:  {503, "ServiceUnavailable", "Service is unable to handle request."},
			ExpiredToken: {400, "ExpiredToken", "The provided token has expired."},
			InvalidToken: {403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."},
		}[f]
	}
	return map[Fault]apiError{
		Throttle:     {400, "ThrottlingException", "Rate exceeded"},
		ServerError:  {500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."},
		Unavailable:  {503, "ServiceUnavailableException", "Service Unavailable"},
		ExpiredToken: {400, "ExpiredTokenException", expired},
		InvalidToken: {400, "UnrecognizedClientException", invalid},
	}[f]
}

// writeError answers w with e in the protocol's wire format.
func writeError(w http.ResponseWriter, e apiError, proto protocol, requestID string) {
	var body, contentType string
	switch proto {
	case protoQuery, protoRPCv2:
		// rpcv2 clients read the X-Amzn-Query-Error header and a CBOR body;
		// the emulators this proxy fronts speak the query protocol.
		contentType = "text/xml"
		body = fmt.Sprintf(`<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			faultType(e.status), e.code, e.message, requestID)
	case protoS3:
		contentType = "application/xml"
		body = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId><HostId>faultproxy</HostId></Error>`,
			e.code, e.message, requestID)
	default:
		contentType = "application/x-amz-json-1.1"
		body = fmt.Sprintf(`{"__type":%q,"message":%q}`, e.code, e.message)
		w.Header().Set("X-Amzn-ErrorType", e.code)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.Header().Set("X-Amz-Request-Id", requestID)
	w.WriteHeader(e.status)
	w.Write([]byte(body))
}

func faultType(status int) string {
	if status >= 500 {
		return "Receiver"
	}
	return "Sender"
}
