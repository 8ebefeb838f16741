package awssrc

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/offline"
)

func TestMain(m *testing.M) {
	code := offline.Main(m)
	motoserver.Stop()
	os.Exit(code)
}

// isolate keeps the developer's AWS settings out of a test.
func isolate(t testing.TB) {
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_PROFILE": "",
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_CLOUDWATCH": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
	} {
		t.Setenv(k, v)
		if v == "" {
			os.Unsetenv(k) // restored by t.Setenv's cleanup
		}
	}
}

// testConfig is us-east-1 with fake static credentials and no retry backoff.
func testConfig(t testing.TB) aws.Config {
	t.Helper()
	isolate(t)
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// opCounter counts SDK operation calls by name, attempts not included.
type opCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func countOps(cfg *aws.Config) *opCounter {
	c := &opCounter{calls: map[string]int{}}
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("countOps",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				c.mu.Lock()
				c.calls[middleware.GetOperationName(ctx)]++
				c.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return c
}

func (c *opCounter) get(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// unique makes resource names that do not collide on the shared moto server.
func unique(t testing.TB, prefix string) string {
	return fmt.Sprintf("%s-%s-%d", prefix, t.Name(), time.Now().UnixNano())
}

// firstAttempt tells an operation call from the SDK's retries of it, by the
// attempt number the SDK sends. The SDK retries a call whose answer it could
// not read to the end, which happens now and then on a busy machine even
// with a healthy server: its transport closes the connection when writing
// the request ends in an error, which it does when the SDK has already
// closed the request body on reading the answer (aws-sdk-go-v2 #2737, net.ErrClosed
// is retried since #2949).
func firstAttempt(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Amz-Sdk-Request"), "attempt=1;")
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
