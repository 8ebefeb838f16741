package server

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// Hostile clients, written with golang.org/x/crypto/ssh: each does what
// OpenSSH would not, and the server must bound it.

func (f *sshFixture) signer(key string) gossh.Signer {
	f.t.Helper()
	pem, err := os.ReadFile(filepath.Join(f.dir, key))
	if err != nil {
		f.t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		f.t.Fatal(err)
	}
	return signer
}

func (f *sshFixture) addr() string { return fmt.Sprintf("127.0.0.1:%d", f.port) }

// goClient logs in with key.
func (f *sshFixture) goClient(key string) *gossh.Client {
	f.t.Helper()
	c, err := gossh.Dial("tcp", f.addr(), &gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer(key))},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		f.t.Fatalf("login: %v", err)
	}
	f.t.Cleanup(func() { c.Close() })
	return c
}

// dashboardSession opens a session with a width×height terminal on c.
func dashboardSession(t *testing.T, c *gossh.Client, width, height int) (*gossh.Session, io.Reader) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	return s, out
}

// readUntil reads r until it has shown want, or fails after timeout.
func readUntil(t *testing.T, r io.Reader, timeout time.Duration, want string) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		var seen strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), want) {
				found <- true
				io.Copy(io.Discard, r)
				return
			}
			if err != nil {
				found <- false
				return
			}
		}
	}()
	select {
	case ok := <-found:
		if !ok {
			t.Fatalf("the session ended without showing %q", want)
		}
	case <-time.After(timeout):
		t.Fatalf("the session did not show %q in %s", want, timeout)
	}
}

// stallingSigner offers its key but signs only when released: a client
// that holds a listed public key and not its private key.
type stallingSigner struct {
	gossh.Signer
	release chan struct{}
}

func (s stallingSigner) Sign(rand io.Reader, data []byte) (*gossh.Signature, error) {
	<-s.release
	return nil, fmt.Errorf("no private key")
}

func TestOfferWithoutSigningIsDroppedAtTheGraceTime(t *testing.T) {
	f := startServer(t, Options{loginGrace: time.Second})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	const clients = 20
	dropped := make(chan time.Duration, clients)
	for i := range clients {
		conn := f.dialFrom(fmt.Sprintf("127.0.0.%d", 1+i%2)) // each address under maxStartupsPerSource
		start := time.Now()
		auth := gossh.PublicKeys(stallingSigner{f.signer("listed"), release})
		go gossh.NewClientConn(&closeWatch{Conn: conn, closed: func() { dropped <- time.Since(start) }}, f.addr(), //nolint:errcheck
			&gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{auth}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	}
	for range clients {
		select {
		case d := <-dropped:
			t.Logf("offer-only connection dropped after %s (grace 1s)", d.Round(10*time.Millisecond))
		case <-time.After(20 * time.Second):
			t.Fatalf("offer-only connections were not dropped:\n%s", f.log.String())
		}
	}
	log := f.log.String()
	if strings.Contains(log, "ssh key accepted") {
		t.Fatalf("a key was logged accepted without a signature:\n%s", log)
	}
	if n := strings.Count(log, "no login within the grace time"); n != clients {
		t.Fatalf("%d of %d offer-only connections dropped for the grace time:\n%s", n, clients, log)
	}
}

// closeWatch reports when the server closed the connection (a read ends).
type closeWatch struct {
	net.Conn
	closed func()
	once   sync.Once
}

func (c *closeWatch) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.once.Do(c.closed)
	}
	return n, err
}

