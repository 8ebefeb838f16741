package offline

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// forget clears what a test here provoked on purpose.
func forget() {
	mu.Lock()
	defer mu.Unlock()
	clear(attempts)
}

func TestRequestsBeyondLoopbackAreRefusedAndRecorded(t *testing.T) {
	defer forget()
	resp, err := http.Get("http://169.254.169.254/latest/meta-data/")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403 from the refusing proxy", resp.StatusCode)
		}
	}
	if _, err := http.Get("https://sts.amazonaws.com/"); err == nil {
		t.Fatal("an https request left the machine")
	}
	got := strings.Join(Attempts(), " ")
	if !strings.Contains(got, "GET 169.254.169.254") || !strings.Contains(got, "CONNECT sts.amazonaws.com:443") {
		t.Fatalf("recorded %q", got)
	}
}

func TestChildProcessesUseTheProxyToo(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	defer forget()
	cmd := exec.Command("curl", "-s", "-o", "/dev/null", "http://192.0.2.1/")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, Env()...)
	cmd.Run()
	if got := strings.Join(Attempts(), " "); !strings.Contains(got, "GET 192.0.2.1") {
		t.Fatalf("recorded %q", got)
	}
}

func TestLoopbackIsNotProxied(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("local")) }))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(Attempts()) != 0 {
		t.Fatalf("status %d, recorded %v", resp.StatusCode, Attempts())
	}
}
