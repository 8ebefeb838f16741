package cmd

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/ui"
)

// cutShort answers every request with the start of a JSON body and then
// drops the connection, which makes the SDK log a warning ("failed to
// discard remaining HTTP response body").
func cutShort(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		body := `{"events":[],"searchedLogStreams":[]}`
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s", len(body)+4096, body)
		buf.Flush()
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// captureTerminal points os.Stdout and os.Stderr at a file for the rest of
// the test and returns a function reading what reached them.
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

// The AWS SDK's own warnings go to the log file, never to the terminal the
// dashboard draws on (they would scroll it and never be repainted).
func TestSDKWarningsGoToTheLogFileNeverTheTerminal(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	terminal := captureTerminal(t)
	url := cutShort(t)
	logFile := filepath.Join(t.TempDir(), "state", "watchtrail.log")

	saved := runDashboard
	defer func() { runDashboard = saved }()
	runDashboard = func(cfg ui.Config) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// The call fails (the body is cut short); what matters is where
		// the SDK's warning about it goes.
		cfg.Source.FetchLogs(ctx, sources.LogQuery{Group: "/app", Start: time.Now().Add(-time.Minute), End: time.Now()})
		return nil
	}
	root := newRoot()
	root.SetArgs([]string{"--endpoint-url", url, "--region", "us-east-1", "--log-file", logFile})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if out := terminal(); out != "" {
		t.Fatalf("the terminal got %q", out)
	}
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "WARN failed to discard remaining HTTP response body") {
		t.Fatalf("the log file has %q, want the SDK's warning", log)
	}
}

func TestTheLogFileIsCreatedOnlyWhenSomethingIsLogged(t *testing.T) {
	noAWS(t)
	if r := run(t, "--demo"); r.err != nil {
		t.Fatal(r.err)
	}
	if _, err := os.Stat(defaultLogPath()); !os.IsNotExist(err) {
		t.Fatalf("a quiet run left %s behind (%v)", defaultLogPath(), err)
	}
	if !strings.HasPrefix(defaultLogPath(), os.Getenv("XDG_STATE_HOME")) {
		t.Fatalf("the log is at %s, want it under $XDG_STATE_HOME", defaultLogPath())
	}
}
