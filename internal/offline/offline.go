// Package offline keeps a test binary on the loopback interface. Main points
// the standard proxy variables at a local proxy that refuses, and records,
// every request for another address (Go never proxies loopback requests), so
// an SDK probing the instance-metadata address or a real AWS endpoint fails
// at once and fails the run, instead of leaving the machine.
package offline

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	mu       sync.Mutex
	attempts = map[string]int{}
	proxyURL string
)

// Main runs the tests behind the refusing proxy and fails if anything tried
// to leave: call it from TestMain, before any HTTP client is used (the
// standard library reads the proxy variables once).
func Main(m *testing.M) int {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		attempts[r.Method+" "+r.Host]++
		mu.Unlock()
		http.Error(w, "tests must not contact anything outside 127.0.0.1", http.StatusForbidden)
	}))
	defer proxy.Close()
	proxyURL = proxy.URL
	for _, kv := range Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	code := m.Run()
	if left := Attempts(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: tests tried to contact addresses outside 127.0.0.1: %v\n", left)
		return 1
	}
	return code
}

// Env is the environment that sends a child process's HTTP requests for
// other addresses to the refusing proxy, for commands run with env -i.
func Env() []string {
	return []string{"HTTP_PROXY=" + proxyURL, "HTTPS_PROXY=" + proxyURL, "http_proxy=" + proxyURL,
		"https_proxy=" + proxyURL, "NO_PROXY=", "no_proxy="}
}

// Attempts lists the requests refused so far ("CONNECT 169.254.169.254:80").
func Attempts() []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for a := range attempts {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