func TestHugeWindowIsClampedWithANote(t *testing.T) {
	f := startServer(t, Options{})
	c := f.goClient("listed")
	s, out := dashboardSession(t, c, 10000, 10000)
	readUntil(t, out, 30*time.Second, "drawing 500×500")
	f.waitLog(10*time.Second, "width=500 height=500")
	// A window change as large is clamped the same way, and then a sane
	// size is drawn as it is.
	if err := s.WindowChange(10000, 10000); err != nil {
		t.Fatal(err)
	}
	if err := s.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

// A terminal of unknown size (0×0, as a client whose own input is no
// terminal sends) gets the dashboard at 80×24, not an empty screen.
func TestUnknownWindowSizeIsDrawnAt80x24(t *testing.T) {
	f := startServerWith(t, Options{}, demoDashboard)
	_, out := dashboardSession(t, f.goClient("listed"), 0, 0)
	readUntil(t, out, 30*time.Second, "Alarms")
	f.waitLog(10*time.Second, "width=80 height=24")
}

func TestConnectionWithoutSessionCountsAndIdlesOut(t *testing.T) {
	f := startServer(t, Options{MaxSessions: 1, loginGrace: 2 * time.Second})
	idle := f.goClient("listed") // as ssh -N: logged in, no channel
	if out := f.refused("listed", "-tt"); !strings.Contains(out, "already has 1 sessions") {
		t.Fatalf("a session while a channel-less connection holds the only slot: ssh said %q", out)
	}
	ended := make(chan error, 1)
	go func() { ended <- idle.Wait() }()
	select {
	case <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("the channel-less connection was never closed")
	}
	f.waitLog(5*time.Second, "no session opened within the grace time")
	f.waitSlotsFree(5 * time.Second)
	_, out := dashboardSession(t, f.goClient("listed"), 100, 30)
	readUntil(t, out, 30*time.Second, "Alarms")
}

// firehose draws a new full screen in new colours every few milliseconds,
// so that a client that stops reading soon fills its flow-control window,
// and lays out slowly on a resize, as a big dashboard does.
type firehose struct{ n, width, height int }

type firehoseTick struct{}

func (m firehose) Init() tea.Cmd { return m.tick() }
func (m firehose) tick() tea.Cmd {
	return tea.Tick(5*time.Millisecond, func(time.Time) tea.Msg { return firehoseTick{} })
}

func (m firehose) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		time.Sleep(50 * time.Millisecond)
	case firehoseTick:
		m.n++
		return m, m.tick()
	case tea.KeyMsg:
		return m, tea.Quit
	}
	return m, nil
}

func (m firehose) View() string {
	var b strings.Builder
	for i := range max(m.width/8, 1) {
		fmt.Fprintf(&b, "\x1b[38;5;%dm%07d ", (m.n+i)%256, m.n)
	}
	line := b.String()
	return strings.TrimSuffix(strings.Repeat(line+"\n", max(m.height-1, 1)), "\n")
}

