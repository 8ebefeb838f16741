package demo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

var _ sources.LogQuerier = (*Source)(nil)

// queryRunTime is how long a demo query reports Running, so that progress shows.
const queryRunTime = 1500 * time.Millisecond

// queryTicket is everything a demo query needs, carried in its id so that
// the demo stays stateless: results are a pure function of the ticket.
type queryTicket struct {
	Query   sources.InsightsQuery
	Started time.Time
}

// StartQuery checks that the groups exist and the query is one the demo can
// run (fields, filter <field> like /re/ or "text", stats count(*) by
// <field>, sort, limit), and returns an id carrying the query.
func (s *Source) StartQuery(ctx context.Context, q sources.InsightsQuery) (string, error) {
	if err := checkCtx(ctx); err != nil {
		return "", err
	}
	if len(q.Groups) == 0 {
		return "", fmt.Errorf("demo: a query needs at least one log group (try %v)", s.LogGroups())
	}
	for _, g := range q.Groups {
		if !slices.Contains(s.LogGroups(), g) {
			return "", fmt.Errorf("demo: log group %q does not exist (try %v)", g, s.LogGroups())
		}
	}
	if _, err := parsePipeline(q.Query); err != nil {
		return "", err
	}
	ticket, _ := json.Marshal(queryTicket{Query: q, Started: s.now()})
	return "demo-" + base64.RawURLEncoding.EncodeToString(ticket), nil
}

// QueryResults runs the query over the demo logs: Running for a moment with
// no rows, then Complete.
func (s *Source) QueryResults(ctx context.Context, id string) (sources.QueryResult, error) {
	if err := checkCtx(ctx); err != nil {
		return sources.QueryResult{}, err
	}
	var t queryTicket
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, "demo-"))
	if err != nil || json.Unmarshal(raw, &t) != nil {
		return sources.QueryResult{}, fmt.Errorf("demo: no query with id %q", id)
	}
	p, err := parsePipeline(t.Query.Query)
	if err != nil {
		return sources.QueryResult{}, err
	}
	res := sources.QueryResult{ID: id, Status: sources.QueryRunning}
	var records []record
	for _, g := range t.Query.Groups {
		events, err := s.FetchLogs(ctx, sources.LogQuery{Group: g, Start: t.Query.Start, End: t.Query.End})
		if err != nil {
			return res, err
		}
		for _, e := range events {
			res.Stats.RecordsScanned++
			res.Stats.BytesScanned += float64(len(e.Message))
			if r := recordOf(e); p.keep(r) {
				records = append(records, r)
			}
		}
	}
	res.Stats.RecordsMatched = float64(len(records))
	if s.now().Before(t.Started.Add(queryRunTime)) {
		return res, nil
	}
	res.Status = sources.QueryComplete
	res.Rows = p.rows(records, t.Query.Limit)
	return res, nil
}

// StopQuery has nothing to stop: demo queries hold no resources.
func (s *Source) StopQuery(ctx context.Context, id string) error { return checkCtx(ctx) }

// ListLogGroups returns the demo's log groups starting with prefix.
func (s *Source) ListLogGroups(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	for _, g := range s.LogGroups() {
		if strings.HasPrefix(g, prefix) {
			out = append(out, g)
		}
	}
	return out, checkCtx(ctx)
}

// SavedQueries are a few queries an on-call team would keep.
func (s *Source) SavedQueries(ctx context.Context) ([]sources.SavedQuery, error) {
	lambda := "/aws/lambda/" + checkoutFn
	return []sources.SavedQuery{
		{Name: "checkout errors", Query: "fields @timestamp, @message\n| filter @message like /ERROR|timed out/\n| sort @timestamp desc\n| limit 50", Groups: []string{lambda}},
		{Name: "lines by level", Query: "stats count(*) by level", Groups: s.LogGroups()},
		{Name: "web 5xx", Query: `fields @timestamp, @message | filter @message like /" 5\d\d /`, Groups: []string{"/ecs/" + ecsService}},
	}, checkCtx(ctx)
}

var _ sources.LogRecordReader = (*Source)(nil)

// recordPtr points at one event: its group, time and id.
func recordPtr(e sources.LogEvent) string {
	return e.Group + "|" + e.Time.UTC().Format(time.RFC3339Nano) + "|" + e.ID
}

// LogRecord returns every field of the event a result row's @ptr names.
func (s *Source) LogRecord(ctx context.Context, ptr string) (sources.QueryRow, error) {
	group, rest, _ := strings.Cut(ptr, "|")
	stamp, id, _ := strings.Cut(rest, "|")
	at, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return nil, fmt.Errorf("demo: %q is not a log record pointer", ptr)
	}
	events, err := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: at, End: at.Add(time.Millisecond)})
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if e.ID == id {
			r := recordOf(e)
			delete(r, sources.PtrField)
			return sources.RecordRow(r), nil
		}
	}
	return nil, fmt.Errorf("demo: log record %q not found", ptr)
}

