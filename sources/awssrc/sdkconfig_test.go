package awssrc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"watchtrail/sources"
)

// rawServer is a loopback HTTP endpoint that reads each request and then
// lets answer do anything to the connection: half a response, nothing, ...
func rawServer(t *testing.T, answer func(net.Conn)) (url string, conns *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int32)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				answer(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String(), conns
}

// fakeCredentials sets static test credentials and keeps the SDK off the
// instance-metadata address.
func fakeCredentials(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// captureTerminal points os.Stdout and os.Stderr at files for the rest of
// the test and returns what was written to them so far.
func captureTerminal(t *testing.T) func() string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "terminal")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = f, f
	t.Cleanup(func() { os.Stdout, os.Stderr = stdout, stderr; f.Close() })
	return func() string {
		b, _ := os.ReadFile(f.Name())
		return string(b)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A connection reset in the middle of a body makes the SDK warn ("failed to
// discard remaining HTTP response body"); the warning goes to the log, and
// nothing reaches the terminal the dashboard draws on.
func TestSDKWarningsGoToTheLogNeverTheTerminal(t *testing.T) {
	fakeCredentials(t)
	terminal := captureTerminal(t)
	url, _ := rawServer(t, func(c net.Conn) {
		body := `{"events":[],"searchedLogStreams":[]}`
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s", len(body)+4096, body)
	})
	for _, log := range []*syncBuffer{{}, nil} {
		opts := Options{Region: "us-east-1"}
		if log != nil {
			opts.Log = log
		}
		cfg, err := LoadConfig(ctxFor(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		// The call fails (the body is cut short); what matters is where the
		// SDK's warning about it goes.
		New(cfg, url).FetchLogs(ctxFor(t), sources.LogQuery{Group: "/app", Start: time.Now().Add(-time.Minute), End: time.Now()})
		if log != nil && !strings.Contains(log.String(), "WARN failed to discard remaining HTTP response body") {
			t.Errorf("the log has %q, want the SDK's warning", log.String())
		}
	}
	if out := terminal(); out != "" {
		t.Fatalf("the SDK wrote to the terminal: %q", out)
	}
}

// An endpoint that accepts connections and never answers fails the call
// after the response timeout, once, as a timeout, instead of leaving the
// screen empty through retries until the poll's own deadline.
func TestAnEndpointThatNeverAnswersTimesOutWithoutRetries(t *testing.T) {
	fakeCredentials(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, conns := rawServer(t, func(net.Conn) { <-ctx.Done() })
	cfg, err := LoadConfig(ctxFor(t), Options{Region: "us-east-1", ResponseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(cfg, url).ListAlarms(ctxFor(t))
	cancel()
	if got := sources.Classify(err); got != sources.ProblemTimeout {
		t.Fatalf("Classify(%v) = %q, want %q", err, got, sources.ProblemTimeout)
	}
	want := "alarms: timed out — CloudWatch DescribeAlarms: the endpoint accepted the connection but sent no answer in time"
	if got := sources.Explain(sources.FeedAlarms, err); got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1: a timed-out call is not retried", n)
	}
}
