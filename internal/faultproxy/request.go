package faultproxy

import (
	"net/http"
	"net/url"
	"strings"
)

// Protocols of the services the proxy knows, which decide its error bodies.
type protocol int

const (
	protoJSON  protocol = iota // JSON 1.0/1.1 with X-Amz-Target (CloudWatch Logs, CloudTrail)
	protoQuery                 // form-encoded Action= with XML answers (CloudWatch)
	protoRPCv2                 // CBOR with /service/<s>/operation/<op> paths (CloudWatch's default)
	protoS3                    // REST XML, the action given by method and path
)

// identify names a request's service and action. The service is the SigV4
// credential scope's ("monitoring", "logs", "cloudtrail", "s3", ...); form is
// the parsed body of a query-protocol request.
func identify(r *http.Request, form url.Values) (service, action string, proto protocol) {
	service = signingService(r.Header.Get("Authorization"))
	switch target := r.Header.Get("X-Amz-Target"); {
	case target != "":
		_, action, _ = strings.Cut(target, ".")
		return service, action, protoJSON
	case form.Get("Action") != "":
		return service, form.Get("Action"), protoQuery
	case strings.Contains(r.URL.Path, "/operation/"):
		_, action, _ = strings.Cut(r.URL.Path, "/operation/")
		return service, action, protoRPCv2
	}
	if service == "lambda" {
		return service, lambdaAction(r), protoJSON
	}
	if service == "apigateway" { // REST: GET /restapis, /restapis/{id}/resources
		return service, apigatewayAction(r), protoJSON
	}
	if service == "oam" { // REST-JSON: POST /ListSinks
		return service, strings.Trim(r.URL.Path, "/"), protoJSON
	}
	if service == "" {
		service = "s3"
	}
	return service, s3Action(r), protoS3
}

// lambdaAction names the Lambda REST calls by method and path, e.g.
// GET /2015-03-31/functions/{name}/aliases is ListAliases.
func lambdaAction(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 {
		return r.Method + " " + r.URL.Path
	}
	verb := map[string]string{http.MethodGet: "Get", http.MethodPost: "Create", http.MethodPut: "Update", http.MethodDelete: "Delete"}[r.Method]
	switch {
	case parts[1] == "event-source-mappings" && len(parts) == 2 && r.Method == http.MethodGet:
		return "ListEventSourceMappings"
	case parts[1] == "event-source-mappings":
		return verb + "EventSourceMapping"
	case parts[1] == "functions" && len(parts) == 2 && r.Method == http.MethodGet:
		return "ListFunctions"
	case parts[1] == "functions" && len(parts) == 2:
		return "CreateFunction"
	case parts[1] == "functions" && len(parts) == 3:
		return verb + "Function"
	case parts[1] == "functions" && len(parts) == 4 && parts[3] == "aliases" && r.Method == http.MethodGet:
		return "ListAliases"
	case parts[1] == "functions" && len(parts) >= 4 && parts[3] == "configuration":
		return verb + "FunctionConfiguration"
	case parts[1] == "functions" && len(parts) >= 4 && parts[3] == "invocations":
		return "Invoke"
	}
	return r.Method + " " + r.URL.Path // unknown: recorded as is, never read-only by name
}

// apigatewayAction names API Gateway's REST calls by method and path:
// GET /restapis is GetRestApis, GET /restapis/{id}/resources GetResources.
func apigatewayAction(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	verb := map[string]string{http.MethodGet: "Get", http.MethodPost: "Create", http.MethodPut: "Put", http.MethodPatch: "Update", http.MethodDelete: "Delete"}[r.Method]
	if verb == "" || len(parts) == 0 || parts[0] != "restapis" {
		return r.Method + " " + r.URL.Path
	}
	switch len(parts) {
	case 1:
		return verb + "RestApis"
	case 2:
		return verb + "RestApi"
	}
	return verb + strings.ToUpper(parts[2][:1]) + parts[2][1:] // resources, stages, deployments
}

// signingService reads the service from "... Credential=AKID/date/region/service/aws4_request, ...".
func signingService(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// s3Action names a path-style S3 request by its method, path depth and
// subresource, as the S3 API reference does.
func s3Action(r *http.Request) string {
	path := strings.Trim(r.URL.Path, "/")
	q := r.URL.Query()
	if path == "" {
		return "ListBuckets"
	}
	if !strings.Contains(path, "/") { // bucket level
		for _, sub := range []string{"location", "versioning", "policy", "acl", "tagging", "encryption", "lifecycle", "logging", "notification", "cors", "website"} {
			if q.Has(sub) {
				verb := map[string]string{http.MethodGet: "GetBucket", http.MethodPut: "PutBucket", http.MethodDelete: "DeleteBucket"}[r.Method]
				return verb + strings.ToUpper(sub[:1]) + sub[1:]
			}
		}
		switch {
		case r.Method == http.MethodGet && q.Get("list-type") == "2":
			return "ListObjectsV2"
		case r.Method == http.MethodGet && q.Has("versions"):
			return "ListObjectVersions"
		case r.Method == http.MethodGet:
			return "ListObjects"
		case r.Method == http.MethodPost && q.Has("delete"):
			return "DeleteObjects"
		}
		return map[string]string{http.MethodHead: "HeadBucket", http.MethodPut: "CreateBucket", http.MethodDelete: "DeleteBucket"}[r.Method]
	}
	switch {
	case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
		return "CopyObject"
	case r.Method == http.MethodPost && q.Has("uploads"):
		return "CreateMultipartUpload"
	case q.Has("tagging") && r.Method == http.MethodGet:
		return "GetObjectTagging"
	}
	return map[string]string{http.MethodGet: "GetObject", http.MethodHead: "HeadObject", http.MethodPut: "PutObject",
		http.MethodDelete: "DeleteObject", http.MethodPost: "PostObject"}[r.Method]
}
