package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/text"
)

// logsFlags are the flags of `watchtrail logs`, the shell's log tailer.
type logsFlags struct {
	rangeFlags
	format   string
	filter   string
	follow   bool
	liveTail bool
	prefixes []string
	tz       zoneValue
}

func newLogsCmd(g *globals) *cobra.Command {
	f := &logsFlags{}
	cmd := &cobra.Command{
		Use:   "logs GROUP...",
		Short: "Print (and follow) the events of CloudWatch Logs groups, oldest first",
		Long: `Print the events of one or more CloudWatch Logs groups in [--since, --until),
oldest first, each once, several groups merged in time order. A long range
is read in time slices at once, within the FilterLogEvents quota, and printed
as soon as the earliest slices are in.

--follow goes on printing new events until Ctrl-C (polling up to 4 times a
second, or streaming with CloudWatch Logs Live Tail when --live-tail is
given and available). Lines are "time group stream message", with control
characters and escape sequences made harmless; --format json prints one
object a line for jq.`,
		Example: `  # the last 10 minutes of a function's logs, then follow
  watchtrail logs /aws/lambda/checkout-api --follow

  # errors of every ECS service's group over the last day
  watchtrail logs --group-pattern /ecs/ --since 1d --filter ERROR

  # two groups between two times, as JSON lines
  watchtrail logs /ecs/web /ecs/api --since 2025-03-01T12:00:00Z --until 2025-03-01T13:00:00Z --format json | jq .message`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(cmd, g, args) },
	}
	fs := cmd.Flags()
	f.rangeFlags.addFlags(fs, "10m")
	f.format = "text"
	fs.Var(checkedString{&f.format, "format", choice("text", "json")}, "format", "output: text, json")
	fs.Var(checkedString{&f.filter, "pattern", checkFilter}, "filter", "CloudWatch Logs filter pattern, e.g. ERROR or '{ $.status = 500 }'")
	markCmdLineOnly(fs, "filter") // the config file's filter is the dashboard's
	fs.BoolVarP(&f.follow, "follow", "f", false, "keep printing new events until interrupted")
	fs.BoolVar(&f.liveTail, "live-tail", false, "--follow streams with CloudWatch Logs Live Tail (billed per minute); polls if unavailable")
	fs.Var(newList(&f.prefixes, "prefix", parseLogGroup), "group-pattern", "also every log group whose name starts with this (repeatable)")
	f.tz = zoneValue{name: "local", loc: time.Local}
	fs.Var(&f.tz, "tz", "time zone of the times printed: local, UTC or an Area/City name")
	return cmd
}

func (f *logsFlags) run(cmd *cobra.Command, g *globals, args []string) error {
	groups := make([]string, 0, len(args))
	for _, a := range args {
		name, err := parseLogGroup(a)
		if err != nil {
			return err
		}
		groups = append(groups, name)
	}
	if len(groups) == 0 && len(f.prefixes) == 0 {
		return errors.New("logs: name at least one log group, or --group-pattern PREFIX")
	}
	if f.follow && f.until != "" {
		return errors.New("--follow goes on from now: leave out --until")
	}
	s, stop, err := g.begin(cmd, &f.rangeFlags)
	if err != nil {
		return err
	}
	defer stop()
	if groups, err = f.withPrefixes(s, groups); err != nil {
		return err
	}
	groups = once(groups)
	out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
	defer out.Flush()
	p := logPrinter{w: out, loc: f.tz.loc, json: f.format == "json"}
	if f.follow {
		p.keepAfter = s.end.Add(-time.Minute)
	}
	b := feed.Backfill{Groups: groups, Pattern: f.filter, Start: s.start, End: s.end}
	err = b.Run(s.ctx, s.src, p.print)
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted: printed the %d events read so far", p.printed)
	case err != nil:
		return err
	case !f.follow:
		return nil
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if err := f.followOn(cmd, s, groups, &p); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil // Ctrl-C is how --follow ends
}

