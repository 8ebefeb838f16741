package faultproxy

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// backend answers the calls the tests make with minimal valid bodies in
// each service's wire format.
func backend(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch {
		case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".FilterLogEvents"):
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Write([]byte(`{"events":[{"eventId":"e1","logStreamName":"s","message":"` + strings.Repeat("x", 200) + `","timestamp":1}]}`))
		case strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".LookupEvents"):
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Write([]byte(`{"Events":[]}`))
		case r.Form.Get("Action") == "DescribeAlarms":
			w.Header().Set("Content-Type", "text/xml")
			w.Write([]byte(`<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult><MetricAlarms/></DescribeAlarmsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAlarmsResponse>`))
		case r.URL.Query().Get("list-type") == "2":
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`))
		default:
			http.Error(w, "unexpected request", http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// calls makes one call of a service through endpoint, without retries, as
// the real SDK clients do.
var calls = map[string]func(ctx context.Context, endpoint string) error{
	"logs": func(ctx context.Context, endpoint string) error {
		c := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: &endpoint, RetryMaxAttempts: 1})
		_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
		return err
	},
	"monitoring": func(ctx context.Context, endpoint string) error {
		c := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: &endpoint, RetryMaxAttempts: 1},
			func(o *cloudwatch.Options) { o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) })
		_, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
		return err
	},
	"cloudtrail": func(ctx context.Context, endpoint string) error {
		c := cloudtrail.New(cloudtrail.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: &endpoint, RetryMaxAttempts: 1})
		_, err := c.LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
		return err
	},
	"s3": func(ctx context.Context, endpoint string) error {
		c := s3.New(s3.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: &endpoint, RetryMaxAttempts: 1, UsePathStyle: true})
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b")})
		return err
	},
}

var creds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestRecordsServiceAndAction(t *testing.T) {
	p := Start(t, backend(t))
	for name, call := range calls {
		if err := call(ctx(t), p.URL()); err != nil {
			t.Fatalf("%s through the proxy: %v", name, err)
		}
	}
	want := []string{"cloudtrail:LookupEvents", "logs:FilterLogEvents", "monitoring:DescribeAlarms", "s3:ListObjectsV2"}
	if got := p.Actions(); !reflect.DeepEqual(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
}

// The SDK reads the injected errors as the services' own error codes (how
// the sources sort them is tested in awssrc's fault suite).
func TestInjectsTheServicesErrors(t *testing.T) {
	p := Start(t, backend(t))
	for _, tc := range []struct {
		service string
		fault   Fault
		code    string
	}{
		{"logs", Throttle, "ThrottlingException"},
		{"monitoring", Throttle, "Throttling"},
		{"cloudtrail", Throttle, "ThrottlingException"},
		{"s3", Throttle, "SlowDown"},
		{"logs", ExpiredToken, "ExpiredTokenException"},
		{"monitoring", ExpiredToken, "ExpiredToken"},
		{"cloudtrail", InvalidToken, "UnrecognizedClientException"},
		{"monitoring", InvalidToken, "InvalidClientTokenId"},
		{"s3", ExpiredToken, "ExpiredToken"},
		{"logs", ServerError, "InternalFailure"},
		{"monitoring", Unavailable, "ServiceUnavailable"},
		{"s3", ServerError, "InternalError"},
	} {
		p.SetRules(Rule{Service: tc.service, Fault: tc.fault})
		err := calls[tc.service](ctx(t), p.URL())
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.code {
			t.Errorf("%s %s: got %v, want error code %s", tc.service, tc.fault, err, tc.code)
		}
	}
}

func TestResetAndTruncateBreakTheConnection(t *testing.T) {
	p := Start(t, backend(t))
	p.SetRules(Rule{Fault: Reset})
	if err := calls["logs"](ctx(t), p.URL()); err == nil || !strings.Contains(err.Error(), "connection reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("reset: got %v, want a connection reset", err)
	}
	p.SetRules(Rule{Fault: Truncate})
	if err := calls["logs"](ctx(t), p.URL()); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("truncate: got %v, want an unexpected EOF", err)
	}
	p.SetRules(Rule{Fault: Latency, Delay: 10 * time.Millisecond})
	if err := calls["logs"](ctx(t), p.URL()); err != nil {
		t.Errorf("latency: %v", err)
	}
	faults := []Fault{}
	for _, c := range p.Calls() {
		faults = append(faults, c.Fault)
	}
	if want := []Fault{Reset, Truncate, Latency}; !reflect.DeepEqual(faults, want) {
		t.Errorf("recorded faults %v, want %v", faults, want)
	}
}

func TestRulesByActionEveryNthAndWindow(t *testing.T) {
	p := Start(t, backend(t))
	p.SetRules(
		Rule{Service: "logs", Action: "FilterLogEvents", Fault: Unavailable, Every: 3},
		Rule{Service: "cloudtrail", Fault: Throttle, Until: time.Now().Add(-time.Second)}, // over
		Rule{Service: "s3", Fault: Throttle, From: time.Now().Add(time.Hour)},             // not yet
	)
	var failed []int
	for i := 1; i <= 6; i++ {
		if calls["logs"](ctx(t), p.URL()) != nil {
			failed = append(failed, i)
		}
	}
	if !reflect.DeepEqual(failed, []int{3, 6}) {
		t.Errorf("every third call should fail, failed: %v", failed)
	}
	for _, svc := range []string{"cloudtrail", "s3", "monitoring"} {
		if err := calls[svc](ctx(t), p.URL()); err != nil {
			t.Errorf("%s outside its rule's window: %v", svc, err)
		}
	}
}

func TestProbability(t *testing.T) {
	p := Start(t, backend(t))
	p.SetRules(Rule{Fault: Throttle, Probability: 0.5})
	hit := 0
	for range 200 {
		if calls["logs"](ctx(t), p.URL()) != nil {
			hit++
		}
	}
	if hit == 0 || hit == 200 {
		t.Errorf("with probability 0.5, %d of 200 calls were hit", hit)
	}
}

func TestDownRefusesUntilUp(t *testing.T) {
	p := Start(t, backend(t))
	p.Down()
	if err := calls["monitoring"](ctx(t), p.URL()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("down: got %v, want connection refused", err)
	}
	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	if err := calls["monitoring"](ctx(t), p.URL()); err != nil {
		t.Errorf("up again: %v", err)
	}
}

func TestIdentifyRESTCalls(t *testing.T) {
	auth := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=x"
	}
	for _, tc := range []struct{ service, method, url, want string }{
		{"lambda", "GET", "/2015-03-31/functions/orders", "GetFunction"},
		{"lambda", "GET", "/2015-03-31/functions/orders/aliases", "ListAliases"},
		{"lambda", "GET", "/2015-03-31/event-source-mappings/?FunctionName=orders", "ListEventSourceMappings"},
		{"lambda", "PUT", "/2015-03-31/functions/orders/configuration", "UpdateFunctionConfiguration"},
		{"s3", "GET", "/bucket?list-type=2&prefix=AWSLogs/", "ListObjectsV2"},
		{"s3", "GET", "/bucket?location", "GetBucketLocation"},
		{"s3", "GET", "/bucket/AWSLogs/key.json.gz", "GetObject"},
		{"s3", "PUT", "/bucket/key", "PutObject"},
		{"s3", "POST", "/bucket?delete", "DeleteObjects"},
	} {
		r := httptest.NewRequest(tc.method, tc.url, nil)
		r.Header.Set("Authorization", auth(tc.service))
		if service, action, _ := identify(r, nil); service != tc.service || action != tc.want {
			t.Errorf("%s %s: %s:%s, want %s:%s", tc.method, tc.url, service, action, tc.service, tc.want)
		}
	}
}