// wedge opens a session that never reads what the server writes: the
// server's writes soon wait on the flow-control window.
func wedge(t *testing.T, f *sshFixture) *gossh.Session {
	c := f.goClient("listed")
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StdoutPipe(); err != nil { // never read
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 200, 400, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	f.waitLog(10*time.Second, `msg="ssh session start"`)
	return s
}

func TestClientThatStopsReadingIsDroppedAndItsSlotFreed(t *testing.T) {
	f := startServerWith(t, Options{MaxSessions: 1, writeTimeout: 2 * time.Second}, func(Session) tea.Model { return firehose{} })
	wedge(t, f)
	f.waitLog(30*time.Second, "ssh client stopped reading: dropping it")
	f.waitLog(10*time.Second, `msg="ssh session end"`)
	f.waitSlotsFree(5 * time.Second)
	_, out := dashboardSession(t, f.goClient("listed"), 80, 24)
	readUntil(t, out, 10*time.Second, "0000")
}

// However wedged a client, shutdown ends within ShutdownTimeout: here the
// write deadline is far off, so only shutdown can end the session.
func TestShutdownWithAWedgedClientEndsInTime(t *testing.T) {
	f := startServerWith(t, Options{writeTimeout: time.Minute}, func(Session) tea.Model { return firehose{} })
	s := wedge(t, f)
	for i := range 300 { // and a resize flood on top
		if err := s.WindowChange(100+i%50, 300); err != nil {
			break
		}
	}
	time.Sleep(2 * time.Second) // the window fills in well under this
	start := time.Now()
	if err := f.shutdown(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	took := time.Since(start)
	t.Logf("shutdown with a wedged client took %s", took.Round(10*time.Millisecond))
	if took > 5*time.Second {
		t.Fatalf("shutdown with a wedged client took %s, want at most 5s:\n%s", took, f.log.String())
	}
	if !strings.Contains(f.log.String(), "ssh sessions did not close in time: dropping them") {
		t.Fatalf("the client was not wedged: its session closed by itself:\n%s", f.log.String())
	}
}

// OpenSSH in tmux, resized 1,500 times as fast as stty and kill can: each
// resize of its terminal makes it send a window change. The session must
// still quit on q, its slot freed for the next. (Before window changes were
// drained apart from the program, this wedged for good: the SSH library's
// request loop waited on the program, the connection's reader on the request
// loop, and the program's output on a flow-control window only that reader
// could reopen.)
func TestResizeFloodFromOpenSSHDoesNotWedgeTheSession(t *testing.T) {
	f := startServerWith(t, Options{MaxSessions: 1}, func(Session) tea.Model { return firehose{} })
	s := f.dashboard("listed")
	s.WaitFor(20*time.Second, "0000")
	fields := strings.Fields(s.Run("display-message", "-p", "-t", "wt", "#{pane_pid} #{pane_tty}"))
	pid, tty := fields[0], fields[1]
	flood := fmt.Sprintf(`for i in $(seq 1500); do stty -F %s cols $((80+i%%50)) rows 24; kill -WINCH %s; done`, tty, pid)
	start := time.Now()
	if out, err := exec.Command("sh", "-c", flood).CombinedOutput(); err != nil {
		t.Fatalf("the resize flood: %v\n%s", err, out)
	}
	t.Logf("1500 resizes sent in %s", time.Since(start).Round(10*time.Millisecond))
	s.Keys("q")
	s.WaitExit(20 * time.Second)
	f.waitLog(10*time.Second, `msg="ssh session end"`)
	f.waitSlotsFree(5 * time.Second)
	f.dashboard("listed").WaitFor(20*time.Second, "0000")
}

func TestChannelAndEnvFloodsAreBounded(t *testing.T) {
	f := startServer(t, Options{})
	c := f.goClient("listed")
	var open []gossh.Channel
	for i := range maxChannels + 1 {
		ch, _, err := c.OpenChannel("session", nil)
		if i < maxChannels && err != nil {
			t.Fatalf("channel %d: %v", i+1, err)
		}
		if i == maxChannels {
			if err == nil || !strings.Contains(err.Error(), "too many sessions") {
				t.Fatalf("channel %d past the limit: err %v", i+1, err)
			}
			break
		}
		open = append(open, ch)
	}
	env := struct{ Name, Value string }{"LC_FLOOD", strings.Repeat("x", 1000)}
	for i := range maxEnv + 10 {
		ok, err := open[0].SendRequest("env", true, gossh.Marshal(&env))
		if err != nil {
			t.Fatal(err)
		}
		if ok != (i < maxEnv) {
			t.Fatalf("env request %d answered %v", i+1, ok)
		}
	}
	huge := struct{ Name, Value string }{"LC_HUGE", strings.Repeat("x", maxEnvBytes)}
	if ok, err := open[1].SendRequest("env", true, gossh.Marshal(&huge)); ok || err != nil {
		t.Fatalf("an env request of %d bytes answered %v, %v", maxEnvBytes, ok, err)
	}
	open[0].Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, _, err := c.OpenChannel("session", nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a channel after one closed: %v", err)
		}
	}
}

// dialFrom opens a connection to the server from the loopback address from.
func (f *sshFixture) dialFrom(from string) net.Conn {
	f.t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", f.addr())
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { conn.Close() })
	return conn
}

// loginFrom logs in with the listed key from the loopback address from.
func (f *sshFixture) loginFrom(from string) error {
	c, _, _, err := gossh.NewClientConn(f.dialFrom(from), f.addr(), &gossh.ClientConfig{User: "oncall",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer("listed"))}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err == nil {
		c.Close()
	}
	return err
}