// record is one log event's fields as Logs Insights discovers them.
type record map[string]string

func recordOf(e sources.LogEvent) record {
	r := record{"@timestamp": e.Time.UTC().Format("2006-01-02 15:04:05.000"), "@message": e.Message,
		"@logStream": e.Stream, "@log": accountID + ":" + e.Group, sources.PtrField: recordPtr(e)}
	parsed := text.ParseLogLine(e.Message)
	for _, f := range parsed.Fields {
		r[f.Name] = f.Value
	}
	if parsed.Level != "" {
		r["level"] = parsed.Level
	}
	return r
}

// pipeline is the subset of the Logs Insights language the demo runs.
type pipeline struct {
	fields  []string
	filters []fieldMatch
	countBy string // "stats count(*) by <countBy>"
	desc    bool
	limit   int
}

type fieldMatch struct {
	field string
	re    *regexp.Regexp
}

var (
	likeRe  = regexp.MustCompile(`^(\S+)\s+(?:like|=~)\s+(?:/(.*)/|"(.*)")$`)
	statsRe = regexp.MustCompile(`^count\((?:\*|\S*)\)(?:\s+as\s+\S+)?\s+by\s+(\S+)$`)
)

func parsePipeline(query string) (pipeline, error) {
	p := pipeline{fields: []string{"@timestamp", "@message"}, desc: true}
	for _, part := range splitPipes(query) {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(part), " ")
		arg = strings.TrimSpace(arg)
		switch strings.ToLower(cmd) {
		case "":
		case "fields", "display":
			p.fields = nil
			for _, f := range strings.Split(arg, ",") {
				p.fields = append(p.fields, strings.TrimSpace(f))
			}
		case "filter":
			m := likeRe.FindStringSubmatch(arg)
			if m == nil {
				return p, fmt.Errorf("demo: filter %q: the demo understands `filter <field> like /regex/` or `like \"text\"`", arg)
			}
			expr := m[2]
			if m[3] != "" || expr == "" {
				expr = regexp.QuoteMeta(m[3])
			}
			re, err := regexp.Compile(expr)
			if err != nil {
				return p, fmt.Errorf("demo: filter %q: %v", arg, err)
			}
			p.filters = append(p.filters, fieldMatch{m[1], re})
		case "stats":
			m := statsRe.FindStringSubmatch(arg)
			if m == nil {
				return p, fmt.Errorf("demo: stats %q: the demo understands `stats count(*) by <field>`", arg)
			}
			p.countBy = m[1]
		case "sort":
			p.desc = !strings.HasSuffix(strings.ToLower(arg), " asc")
		case "limit":
			n, err := strconv.Atoi(arg)
			if err != nil || n <= 0 {
				return p, fmt.Errorf("demo: limit %q is not a positive number", arg)
			}
			p.limit = n
		default:
			return p, fmt.Errorf("demo: command %q is not supported by the demo (try fields, filter, stats count(*) by, sort, limit)", cmd)
		}
	}
	return p, nil
}

// splitPipes splits a query at the "|" outside /regexes/ and quotes.
func splitPipes(query string) []string {
	var parts []string
	var quote rune
	start := 0
	escaped := false
	for i, r := range query {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '/' || r == '"' || r == '\'':
			quote = r
		case r == '|':
			parts = append(parts, query[start:i])
			start = i + 1
		}
	}
	return append(parts, query[start:])
}

func (p pipeline) keep(r record) bool {
	for _, f := range p.filters {
		if !f.re.MatchString(r[f.field]) {
			return false
		}
	}
	return true
}

// rows shapes the matching records into result rows.
func (p pipeline) rows(records []record, limit int) []sources.QueryRow {
	if limit <= 0 {
		limit = 10000
	}
	if p.limit > 0 {
		limit = min(limit, p.limit)
	}
	var rows []sources.QueryRow
	if p.countBy != "" {
		counts := map[string]int{}
		for _, r := range records {
			counts[r[p.countBy]]++
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return counts[keys[i]] > counts[keys[j]] || counts[keys[i]] == counts[keys[j]] && keys[i] < keys[j]
		})
		for _, k := range keys {
			rows = append(rows, sources.QueryRow{{Name: p.countBy, Value: k}, {Name: "count(*)", Value: strconv.Itoa(counts[k])}})
		}
		return rows[:min(len(rows), limit)]
	}
	sort.SliceStable(records, func(i, j int) bool {
		// The timestamp format sorts as text.
		if p.desc {
			return records[i]["@timestamp"] > records[j]["@timestamp"]
		}
		return records[i]["@timestamp"] < records[j]["@timestamp"]
	})
	for _, r := range records[:min(len(records), limit)] {
		row := sources.QueryRow{}
		for _, f := range p.fields {
			if v, ok := r[f]; ok {
				row = append(row, sources.QueryField{Name: f, Value: v})
			}
		}
		rows = append(rows, append(row, sources.QueryField{Name: sources.PtrField, Value: r[sources.PtrField]}))
	}
	return rows
}
