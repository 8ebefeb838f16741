package cmd

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"watchtrail/internal/syncbuf"
	"watchtrail/internal/tmuxtest"
)

// servedDemo runs `watchtrail serve --demo` with args on a loopback port
// the server picks itself (a port found free beforehand may be taken by the
// time the server binds it), a key "listed" in its authorized keys and a key "stranger" not, and
// returns the ssh command for a key, the server's log and its process.
func servedDemo(t *testing.T, args ...string) (ssh func(key string) string, log *syncbuf.Buffer, srv *exec.Cmd) {
	tmuxtest.Require(t, "ssh", "ssh-keygen", "tmux")
	dir := t.TempDir()
	for _, key := range []string{"listed", "stranger"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, key)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, "listed.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	srv = exec.Command(bin, append([]string{"serve", "--demo", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "host_key"),
		"--authorized-keys", filepath.Join(dir, "authorized_keys"), "--log-file", filepath.Join(dir, "watchtrail.log")}, args...)...)
	srv.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}
	log = &syncbuf.Buffer{}
	srv.Stdout, srv.Stderr = log, log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	listening := regexp.MustCompile(`msg="ssh server listening" addr=(\S+)`)
	var port string
	for deadline := time.Now().Add(20 * time.Second); port == ""; time.Sleep(50 * time.Millisecond) {
		if m := listening.FindStringSubmatch(log.String()); m != nil {
			_, port, _ = net.SplitHostPort(m[1])
		} else if time.Now().After(deadline) {
			t.Fatalf("the server did not start:\n%s", log)
		}
	}
	ssh = func(key string) string {
		return strings.Join([]string{"env -i HOME=" + dir, "PATH=/usr/bin:/bin", "TERM=xterm-256color",
			"ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes",
			"-o BatchMode=yes -o LogLevel=ERROR -t -i", filepath.Join(dir, key), "-p", port, "oncall@127.0.0.1"}, " ")
	}
	return ssh, log, srv
}

func TestEndToEndServeOverSSH(t *testing.T) {
	ssh, log, srv := servedDemo(t, "--demo-incident-after=2s", "--refresh=1s")
	a := tmuxtest.Start(t, 120, 36, ssh("listed"))
	b := tmuxtest.Start(t, 120, 36, ssh("listed"))
	a.WaitFor(30*time.Second, "DEMO", "Alarms", "CloudTrail", "firing", "refresh 1s")
	b.WaitFor(30*time.Second, "DEMO", "Alarms", "CloudTrail", "firing")
	// y reaches the clipboard of the terminal the client runs in: here
	// tmux, which takes OSC 52 into its paste buffer.
	a.Run("set-option", "-g", "set-clipboard", "on")
	a.Keys("y")
	screen := a.WaitFor(5*time.Second, "copied")
	var copied string
	for deadline := time.Now().Add(5 * time.Second); copied == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out, err := exec.Command("tmux", "-L", a.Socket(), "show-buffer").Output(); err == nil {
			copied = string(out)
		}
	}
	if len(copied) < 8 || !strings.Contains(screen, copied[:8]) {
		t.Fatalf("y over SSH put %q on the clipboard, want the selected alarm:\n%s", copied, screen)
	}
	a.Keys("Enter")
	a.WaitFor(15*time.Second, "Drill-down")
	if screen := b.Screen(); strings.Contains(screen, "Drill-down") {
		t.Fatalf("one session's drill-down showed in the other:\n%s", screen)
	}
	b.Keys("t")
	b.WaitFor(5*time.Second, "times in local time")
	stranger := strings.Fields(ssh("stranger"))
	if out, err := exec.Command(stranger[0], stranger[1:]...).CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Fatalf("an unlisted key: %v\n%s", err, out)
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if last := a.WaitExit(15 * time.Second); !strings.Contains(last, "the server is shutting down") {
		t.Fatalf("after SIGTERM the client saw:\n%s", last)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, log)
	}
	for _, want := range []string{"ssh session start", "user=oncall", "key=SHA256:", "ssh key refused", "ssh server stopped"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the server's log lacks %q:\n%s", want, log)
		}
	}
}

func TestEndToEndKioskRotatesInAServedSession(t *testing.T) {
	// The demo's incident began three minutes ago: two alarms and the composite over them fire.
	ssh, _, _ := servedDemo(t, "--demo-incident-after=-3m", "--refresh=1s", "--kiosk", "--rotate=2s")
	s := tmuxtest.Start(t, 120, 36, ssh("listed"))
	first := drilled(t, s.WaitFor(30*time.Second, "3   F I R I N G", "Drill-down · "))
	var second string
	for deadline := time.Now().Add(20 * time.Second); second == "" || second == first; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the kiosk stayed on %s:\n%s", first, s.Screen())
		}
		second = drilled(t, s.Screen())
	}
	s.Keys("x")
	screen := s.WaitFor(10*time.Second, "firing", "esc back")
	if strings.Contains(screen, "F I R I N G") {
		t.Fatalf("a key did not leave kiosk mode:\n%s", screen)
	}
	t.Logf("kiosk rotated from %s to %s", first, second)
}

// drilled is the alarm whose drill-down the screen shows, "" for none.
func drilled(t *testing.T, screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if _, after, ok := strings.Cut(line, "Drill-down · "); ok {
			return strings.Fields(after)[0]
		}
	}
	return ""
}
