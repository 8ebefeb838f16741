package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/feed"
	"watchtrail/filter"
	"watchtrail/sources"
)

// trailFlags are the flags of `watchtrail trail`, the history search.
type trailFlags struct {
	rangeFlags
	outputFlags
	user, name string
	filter     string
	limit      int
	strict     bool
}

func newTrailCmd(g *globals) *cobra.Command {
	f := &trailFlags{}
	cmd := &cobra.Command{
		Use:   "trail",
		Short: "Search CloudTrail's event history and print the events",
		Long: `Search CloudTrail's event history (LookupEvents keeps 90 days; or the
trail's S3 bucket with --trail-bucket, or its CloudWatch Logs group with
--trail-log-group) and print the matching events, oldest first.

--filter takes the trail pane's query syntax, terms ANDed:
  user:NAME name:PATTERN src:SERVICE res:RESOURCE type:TYPE ip:ADDR|CIDR
  key:ACCESSKEY kind:management|data|insight  -ro (writes)  ro (reads)
  err (refused or failed calls)  WORD (anywhere in the event)
Patterns take * and ?. --user and --name add user: and name: terms.

Progress goes to stderr when it is a terminal (or with --progress); Ctrl-C
stops the search and prints what was found.`,
		Example: `  # what alice did in the last three days
  watchtrail trail --since 3d --user alice

  # failed deletes of the last week, as JSON lines
  watchtrail trail --since 1w --name 'Delete*' --filter 'err' --format json

  # writes to EC2 from outside the office network, between two dates
  watchtrail trail --since 2025-03-01 --until 2025-03-03 --filter '-ro src:ec2'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, g) },
	}
	fs := cmd.Flags()
	f.rangeFlags.addFlags(fs, "1d")
	f.outputFlags.addFlags(fs, "text", "json")
	fs.StringVar(&f.user, "user", "", "only calls by this user, session or principal ARN (* and ? patterns)")
	fs.StringVar(&f.name, "name", "", "only these event names, e.g. 'Delete*'")
	fs.StringVar(&f.filter, "filter", "", "filter in the trail query syntax, e.g. 'user:alice name:Delete* -ro err'")
	markCmdLineOnly(fs, "filter") // in the config file, filter is the dashboard's log pattern
	fs.IntVar(&f.limit, "limit", 1000, "at most this many events, the newest")
	fs.BoolVar(&f.strict, "strict", false, "fail (exit 1) when a trail log file was skipped as unreadable")
	cmd.AddCommand(newVerifyCmd(g))
	return cmd
}

// filterOf joins --filter, --user and --name into one trail filter.
func (f *trailFlags) filterOf() (filter.Trail, error) {
	terms := []string{f.filter}
	for field, v := range map[string]string{"user": f.user, "name": f.name} {
		if strings.ContainsAny(v, " \t") {
			return filter.Trail{}, fmt.Errorf("--%s %q: a name has no spaces", field, v)
		}
		if v != "" {
			terms = append(terms, field+":"+v)
		}
	}
	return filter.ParseTrail(strings.Join(terms, " "))
}

func (f *trailFlags) run(cmd *cobra.Command, g *globals) error {
	if f.limit < 1 {
		return fmt.Errorf("--limit %d: want at least 1", f.limit)
	}
	query, err := f.filterOf()
	if err != nil {
		return err
	}
	s, stop, err := g.begin(cmd, &f.rangeFlags)
	if err != nil {
		return err
	}
	defer stop()
	progress := newProgress(cmd, f.progress)
	events, err := filter.SearchTrail(s.ctx, s.src, filter.TrailSearch{Since: s.start, Until: s.end, Filter: query, Limit: f.limit},
		func(p filter.SearchProgress) {
			progress.show("searching %s · back to %s · %3.0f%% · %d found · %d requests",
				s.src.Describe(), p.Through.UTC().Format("2006-01-02 15:04"), 100*p.Fraction(), p.Found, p.Requests)
		})
	progress.done()
	if r, ok := s.src.(sources.TrailScanner); ok {
		if scan := feed.ScanSummary(r.Scanned()); scan != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "watchtrail: "+scan)
		}
	}
	if werr := filter.WriteTrail(cmd.OutOrStdout(), events, f.format); werr != nil {
		return werr
	}
	if skipped := reportBadFiles(cmd.ErrOrStderr(), s.src); skipped > 0 && f.strict && err == nil {
		err = fmt.Errorf("--strict: %d trail log files skipped as unreadable", skipped)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted: printed the %d events found so far", len(events))
	case err != nil:
		return fmt.Errorf("the search printed %d events, but: %w", len(events), err)
	case len(events) == 0:
		fmt.Fprintf(cmd.ErrOrStderr(), "watchtrail: no events%s between %s and %s\n", describeFilter(query),
			s.start.UTC().Format(time.RFC3339), s.end.UTC().Format(time.RFC3339))
	case len(events) == f.limit:
		fmt.Fprintf(cmd.ErrOrStderr(), "watchtrail: stopped at --limit %d (the newest); narrow the query or raise the limit for more\n", f.limit)
	}
	return nil
}

// reportBadFiles names on w each trail log file src skipped as unreadable,
// with why, and returns how many there were.
func reportBadFiles(w io.Writer, src sources.Source) int {
	r, ok := src.(sources.BadFileReporter)
	if !ok {
		return 0
	}
	count, bad := r.BadTrailFiles()
	for _, f := range bad {
		fmt.Fprintf(w, "watchtrail: skipped %s: %s\n", f.Name, f.Err)
	}
	if more := count - len(bad); more > 0 {
		fmt.Fprintf(w, "watchtrail: and %d more unreadable trail log files, not listed\n", more)
	}
	return count
}

func describeFilter(f filter.Trail) string {
	if f.IsZero() {
		return ""
	}
	return " matching " + f.Describe()
}
