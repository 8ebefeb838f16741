package server

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// loadAuthorizedKeys parses an OpenSSH authorized_keys file. A line that is
// not a key is an error naming the line: skipping it could lock someone out
// without a word.
func loadAuthorizedKeys(path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	var keys []gossh.PublicKey
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s line %d: %w", path, n+1, err)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no keys, nobody could log in", path)
	}
	return keys, nil
}

// authorize accepts a key listed in the authorized keys file, read again at
// every attempt so keys can be added or revoked without a restart.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	attrs := []any{"user", ctx.User(), "key", gossh.FingerprintSHA256(key), "remote", ctx.RemoteAddr().String()}
	keys, err := loadAuthorizedKeys(s.opts.AuthorizedKeysFile)
	if err != nil {
		s.log.Error("ssh key refused: cannot read authorized keys", append(attrs, "err", err)...)
		return false
	}
	for _, k := range keys {
		if ssh.KeysEqual(k, key) {
			s.log.Info("ssh key accepted", attrs...)
			if timer, ok := ctx.Value(loginTimerKey{}).(*time.Timer); ok {
				timer.Stop()
			}
			return true
		}
	}
	s.log.Warn("ssh key refused: not in authorized keys", attrs...)
	return false
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
	level("ssh auth refused", "user", conn.User(), "method", method, "remote", conn.RemoteAddr().String())
}
