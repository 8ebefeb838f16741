package awssrc

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"watchtrail/sources"
	"watchtrail/text"
)

// maxLogGroups bounds ListLogGroups in accounts with very many groups.
const maxLogGroups = 10000

var _ sources.LogQuerier = (*Source)(nil)

// StartQuery starts a Logs Insights query. Groups given as ARNs are passed
// as identifiers (needed for a monitoring account's source groups).
func (s *Source) StartQuery(ctx context.Context, q sources.InsightsQuery) (string, error) {
	in := &cloudwatchlogs.StartQueryInput{
		QueryString: aws.String(q.Query),
		StartTime:   aws.Int64(q.Start.Unix()),
		EndTime:     aws.Int64(q.End.Unix()),
	}
	if q.Limit > 0 {
		in.Limit = aws.Int32(int32(min(q.Limit, 10000)))
	}
	in.LogGroupNames = q.Groups
	for _, g := range q.Groups {
		if strings.HasPrefix(g, "arn:") {
			in.LogGroupNames = nil
			in.LogGroupIdentifiers = make([]string, len(q.Groups))
			for i, g := range q.Groups {
				in.LogGroupIdentifiers[i] = strings.TrimSuffix(g, ":*")
			}
			break
		}
	}
	out, err := s.logs.StartQuery(ctx, in)
	if err != nil {
		return "", err
	}
	s.queryRows.Store(aws.ToString(out.QueryId), q.RowLimit())
	return aws.ToString(out.QueryId), nil
}

// QueryResults returns the query's status, statistics and rows so far,
// values sanitised.
func (s *Source) QueryResults(ctx context.Context, id string) (sources.QueryResult, error) {
	out, err := s.logs.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(id)})
	if err != nil {
		return sources.QueryResult{}, err
	}
	res := sources.QueryResult{ID: id, Status: sources.QueryStatus(out.Status)}
	if st := out.Statistics; st != nil {
		res.Stats = sources.QueryStats{RecordsMatched: st.RecordsMatched, RecordsScanned: st.RecordsScanned, BytesScanned: st.BytesScanned}
	}
	limit := len(out.Results)
	if n, ok := s.queryRows.Load(id); ok {
		limit = min(limit, n.(int))
	}
	res.Rows = make([]sources.QueryRow, 0, limit)
	for _, r := range out.Results[:limit] {
		row := make(sources.QueryRow, 0, len(r))
		for _, f := range r {
			row = append(row, sources.QueryField{Name: text.Sanitize(aws.ToString(f.Field)), Value: text.Sanitize(aws.ToString(f.Value))})
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// StopQuery cancels a running query.
func (s *Source) StopQuery(ctx context.Context, id string) error {
	_, err := s.logs.StopQuery(ctx, &cloudwatchlogs.StopQueryInput{QueryId: aws.String(id)})
	return err
}

// ListLogGroups returns the names of the log groups starting with prefix
// (all pages, at most maxLogGroups), sorted by name.
func (s *Source) ListLogGroups(ctx context.Context, prefix string) ([]string, error) {
	in := &cloudwatchlogs.DescribeLogGroupsInput{}
	if prefix != "" {
		in.LogGroupNamePrefix = aws.String(prefix)
	}
	if s.linked != nil { // the source accounts' groups too, named by ARN
		in.IncludeLinkedAccounts = aws.Bool(true)
	}
	var names []string
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(s.logs, in)
	for pages.HasMorePages() && len(names) < maxLogGroups {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, g := range page.LogGroups {
			name := aws.ToString(g.LogGroupName)
			if s.linked != nil && g.LogGroupArn != nil {
				name = strings.TrimSuffix(*g.LogGroupArn, ":*")
			}
			names = append(names, text.Sanitize(name))
		}
	}
	return names, nil
}

// SavedQueries returns every saved query definition (all pages).
func (s *Source) SavedQueries(ctx context.Context) ([]sources.SavedQuery, error) {
	var saved []sources.SavedQuery
	in := &cloudwatchlogs.DescribeQueryDefinitionsInput{MaxResults: aws.Int32(1000)}
	for {
		out, err := s.logs.DescribeQueryDefinitions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, d := range out.QueryDefinitions {
			q := sources.SavedQuery{Name: text.Sanitize(aws.ToString(d.Name)), Query: sanitizeLines(aws.ToString(d.QueryString))}
			for _, g := range d.LogGroupNames {
				q.Groups = append(q.Groups, text.Sanitize(g))
			}
			saved = append(saved, q)
		}
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			return saved, nil
		}
		in.NextToken = out.NextToken
	}
}

// sanitizeLines sanitises each line of a multi-line text (a query), keeping
// the line breaks that Sanitize would show as "⏎".
func sanitizeLines(query string) string {
	lines := strings.Split(query, "\n")
	for i, l := range lines {
		lines[i] = text.Sanitize(l)
	}
	return strings.Join(lines, "\n")
}

var _ sources.LogRecordReader = (*Source)(nil)

// LogRecord reads the whole record behind a result row's @ptr.
func (s *Source) LogRecord(ctx context.Context, ptr string) (sources.QueryRow, error) {
	out, err := s.logs.GetLogRecord(ctx, &cloudwatchlogs.GetLogRecordInput{LogRecordPointer: aws.String(ptr)})
	if err != nil {
		return nil, err
	}
	return sources.RecordRow(out.LogRecord), nil
}
