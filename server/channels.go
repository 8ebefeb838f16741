package server

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// maxChannels bounds the session channels one connection may hold open at
// once (OpenSSH's MaxSessions): each costs buffers and goroutines even
// before it asks for the dashboard.
const maxChannels = 10

// maxEnv bounds the environment variables one session may set: the SSH
// library keeps them all.
const maxEnv = 64

// maxStartups bounds the connections not yet logged in (OpenSSH's
// MaxStartups): past it new connections are dropped at once, so a flood of
// idle connections cannot use up the server's file descriptors.
const maxStartups = 64

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

// boundedChannel refuses a session's env requests past maxEnv.
type boundedChannel struct{ gossh.NewChannel }

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	passed := make(chan *gossh.Request)
	go func() {
		defer close(passed)
		env := 0
		for req := range reqs {
			if req.Type == "env" {
				if env++; env > maxEnv {
					_ = req.Reply(false, nil)
					continue
				}
			}
			passed <- req
		}
	}()
	return ch, passed, nil
}
