package awssrc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	"watchtrail/sources"
	"watchtrail/text"
)

const (
	// athenaQueryTimeout stops a query that runs longer (StopQueryExecution).
	athenaQueryTimeout = 2 * time.Minute
	// athenaFirstWait and athenaMostWait pace GetQueryExecution: a small
	// query is done in a second or two, a long one is asked about less.
	athenaFirstWait = 200 * time.Millisecond
	athenaMostWait  = 2 * time.Second
	athenaPageSize  = 1000 // GetQueryResults' largest page
)

// AthenaTrail reads CloudTrail events with Athena SQL over a table of the
// trail's log files (an organisation trail's: every account and region;
// docs/organisation.md gives the CREATE TABLE). Each FetchTrail is one
// query: the window's eventtime range and its date partitions, the region
// watched, and what q asks (writes, a resource, a filter's conditions), so
// Athena reads only those days' files. The table's columns and partitions
// are read once from Glue. What every query scanned is counted for the
// cost meter (Athena bills per byte scanned).
type AthenaTrail struct {
	athena              *athena.Client
	glue                *glue.Client
	database, table     string
	workgroup, output   string
	region              string // the region partition asked for
	timeout, firstWait  time.Duration
	now                 func() time.Time
	mu                  sync.Mutex
	layout              *tableLayout
	scanned, queryCount int64
}

var (
	_ sources.TrailFetcher = (*AthenaTrail)(nil)
	_ sources.TrailScanner = (*AthenaTrail)(nil)
)

// AthenaOptions say where queries run and their results go.
type AthenaOptions struct {
	Table     string // DATABASE.TABLE
	Workgroup string // "" is the account's primary workgroup
	// Region is where the table and workgroup are, when not the region
	// watched: one table in the trail bucket's region serves every region.
	Region string
	Output string // s3://bucket/prefix/ for results; "" uses the workgroup's
}

// ParseAthenaTable splits DATABASE.TABLE.
func ParseAthenaTable(s string) (database, table string, err error) {
	database, table, ok := strings.Cut(s, ".")
	valid := func(n string) bool {
		return n != "" && len(n) <= 255 && strings.Trim(strings.ToLower(n), "abcdefghijklmnopqrstuvwxyz0123456789_-") == ""
	}
	if !ok || !valid(database) || !valid(table) {
		return "", "", fmt.Errorf("%q: want DATABASE.TABLE, names of letters, digits, _ and -", s)
	}
	return database, table, nil
}

// NewAthenaTrail reads the table o names for cfg's region. endpointURL,
// when set, overrides the Athena and Glue endpoints.
func NewAthenaTrail(cfg aws.Config, endpointURL string, o AthenaOptions) (*AthenaTrail, error) {
	database, table, err := ParseAthenaTable(o.Table)
	if err != nil {
		return nil, err
	}
	if o.Output != "" && !strings.HasPrefix(o.Output, "s3://") {
		return nil, fmt.Errorf("athena output %q: want s3://bucket/prefix/", o.Output)
	}
	if cfg.Region == "" {
		return nil, errors.New("reading the trail with Athena needs a region (--region or AWS_REGION)")
	}
	base := func(p **string) {
		if endpointURL != "" {
			*p = aws.String(endpointURL)
		}
	}
	watched := cfg.Region
	if o.Region != "" {
		cfg = cfg.Copy()
		cfg.Region = o.Region
	}
	return &AthenaTrail{
		athena: athena.NewFromConfig(cfg, func(o *athena.Options) {
			base(&o.BaseEndpoint)
			o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		}),
		glue: glue.NewFromConfig(cfg, func(o *glue.Options) {
			base(&o.BaseEndpoint)
			o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		}),
		database: database, table: table, workgroup: o.Workgroup, output: o.Output, region: watched,
		timeout: athenaQueryTimeout, firstWait: athenaFirstWait, now: time.Now,
	}, nil
}

// Name is the table, as given.
func (t *AthenaTrail) Name() string { return t.database + "." + t.table }

// Scanned is what every query so far scanned, in bytes, and how many ran.
func (t *AthenaTrail) Scanned() (bytes, queries int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.scanned, t.queryCount
}

// FetchTrail returns the events in [q.Start, q.End] (an unset Start is an
// hour before End; an unset End is now) that meet q, oldest first, at most
// q.Limit (default 200): the newest. One query; ctx's end stops it.
func (t *AthenaTrail) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	keep := newWindowEvents(q, t.now())
	layout, err := t.tableLayout(ctx)
	if err != nil {
		return nil, err
	}
	sql, err := layout.trailSQL(q, keep.start, keep.end, keep.limit, t.region)
	if err != nil {
		return nil, err
	}
	columns, rows, err := t.run(ctx, sql)
	if err != nil {
		return nil, err
	}
	var bad badRecords
	for i, row := range rows {
		ev, _, err := recordEvent(rowRecord(columns, layout.complexColumns(), row))
		if err == nil && ev.Time.IsZero() {
			err = errors.New("no eventTime")
		}
		if err != nil {
			bad.add(fmt.Sprintf("row %d", i+1), err)
			continue
		}
		keep.add(ev)
	}
	return keep.events(), bad.err("athena table " + t.Name())
}

