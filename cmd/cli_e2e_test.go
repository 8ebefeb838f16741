package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"watchtrail/internal/offline"
)

// interrupted runs the built binary with args, sends it Ctrl-C (SIGINT) once
// its stderr shows a line containing progress, and returns its output and
// exit code.
func interrupted(t *testing.T, bin, progress string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home,
		"PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}, offline.Env()...), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var errText strings.Builder
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() {
		errText.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), progress) {
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	rest, _ := io.ReadAll(errPipe)
	errText.Write(rest)
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return out.String(), errText.String(), cmd.ProcessState.ExitCode()
}

// Ctrl-C during a long history search prints what was found and says so.
func TestEndToEndTrailSearchInterrupted(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ EndTime float64 }
		json.NewDecoder(r.Body).Decode(&req)
		n := requests.Add(1)
		at := time.Unix(int64(req.EndTime), 0).Add(-time.Second)
		record, _ := json.Marshal(map[string]any{"eventID": fmt.Sprint("e", n), "eventName": "RunInstances",
			"eventTime": at.UTC().Format(time.RFC3339), "eventSource": "ec2.amazonaws.com", "readOnly": false,
			"userIdentity": map[string]any{"type": "IAMUser", "userName": "alice"}})
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"Events": []map[string]any{{"EventId": fmt.Sprint("e", n),
			"EventName": "RunInstances", "EventTime": at.Unix(), "Username": "alice", "EventSource": "ec2.amazonaws.com",
			"ReadOnly": "false", "CloudTrailEvent": string(record)}}})
	}))
	defer srv.Close()
	bin := buildBinary(t)
	stdout, stderr, code := interrupted(t, bin, "searching", []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"},
		"trail", "--endpoint-url", srv.URL, "--since", "90d", "--progress")
	if code != 1 || !strings.Contains(stderr, "interrupted: printed the") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if n := len(lines(stdout)); n == 0 || n >= 10 || !strings.Contains(stdout, "RunInstances  ec2  alice") {
		t.Fatalf("want the events found before Ctrl-C, got:\n%s", stdout)
	}
}

// Ctrl-C while a Logs Insights query runs stops it (StopQuery). The query
// never completes on its own, so when the signal comes does not matter.
func TestEndToEndQueryInterrupted(t *testing.T) {
	var stopped atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ QueryID string }
		json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch r.Header.Get("X-Amz-Target") {
		case "Logs_20140328.StartQuery":
			io.WriteString(w, `{"queryId":"q-42"}`)
		case "Logs_20140328.GetQueryResults":
			io.WriteString(w, `{"status":"Running","statistics":{"recordsMatched":1,"recordsScanned":90,"bytesScanned":1234},`+
				`"results":[[{"field":"@message","value":"partial"}]]}`)
		case "Logs_20140328.StopQuery":
			stopped.Store(in.QueryID)
			io.WriteString(w, `{"success":true}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"UnknownOperationException"}`)
		}
	}))
	defer srv.Close()
	bin := buildBinary(t)
	stdout, stderr, code := interrupted(t, bin, "Running", []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"},
		"query", "fields @message", "--endpoint-url", srv.URL, "--group", "/aws/lambda/checkout-api", "--progress")
	if code != 1 || !strings.Contains(stderr, "interrupted: query q-42 stopped") || stopped.Load() != "q-42" {
		t.Fatalf("exit %d, StopQuery for %v, stderr:\n%s", code, stopped.Load(), stderr)
	}
	if !strings.Contains(stdout, "partial") {
		t.Fatalf("the rows so far were not printed:\n%s", stdout)
	}
}