// withPrefixes adds the groups --group-pattern names, each group once.
func (f *logsFlags) withPrefixes(s *session, groups []string) ([]string, error) {
	if len(f.prefixes) == 0 {
		return groups, nil
	}
	lister, ok := s.src.(sources.LogQuerier)
	if !ok {
		return nil, fmt.Errorf("--group-pattern: %s cannot list log groups", s.src.Describe())
	}
	for _, prefix := range f.prefixes {
		found, err := lister.ListLogGroups(s.ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("--group-pattern %s: listing the log groups: %w", prefix, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("--group-pattern %s: no log group's name starts with it", prefix)
		}
		groups = append(groups, found...)
	}
	return groups, nil
}

// once is names without repeats, in the order given.
func once(names []string) []string {
	seen := make(map[string]bool, len(names))
	return slices.DeleteFunc(names, func(n string) bool {
		dup := seen[n]
		seen[n] = true
		return dup
	})
}

// followOn prints new events until ctx ends: streamed with Live Tail when
// asked for and available, else polled.
func (f *logsFlags) followOn(cmd *cobra.Command, s *session, groups []string, p *logPrinter) error {
	if streamer, ok := s.src.(sources.LogStreamer); ok && f.liveTail {
		events, errs, err := streamer.StreamLogs(s.ctx, groups, f.filter)
		if err == nil {
			for batch := range events {
				if err := p.print(batch); err != nil {
					return err
				}
			}
			select {
			case err := <-errs:
				return err
			default:
				return s.ctx.Err()
			}
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "watchtrail: live tail unavailable (%s); polling instead\n", sources.Summary(err))
	}
	tail := feed.NewLogTail(f.filter)
	tail.ResumeAt(s.end, p.recent)
	p.recent = nil
	reported := ""
	for {
		b := tail.Next(s.ctx, s.src, groups, time.Now())
		if s.ctx.Err() != nil {
			return s.ctx.Err()
		}
		if err := p.print(b.Events); err != nil {
			return err
		}
		if problems := describeProblems(b.Problems); problems != reported {
			reported = problems
			fmt.Fprint(cmd.ErrOrStderr(), problems)
		}
		wait := time.Until(tail.Due())
		if b.Again {
			wait = 0
		}
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-time.After(max(wait, 10*time.Millisecond)):
		}
	}
}

// describeProblems is a line per failing group, for stderr.
func describeProblems(problems []sources.GroupProblem) string {
	text := ""
	for _, pr := range problems {
		text += fmt.Sprintf("watchtrail: %s: %s (retrying at %s)\n", pr.Group, sources.Summary(pr.Err), pr.RetryAt.Format(time.TimeOnly))
	}
	return text
}

// logPrinter writes events as lines of text or JSON, flushing after each
// batch, and keeps what the follow-on needs of the backfill's last minute.
type logPrinter struct {
	w         *bufio.Writer
	loc       *time.Location
	json      bool
	printed   int
	keepAfter time.Time          // zero: keep nothing
	recent    []sources.LogEvent // the IDs of the events printed from keepAfter on
}

const logTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func (p *logPrinter) print(events []sources.LogEvent) error {
	for _, e := range events {
		if p.json {
			enc := json.NewEncoder(p.w)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(struct { // only strings and a number: it cannot fail
				Time      string `json:"time"`
				Timestamp int64  `json:"timestamp"`
				Group     string `json:"group"`
				Stream    string `json:"stream"`
				ID        string `json:"id,omitempty"`
				Message   string `json:"message"`
			}{e.Time.In(p.loc).Format(logTimeLayout), e.Time.UnixMilli(), e.Group, e.Stream, e.ID, e.Message})
		} else {
			fmt.Fprintf(p.w, "%s %s %s %s\n", e.Time.In(p.loc).Format(logTimeLayout), text.Sanitize(e.Group), e.Stream, e.Message)
		}
		if !p.keepAfter.IsZero() && !e.Time.Before(p.keepAfter) {
			kept := sources.LogEvent{ID: e.ID, Group: e.Group, Stream: e.Stream, Time: e.Time}
			if e.ID == "" { // then the event itself identifies it
				kept.Message = e.Message
			}
			p.recent = append(p.recent, kept)
		}
	}
	p.printed += len(events)
	return p.w.Flush()
}
