package awssrc

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// recorded is what the fake CloudWatch saw of one request.
type recorded struct {
	host, path, contentType, smithyProtocol, body string
}

// fakeCloudWatch answers DescribeAlarms with no alarms in whichever protocol
// it is asked, and records each request. Its client sends every request to
// it, whatever the host, so the SDK's default endpoint can be observed too.
func fakeCloudWatch(t *testing.T) (*httptest.Server, *http.Client, func() []recorded) {
	var mu sync.Mutex
	var reqs []recorded
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := recorded{r.Host, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Smithy-Protocol"), string(body)}
		if firstAttempt(r) { // see firstAttempt
			mu.Lock()
			reqs = append(reqs, rec)
			mu.Unlock()
		}
		if rec.smithyProtocol == "rpc-v2-cbor" {
			w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
			w.Header().Set("Content-Type", "application/cbor")
			w.Write([]byte{0xa0}) // an empty CBOR map
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
<DescribeAlarmsResult><MetricAlarms></MetricAlarms></DescribeAlarmsResult></DescribeAlarmsResponse>`)
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	return srv, client, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), reqs...)
	}
}

func assertCBOR(t *testing.T, r recorded) {
	t.Helper()
	if r.contentType != "application/cbor" || r.smithyProtocol != "rpc-v2-cbor" ||
		!strings.HasSuffix(r.path, "/operation/DescribeAlarms") {
		t.Errorf("want an rpcv2 CBOR request, got %+v", r)
	}
}

func assertQuery(t *testing.T, r recorded) {
	t.Helper()
	if r.contentType != "application/x-www-form-urlencoded" || r.smithyProtocol != "" ||
		!strings.Contains(r.body, "Action=DescribeAlarms") || !strings.Contains(r.body, "Version=2010-08-01") {
		t.Errorf("want an awsQuery request, got %+v", r)
	}
}

func TestCloudWatchProtocol(t *testing.T) {
	t.Run("default endpoint speaks CBOR", func(t *testing.T) {
		isolate(t)
		_, client, reqs := fakeCloudWatch(t)
		cfg := aws.Config{Region: "us-east-1", HTTPClient: client,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
		if _, err := New(cfg, "").ListAlarms(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := reqs()
		if len(got) != 1 {
			t.Fatalf("want 1 request, got %d", len(got))
		}
		assertCBOR(t, got[0])
		if got[0].host != "monitoring.us-east-1.amazonaws.com" {
			t.Errorf("default request went to %q", got[0].host)
		}
	})
	t.Run("explicit endpoint speaks query", func(t *testing.T) {
		isolate(t)
		srv, client, reqs := fakeCloudWatch(t)
		cfg := aws.Config{Region: "us-east-1", HTTPClient: client,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
		if _, err := New(cfg, srv.URL).ListAlarms(context.Background()); err != nil {
			t.Fatal(err)
		}
		assertQuery(t, reqs()[0])
	})
	for _, env := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH"} {
		t.Run(env+" speaks query", func(t *testing.T) {
			isolate(t)
			srv, client, reqs := fakeCloudWatch(t)
			t.Setenv(env, srv.URL)
			t.Setenv("AWS_ACCESS_KEY_ID", "test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
			cfg, err := LoadConfig(context.Background(), Options{Region: "us-east-1"})
			if err != nil {
				t.Fatal(err)
			}
			cfg.HTTPClient = client
			if _, err := New(cfg, "").ListAlarms(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := reqs()[0]
			assertQuery(t, got)
			if got.host != srv.Listener.Addr().String() {
				t.Errorf("request went to %q, not the endpoint override", got.host)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	isolate(t)
	cfg, err := LoadConfig(context.Background(), Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := New(cfg, "").Describe(); got != "aws default/eu-west-1" {
		t.Errorf("Describe() = %q", got)
	}
	if got := New(cfg, "http://127.0.0.1:5000").Describe(); got != "aws eu-west-1 @ http://127.0.0.1:5000" {
		t.Errorf("Describe() with endpoint = %q", got)
	}
	file := filepath.Join(t.TempDir(), "config")
	os.WriteFile(file, []byte("[profile prod]\nregion = ap-south-1\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", file)
	if cfg, err = LoadConfig(context.Background(), Options{Profile: "prod", Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	if got := New(cfg, "").Describe(); got != "aws prod/eu-west-1" {
		t.Errorf("Describe() with profile = %q", got)
	}
}

func TestHasCredentials(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	if !HasCredentials(ctx, aws.Config{Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")}) {
		t.Error("static credentials not found")
	}
	if HasCredentials(ctx, aws.Config{}) {
		t.Error("credentials found in an empty config")
	}
	if HasCredentials(ctx, aws.Config{Credentials: aws.AnonymousCredentials{}}) {
		t.Error("anonymous credentials counted as credentials")
	}
}
