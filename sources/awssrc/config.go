// Package awssrc is the real AWS source: CloudWatch alarms and metrics,
// CloudWatch Logs and CloudTrail, behind the sources.Source interface.
package awssrc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"golang.org/x/time/rate"

	"watchtrail/sources"
)

// maxAttempts caps the SDK's own retries so the UI's backoff takes over soon.
const maxAttempts = 3

// Connection timeouts: an endpoint that accepts a connection and never
// answers fails the call after responseTimeout, not after the UI's poll
// timeout, and a timed-out call is not retried (the next poll is the retry).
const (
	dialTimeout     = 5 * time.Second
	responseTimeout = 10 * time.Second
)

// Options selects the AWS account, region and endpoint. Empty fields fall
// back to the standard AWS configuration chain.
type Options struct {
	Profile     string
	Region      string
	EndpointURL string
	// Log receives the SDK's own log lines (retries, warnings such as
	// "failed to discard remaining HTTP response body"). Nil drops them:
	// they must never reach the terminal the dashboard draws on.
	Log io.Writer
	// ResponseTimeout bounds the wait for an answer's headers; 0 means
	// responseTimeout.
	ResponseTimeout time.Duration
}

// LoadConfig loads the standard AWS configuration (environment, shared files,
// SSO, IMDS, ...) with the profile and region overridden when set.
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured by the SDK.
func LoadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	var logger logging.Logger = logging.Nop{}
	if opts.Log != nil {
		logger = logging.NewStandardLogger(opts.Log)
	}
	wait := opts.ResponseTimeout
	if wait <= 0 {
		wait = responseTimeout
	}
	fns := []func(*config.LoadOptions) error{
		config.WithLogger(logger),
		config.WithHTTPClient(awshttp.NewBuildableClient().
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = dialTimeout }).
			WithTransportOptions(func(t *http.Transport) {
				t.TLSHandshakeTimeout = dialTimeout
				t.ResponseHeaderTimeout = wait
			})),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(timeoutsAreFinal)}, o.Retryables...)
			})
		}),
	}
	if opts.Profile != "" {
		fns = append(fns, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		fns = append(fns, config.WithRegion(opts.Region))
	}
	return config.LoadDefaultConfig(ctx, fns...)
}

// timeoutsAreFinal stops the SDK from retrying a call that timed out: three
// silent attempts would keep the screen empty for three timeouts.
func timeoutsAreFinal(err error) aws.Ternary {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

// HasCredentials reports whether cfg yields credentials within a short time.
func HasCredentials(ctx context.Context, cfg aws.Config) bool {
	if cfg.Credentials == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	creds, err := cfg.Credentials.Retrieve(ctx)
	return err == nil && creds.HasKeys()
}

// Source reads alarms, metrics, logs and trail events from AWS.
type Source struct {
	cw       *cloudwatch.Client
	logs     *cloudwatchlogs.Client
	trail    *cloudtrail.Client
	describe string

	cfg         aws.Config
	endpointURL string
	s3trail     *S3Trail        // set by UseTrailBucket: read the trail from S3
	trailLogs   *TrailLogGroup  // set by UseTrailLogGroup: read it from CloudWatch Logs
	athena      *AthenaTrail    // set by UseTrailAthena: query it with Athena
	linked      *linkedAccounts // set by UseLinkedAccounts: a monitoring account
	assumeRole  string          // set by UseAssumeRolePattern: for linked accounts' resources
	viewsMu     sync.Mutex
	views       map[string]*Source // discovery readers in other accounts, by account id
	graph       *graphClients
	seen        *sources.NewestSeen // the newest trail event delivered
	changes     *TrailLogGroup      // set by UseChangesLogGroup: the change feed, merged into the trail
	changesSeen *sources.NewestSeen // the newest change feed event delivered
	queryRows   sync.Map            // Logs Insights query id → the most rows kept (some endpoints ignore the limit)
}

var _ sources.Source = (*Source)(nil)

// New builds the service clients. endpointURL, when set, overrides the
// endpoint of every service (e.g. a moto or LocalStack URL).
func New(cfg aws.Config, endpointURL string) *Source {
	cfg.APIOptions = append(cfg.APIOptions[:len(cfg.APIOptions):len(cfg.APIOptions)], classifyErrors)
	s := &Source{describe: describe(cfg, endpointURL), cfg: cfg, endpointURL: endpointURL, seen: &sources.NewestSeen{}}
	base := func(p **string) {
		if endpointURL != "" {
			*p = aws.String(endpointURL)
		}
	}
	s.cw = cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		base(&o.BaseEndpoint)
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		// The SDK speaks CBOR (rpcv2) to CloudWatch by default; emulators such
		// as moto only understand the older query protocol, which real
		// CloudWatch still accepts, so any endpoint override selects it.
		if o.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_CLOUDWATCH") != "" {
			o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
		}
	})
	s.logs = cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		base(&o.BaseEndpoint)
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		o.APIOptions = append(o.APIOptions, rateLimit("FilterLogEvents", rate.NewLimiter(filterLogEventsPerSecond, 1)))
	})
	s.graph = newGraphClients(cfg, endpointURL)
	s.trail = cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		base(&o.BaseEndpoint)
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		o.APIOptions = append(o.APIOptions, rateLimit("LookupEvents", rate.NewLimiter(lookupEventsPerSecond, 1)))
	})
	return s
}

// UseTrailBucket makes FetchTrail read the log files the trail delivers to
// the S3 bucket named by url ("s3://bucket" or "s3://bucket/prefix", the
// trail's S3 key prefix) instead of calling LookupEvents. See S3Trail.
func (s *Source) UseTrailBucket(url string) error {
	t, err := NewS3Trail(s.cfg, s.endpointURL, url)
	if err != nil {
		return err
	}
	s.s3trail = t
	s.describe += ", trail from " + t.URL()
	return nil
}

// UseTrailAthena makes FetchTrail query the trail's Athena table instead
// of calling LookupEvents. See AthenaTrail.
func (s *Source) UseTrailAthena(o AthenaOptions) error {
	t, err := NewAthenaTrail(s.cfg, s.endpointURL, o)
	if err != nil {
		return err
	}
	s.athena = t
	s.describe += ", trail from Athena " + t.Name()
	return nil
}

func capAttempts(n int) int {
	if n <= 0 || n > maxAttempts {
		return maxAttempts
	}
	return n
}

// Describe names the source for the header.
func (s *Source) Describe() string { return s.describe }

func describe(cfg aws.Config, endpointURL string) string {
	if endpointURL == "" && cfg.BaseEndpoint != nil {
		endpointURL = *cfg.BaseEndpoint
	}
	if endpointURL != "" {
		return "aws " + cfg.Region + " @ " + endpointURL
	}
	return "aws " + profile(cfg) + "/" + cfg.Region
}

// profile finds the shared-config profile cfg was loaded with.
func profile(cfg aws.Config) string {
	for _, src := range cfg.ConfigSources {
		if o, ok := src.(config.LoadOptions); ok && o.SharedConfigProfile != "" {
			return o.SharedConfigProfile
		}
	}
	for _, src := range cfg.ConfigSources {
		if e, ok := src.(config.EnvConfig); ok && e.SharedConfigProfile != "" {
			return e.SharedConfigProfile
		}
	}
	return config.DefaultSharedConfigProfile
}