func (t *AthenaTrail) tableLayout(ctx context.Context) (tableLayout, error) {
	t.mu.Lock()
	known := t.layout
	t.mu.Unlock()
	if known != nil {
		return *known, nil
	}
	l, err := readLayout(ctx, t.glue, t.database, t.table)
	if err != nil {
		return l, err
	}
	t.mu.Lock()
	t.layout = &l
	t.mu.Unlock()
	return l, nil
}

// run starts the query, waits for it and reads its rows (every page).
// When ctx ends or the query outlasts t.timeout, it is stopped.
func (t *AthenaTrail) run(ctx context.Context, sql string) (columns []string, rows [][]*string, err error) {
	in := &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(t.database)},
	}
	if t.workgroup != "" {
		in.WorkGroup = aws.String(t.workgroup)
	}
	if t.output != "" {
		in.ResultConfiguration = &athenatypes.ResultConfiguration{OutputLocation: aws.String(t.output)}
	}
	started, err := t.athena.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("athena: starting the query: %w", err)
	}
	id := aws.ToString(started.QueryExecutionId)
	if err := t.wait(ctx, id); err != nil {
		return nil, nil, err
	}
	return t.results(ctx, id)
}

// wait polls the query until it ends, counting what it scanned.
func (t *AthenaTrail) wait(ctx context.Context, id string) error {
	deadline := time.NewTimer(t.timeout)
	defer deadline.Stop()
	pause := t.firstWait
	for {
		out, err := t.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			t.stop(ctx, id)
			return fmt.Errorf("athena query %s: %w", id, err)
		}
		qe := out.QueryExecution
		var state athenatypes.QueryExecutionState
		var reason string
		if qe != nil && qe.Status != nil {
			state, reason = qe.Status.State, aws.ToString(qe.Status.StateChangeReason)
		}
		switch state {
		case athenatypes.QueryExecutionStateSucceeded, athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			t.count(qe)
		}
		switch state {
		case athenatypes.QueryExecutionStateSucceeded:
			return nil
		case athenatypes.QueryExecutionStateFailed:
			return fmt.Errorf("athena query %s failed: %s", id, text.Sanitize(reason))
		case athenatypes.QueryExecutionStateCancelled:
			return fmt.Errorf("athena query %s was cancelled: %s", id, text.Sanitize(reason))
		}
		select {
		case <-ctx.Done():
			t.stop(ctx, id)
			return ctx.Err()
		case <-deadline.C:
			t.stop(ctx, id)
			return fmt.Errorf("athena query %s: stopped after %s; narrow the window or the filter", id, t.timeout)
		case <-time.After(pause):
			pause = min(2*pause, athenaMostWait)
		}
	}
}

// stop asks Athena to stop the query, even though ctx may be over.
func (t *AthenaTrail) stop(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	t.athena.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)})
}

func (t *AthenaTrail) count(qe *athenatypes.QueryExecution) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queryCount++
	if qe.Statistics != nil {
		t.scanned += aws.ToInt64(qe.Statistics.DataScannedInBytes)
	}
}

// results reads every page of the query's rows. Athena's first row of a
// SELECT repeats the column names: it is dropped.
func (t *AthenaTrail) results(ctx context.Context, id string) (columns []string, rows [][]*string, err error) {
	p := athena.NewGetQueryResultsPaginator(t.athena, &athena.GetQueryResultsInput{
		QueryExecutionId: aws.String(id), MaxResults: aws.Int32(athenaPageSize),
	}, func(o *athena.GetQueryResultsPaginatorOptions) { o.StopOnDuplicateToken = true })
	first := true
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("athena query %s results: %w", id, err)
		}
		if page.ResultSet == nil {
			continue
		}
		if first && page.ResultSet.ResultSetMetadata != nil {
			for _, c := range page.ResultSet.ResultSetMetadata.ColumnInfo {
				columns = append(columns, strings.ToLower(aws.ToString(c.Name)))
			}
		}
		for i, r := range page.ResultSet.Rows {
			row := make([]*string, len(r.Data))
			for j, d := range r.Data {
				row[j] = d.VarCharValue
			}
			if first && i == 0 && isHeader(row, columns) {
				continue
			}
			rows = append(rows, row)
		}
		first = false
	}
	return columns, rows, nil
}

func isHeader(row []*string, columns []string) bool {
	if len(row) != len(columns) || len(row) == 0 {
		return false
	}
	for i, v := range row {
		if v == nil || strings.ToLower(*v) != columns[i] {
			return false
		}
	}
	return true
}
