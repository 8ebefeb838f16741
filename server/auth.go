package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// authorize answers a client offering key: allowed when the key is listed
// and its options let it in from here now. The file is read again at every
// offer, so keys can be added or revoked without a restart. An offer proves
// nothing (public keys are public): the login timer runs on until the client
// signs, see verified.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	attrs := []any{"user", clientText(ctx.User()), "key", fp, "remote", ctx.RemoteAddr().String()}
	keys, err := loadAuthorizedKeys(s.opts.AuthorizedKeysFile)
	if err != nil {
		s.log.Error("ssh key refused: cannot read authorized keys", append(attrs, "err", err)...)
		return false
	}
	k, why := allowedLine(keys, key, ctx.RemoteAddr(), time.Now())
	switch {
	case why != "":
		s.log.Warn("ssh key refused: "+why, append(attrs, "line", k.line)...)
		return false
	case k.key == nil:
		s.log.Warn("ssh key refused: not in authorized keys", attrs...)
		return false
	}
	if c := connectionOf(ctx); c != nil {
		c.mu.Lock()
		c.offered[fp] = k
		c.mu.Unlock()
	}
	s.log.Debug("ssh key offered", attrs...)
	return true
}

// allowedLine is the first line listing key whose options let it in from
// addr at now, as sshd reads every line (a key listed twice, fenced to two
// networks, logs in from either). When lines list it but none allows it,
// it is the first such line and why it refuses; when none lists it, the zero
// line.
func allowedLine(keys []authorizedKey, key ssh.PublicKey, addr net.Addr, now time.Time) (first authorizedKey, why string) {
	offered := string(key.Marshal())
	for _, k := range keys {
		if k.blob != offered {
			continue
		}
		refusal := k.refusal(addr, now)
		if refusal == "" {
			return k, ""
		}
		if k.command && refusal == k.refused {
			return k, refusal // sshd logs in with this line, forcing its command
		}
		if why == "" {
			first, why = k, refusal
		}
	}
	return first, why
}

// refusal says why the key may not log in from addr at now, or "".
func (k authorizedKey) refusal(addr net.Addr, now time.Time) string {
	switch {
	case !k.expires.IsZero() && now.After(k.expires):
		return "expired (expiry-time in authorized keys)"
	case k.from != "":
		tcp, ok := addr.(*net.TCPAddr)
		if !ok || !fromAllows(k.from, tcp.AddrPort().Addr()) {
			return "not from an address its from= allows"
		}
	}
	return k.refused
}

// verified is called once the client signed with an allowed key: only now
// is it logged in, and the login timer stops.
// When every slot is taken the login is refused here, with the reason as a
// banner the client prints: a connection let in without a slot could never
// open a session, yet would hold a file descriptor and its buffers (1,000 of
// them: 948 fds and +135 MB).
func (c *connection) verified(conn gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
	attrs := []any{"user", clientText(conn.User()), "key", gossh.FingerprintSHA256(key), "remote", c.remote}
	if !c.logIn() {
		c.server.log.Warn("ssh login refused: too many sessions", append(attrs, "max", c.server.opts.MaxSessions)...)
		return nil, &gossh.BannerError{Err: errors.New("too many sessions"),
			Message: fmt.Sprintf("watchtrail: the server already has %d sessions (its limit)\r\n", c.server.opts.MaxSessions)}
	}
	c.server.log.Info("ssh key accepted", attrs...)
	return perms, nil
}

// keyOptions are the authorized_keys options of the key the session logged
// in with.
func (c *connection) keyOptions(key ssh.PublicKey) authorizedKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.offered[fingerprint(key)]; ok {
		return k
	}
	return authorizedKey{noPty: true} // unknown: allow nothing
}

// logAuth records the attempts no handler sees: every method but public
// key is refused by the SSH library itself.
func (s *Server) logAuth(conn gossh.ConnMetadata, method string, err error) {
	if err == nil || method == "publickey" {
		return
	}
	level := s.log.Warn
	if method == "none" { // every client asks first which methods exist
		level = s.log.Debug
	}
	level("ssh auth refused", "user", clientText(conn.User()), "method", method, "remote", conn.RemoteAddr().String())
}
