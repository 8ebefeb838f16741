package sources

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The optional interfaces a member may implement, routed by Multi so that
// several accounts or regions lose no feature: to the member an item names
// (a labelled dashboard, a query's or record's member), or to every member
// that can answer, merged. A member without the interface is left out; when
// none has it, the call fails saying so.
var (
	_ LogStreamer      = (*Multi)(nil)
	_ LogContexter     = (*Multi)(nil)
	_ DashboardReader  = (*Multi)(nil)
	_ LogQuerier       = (*Multi)(nil)
	_ LogRecordReader  = (*Multi)(nil)
	_ BadFileReporter  = (*Multi)(nil)
	_ TrailScanner     = (*Multi)(nil)
	_ TrailLister      = (*Multi)(nil)
	_ IntegrityChecker = (*Multi)(nil)
)

// capable returns the members implementing T.
func capable[T any](m *Multi) []Member {
	var members []Member
	for _, mb := range m.members {
		if _, ok := mb.Source.(T); ok {
			members = append(members, mb)
		}
	}
	return members
}

// eachCapable calls fn for every member implementing T, concurrently (see
// each), and fails naming what none can do.
func eachCapable[T, R any](ctx context.Context, m *Multi, what string, fn func(ctx context.Context, impl T) (R, error)) ([]Member, []R, error) {
	members := capable[T](m)
	if len(members) == 0 {
		return nil, nil, fmt.Errorf("none of the %s can %s", m.Describe(), what)
	}
	results, err := each(ctx, members, func(ctx context.Context, mb Member) (R, error) {
		return fn(ctx, mb.Source.(T))
	})
	return members, results, err
}

// StreamLogs streams the groups from every member at once, merged. Every
// member must stream (else the caller polls instead, as for one source);
// the first member's stream to end ends them all, with its error.
func (m *Multi) StreamLogs(ctx context.Context, groups []string, pattern string) (<-chan []LogEvent, <-chan error, error) {
	type stream struct {
		events <-chan []LogEvent
		errs   <-chan error
	}
	ctx, cancel := context.WithCancel(ctx)
	if len(capable[LogStreamer](m)) < len(m.members) {
		cancel()
		return nil, nil, errors.New("live tail: not every source can stream logs")
	}
	members, streams, err := eachCapable(ctx, m, "stream logs", func(ctx context.Context, s LogStreamer) (stream, error) {
		events, errs, err := s.StreamLogs(ctx, groups, pattern)
		return stream{events, errs}, err
	})
	if err != nil {
		cancel()
		return nil, nil, err
	}
	events, errs := make(chan []LogEvent), make(chan error, 1)
	var wg sync.WaitGroup
	for i, s := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			for batch := range s.events {
				select {
				case events <- batch:
				case <-ctx.Done():
				}
			}
			select {
			case err := <-s.errs:
				select {
				case errs <- SourceError{Label: members[i].Label, Err: err}:
				default: // another member's error came first
				}
			default:
			}
		}()
	}
	go func() {
		wg.Wait()
		cancel()
		close(events)
	}()
	return events, errs, nil
}

