// Package motoserver runs a moto server (https://github.com/getmoto/moto), a
// local AWS emulator, for integration tests.
//
// Without moto the tests skip with a loud banner, except under CI=true where
// they fail: integration tests must never silently vanish from CI.
package motoserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

const banner = `
################################################################################
#  MOTO NOT INSTALLED — SKIPPING INTEGRATION TESTS                             #
#  install with: python3 -m pip install 'moto[server]'                         #
################################################################################
`

// Start runs a moto server for t alone and returns its endpoint URL; the
// server's process group is killed when t finishes.
func Start(t testing.TB) string {
	t.Helper()
	srv, err := start()
	if err != nil {
		fail(t, err)
	}
	t.Cleanup(srv.stop)
	return srv.endpoint
}

var shared struct {
	once sync.Once
	srv  *server
	err  error
}

// Shared returns the endpoint of one moto server shared by every test of the
// test binary, started on first use. Tests sharing it must use unique
// resource names. Call Stop from TestMain after m.Run to end it.
func Shared(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = start() })
	if shared.err != nil {
		fail(t, shared.err)
	}
	return shared.srv.endpoint
}

// Stop ends the shared server, if it was started.
func Stop() {
	if shared.srv != nil {
		shared.srv.stop()
	}
}

var bannerOnce sync.Once

// errMissing means moto is not installed, as opposed to failing to start.
var errMissing = fmt.Errorf("moto is not installed")

func fail(t testing.TB, err error) {
	t.Helper()
	if err != errMissing {
		t.Fatalf("moto: %v", err)
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("moto_server is required in CI: install with python3 -m pip install 'moto[server]'")
	}
	bannerOnce.Do(func() { fmt.Fprint(os.Stderr, banner) })
	t.Skip("moto not installed")
}

type server struct {
	endpoint string
	cmd      *exec.Cmd
	exited   chan struct{}
}

// command finds moto_server, or the moto module of python3.
func command(host, port string) (*exec.Cmd, error) {
	if path, err := exec.LookPath("moto_server"); err == nil {
		return exec.Command(path, "-H", host, "-p", port), nil
	}
	if exec.Command("python3", "-c", "import moto.server").Run() == nil {
		return exec.Command("python3", "-m", "moto.server", "-H", host, "-p", port), nil
	}
	return nil, errMissing
}

// start runs moto on a port found free. moto cannot be handed a listening
// socket, so the port may be taken (by any connection's ephemeral port) before
// moto binds it, a second later: moto then exits at once, and another port is
// tried.
func start() (*server, error) {
	var err error
	for range 3 {
		var srv *server
		if srv, err = startOnce(); !errors.Is(err, errExitedEarly) {
			return srv, err
		}
	}
	return nil, err
}

var errExitedEarly = errors.New("exited early")

func startOnce() (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd, err := command("127.0.0.1", port)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// moto's own boto clients (Lambda, SQS) look for credentials too: never on
	// the instance metadata address.
	cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true")
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	srv := &server{endpoint: "http://127.0.0.1:" + port, cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(srv.exited) }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-srv.exited:
			return nil, fmt.Errorf("%s %w: %s", cmd.Path, errExitedEarly, out.String())
		default:
		}
		if resp, err := client.Get(srv.endpoint + "/moto-api/"); err == nil {
			resp.Body.Close()
			return srv, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.stop()
	return nil, fmt.Errorf("%s did not answer on %s within 30s: %s", cmd.Path, srv.endpoint, out.String())
}

func (s *server) stop() {
	killGroup(s.cmd)
	<-s.exited
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}
