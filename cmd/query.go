package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"watchtrail/sources"
)

// queryFlags are the flags of `watchtrail query`, a Logs Insights query.
type queryFlags struct {
	rangeFlags
	outputFlags
	groups []string
	limit  int
}

func newQueryCmd(g *globals) *cobra.Command {
	f := &queryFlags{}
	cmd := &cobra.Command{
		Use:   "query 'QUERY'",
		Short: "Run a CloudWatch Logs Insights query and print the results",
		Long: `Run a CloudWatch Logs Insights query over one or more log groups and print
its rows as a table (with a statistics line), JSON or CSV. Progress, records
scanned and bytes scanned go to stderr when it is a terminal (or with
--progress); Ctrl-C stops the query (StopQuery) and prints the rows so far.`,
		Example: `  # the newest errors of a function in the last hour
  watchtrail query 'fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc' \
    --group /aws/lambda/checkout-api --since 1h

  # status codes of two services over a day, as CSV
  watchtrail query 'stats count(*) by status' --group /ecs/web --group /ecs/api --since 1d --format csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(cmd, g, args[0]) },
	}
	fs := cmd.Flags()
	fs.Var(newList(&f.groups, "group", parseLogGroup), "group", "log group to query, name or ARN (repeatable; at least one)")
	f.rangeFlags.addFlags(fs, "1h")
	f.outputFlags.addFlags(fs, sources.QueryFormats...)
	fs.IntVar(&f.limit, "limit", 0, "rows to return (default: the query's own limit, else 1000)")
	return cmd
}

func (f *queryFlags) run(cmd *cobra.Command, g *globals, query string) error {
	if len(f.groups) == 0 {
		return errors.New("query: name at least one log group with --group")
	}
	if f.limit < 0 || f.limit > 10000 {
		return fmt.Errorf("--limit %d: Logs Insights returns 1 to 10000 rows", f.limit)
	}
	s, stop, err := g.begin(cmd, &f.rangeFlags)
	if err != nil {
		return err
	}
	defer stop()
	lq, ok := s.src.(sources.LogQuerier)
	if !ok {
		return fmt.Errorf("%s cannot run Logs Insights queries", s.src.Describe())
	}
	progress := newProgress(cmd, f.progress)
	res, err := sources.RunQuery(s.ctx, lq, sources.InsightsQuery{Groups: f.groups, Query: query, Start: s.start, End: s.end, Limit: f.limit},
		func(r sources.QueryResult) { progress.show("%s", sources.StatsLine(r)) })
	progress.done()
	if errors.Is(err, context.Canceled) {
		if werr := sources.WriteQueryResult(cmd.OutOrStdout(), res, f.format); werr != nil {
			return werr
		}
		return fmt.Errorf("interrupted: query %s stopped, printed the %d rows so far", res.ID, len(res.Rows))
	}
	if err != nil {
		return err
	}
	return sources.WriteQueryResult(cmd.OutOrStdout(), res, f.format)
}
