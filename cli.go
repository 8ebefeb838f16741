package main

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

// timeRange reads --since and --until (an empty until is now).
func timeRange(since, until string, now time.Time) (start, end time.Time, err error) {
	if start, err = sources.ParseSince(since, now); err != nil {
		return start, end, fmt.Errorf("--since: %w", err)
	}
	end = now
	if until != "" {
		if end, err = sources.ParseSince(until, now); err != nil {
			return start, end, fmt.Errorf("--until: %w", err)
		}
	}
	if !start.Before(end) {
		return start, end, fmt.Errorf("--since %s is not before --until %s", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	}
	return start, end, nil
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