// One address holding connections open before login cannot keep others
// from logging in; many addresses together are bounded by maxStartups.
func TestConnectionsLoggingInFromOneAddressAreBounded(t *testing.T) {
	f := startServer(t, Options{})
	for range maxStartups + 3 {
		f.dialFrom("127.0.0.1")
	}
	f.waitLog(10*time.Second, "too many connections logging in from its address")
	if err := f.loginFrom("127.0.0.2"); err != nil {
		t.Fatalf("a login from another address while one holds %d connections: %v", maxStartups+3, err)
	}
}

func TestConnectionsLoggingInAreBounded(t *testing.T) {
	f := startServer(t, Options{})
	var idle []net.Conn
	for i := range maxStartups + 5 {
		idle = append(idle, f.dialFrom(fmt.Sprintf("127.0.0.%d", 2+i%8))) // 8 addresses, each under its own cap
	}
	f.waitLog(10*time.Second, `"ssh connection refused: too many connections logging in"`)
	for _, conn := range idle {
		conn.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := gossh.Dial("tcp", f.addr(), &gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer("listed"))},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no login once the idle connections closed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A session's environment is its client's: the terminal the client named
// and what it sent, never the server's own TMUX (which would pick the
// clipboard sequence for the wrong terminal).
func TestSessionEnvironmentIsTheClients(t *testing.T) {
	t.Setenv("TMUX", "/tmp/tmux-0/server,1,0")
	got := make(chan []string, 1)
	f := startServerWith(t, Options{}, func(s Session) tea.Model {
		got <- s.Environ
		return firehose{}
	})
	s, err := f.goClient("listed").NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Setenv("STY", "4242.pts-1.laptop"); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("screen-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	select {
	case env := <-got:
		joined := strings.Join(env, " ")
		if !strings.Contains(joined, "TERM=screen-256color") || !strings.Contains(joined, "STY=4242.pts-1.laptop") || strings.Contains(joined, "TMUX=") {
			t.Fatalf("the session's environment is %q, want the client's TERM and STY and not the server's TMUX", env)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no session")
	}
}

// Before login anyone may send a user name of hundreds of KB with each key
// offered, and every refusal is logged: the name is cut in the log, so the
// log grows with the attempts, not with what the client chose to send.
func TestHugeUserNamesAreCutInTheLog(t *testing.T) {
	f := startServer(t, Options{})
	user := strings.Repeat("\x1b]0;x\a", 40000) // 240 KB
	newKey(t, filepath.Join(f.dir, "unlisted"))
	_, err := gossh.Dial("tcp", f.addr(), &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer("unlisted"))},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err == nil {
		t.Fatal("an unlisted key logged in")
	}
	c, err := gossh.Dial("tcp", f.addr(), &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer("listed"))},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	f.waitLog(5*time.Second, "ssh key accepted")
	log := f.log.String()
	if len(log) > 4<<10 || !strings.Contains(log, "more bytes]") || strings.Contains(log, "\x1b") {
		t.Fatalf("the log has %d bytes for two logins:\n%.2000s", len(log), log)
	}
}

// A login while every slot is taken is refused with the reason as a banner:
// let in, the connection could never open a session, yet would hold its
// file descriptor and buffers until the grace time.
func TestLoginsPastMaxSessionsAreRefused(t *testing.T) {
	f := startServer(t, Options{MaxSessions: 1})
	f.goClient("listed") // holds the only slot, as ssh -N
	for i := range 50 {
		var banner string
		_, err := gossh.Dial("tcp", f.addr(), &gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{gossh.PublicKeys(f.signer("listed"))},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
			BannerCallback: func(m string) error { banner += m; return nil }})
		if err == nil || !strings.Contains(banner, "already has 1 sessions") {
			t.Fatalf("login %d past the limit: err %v, banner %q", i+1, err, banner)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		f.srv.mu.Lock()
		conns := len(f.srv.conns)
		f.srv.mu.Unlock()
		if conns == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open, want the one with the slot", conns)
		}
	}
}
