package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"watchtrail/filter"
	"watchtrail/sources"
)

// Helpers shared by the subcommands that print to the terminal (trail,
// query, triage) rather than draw the dashboard.

// cmdLineOnly marks a flag the config file does not set: its name means
// something else as a key (trail's --filter is not the dashboard's).
const cmdLineOnly = "watchtrail/command-line-only"

func markCmdLineOnly(fs *pflag.FlagSet, name string) {
	_ = fs.SetAnnotation(name, cmdLineOnly, []string{"true"}) // the flag exists: defined just before
}

// interruptible is ctx ended by Ctrl-C (SIGINT), so a command can stop its
// work and print what it has.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}

// session is what a printing command works with: the source, the range of
// --since and --until, and a context that Ctrl-C ends.
type session struct {
	ctx        context.Context
	src        sources.Source
	start, end time.Time
}

// begin reads the range and opens the source; stop releases Ctrl-C.
func (g *globals) begin(cmd *cobra.Command, r *rangeFlags) (_ *session, stop func(), err error) {
	start, end, err := r.window(time.Now())
	if err != nil {
		return nil, nil, err
	}
	ctx, stop := interruptible(cmd.Context())
	src, err := g.openSource(ctx, cmd.ErrOrStderr())
	if err != nil {
		stop()
		return nil, nil, err
	}
	return &session{ctx: ctx, src: src, start: start, end: end}, stop, nil
}

// rangeFlags are --since and --until.
type rangeFlags struct{ since, until string }

func (r *rangeFlags) addFlags(fs *pflag.FlagSet, since string) {
	fs.StringVar(&r.since, "since", since, "how far back: a duration (90m, 36h, 3d, 2w) or a date/time (2025-03-01, 2025-03-01T12:00:00Z)")
	fs.StringVar(&r.until, "until", "", "where the range ends, in the same forms (default now)")
}

// window is the range the flags give (an empty until is now).
func (r *rangeFlags) window(now time.Time) (start, end time.Time, err error) {
	return filter.ParseWindow(r.since, r.until, now)
}

// outputFlags are --format and --progress.
type outputFlags struct {
	format   string
	progress bool
}

func (o *outputFlags) addFlags(fs *pflag.FlagSet, formats ...string) {
	o.format = formats[0]
	fs.Var(checkedString{&o.format, "format", choice(formats...)}, "format", "output: "+strings.Join(formats, ", "))
	fs.BoolVar(&o.progress, "progress", false, "report progress on stderr even when it is not a terminal")
}

// progressLine reports progress on stderr: rewritten in place on a
// terminal, a line per report when asked for with --progress elsewhere,
// nothing otherwise (a script's stderr stays for errors).
type progressLine struct {
	w        io.Writer
	terminal bool
	shown    bool
}

func newProgress(cmd *cobra.Command, forced bool) *progressLine {
	w := cmd.ErrOrStderr()
	f, ok := w.(*os.File)
	terminal := ok && term.IsTerminal(f.Fd())
	if !terminal && !forced {
		w = nil
	}
	return &progressLine{w: w, terminal: terminal}
}

func (p *progressLine) show(format string, args ...any) {
	if p.w == nil {
		return
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K"+format, args...)
	} else {
		fmt.Fprintf(p.w, format+"\n", args...)
	}
	p.shown = true
}

// done ends the line on a terminal, so what follows starts on its own.
func (p *progressLine) done() {
	if p.shown && p.terminal {
		fmt.Fprintln(p.w)
	}
}

// choice is the check of a flag that takes one of a few words.
func choice(allowed ...string) func(string) error {
	return func(s string) error {
		if !slices.Contains(allowed, s) {
			return fmt.Errorf("%q: want one of %s", s, strings.Join(allowed, ", "))
		}
		return nil
	}
}
