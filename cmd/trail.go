package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/filter"
)

// trailFlags are the flags of `watchtrail trail`, the history search.
type trailFlags struct {
	rangeFlags
	outputFlags
	user, name string
	filter     string
	limit      int
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
	if werr := filter.WriteTrail(cmd.OutOrStdout(), events, f.format); werr != nil {
		return werr
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

func describeFilter(f filter.Trail) string {
	if f.IsZero() {
		return ""
	}
	return " matching " + f.Describe()
}