// LogContext asks every member for the lines around e and returns those of
// the member whose stream holds e (a log event does not say which it is).
func (m *Multi) LogContext(ctx context.Context, e LogEvent, before, after int) ([]LogEvent, error) {
	_, lists, err := eachCapable(ctx, m, "read log context", func(ctx context.Context, lc LogContexter) ([]LogEvent, error) {
		return lc.LogContext(ctx, e, before, after)
	})
	holds := func(list []LogEvent) bool {
		return slices.ContainsFunc(list, func(x LogEvent) bool {
			return x.Group == e.Group && x.Stream == e.Stream && x.Time.Equal(e.Time) && x.Message == e.Message
		})
	}
	for _, list := range lists {
		if holds(list) {
			return list, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("log context: no source holds this line of %s", e.Group)
}

// Dashboard names are "label/name" (a dashboard name has no "/").
func (m *Multi) dashboardMember(name string) (Member, string, bool) {
	if i := strings.LastIndex(name, "/"); i > 0 {
		if j := m.index(name[:i]); j >= 0 {
			return m.members[j], name[i+1:], true
		}
	}
	return Member{}, name, false
}

// ListDashboards lists every member's dashboards as "label/name".
func (m *Multi) ListDashboards(ctx context.Context, prefix string) ([]string, error) {
	members, lists, err := eachCapable(ctx, m, "read CloudWatch dashboards", func(ctx context.Context, dr DashboardReader) ([]string, error) {
		return dr.ListDashboards(ctx, prefix)
	})
	var names []string
	for i, list := range lists {
		for _, name := range list {
			names = append(names, members[i].Label+"/"+name)
		}
	}
	return names, err
}

// GetDashboard reads "label/name" from its member, or a plain name (as
// --dashboard gives it) from the first member that has it. Its metrics are
// labelled with the member, so FetchMetrics asks that member for them.
func (m *Multi) GetDashboard(ctx context.Context, name string) (Dashboard, error) {
	mb, plain, labelled := m.dashboardMember(name)
	if !labelled {
		members, dashes, err := eachCapable(ctx, m, "read CloudWatch dashboards", func(ctx context.Context, dr DashboardReader) (*Dashboard, error) {
			d, err := dr.GetDashboard(ctx, name)
			if err != nil {
				return nil, err
			}
			return &d, nil
		})
		for i, d := range dashes {
			if d != nil {
				return labelDashboard(*d, members[i].Label), nil
			}
		}
		return Dashboard{Name: name}, err
	}
	dr, ok := mb.Source.(DashboardReader)
	if !ok {
		return Dashboard{Name: name}, fmt.Errorf("%s cannot read CloudWatch dashboards", mb.Label)
	}
	d, err := dr.GetDashboard(ctx, plain)
	return labelDashboard(d, mb.Label), err
}

func labelDashboard(d Dashboard, label string) Dashboard {
	d.Widgets = slices.Clone(d.Widgets)
	for i := range d.Widgets {
		metrics := slices.Clone(d.Widgets[i].Metrics)
		for j := range metrics {
			metrics[j].Spec.Source = label
		}
		d.Widgets[i].Metrics = metrics
	}
	return d
}

// A query or log record of a member is named "<member index>:<its id>";
// a query run on several members joins theirs with spaces.
func memberID(i int, id string) string { return strconv.Itoa(i) + ":" + id }

func (m *Multi) splitID(id string) (int, string, error) {
	i, rest, ok := strings.Cut(id, ":")
	n, err := strconv.Atoi(i)
	if !ok || err != nil || n < 0 || n >= len(m.members) {
		return 0, "", fmt.Errorf("multi: %q names no source's query or record", id)
	}
	return n, rest, nil
}

// queryParts reads a query id: the members it runs on, and its id on each.
func (m *Multi) queryParts(id string) ([]Member, map[string]string, error) {
	var members []Member
	own := map[string]string{}
	for _, part := range strings.Fields(id) {
		i, ownID, err := m.splitID(part)
		if err != nil {
			return nil, nil, err
		}
		if _, ok := m.members[i].Source.(LogQuerier); !ok {
			return nil, nil, fmt.Errorf("%s cannot run Logs Insights queries", m.members[i].Label)
		}
		members, own[m.members[i].Label] = append(members, m.members[i]), ownID
	}
	if len(members) == 0 {
		return nil, nil, fmt.Errorf("multi: %q names no query", id)
	}
	return members, own, nil
}

// StartQuery runs q on every member that can (a log group name may exist in
// several accounts or regions); members where it cannot start (they lack
// the group) are left out, and only when it starts nowhere is it an error.
func (m *Multi) StartQuery(ctx context.Context, q InsightsQuery) (string, error) {
	members, ids, err := eachCapable(ctx, m, "run Logs Insights queries", func(ctx context.Context, lq LogQuerier) (string, error) {
		return lq.StartQuery(ctx, q)
	})
	var started []string
	for i, id := range ids {
		if id != "" {
			started = append(started, memberID(m.index(members[i].Label), id))
		}
	}
	if len(started) == 0 {
		return "", err
	}
	return strings.Join(started, " "), nil
}

// QueryResults merges the members' results: rows in member order, totals
// summed, still running while any runs, Complete when all completed.
func (m *Multi) QueryResults(ctx context.Context, id string) (QueryResult, error) {
	members, own, err := m.queryParts(id)
	if err != nil {
		return QueryResult{ID: id}, err
	}
	results, err := each(ctx, members, func(ctx context.Context, mb Member) (QueryResult, error) {
		r, err := mb.Source.(LogQuerier).QueryResults(ctx, own[mb.Label])
		for i, row := range r.Rows {
			r.Rows[i] = labelPtr(row, m.index(mb.Label))
		}
		return r, err
	})
	if err != nil {
		return QueryResult{ID: id}, err
	}
	merged := QueryResult{ID: id, Status: QueryComplete}
	for _, r := range results {
		merged.Rows = append(merged.Rows, r.Rows...)
		merged.Stats.RecordsMatched += r.Stats.RecordsMatched
		merged.Stats.RecordsScanned += r.Stats.RecordsScanned
		merged.Stats.BytesScanned += r.Stats.BytesScanned
		switch {
		case !r.Status.Done():
			if merged.Status.Done() || r.Status == QueryRunning {
				merged.Status = r.Status
			}
		case r.Status != QueryComplete && merged.Status == QueryComplete:
			merged.Status = r.Status
		}
	}
	return merged, nil
}

// labelPtr names the member in a row's @ptr, for LogRecord.
func labelPtr(row QueryRow, member int) QueryRow {
	row = slices.Clone(row)
	for f := range row {
		if row[f].Name == PtrField {
			row[f].Value = memberID(member, row[f].Value)
		}
	}
	return row
}

// StopQuery stops the query on every member it runs on.
func (m *Multi) StopQuery(ctx context.Context, id string) error {
	members, own, err := m.queryParts(id)
	if err != nil {
		return err
	}
	_, err = each(ctx, members, func(ctx context.Context, mb Member) (struct{}, error) {
		return struct{}{}, mb.Source.(LogQuerier).StopQuery(ctx, own[mb.Label])
	})
	return err
}

// ListLogGroups returns every member's groups starting with prefix, each
// name once, sorted.
func (m *Multi) ListLogGroups(ctx context.Context, prefix string) ([]string, error) {
	_, lists, err := eachCapable(ctx, m, "list log groups", func(ctx context.Context, lq LogQuerier) ([]string, error) {
		return lq.ListLogGroups(ctx, prefix)
	})
	return unionSorted(lists), err
}

// SavedQueries returns every member's saved queries, each once.
func (m *Multi) SavedQueries(ctx context.Context) ([]SavedQuery, error) {
	_, lists, err := eachCapable(ctx, m, "list saved queries", func(ctx context.Context, lq LogQuerier) ([]SavedQuery, error) {
		return lq.SavedQueries(ctx)
	})
	var all []SavedQuery
	for _, list := range lists {
		for _, q := range list {
			if !slices.ContainsFunc(all, func(x SavedQuery) bool {
				return x.Name == q.Name && x.Query == q.Query && slices.Equal(x.Groups, q.Groups)
			}) {
				all = append(all, q)
			}
		}
	}
	return all, err
}

func unionSorted(lists [][]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// LogRecord reads the record from the member its @ptr names.
func (m *Multi) LogRecord(ctx context.Context, ptr string) (QueryRow, error) {
	i, own, err := m.splitID(ptr)
	if err != nil {
		return nil, err
	}
	reader, ok := m.members[i].Source.(LogRecordReader)
	if !ok {
		return nil, fmt.Errorf("%s cannot read log records", m.members[i].Label)
	}
	row, err := reader.LogRecord(ctx, own)
	return labelPtr(row, i), err
}

// BadTrailFiles adds up the members' skipped trail log files.
func (m *Multi) BadTrailFiles() (count int, recent []BadFile) {
	for _, mb := range capable[BadFileReporter](m) {
		n, bad := mb.Source.(BadFileReporter).BadTrailFiles()
		count, recent = count+n, append(recent, bad...)
	}
	return count, recent
}

// Scanned adds up what the members' trail queries scanned.
func (m *Multi) Scanned() (bytes, queries int64) {
	for _, mb := range capable[TrailScanner](m) {
		b, q := mb.Source.(TrailScanner).Scanned()
		bytes, queries = bytes+b, queries+q
	}
	return bytes, queries
}

// TrailFolders adds up the folders the members' trail readers list.
func (m *Multi) TrailFolders() (n int) {
	for _, mb := range capable[TrailLister](m) {
		n += mb.Source.(TrailLister).TrailFolders()
	}
	return n
}

// CheckIntegrity validates every member's trail log files, in one report.
func (m *Multi) CheckIntegrity(ctx context.Context, start, end time.Time) (IntegrityReport, error) {
	_, reports, err := eachCapable(ctx, m, "validate trail log files", func(ctx context.Context, c IntegrityChecker) (IntegrityReport, error) {
		return c.CheckIntegrity(ctx, start, end)
	})
	merged := IntegrityReport{Start: start, End: end}
	seen := map[string]bool{} // members may share the bucket and region
	for _, r := range reports {
		for _, f := range r.Files {
			if !seen[f.File] {
				seen[f.File] = true
				merged.Files = append(merged.Files, f)
			}
		}
	}
	return merged, err
}
