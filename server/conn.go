package server

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
)

// defaultLoginGrace is how long a connection may take to log in (OpenSSH's
// LoginGraceTime), and then to open its session: neither a half-open
// connection nor a logged-in one without a session (ssh -N) may stay.
const defaultLoginGrace = 30 * time.Second

// defaultWriteTimeout bounds every write to a client, on the socket and on
// the session's channel: a client that stops reading is dropped, freeing
// its slot.
const defaultWriteTimeout = 15 * time.Second

type connectionKey struct{}

// connection is one client's TCP connection from accept to close: its
// login and session timer, its max-sessions slot and its running sessions.
type connection struct {
	server *Server
	raw    net.Conn
	remote string
	source netip.Prefix // see sourceOf
	grace  *time.Timer

	mu       sync.Mutex
	offered  map[string]authorizedKey // by fingerprint: keys allowed at their offer, with their options
	loggedIn bool
	channels int                      // session channels open
	slot     bool                     // holds one of MaxSessions
	sessions map[chan struct{}]func() // each running session's stop channel
	stopping bool                     // the server is shutting down
	drop     sync.Once
}

func (s *Server) connect(ctx ssh.Context, raw net.Conn) net.Conn {
	c := &connection{server: s, raw: raw, remote: raw.RemoteAddr().String(), source: sourceOf(raw.RemoteAddr()),
		offered: map[string]authorizedKey{}, sessions: map[chan struct{}]func(){}}
	s.mu.Lock()
	switch {
	case s.startups >= maxStartups:
		s.mu.Unlock()
		s.log.Warn("ssh connection refused: too many connections logging in", "remote", c.remote, "max", maxStartups)
		return nil
	case s.startupsFrom[c.source] >= maxStartupsPerSource:
		s.mu.Unlock()
		s.log.Warn("ssh connection refused: too many connections logging in from its address", "remote", c.remote, "max", maxStartupsPerSource)
		return nil
	}
	s.startups++
	s.startupsFrom[c.source]++
	s.conns[c] = struct{}{}
	stopping := s.closing.Load()
	s.mu.Unlock()
	c.grace = time.AfterFunc(s.opts.loginGrace, c.graceOver)
	ctx.SetValue(connectionKey{}, c)
	if stopping {
		c.shutdown()
	}
	ended := ctx.Done() // ctx itself is not safe to use from other goroutines
	go func() {
		<-ended
		c.closed()
	}()
	s.log.Info("ssh connection", "remote", c.remote)
	return &writeDeadlineConn{Conn: raw, c: c}
}

func connectionOf(ctx ssh.Context) *connection {
	c, _ := ctx.Value(connectionKey{}).(*connection)
	return c
}

func (c *connection) graceOver() {
	c.mu.Lock()
	loggedIn, idle := c.loggedIn, len(c.sessions) == 0
	c.mu.Unlock()
	switch {
	case !loggedIn:
		c.server.log.Warn("ssh connection refused: no login within the grace time", "remote", c.remote, "grace", c.server.opts.loginGrace.String())
	case idle:
		c.server.log.Warn("ssh connection closed: no session opened within the grace time", "remote", c.remote, "grace", c.server.opts.loginGrace.String())
	default:
		return
	}
	c.raw.Close()
}

// logIn is called once the client proved it holds an allowed key. It takes
// a slot even before a session opens, so channel-less connections count;
// without a free slot there is no login.
func (c *connection) logIn() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slot = c.server.takeSlot(); !c.slot {
		return false
	}
	c.started()
	c.loggedIn = true
	c.grace.Reset(c.server.opts.loginGrace)
	return true
}

// startSession admits a session: the connection's slot covers its first
// session, each further one takes a slot of its own. stop is closed when
// the server shuts down.
func (c *connection) startSession() (stop chan struct{}, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping || (len(c.sessions) > 0 && !c.server.takeSlot()) {
		return nil, false
	}
	stop = make(chan struct{})
	c.sessions[stop] = sync.OnceFunc(func() { close(stop) })
	c.grace.Stop()
	return stop, true
}

func (c *connection) endSession(stop chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, stop)
	switch {
	case len(c.sessions) > 0:
		c.server.sessions.Add(-1)
	case c.stopping:
		c.raw.Close() // nothing left to wait for; the client may never close
	default:
		c.grace.Reset(c.server.opts.loginGrace)
	}
}

// shutdown asks every session to end and drops a connection without one.
// It never waits.
func (c *connection) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopping = true
	for _, stop := range c.sessions {
		stop()
	}
	if len(c.sessions) == 0 {
		c.raw.Close()
	}
}

func (c *connection) closed() {
	c.grace.Stop()
	c.mu.Lock()
	if c.slot {
		c.slot = false
		c.server.sessions.Add(-1)
	}
	if !c.loggedIn {
		c.started()
	}
	c.mu.Unlock()
	c.server.mu.Lock()
	delete(c.server.conns, c)
	c.server.mu.Unlock()
}

// deadlineWriter bounds each write on a session's channel, which waits on
// the client's flow-control window rather than on the socket.
type deadlineWriter struct {
	w io.Writer
	c *connection
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	timer := time.AfterFunc(d.c.server.opts.writeTimeout, d.c.stalled)
	defer timer.Stop()
	return d.w.Write(p)
}

// stalled drops a client a write to which took longer than the write timeout.
func (c *connection) stalled() {
	c.drop.Do(func() {
		c.server.log.Warn("ssh client stopped reading: dropping it", "remote", c.remote, "write_timeout", c.server.opts.writeTimeout.String())
		c.raw.Close()
	})
}

// started frees c's place among the connections logging in.
func (c *connection) started() {
	s := c.server
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startups--
	if s.startupsFrom[c.source]--; s.startupsFrom[c.source] == 0 {
		delete(s.startupsFrom, c.source)
	}
}

// sourceOf is the source a connection counts against in
// maxStartupsPerSource: its IPv4 address, or its IPv6 /64 (one host's
// usual share, from which it may pick any address).
func sourceOf(addr net.Addr) netip.Prefix {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return netip.Prefix{}
	}
	ip := tcp.AddrPort().Addr().Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	prefix, _ := ip.Prefix(bits)
	return prefix
}

func (s *Server) takeSlot() bool {
	if int(s.sessions.Add(1)) > s.opts.MaxSessions {
		s.sessions.Add(-1)
		return false
	}
	return true
}

// writeDeadlineConn gives every write on the socket a deadline. Read
// deadlines pass through; write deadlines are this conn's alone (the SSH
// library resets deadlines on every read).
type writeDeadlineConn struct {
	net.Conn
	c *connection
}

func (c *writeDeadlineConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.c.server.opts.writeTimeout))
	n, err := c.Conn.Write(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.c.stalled()
	}
	return n, err
}

func (c *writeDeadlineConn) SetDeadline(t time.Time) error { return c.Conn.SetReadDeadline(t) }

func (c *writeDeadlineConn) SetWriteDeadline(time.Time) error { return nil }
