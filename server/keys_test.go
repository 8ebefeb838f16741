package server

import (
	"encoding/base64"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestFromPatternsMatchLikeOpenSSH(t *testing.T) {
	cases := []struct {
		list, addr string
		want       bool
	}{
		{"10.0.0.0/8", "127.0.0.1", false},
		{"10.0.0.0/8", "10.1.2.3", true},
		{"127.0.0.0/8,!127.0.0.1", "127.0.0.1", false},
		{"!127.0.0.1,127.0.0.0/8", "127.0.0.2", true},
		{"127.0.0.?", "127.0.0.1", true},
		{"127.0.0.?", "127.0.0.10", false},
		{"*", "::1", true},
		{"::1/128", "::1", true},
		{"*.example.com", "127.0.0.1", false}, // names are never looked up
		{"!10.0.0.1", "127.0.0.1", false},     // a negation alone allows nothing
	}
	for _, c := range cases {
		if got := fromAllows(c.list, netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("from=%q for %s: %v, want %v", c.list, c.addr, got, c.want)
		}
	}
	for pattern, want := range map[string]bool{"*": true, "": false, "2001:*": true, "*:6666": true, "*:?666": true,
		"2001:db8:*:5555:*": true, "*?": true, "2001:db8:1111:2222:3333:4444:5555:6666?": false, "*:7777": false,
		strings.Repeat("*?", 30) + "*x": false, // exponential for a recursive match: a hang, not a timing
	} {
		if got := globMatch(pattern, "2001:db8:1111:2222:3333:4444:5555:6666"); got != want {
			t.Errorf("pattern %q: %v, want %v", pattern, got, want)
		}
	}
	if got := fromAllows("127.0.0.0/8", netip.MustParseAddr("::ffff:127.0.0.1")); !got {
		t.Error("an IPv4-mapped address does not match its IPv4 prefix")
	}
	for list, names := range map[string]bool{"*.example.com,10.0.0.0/8": true, "!10.0.0.1,::1/128,127.0.0.?": false} {
		if namesHosts(list) != names {
			t.Errorf("from=%q names hosts: %v, want %v", list, !names, names)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "10.0.0.0/8,", "!"} {
		if checkFromPatterns(bad) == nil {
			t.Errorf("from=%q accepted", bad)
		}
	}
}

func TestExpiryTimeFormats(t *testing.T) {
	for in, want := range map[string]time.Time{
		"20300102Z":       time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC),
		"203001021504Z":   time.Date(2030, 1, 2, 15, 4, 0, 0, time.UTC),
		"20300102150405Z": time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC),
		"20300102":        time.Date(2030, 1, 2, 0, 0, 0, 0, time.Local),
	} {
		if got, err := parseExpiry(in); err != nil || !got.Equal(want) {
			t.Errorf("expiry-time=%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2030", "20301302", "tomorrow", ""} {
		if _, err := parseExpiry(bad); err == nil {
			t.Errorf("expiry-time=%q accepted", bad)
		}
	}
}

// Each key is fenced by its options in authorized_keys; the real OpenSSH
// client from 127.0.0.1 finds every fence where sshd would put it.
func TestSSHKeyOptionsAreHonoured(t *testing.T) {
	lines := map[string]string{
		"fenced":      `from="10.0.0.0/8"`,
		"negated":     `from="127.0.0.0/8,!127.0.0.1"`,
		"glob":        `from="127.0.0.?,10.0.0.0/8"`,
		"expired":     `expiry-time="20200101"`,
		"valid":       `expiry-time="29991231Z"`,
		"nopty":       `no-pty`,
		"restricted":  `restrict`,
		"restrictpty": `restrict,pty`,
		"command":     `command="/bin/date",no-pty`,
		"unknown":     `no-such-option`,
	}
	f := startServerKeys(t, Options{}, demoDashboard, func(dir string) string {
		var b strings.Builder
		for name, options := range lines {
			newKey(t, filepath.Join(dir, name))
			pub, err := os.ReadFile(filepath.Join(dir, name+".pub"))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(options + " " + string(pub))
		}
		return b.String()
	})
	for _, want := range []string{`msg="authorized key refused: it is limited to command=\"/bin/date\"`, `msg="authorized key refused: unknown option`} {
		if !strings.Contains(f.log.String(), want) {
			t.Fatalf("no startup warning %q:\n%s", want, f.log.String())
		}
	}
	cases := []struct{ key, ssh, log string }{
		{"fenced", "Permission denied", "not from an address its from= allows"},
		{"negated", "Permission denied", "not from an address its from= allows"},
		{"expired", "Permission denied", "expired (expiry-time in authorized keys)"},
		{"command", "Permission denied", "only the dashboard"},
		{"unknown", "Permission denied", `unknown option \"no-such-option\"`},
		{"glob", "needs a terminal", ""}, // logged in: refused for -T only
		{"valid", "needs a terminal", ""},
		{"nopty", "may not open a terminal", "ssh session refused: key forbids a terminal"},
		{"restricted", "may not open a terminal", "ssh session refused: key forbids a terminal"},
	}
	for _, c := range cases {
		args := []string{"-tt"}
		if c.ssh == "needs a terminal" {
			args = []string{"-T"}
		}
		if out := f.refused(c.key, args...); !strings.Contains(out, c.ssh) {
			t.Errorf("key %s (%s): ssh said %q, want %q", c.key, lines[c.key], out, c.ssh)
		}
		if !strings.Contains(f.log.String(), c.log) {
			t.Errorf("key %s: the log lacks %q", c.key, c.log)
		}
	}
	f.dashboard("restrictpty").WaitFor(20*time.Second, "Alarms")
}

func TestLooseFileModesRefuseToStart(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	hostKey := filepath.Join(dir, "host_key")
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test\n"
	if err := os.WriteFile(keys, []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{Listen: "127.0.0.1:0", AuthorizedKeysFile: keys, HostKeyFile: hostKey}
	srv, err := New(opts, demoDashboard) // creates the host key 0600
	if err != nil {
		t.Fatal(err)
	}
	srv.listener.Close()
	cases := []struct {
		file string
		mode os.FileMode
		want string // "" starts
	}{
		{hostKey, 0o644, "chmod 600 " + hostKey},
		{hostKey, 0o640, "chmod 600 " + hostKey},
		{hostKey, 0o400, ""},
		{keys, 0o666, "chmod go-w " + keys},
		{keys, 0o620, "chmod go-w " + keys},
		{keys, 0o644, ""}, // readable is fine: public keys are public
	}
	for _, c := range cases {
		if err := os.Chmod(c.file, c.mode); err != nil {
			t.Fatal(err)
		}
		srv, err := New(opts, demoDashboard)
		if srv != nil {
			srv.listener.Close()
		}
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s mode %04o: err %v, want one naming %q", filepath.Base(c.file), c.mode, err, c.want)
		}
		_ = os.Chmod(c.file, 0o600)
	}
}

func TestSecurityKeysNeedNoTouchRequired(t *testing.T) {
	wire := gossh.Marshal(struct {
		Type, Key, Application string
	}{"sk-ssh-ed25519@openssh.com", strings.Repeat("k", 32), "ssh:"})
	line := "sk-ssh-ed25519@openssh.com " + base64.StdEncoding.EncodeToString(wire) + " yubikey"
	for options, refused := range map[string]bool{"": true, "no-touch-required ": false} {
		key, _, opts, _, err := gossh.ParseAuthorizedKey([]byte(options + line))
		if err != nil {
			t.Fatal(err)
		}
		if k := parseKeyOptions(authorizedKey{key: key}, opts); (k.refused != "") != refused {
			t.Errorf("%q: refused %q, want refused %v", options+"sk-…", k.refused, refused)
		}
	}
}

// A key listed on several lines logs in by the first line that lets it in,
// as sshd reads them all; a line forcing a command that would let it in
// ends the search, as sshd would log in with that command.
func TestDuplicateKeyLinesAreReadInTurn(t *testing.T) {
	dir := t.TempDir()
	newKey(t, filepath.Join(dir, "k"))
	pub, err := os.ReadFile(filepath.Join(dir, "k.pub"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "authorized_keys")
	lines := []string{`from="10.0.0.0/8"`, `no-such-option`, `from="192.168.0.0/16",command="/bin/date"`, `from="127.0.0.1",no-pty`, `command="/bin/true"`}
	var text strings.Builder
	for _, options := range lines {
		text.WriteString(options + " " + strings.TrimSpace(string(pub)) + "\r\n")
	}
	if err := os.WriteFile(path, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := loadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	key := keys[0].key
	for addr, want := range map[string]struct {
		line int
		why  string
	}{
		"10.1.2.3":    {1, ""},
		"127.0.0.1":   {4, ""},
		"192.168.1.1": {3, "only the dashboard"},
		"172.16.0.1":  {5, "only the dashboard"},
	} {
		k, why := allowedLine(keys, key, &net.TCPAddr{IP: net.ParseIP(addr), Port: 22}, time.Now())
		if k.line != want.line || (why == "") != (want.why == "") || !strings.Contains(why, want.why) {
			t.Errorf("from %s: line %d %q, want line %d %q", addr, k.line, why, want.line, want.why)
		}
	}
}

// The file is parsed again only when it changed, yet a change is always
// seen: a rewrite of the same size within the modification time's clock
// tick too.
func TestAuthorizedKeysAreParsedAgainOnlyWhenChanged(t *testing.T) {
	dir := t.TempDir()
	var pubs, fps []string
	for _, name := range []string{"a", "b"} {
		fps = append(fps, newKey(t, filepath.Join(dir, name)))
		pub, err := os.ReadFile(filepath.Join(dir, name+".pub"))
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, strings.TrimSpace(string(pub)))
	}
	path := filepath.Join(dir, "authorized_keys")
	var cache keysCache
	write := func(i int, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(pubs[i]+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	load := func() []authorizedKey {
		t.Helper()
		keys, err := cache.load(path)
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	old := time.Now().Add(-time.Hour)
	write(0, old)
	if first := load(); gossh.FingerprintSHA256(first[0].key) != fps[0] || &first[0] != &load()[0] {
		t.Fatal("wrong key, or parsed again though unchanged")
	}
	write(1, old.Add(time.Second)) // a change moves the time
	if gossh.FingerprintSHA256(load()[0].key) != fps[1] {
		t.Fatal("a changed file was not parsed again")
	}
	now := time.Now()
	write(0, now)
	load()
	write(1, now) // same size, same time: the clock did not tick
	if gossh.FingerprintSHA256(load()[0].key) != fps[1] {
		t.Fatal("a file rewritten within its modification time's tick was not parsed again")
	}
}
