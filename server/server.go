// Package server serves the dashboard over SSH: one bubbletea program per
// session, public-key authentication only, and nothing else an SSH server
// usually offers (no shell, exec, subsystems or forwarding).
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultIdleTimeout is the idle timeout a command line should default to.
const DefaultIdleTimeout = time.Hour

// Options configure the server; zero values take the defaults noted.
type Options struct {
	Listen             string        // default 127.0.0.1:2222
	HostKeyFile        string        // default <user config dir>/watchtrail/ssh_host_ed25519_key, created 0600
	AuthorizedKeysFile string        // default ~/.ssh/authorized_keys, re-read at every login
	MaxSessions        int           // default 16
	IdleTimeout        time.Duration // without a keystroke; 0 for none (a wall screen), see DefaultIdleTimeout
	ShutdownTimeout    time.Duration // how long sessions get to close before their connections are dropped; default 3s
	Logger             *slog.Logger  // default slog.Default()
	Hub                *Hub          // when set, every session's program joins it
	FPS                int           // the most frames a second a session draws; 0 for bubbletea's default
	// Output, when set, wraps what a session's program writes to the client
	// (the dashboard's ui.ScrollingOutput).
	Output func(io.Writer) io.Writer

	loginGrace   time.Duration // tests shorten these
	writeTimeout time.Duration
}

// Server is a listening SSH server; Serve runs it.
type Server struct {
	opts     Options
	newModel func(Session) tea.Model
	ssh      *ssh.Server
	listener net.Listener
	log      *slog.Logger
	sessions atomic.Int32 // slots taken, see connection
	closing  atomic.Bool

	mu           sync.Mutex
	conns        map[*connection]struct{}
	startups     int                  // connections not yet logged in
	startupsFrom map[netip.Prefix]int // of them, from each source
}

// New checks the options, loads or creates the host key and starts
// listening, so a bad flag or a taken port fails before anyone connects.
func New(opts Options, newModel func(Session) tea.Model) (*Server, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	keys, err := loadAuthorizedKeys(opts.AuthorizedKeysFile)
	if err != nil {
		return nil, err
	}
	if err := checkHostKeyMode(opts.HostKeyFile); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(opts.HostKeyFile), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	// Models draw in full colour; each session's output is downsampled to
	// the profile of its own terminal (see colorWriter).
	// A server must not query its own terminal for the background colour;
	// sessions are assumed dark, the usual terminal default.
	lipgloss.SetColorProfile(termenv.TrueColor)
	lipgloss.SetHasDarkBackground(true)
	s := &Server{opts: opts, newModel: newModel, log: opts.Logger, conns: map[*connection]struct{}{},
		startupsFrom: map[netip.Prefix]int{}}
	for _, k := range keys {
		where := []any{"file", opts.AuthorizedKeysFile, "line", k.line, "key", fingerprint(k.key)}
		if k.refused != "" {
			s.log.Warn("authorized key refused: "+k.refused, where...)
		} else if namesHosts(k.from) {
			s.log.Warn("authorized key: from= host names match nothing, as addresses are never looked up", append(where, "from", k.from)...)
		}
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(opts.HostKeyFile),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(s.runProgram, s.guard),
	)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", opts.HostKeyFile, err)
	}
	srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
		return &gossh.ServerConfig{AuthLogCallback: s.logAuth, VerifiedPublicKeyCallback: connectionOf(ctx).verified}
	}
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		if errors.Is(err, net.ErrClosed) {
			return // closed here, and logged why
		}
		s.log.Warn("ssh connection refused", "remote", conn.RemoteAddr().String(), "err", err)
	}
	srv.ConnCallback = s.connect
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionChannel}
	s.ssh = srv
	if s.listener, err = net.Listen("tcp", opts.Listen); err != nil {
		return nil, err
	}
	return s, nil
}

func (o *Options) setDefaults() error {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:2222"
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 16
	}
	if o.loginGrace <= 0 {
		o.loginGrace = defaultLoginGrace
	}
	if o.writeTimeout <= 0 {
		o.writeTimeout = defaultWriteTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 3 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.AuthorizedKeysFile == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("authorized keys: %w", err)
		}
		o.AuthorizedKeysFile = filepath.Join(home, ".ssh", "authorized_keys")
	}
	if o.HostKeyFile == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("host key: %w", err)
		}
		o.HostKeyFile = filepath.Join(dir, "watchtrail", "ssh_host_ed25519_key")
	}
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Serve accepts sessions until ctx ends, then quits every session's program
// (restoring its terminal), tells the client why, and returns once all
// connections closed or ShutdownTimeout passed.
func (s *Server) Serve(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- s.ssh.Serve(s.listener) }()
	s.log.Info("ssh server listening", "addr", s.Addr().String(), "authorized_keys", s.opts.AuthorizedKeysFile)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.closing.Store(true)
	s.mu.Lock()
	conns := make([]*connection, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.shutdown()
	}
	shutdown, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := s.ssh.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("ssh sessions did not close in time: dropping them", "timeout", s.opts.ShutdownTimeout)
		err = s.ssh.Close()
	}
	if errors.Is(err, ssh.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	s.log.Info("ssh server stopped")
	return err
}
