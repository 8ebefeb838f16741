// Package faultproxy is an HTTP reverse proxy on 127.0.0.1 for tests: it
// stands in front of an AWS emulator (moto) or an httptest server, records
// every request's service and action, and injects faults by rule: the
// services' own throttling and credential errors, 5xx answers, latency,
// connection resets, truncated bodies, and the endpoint going down.
//
// In a test, in front of moto:
//
//	proxy := faultproxy.Start(t, motoserver.Shared(t))
//	src := awssrc.New(cfg, proxy.URL())
//	over := proxy.Storm("", 2*time.Second, 2*time.Second) // every fault in turn, then down
//	... poll src until after over; assert on proxy.Calls() and what was shown ...
//
// or one rule at a time: proxy.SetRules(faultproxy.Rule{Service: "logs",
// Action: "FilterLogEvents", Fault: faultproxy.Throttle, Every: 2}).
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is what the proxy does to a request a rule matches.
type Fault int

const (
	Pass         Fault = iota // forward unchanged
	Throttle                  // the service's throttling error
	ServerError               // 500
	Unavailable               // 503
	Latency                   // forward after Rule.Delay (2–5 s when zero)
	Reset                     // close the connection with a TCP reset, no answer
	Truncate                  // forward, then send half the body under the full Content-Length and close
	ExpiredToken              // the service's expired-credentials error
	InvalidToken              // the service's invalid-credentials error
)

var faultNames = [...]string{"pass", "throttle", "500", "503", "latency", "reset", "truncate", "expired-token", "invalid-token"}

func (f Fault) String() string { return faultNames[f] }

// Rule injects Fault into the requests it matches. Zero fields match
// anything: Service is the SigV4 signing name ("monitoring", "logs",
// "cloudtrail", "s3"), Action the API action. Of the matching requests in
// [From, Until), every Every-th is hit (Every 0 or 1: each one), each then
// with Probability (0 means 1).
type Rule struct {
	Service, Action string
	Fault           Fault
	Every           int
	Probability     float64
	From, Until     time.Time
	Delay           time.Duration // for Latency
}

// Call is one request the proxy saw.
type Call struct {
	Service, Action string
	Fault           Fault // what was done to it
	At              time.Time
}

// Proxy forwards to one target. Use it from any goroutine.
type Proxy struct {
	addr    string
	forward *httputil.ReverseProxy

	mu      sync.Mutex
	srv     *http.Server
	l       net.Listener
	closed  bool
	rules   []Rule
	matched []int // requests each rule matched so far
	calls   []Call
}

// New starts a proxy on a free 127.0.0.1 port in front of target (an http
// URL). Close it when done.
func New(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an http://host:port URL", target)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{addr: l.Addr().String()}
	p.forward = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) },
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	p.serve(l)
	return p, nil
}

// Start is New for a test: it fails t on error and closes with it.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// URL is the endpoint to give the SDK instead of the target's.
func (p *Proxy) URL() string { return "http://" + p.addr }

func (p *Proxy) serve(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(p.handle)}
	p.mu.Lock()
	p.srv, p.l = srv, l
	p.mu.Unlock()
	go srv.Serve(l)
}

// SetRules replaces the rules; the first rule that matches and fires a
// request decides its fault.
func (p *Proxy) SetRules(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules, p.matched = rules, make([]int, len(rules))
}

// Down closes the listener and every connection: requests are refused until Up.
func (p *Proxy) Down() {
	p.mu.Lock()
	srv, l := p.srv, p.l
	p.srv, p.l = nil, nil
	p.mu.Unlock()
	if srv != nil {
		l.Close() // now, not when Serve gets to it
		srv.Close()
	}
}

// Up listens again on the same address after Down.
func (p *Proxy) Up() error {
	p.mu.Lock()
	up, closed := p.srv != nil, p.closed
	p.mu.Unlock()
	if up || closed {
		return nil
	}
	var l net.Listener
	var err error
	for range 50 { // the port can linger for a moment after close
		if l, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(l)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
}

// Close stops the proxy for good.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Down()
}

// Calls returns every request seen so far, in arrival order.
func (p *Proxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Actions returns the distinct "service:Action" names called so far, sorted.
func (p *Proxy) Actions() []string {
	seen := map[string]bool{}
	for _, c := range p.Calls() {
		seen[c.Service+":"+c.Action] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// ResetCalls forgets the calls recorded so far.
func (p *Proxy) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
}

func (p *Proxy) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var form url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ = url.ParseQuery(string(body))
	}
	service, action, proto := identify(r, form)
	rule := p.pick(service, action)
	p.mu.Lock()
	p.calls = append(p.calls, Call{Service: service, Action: action, Fault: rule.Fault, At: time.Now()})
	p.mu.Unlock()

	switch rule.Fault {
	case Pass:
		p.forward.ServeHTTP(w, r)
	case Latency:
		delay := rule.Delay
		if delay == 0 {
			delay = 2*time.Second + rand.N(3*time.Second)
		}
		select {
		case <-time.After(delay):
			p.forward.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	case Reset:
		reset(w)
	case Truncate:
		p.truncate(w, r)
	default:
		writeError(w, errorFor(rule.Fault, proto), proto, fmt.Sprintf("faultproxy-%d", rand.Int64()))
	}
}

// pick returns the rule that fires for this request, or a Pass rule.
func (p *Proxy) pick(service, action string) Rule {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for i, r := range p.rules {
		if (r.Service != "" && r.Service != service) || (r.Action != "" && r.Action != action) ||
			(!r.From.IsZero() && now.Before(r.From)) || (!r.Until.IsZero() && !now.Before(r.Until)) {
			continue
		}
		p.matched[i]++
		if r.Every > 1 && p.matched[i]%r.Every != 0 {
			continue
		}
		if r.Probability > 0 && rand.Float64() >= r.Probability {
			continue
		}
		return r
	}
	return Rule{}
}

// reset hijacks the connection and closes it with SO_LINGER 0, which sends
// a TCP RST: the client sees "connection reset by peer".
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// truncate forwards the request, then writes the answer's status and
// headers with its full Content-Length but only half its body, and closes.
func (p *Proxy) truncate(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	p.forward.ServeHTTP(rec, r)
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := rec.body.Bytes()
	rec.header.Del("Transfer-Encoding")
	rec.header.Set("Content-Length", fmt.Sprint(len(body)+1)) // at least one byte is missing
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.status, http.StatusText(rec.status))
	rec.header.Write(buf)
	buf.WriteString("\r\n")
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

// recorder keeps the target's answer for truncate.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
