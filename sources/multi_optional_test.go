package sources_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/demo"
)

// movingDemos is two demo accounts on one clock that advance moves: prod
// in its incident, dev long after its own.
func movingDemos(t *testing.T) (m *sources.Multi, prod, dev *demo.Source, advance func(time.Duration)) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var offset atomic.Int64
	offset.Store(int64(3 * time.Minute))
	clock := func() time.Time { return start.Add(time.Duration(offset.Load())) }
	prod = demo.New(demo.Options{Start: start, Now: clock})
	dev = demo.New(demo.Options{Start: start, Now: clock, IncidentAfter: -3 * time.Hour})
	m, err := sources.NewMulti(sources.Member{Label: "prod/us-east-1", Source: prod}, sources.Member{Label: "dev/eu-west-1", Source: dev})
	if err != nil {
		t.Fatal(err)
	}
	return m, prod, dev, func(d time.Duration) { offset.Add(int64(d)) }
}

func TestMultiDashboardsAreLabelledAndReadFromTheirMember(t *testing.T) {
	m, _, dev, _ := movingDemos(t)
	ctx := context.Background()
	names, err := m.ListDashboards(ctx, "")
	if want := []string{"prod/us-east-1/checkout-service", "dev/eu-west-1/checkout-service"}; err != nil || !reflect.DeepEqual(names, want) {
		t.Fatalf("ListDashboards = %q, %v; want %q", names, err, want)
	}
	labels := func(d sources.Dashboard) (specs []sources.MetricSpec, from map[string]int) {
		from = map[string]int{}
		for _, w := range d.Widgets {
			for _, dm := range w.Metrics {
				if dm.Expression == "" {
					specs = append(specs, dm.Spec)
					from[dm.Spec.Source]++
				}
			}
		}
		return specs, from
	}
	d, err := m.GetDashboard(ctx, "dev/eu-west-1/checkout-service")
	specs, from := labels(d)
	if err != nil || len(specs) == 0 || len(from) != 1 || from["dev/eu-west-1"] == 0 {
		t.Fatalf("dev's dashboard: metrics from %v, %v; want all from dev", from, err)
	}
	// Its metrics are dev's: the same series dev gives for them.
	now := time.Date(2026, 3, 1, 12, 3, 0, 0, time.UTC)
	got, err := m.FetchMetrics(ctx, specs, now.Add(-time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	plain := slices.Clone(specs)
	for i := range plain {
		plain[i].Source = ""
	}
	want, _ := dev.FetchMetrics(ctx, plain, now.Add(-time.Hour), now)
	for i := range got {
		if !reflect.DeepEqual(got[i].Values, want[i].Values) {
			t.Errorf("%s: %v, want dev's %v", specs[i].Key(), got[i].Values, want[i].Values)
		}
	}
	// A plain name (--dashboard NAME) is the first member's that has it.
	if d, err := m.GetDashboard(ctx, "checkout-service"); err != nil {
		t.Error(err)
	} else if _, from := labels(d); len(from) != 1 || from["prod/us-east-1"] == 0 {
		t.Errorf("plain name: metrics from %v, want prod", from)
	}
	if _, err := m.GetDashboard(ctx, "dev/eu-west-1/nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("a missing dashboard: %v", err)
	}
}

func TestMultiInsightsQueryRunsOnEveryMember(t *testing.T) {
	m, prod, dev, advance := movingDemos(t)
	ctx := context.Background()
	groups, err := m.ListLogGroups(ctx, "")
	if want := slices.Sorted(slices.Values(prod.LogGroups())); err != nil || !reflect.DeepEqual(groups, want) {
		t.Fatalf("ListLogGroups = %q, %v; want each group once: %q", groups, err, want)
	}
	q := sources.InsightsQuery{Groups: groups[:1], Query: "fields @timestamp, @message | limit 5",
		Start: time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 1, 12, 3, 0, 0, time.UTC)}
	id, err := m.StartQuery(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := m.QueryResults(ctx, id); err != nil || res.Status != sources.QueryRunning {
		t.Fatalf("at once: %s, %v; want Running", res.Status, err)
	}
	var own []string // the same query on each member alone
	for _, src := range []*demo.Source{prod, dev} {
		id, err := src.StartQuery(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		own = append(own, id)
	}
	advance(time.Minute)
	res, err := m.QueryResults(ctx, id)
	if err != nil || res.Status != sources.QueryComplete {
		t.Fatalf("a minute later: %s, %v; want Complete", res.Status, err)
	}
	var want []sources.QueryRow
	var scanned float64
	for i, src := range []*demo.Source{prod, dev} {
		r, err := src.QueryResults(ctx, own[i])
		if err != nil || r.Status != sources.QueryComplete {
			t.Fatal(r.Status, err)
		}
		want, scanned = append(want, r.Rows...), scanned+r.Stats.RecordsScanned
	}
	strip := func(rows []sources.QueryRow) (out []sources.QueryRow) {
		for _, row := range rows {
			out = append(out, slices.DeleteFunc(slices.Clone(row), func(f sources.QueryField) bool { return f.Name == sources.PtrField }))
		}
		return out
	}
	if len(res.Rows) != 10 || !reflect.DeepEqual(strip(res.Rows), strip(want)) || res.Stats.RecordsScanned != scanned {
		t.Fatalf("merged %d rows (scanned %v), want prod's then dev's %d (scanned %v)", len(res.Rows), res.Stats.RecordsScanned, len(want), scanned)
	}
	// A row's record is read from the member it came from.
	last := res.Rows[len(res.Rows)-1]
	ptr, _ := last.Get(sources.PtrField)
	devPtr, _ := want[len(want)-1].Get(sources.PtrField)
	rec, err := m.LogRecord(ctx, ptr)
	devRec, _ := dev.LogRecord(ctx, devPtr)
	if err != nil || !reflect.DeepEqual(strip([]sources.QueryRow{rec}), strip([]sources.QueryRow{devRec})) {
		t.Errorf("record of dev's row = %v, %v; want dev's %v", rec, err, devRec)
	}
	if err := m.StopQuery(ctx, id); err != nil {
		t.Error(err)
	}
	// A group no member has: the query starts nowhere, and says why.
	if _, err := m.StartQuery(ctx, sources.InsightsQuery{Groups: []string{"/nope"}, Query: q.Query, Start: q.Start, End: q.End}); err == nil || !strings.Contains(err.Error(), "/nope") {
		t.Errorf("a missing group: %v", err)
	}
}

func TestMultiLogContextComesFromTheMemberHoldingTheLine(t *testing.T) {
	m, _, dev, _ := movingDemos(t)
	ctx := context.Background()
	group := dev.LogGroups()[0]
	events, err := dev.FetchLogs(ctx, sources.LogQuery{Group: group, Start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		End: time.Date(2026, 3, 1, 12, 3, 0, 0, time.UTC)})
	if err != nil || len(events) < 3 {
		t.Fatal(len(events), err)
	}
	e := events[len(events)/2]
	got, err := m.LogContext(ctx, e, 2, 2)
	if err != nil || !slices.ContainsFunc(got, func(x sources.LogEvent) bool { return x.Message == e.Message && x.Time.Equal(e.Time) }) || len(got) < 3 {
		t.Fatalf("context of %q: %d lines, %v", e.Message, len(got), err)
	}
	e.Message = "a line no account wrote"
	if _, err := m.LogContext(ctx, e, 2, 2); err == nil {
		t.Error("context of a line no member holds: no error")
	}
}

// streamer is a demo account with a live tail fed by the test.
type streamer struct {
	*demo.Source
	batches chan []sources.LogEvent
	fail    chan error
}

func newStreamer(s *demo.Source) streamer {
	return streamer{s, make(chan []sources.LogEvent), make(chan error)}
}

func (s streamer) StreamLogs(ctx context.Context, _ []string, _ string) (<-chan []sources.LogEvent, <-chan error, error) {
	events, errs := make(chan []sources.LogEvent), make(chan error, 1)
	go func() {
		defer close(events)
		for {
			select {
			case b := <-s.batches:
				select {
				case events <- b:
				case <-ctx.Done():
				}
			case err := <-s.fail:
				errs <- err
				return
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			}
		}
	}()
	return events, errs, nil
}

func TestMultiStreamsEveryMemberAndStopsAtTheFirstError(t *testing.T) {
	_, prodDemo, devDemo, _ := movingDemos(t)
	prod, dev := newStreamer(prodDemo), newStreamer(devDemo)
	m, err := sources.NewMulti(sources.Member{Label: "prod/us-east-1", Source: prod}, sources.Member{Label: "dev/eu-west-1", Source: dev})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events, errs, err := m.StreamLogs(ctx, []string{"/g"}, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, s := range []streamer{prod, dev} {
		s.batches <- []sources.LogEvent{{Message: []string{"from prod", "from dev"}[i]}}
		got = append(got, (<-events)[0].Message)
	}
	if want := []string{"from prod", "from dev"}; !reflect.DeepEqual(got, want) {
		t.Errorf("batches %q, want %q", got, want)
	}
	dev.fail <- errors.New("session ended by the service")
	for range events { // closed once every member stopped
	}
	var se sources.SourceError
	if err := <-errs; !errors.As(err, &se) || se.Label != "dev/eu-west-1" || !strings.Contains(err.Error(), "session ended") {
		t.Errorf("stream error %v, want dev's", err)
	}
	// A member without live tail: the caller polls instead.
	mixed, _ := sources.NewMulti(sources.Member{Label: "a", Source: prod}, sources.Member{Label: "b", Source: devDemo})
	if _, _, err := mixed.StreamLogs(ctx, []string{"/g"}, ""); err == nil {
		t.Error("streaming with a member that cannot: no error")
	}
}

func TestMultiSaysWhenNoMemberCan(t *testing.T) {
	m, _, _, _ := movingDemos(t)
	_, err := m.CheckIntegrity(context.Background(), time.Time{}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "none of the 2 sources: prod/us-east-1, dev/eu-west-1 can validate trail log files") {
		t.Errorf("CheckIntegrity: %v", err)
	}
	if n, bad := m.BadTrailFiles(); n != 0 || len(bad) != 0 {
		t.Errorf("BadTrailFiles = %d, %v", n, bad)
	}
}
