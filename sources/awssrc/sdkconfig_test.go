package awssrc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"

	"watchtrail/internal/syncbuf"
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

// A connection reset in the middle of a body makes the SDK warn ("failed to
// discard remaining HTTP response body"); the warning goes to Options.Log,
// and without a Log nowhere: the SDK's default is the terminal the
// dashboard draws on. (main's tests check the whole path to the log file.)
func TestSDKWarningsGoToTheLogOrNowhere(t *testing.T) {
	fakeCredentials(t)
	url, _ := rawServer(t, func(c net.Conn) {
		body := `{"events":[],"searchedLogStreams":[]}`
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s", len(body)+4096, body)
	})
	log := &syncbuf.Buffer{}
	cfg, err := LoadConfig(ctxFor(t), Options{Region: "us-east-1", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	// The call fails (the body is cut short); what matters is where the
	// SDK's warning about it goes.
	New(cfg, url).FetchLogs(ctxFor(t), sources.LogQuery{Group: "/app", Start: time.Now().Add(-time.Minute), End: time.Now()})
	if !strings.Contains(log.String(), "WARN failed to discard remaining HTTP response body") {
		t.Errorf("the log has %q, want the SDK's warning", log.String())
	}
	cfg, err = LoadConfig(ctxFor(t), Options{Region: "us-east-1"})
	if _, nop := cfg.Logger.(logging.Nop); err != nil || !nop {
		t.Errorf("without a Log the SDK logs to %T (%v), want nowhere", cfg.Logger, err)
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
