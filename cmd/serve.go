package cmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"watchtrail/feed"
	"watchtrail/notebook"
	"watchtrail/server"
	"watchtrail/ui"
)

// serveFlags are the dashboard's flags and the SSH server's.
type serveFlags struct {
	dashboardFlags
	opts server.Options
}

func newServeCmd(g *globals) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard over SSH: every session fed by one set of pollers",
		Long: `serve runs an SSH server whose sessions each get the dashboard. One set of
pollers feeds every session, so the AWS calls do not grow with the viewers;
each session keeps its own focus, filters and drill-downs.

Only public keys listed in --authorized-keys may log in; there is no shell,
command, forwarding or password login. SIGTERM or Ctrl-C closes every
session cleanly. Connections and refusals are logged to stderr and the log file.`,
		Example: `  watchtrail serve --demo
  ssh -p 2222 -t localhost

  watchtrail serve --listen 0.0.0.0:2222 --authorized-keys team_keys --kiosk`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, g) },
	}
	fs := cmd.Flags()
	f.dashboardFlags.addFlags(fs)
	fs.StringVar(&f.opts.Listen, "listen", "127.0.0.1:2222", "address to listen on")
	fs.StringVar(&f.opts.HostKeyFile, "host-key", "", "the server's host key, created 0600 on first run (default <config dir>/watchtrail/ssh_host_ed25519_key)")
	fs.StringVar(&f.opts.AuthorizedKeysFile, "authorized-keys", "", "public keys that may log in, OpenSSH format (default ~/.ssh/authorized_keys)")
	fs.IntVar(&f.opts.MaxSessions, "max-sessions", 16, "sessions at once (a logged-in connection without one, as ssh -N, counts too)")
	fs.DurationVar(&f.opts.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close a session after this long without a keystroke (0: never)")
	return cmd
}

func (f *serveFlags) run(cmd *cobra.Command, g *globals) error {
	cfg, err := f.uiConfig(cmd.Context(), g, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if cfg.LiveTail {
		// Late joiners are replayed polled batches; a stream has none to replay.
		fmt.Fprintln(cmd.ErrOrStderr(), "watchtrail: serve polls the log groups; --live-tail is ignored")
		cfg.LiveTail = false
	}
	if f.dryRun {
		return printCostEstimate(cmd, cfg)
	}
	logs := io.MultiWriter(cmd.ErrOrStderr(), g.sdkLog())
	f.opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	poller := feed.NewPoller(cfg.WithDefaults().Feed())
	hub := server.NewHub(hubFeeds(poller)...)
	f.opts.Hub = hub
	f.opts.FPS = ui.FrameRate
	f.opts.Output = ui.ScrollingOutput
	book := g.book("")
	book.NotebookShared = true
	if book.Notebook != nil {
		defer book.Notebook.Close()
		go followNotebook(book.Notebook, hub)
	} else {
		f.opts.Logger.Warn("serving without the incident notebook", "err", book.NotebookErr)
	}
	srv, err := server.New(f.opts, func(s server.Session) tea.Model {
		c := cfg
		c.Shared, c.OpenLinks, c.Environ = shared{hub, poller}, false, s.Environ
		c.Book, c.User = book, notebook.CleanWho(s.User)
		return ui.New(c)
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go hub.Run(ctx)
	return srv.Serve(ctx)
}

// followNotebook tells every session of the hub each change made to the
// notebook, by any of them or by another process, for as long as it is open.
func followNotebook(store *notebook.Store, hub *server.Hub) {
	changes, _ := store.Subscribe() // ends when the store closes
	for c := range changes {
		hub.Send(c)
	}
}

// shared is what sessions share: the hub's data and refresh, the poller's
// drill-downs.
type shared struct {
	*server.Hub
	*feed.Poller
}

// hubFeeds are the poller's feeds, for a hub to run.
func hubFeeds(p *feed.Poller) []server.Feed {
	var feeds []server.Feed
	for _, f := range feed.All {
		feeds = append(feeds, server.Feed{Name: string(f), Every: p.Every(), Replay: p.Replay(f), Failed: p.Failed,
			Fetch: func(context.Context) tea.Msg { return p.Fetch(f) }})
	}
	return feeds
}
