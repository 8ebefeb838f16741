package server

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// maxChannels bounds the session channels one connection may hold open at
// once (OpenSSH's MaxSessions): each costs buffers and goroutines even
// before it asks for the dashboard.
const maxChannels = 10

// maxEnv and maxEnvBytes bound the environment variables one session may
// set, in number and in bytes: the SSH library keeps them all (64 values of
// 200 KB on each of 10 channels of 4 connections took the server to 830 MB).
const maxEnv, maxEnvBytes = 64, 64 << 10

// maxStartups bounds the connections not yet logged in (OpenSSH's
// MaxStartups): past it new connections are dropped at once, so a flood of
// idle connections cannot use up the server's file descriptors.
const maxStartups = 64

// maxStartupsPerSource bounds the connections logging in from one address
// (see sourceOf), so that one client holding them open until the grace time
// cannot keep everyone else from logging in.
const maxStartupsPerSource = 16

// sessionChannel opens a session channel through the SSH library, within
// the connection's channel limit and with its env requests bounded.
func sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	c := connectionOf(ctx)
	if !c.openChannel() {
		_ = newChan.Reject(gossh.ResourceShortage, "too many sessions on one connection")
		return
	}
	defer c.closeChannel()
	ssh.DefaultSessionHandler(srv, conn, boundedChannel{newChan}, ctx)
}

func (c *connection) openChannel() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels >= maxChannels {
		return false
	}
	c.channels++
	return true
}

func (c *connection) closeChannel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.channels--
}

// boundedChannel refuses a session's env requests past maxEnv or maxEnvBytes.
type boundedChannel struct{ gossh.NewChannel }

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	passed := make(chan *gossh.Request)
	go func() {
		defer close(passed)
		env, envBytes := 0, 0
		for req := range reqs {
			if req.Type == "env" {
				env++
				if envBytes += len(req.Payload); env > maxEnv || envBytes > maxEnvBytes {
					_ = req.Reply(false, nil)
					continue
				}
			}
			passed <- req
		}
	}()
	return ch, passed, nil
}
