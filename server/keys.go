package server

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// authorizedKey is one line of an authorized_keys file with the options
// the server honours, as OpenSSH's sshd does.
type authorizedKey struct {
	key     gossh.PublicKey
	blob    string // key in the wire format, to compare offered keys with
	line    int
	from    string    // from= pattern list; "" allows any address
	expires time.Time // expiry-time=; zero never expires
	noPty   bool      // no-pty, or restrict without pty: no dashboard
	command bool      // command=: sshd would run only that
	// refused says why the key may never log in here (command=, a
	// certificate authority, an option this server cannot honour).
	refused string
}

// loadAuthorizedKeys parses an OpenSSH authorized_keys file. A line that is
// not a key is an error naming the line: skipping it could lock someone out
// without a word. A file others may write is refused, as sshd's StrictModes
// does: anyone who can write it can log in.
func loadAuthorizedKeys(path string) ([]authorizedKey, error) {
	return parsedKeys.load(path)
}

// parsedKeys keeps the last authorized_keys file parsed. The file is
// checked at every key offer, before login, so a client may make the server
// read it six times a connection: a file of 2,000 keys took 28 ms of CPU a
// connection (1.5 ms with a few keys). It is parsed again when it changed
// (another file, size or modification time), or when it was parsed less
// than a second after its modification time: that time is only as fine as
// the kernel's clock tick, so a write just after might not have moved it.
var parsedKeys keysCache

type keysCache struct {
	mu     sync.Mutex
	info   fs.FileInfo
	parsed time.Time // when info's file was read
	keys   []authorizedKey
}

func (c *keysCache) load(path string) ([]authorizedKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	if mode := info.Mode().Perm(); mode&0o022 != 0 {
		return nil, fmt.Errorf("authorized keys %s is writable by others (mode %04o), so anyone who can write it can log in: run chmod go-w %s", path, mode, path)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("authorized keys %s is not a regular file", path)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info != nil && os.SameFile(c.info, info) && c.info.Size() == info.Size() && c.info.ModTime().Equal(info.ModTime()) &&
		c.parsed.Sub(info.ModTime()) > time.Second {
		return c.keys, nil
	}
	parsed := time.Now()
	keys, err := parseAuthorizedKeys(path)
	if err != nil {
		return nil, err
	}
	c.info, c.parsed, c.keys = info, parsed, keys
	return keys, nil
}

func parseAuthorizedKeys(path string) ([]authorizedKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	var keys []authorizedKey
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s line %d: %w", path, n+1, err)
		}
		keys = append(keys, parseKeyOptions(authorizedKey{key: key, blob: string(key.Marshal()), line: n + 1}, options))
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no keys, nobody could log in", path)
	}
	return keys, nil
}

// parseKeyOptions applies options in order, as sshd does ("restrict,pty"
// allows a terminal again).
func parseKeyOptions(k authorizedKey, options []string) authorizedKey {
	refuse := func(why string) {
		if k.refused == "" {
			k.refused = why
		}
	}
	noTouch := false
	for _, opt := range options {
		name, value, _ := strings.Cut(opt, "=")
		value = unquoteOption(value)
		switch strings.ToLower(name) {
		case "restrict", "no-pty":
			k.noPty = true
		case "pty":
			k.noPty = false
		case "from":
			if err := checkFromPatterns(value); err != nil {
				refuse(err.Error())
			}
			k.from = value
		case "expiry-time":
			t, err := parseExpiry(value)
			if err != nil {
				refuse(err.Error())
			}
			k.expires = t
		case "command":
			k.command = true
			refuse(fmt.Sprintf("it is limited to command=%q, and this server runs only the dashboard", value))
		case "cert-authority":
			refuse("it is a certificate authority, and this server does not take certificates")
		case "verify-required":
			refuse("verify-required is not supported")
		case "no-touch-required":
			noTouch = true
		case "no-agent-forwarding", "no-port-forwarding", "no-x11-forwarding", "no-user-rc",
			"agent-forwarding", "port-forwarding", "x11-forwarding", "user-rc",
			"environment", "permitopen", "permitlisten", "tunnel", "principals":
			// nothing to do: this server forwards nothing, runs no rc file
			// and passes no environment to a program
		default:
			refuse(fmt.Sprintf("unknown option %q", name))
		}
	}
	if strings.HasPrefix(k.key.Type(), "sk-") && !noTouch {
		// sshd requires the key's touch by default; the SSH library
		// does not tell whether the signature was touched.
		refuse("it is a security key, and this server cannot check that it was touched: add no-touch-required to accept it untouched")
	}
	return k
}

func unquoteOption(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`)
	}
	return v
}

// checkFromPatterns refuses a from= list sshd would reject: an empty
// pattern or a malformed address/prefix.
func checkFromPatterns(list string) error {
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimPrefix(p, "!")
		if p == "" {
			return fmt.Errorf("from=%q has an empty pattern", list)
		}
		if strings.Contains(p, "/") {
			if _, err := netip.ParsePrefix(p); err != nil {
				return fmt.Errorf("from=%q: %q is not an address prefix", list, p)
			}
		}
	}
	return nil
}

// fromAllows reports whether addr matches the from= list: a negated match
// ("!pattern") refuses, else any match allows. Patterns are CIDR prefixes or
// globs (* and ?) matched against the address; host names are never looked
// up, as with sshd's default UseDNS no.
func fromAllows(list string, addr netip.Addr) bool {
	addr = addr.Unmap()
	allowed := false
	for _, p := range strings.Split(list, ",") {
		pattern, negated := strings.CutPrefix(p, "!")
		if !matchAddress(pattern, addr) {
			continue
		}
		if negated {
			return false
		}
		allowed = true
	}
	return allowed
}

// namesHosts reports whether a from= list has a host name pattern, which
// never matches here: names are not looked up.
func namesHosts(list string) bool {
	return strings.ContainsFunc(list, func(r rune) bool {
		return !strings.ContainsRune("0123456789abcdefABCDEF.:*?/!,", r)
	})
}

func matchAddress(pattern string, addr netip.Addr) bool {
	if strings.Contains(pattern, "/") {
		prefix, err := netip.ParsePrefix(pattern)
		return err == nil && prefix.Contains(addr)
	}
	return globMatch(strings.ToLower(pattern), strings.ToLower(addr.String()))
}

// globMatch matches OpenSSH patterns: * any run, ? any one character. It
// goes back only to the last *, so it takes time linear in len(pattern) ×
// len(s): a recursive match took 12 s for from="*?*?*?*?*?*?*?*?*?*?*x"
// against an IPv6 address, at every offer of the key.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, resume := -1, 0 // the last * seen, and where in s its run ends
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, resume = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			resume++
			p, i = star+1, resume
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// parseExpiry reads sshd's expiry-time: YYYYMMDD[HHMM[SS]], local time
// unless it ends in Z.
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	if s, utc := strings.CutSuffix(v, "Z"); utc {
		v, loc = s, time.UTC
	}
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("expiry-time=%q is not YYYYMMDD[HHMM[SS]][Z]", v)
}

// checkHostKeyMode refuses a host key others may read: whoever reads it
// can pose as this server. A missing key is created 0600 later.
func checkHostKeyMode(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("host key: %w", err)
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Errorf("host key %s is readable by others (mode %04o), so anyone on this machine could pose as this server: run chmod 600 %s", path, mode, path)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("host key %s is not a regular file", path)
	}
	return nil
}
