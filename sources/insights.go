package sources

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"watchtrail/text"
)

// QueryStatus is a CloudWatch Logs Insights query status.
type QueryStatus string

const (
	QueryScheduled QueryStatus = "Scheduled"
	QueryRunning   QueryStatus = "Running"
	QueryComplete  QueryStatus = "Complete"
	QueryFailed    QueryStatus = "Failed"
	QueryCancelled QueryStatus = "Cancelled"
	QueryTimeout   QueryStatus = "Timeout"
	QueryUnknown   QueryStatus = "Unknown"
)

// Done reports whether the query has stopped running, for good or ill.
func (s QueryStatus) Done() bool { return s != QueryScheduled && s != QueryRunning }

// InsightsQuery is one Logs Insights query over some log groups.
type InsightsQuery struct {
	Groups []string // names or ARNs
	Query  string   // e.g. "fields @timestamp, @message | filter @message like /ERROR/"
	Start  time.Time
	End    time.Time
	Limit  int // rows to return; 0 means the query's own limit or the service default
}

// defaultQueryRows is what Logs Insights returns for a query that sets no
// limit.
const defaultQueryRows = 1000

// RowLimit is the most rows the query returns: Limit, else the query's own
// last limit command, else the service's default of 1,000.
func (q InsightsQuery) RowLimit() int {
	if q.Limit > 0 {
		return q.Limit
	}
	limit := defaultQueryRows
	for _, command := range strings.Split(q.Query, "|") {
		if f := strings.Fields(command); len(f) == 2 && strings.EqualFold(f[0], "limit") {
			if n, err := strconv.Atoi(f[1]); err == nil && n > 0 {
				limit = n
			}
		}
	}
	return limit
}

// Validate reports what keeps the query from running.
func (q InsightsQuery) Validate() error {
	switch {
	case len(q.Groups) == 0:
		return errors.New("logs insights: choose at least one log group")
	case strings.TrimSpace(q.Query) == "":
		return errors.New("logs insights: the query is empty")
	case q.Start.IsZero() || !q.End.After(q.Start):
		return fmt.Errorf("logs insights: the time range %s to %s is empty", q.Start.UTC().Format(time.RFC3339), q.End.UTC().Format(time.RFC3339))
	}
	return nil
}

// QueryField is one field of a result row. Value is sanitised.
type QueryField struct {
	Name  string
	Value string
}

// QueryRow is one result record, its fields in the order the service gave.
type QueryRow []QueryField

// PtrField is the hidden field naming the log record a row came from.
const PtrField = "@ptr"

// Get returns the value of the named field.
func (r QueryRow) Get(name string) (string, bool) {
	for _, f := range r {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// QueryStats are the query's running totals.
type QueryStats struct {
	RecordsMatched float64 `json:"recordsMatched"`
	RecordsScanned float64 `json:"recordsScanned"`
	BytesScanned   float64 `json:"bytesScanned"`
}

// QueryResult is a query's state at one poll: complete rows only once
// Status is Complete, partial ones while it runs.
type QueryResult struct {
	ID     string
	Status QueryStatus
	Rows   []QueryRow
	Stats  QueryStats
}

// Columns is the ordered union of the rows' field names, without @ptr.
func (r QueryResult) Columns() []string {
	var cols []string
	seen := map[string]bool{PtrField: true}
	for _, row := range r.Rows {
		for _, f := range row {
			if !seen[f.Name] {
				seen[f.Name] = true
				cols = append(cols, f.Name)
			}
		}
	}
	return cols
}

// SavedQuery is a stored query definition.
type SavedQuery struct {
	Name   string
	Query  string
	Groups []string
}

// LogQuerier is optionally implemented by a Source that can run Logs
// Insights queries.
type LogQuerier interface {
	// StartQuery starts q and returns its id.
	StartQuery(ctx context.Context, q InsightsQuery) (string, error)
	// QueryResults returns the query's status, statistics and rows so far.
	QueryResults(ctx context.Context, id string) (QueryResult, error)
	// StopQuery cancels a running query.
	StopQuery(ctx context.Context, id string) error
	// ListLogGroups returns the names of the log groups starting with prefix.
	ListLogGroups(ctx context.Context, prefix string) ([]string, error)
	// SavedQueries returns the account's saved query definitions.
	SavedQueries(ctx context.Context) ([]SavedQuery, error)
}

// Poll delays of RunQuery: the first poll comes soon, later ones back off.
const (
	firstQueryPoll = 250 * time.Millisecond
	maxQueryPoll   = 3 * time.Second
)

// stopTimeout bounds the StopQuery call made after the caller gave up.
const stopTimeout = 5 * time.Second

// RunQuery starts q and polls its results with backoff until it is done,
// passing every poll's result to progress (which may be nil). It returns
// the final result; a query that ends Failed, Cancelled, Timeout or Unknown
// is an error, and so is an invalid query (see Validate). When ctx ends first the query is stopped (StopQuery) and
// ctx's error returned with the last result seen.
func RunQuery(ctx context.Context, lq LogQuerier, q InsightsQuery, progress func(QueryResult)) (QueryResult, error) {
	if err := q.Validate(); err != nil {
		return QueryResult{}, err
	}
	id, err := lq.StartQuery(ctx, q)
	if err != nil {
		return QueryResult{}, err
	}
	last := QueryResult{ID: id, Status: QueryScheduled}
	delay := firstQueryPoll
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
			defer cancel()
			if err := lq.StopQuery(stopCtx, id); err != nil {
				return last, fmt.Errorf("%w (and stopping query %s failed: %s)", ctx.Err(), id, Summary(err))
			}
			last.Status = QueryCancelled
			return last, ctx.Err()
		case <-timer.C:
		}
		res, err := lq.QueryResults(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				continue // report the cancellation, and stop the query
			}
			return last, err
		}
		res.ID = id
		// Some endpoints ignore the limit: the rows past it are not kept.
		if limit := q.RowLimit(); len(res.Rows) > limit {
			res.Rows = slices.Clone(res.Rows[:limit])
		}
		last = res
		if progress != nil {
			progress(res)
		}
		if res.Status == QueryComplete {
			return res, nil
		}
		if res.Status.Done() {
			return res, fmt.Errorf("logs insights query %s ended %s", id, res.Status)
		}
		delay = min(delay*3/2, maxQueryPoll)
		timer.Reset(delay)
	}
}

// DefaultInsightsQuery is the query a new query view starts with: the
// newest lines, as the CloudWatch console starts.
const DefaultInsightsQuery = "fields @timestamp, @message, @logStream | sort @timestamp desc | limit 100"

// LogRecordReader is optionally implemented by a LogQuerier that can read
// the whole log record behind a result row's @ptr.
type LogRecordReader interface {
	LogRecord(ctx context.Context, ptr string) (QueryRow, error)
}

// recordOrder puts a record's usual fields first.
var recordOrder = []string{"@timestamp", "@message", "@logStream", "@log", "@ingestionTime"}

// RecordRow orders a log record's fields: the usual @ fields first, then the
// others by name. Values are sanitised.
func RecordRow(record map[string]string) QueryRow {
	var row QueryRow
	for _, name := range recordOrder {
		if v, ok := record[name]; ok {
			row = append(row, QueryField{Name: name, Value: text.Sanitize(v)})
		}
	}
	var rest []string
	for name := range record {
		if !slices.Contains(recordOrder, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		row = append(row, QueryField{Name: text.Sanitize(name), Value: text.Sanitize(record[name])})
	}
	return row
}
