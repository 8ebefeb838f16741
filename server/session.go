package server

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Session describes one SSH session to the function that makes its model.
type Session struct {
	User        string
	Fingerprint string // SHA256:… of the key the user logged in with
	RemoteAddr  string
	Term        string
	// Environ is the session's environment: what the client sent and its
	// TERM. It, not the server's, tells what the client's terminal is.
	Environ []string
	Width   int // clamped to what the server draws
	Height  int
	// Profile is the session's colour profile, from its PTY's TERM and the
	// COLORTERM and NO_COLOR the client sent. The session's output is
	// downsampled to it whatever the model renders.
	Profile colorprofile.Profile
	// Renderer draws for this session, for models that make their own styles.
	Renderer *lipgloss.Renderer
}

func (s *Server) sessionLog(sess ssh.Session) []any {
	return []any{"user", clientText(sess.User()), "key", fingerprint(sess.PublicKey()), "remote", sess.RemoteAddr().String()}
}

func fingerprint(key ssh.PublicKey) string {
	if key == nil {
		return ""
	}
	return gossh.FingerprintSHA256(key)
}

// guard refuses what the dashboard is not: commands, sessions without a
// terminal or whose key forbids one, and sessions beyond MaxSessions. It
// logs every session.
func (s *Server) guard(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		attrs := s.sessionLog(sess)
		conn := connectionOf(sess.Context())
		refuse := func(reason, message string) {
			s.log.Warn("ssh session refused: "+reason, attrs...)
			fmt.Fprintln(deadlineWriter{sess.Stderr(), conn}, "watchtrail: "+message)
			_ = sess.Exit(1)
		}
		pty, _, hasPty := sess.Pty()
		switch {
		case len(sess.RawCommand()) > 0 || sess.Subsystem() != "":
			refuse("command", "this server runs only the dashboard: connect without a command")
			return
		case !hasPty:
			refuse("no terminal", "the dashboard needs a terminal: connect with ssh -t")
			return
		case conn.keyOptions(sess.PublicKey()).noPty:
			refuse("key forbids a terminal", "this key may not open a terminal (no-pty or restrict in authorized_keys), and the dashboard needs one")
			return
		case ssh.AgentRequested(sess):
			s.log.Info("ssh agent forwarding requested: ignored", attrs...)
		}
		stop, ok := conn.startSession()
		if !ok {
			if s.closing.Load() {
				refuse("shutting down", "the server is shutting down")
			} else {
				refuse("too many sessions", fmt.Sprintf("the server already has %d sessions (its limit)", s.opts.MaxSessions))
			}
			return
		}
		defer conn.endSession(stop)
		start := time.Now()
		w, h := clampWindow(pty.Window.Width, pty.Window.Height)
		s.log.Info("ssh session start", append(attrs, "term", clientText(pty.Term), "width", w, "height", h)...)
		next(&admittedSession{Session: sess, stop: stop, conn: conn})
		s.log.Info("ssh session end", append(attrs, "duration", time.Since(start).Round(time.Second).String())...)
	}
}

// admittedSession carries what guard set up for runProgram.
type admittedSession struct {
	ssh.Session
	stop <-chan struct{} // closed when the server shuts down
	conn *connection
}

// runProgram runs one bubbletea program for the session until the user
// quits, the connection drops, the session idles out or the server stops.
func (s *Server) runProgram(ssh.Handler) ssh.Handler {
	return func(admitted ssh.Session) {
		sess := admitted.(*admittedSession)
		pty, winch, _ := sess.Pty()
		env := append(sess.Environ(), "TERM="+pty.Term)
		profile := sessionProfile(env)
		client := deadlineWriter{sess, sess.conn}
		out := &colorWriter{cw: &colorprofile.Writer{Forward: client, Profile: profile}}
		renderer := lipgloss.NewRenderer(client)
		renderer.SetColorProfile(termenvProfile(profile))
		width, height := clampWindow(pty.Window.Width, pty.Window.Height)
		model := s.newModel(Session{
			User: sess.User(), Fingerprint: fingerprint(sess.PublicKey()), RemoteAddr: sess.RemoteAddr().String(),
			Term: pty.Term, Environ: env, Width: width, Height: height, Profile: profile, Renderer: renderer,
		})
		in := &idleReader{r: sess, idle: s.opts.IdleTimeout}
		var screen io.Writer = out
		if s.opts.Output != nil {
			screen = s.opts.Output(out)
		}
		opts := []tea.ProgramOption{tea.WithInput(in), tea.WithOutput(screen), tea.WithEnvironment(env),
			tea.WithAltScreen(), tea.WithoutSignalHandler()}
		if s.opts.FPS > 0 {
			opts = append(opts, tea.WithFPS(s.opts.FPS))
		}
		p := tea.NewProgram(model, opts...)
		var idled atomic.Bool
		if s.opts.IdleTimeout > 0 {
			in.timer = time.AfterFunc(s.opts.IdleTimeout, func() {
				s.log.Info("ssh session idle: closing", append(s.sessionLog(sess), "idle", s.opts.IdleTimeout.String())...)
				idled.Store(true)
				p.Quit()
			})
			defer in.timer.Stop()
		}
		if s.opts.Hub != nil {
			defer s.opts.Hub.Join(p)()
		}
		done := make(chan struct{})
		defer close(done)
		window := watchWindow(winch)
		go sendWindowSizes(p, window, done)
		dropped := sess.Context().Done()
		go func() {
			select {
			case <-done:
				return
			case <-sess.stop:
			case <-dropped:
			case <-window.ended: // the session's requests ended: so did the session
			}
			p.Quit()
		}()
		if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			s.log.Error("ssh session program failed", append(s.sessionLog(sess), "err", err)...)
		}
		switch { // the program restored the terminal: say why it ended
		case idled.Load():
			fmt.Fprintf(client, "watchtrail: closed after %s without a keystroke.\r\n", s.opts.IdleTimeout)
		case s.closing.Load():
			fmt.Fprint(client, "watchtrail: the server is shutting down.\r\n")
		}
	}
}

// idleReader restarts the idle timer on every keystroke.
type idleReader struct {
	r     io.Reader
	idle  time.Duration
	timer *time.Timer
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 && r.timer != nil {
		r.timer.Reset(r.idle)
	}
	return n, err
}

// colorWriter downsamples colours to the session's profile. It reports the
// whole input as written: the downsampled output is shorter or longer.
type colorWriter struct{ cw *colorprofile.Writer }

func (w *colorWriter) Write(p []byte) (int, error) {
	if _, err := w.cw.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}
