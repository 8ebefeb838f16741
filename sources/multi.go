package sources

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Member is one source of a Multi with its label, e.g. "prod/eu-west-1".
type Member struct {
	Label  string
	Source Source
}

// Multi merges several sources (accounts × regions) into one. Alarms carry
// their member's label in Alarm.Source (and in their Metric.Source), and
// requests carrying a label (MetricSpec, LogQuery, TrailQuery .Source) go to
// that member alone. Without a label, metrics go to the first member and
// logs and trail events come from every member, merged.
//
// A call that fails on some members returns the others' data together with
// a *PartialError naming the failing members; only when every member fails
// is there no data. The members' optional interfaces (dashboards, Logs
// Insights, log context, live tail, trail files) are routed too: see
// multi_optional.go.
type Multi struct {
	members []Member
}

var (
	_ Source     = (*Multi)(nil)
	_ AlarmPager = (*Multi)(nil)
)

// NewMulti checks that there is at least one member and that labels are
// unique and non-empty.
func NewMulti(members ...Member) (*Multi, error) {
	if len(members) == 0 {
		return nil, errors.New("multi: no sources")
	}
	seen := map[string]bool{}
	for _, m := range members {
		if m.Label == "" || seen[m.Label] || m.Source == nil {
			return nil, fmt.Errorf("multi: source label %q is empty, repeated or without a source", m.Label)
		}
		seen[m.Label] = true
	}
	return &Multi{members: append([]Member(nil), members...)}, nil
}

// Members returns the members in order.
func (m *Multi) Members() []Member { return append([]Member(nil), m.members...) }

// Member returns the member labelled label.
func (m *Multi) Member(label string) (Source, bool) {
	if i := m.index(label); i >= 0 {
		return m.members[i].Source, true
	}
	return nil, false
}

func (m *Multi) index(label string) int {
	for i, mb := range m.members {
		if mb.Label == label {
			return i
		}
	}
	return -1
}

// SourceOf returns the source an alarm came from: its member when src is a
// Multi, else src itself. The drill-down asks it for everything about the
// alarm.
func SourceOf(src Source, a Alarm) Source {
	if m, ok := src.(*Multi); ok {
		if s, ok := m.Member(a.Source); ok {
			return s
		}
	}
	return src
}

// Describe lists the members: "3 sources: prod/eu-west-1, prod/us-east-1, dev/eu-west-1".
func (m *Multi) Describe() string {
	labels := make([]string, len(m.members))
	for i, mb := range m.members {
		labels[i] = mb.Label
	}
	return fmt.Sprintf("%d sources: %s", len(m.members), strings.Join(labels, ", "))
}

// SourceError is one member's failure.
type SourceError struct {
	Label string
	Err   error
}

func (e SourceError) Error() string { return e.Label + ": " + Summary(e.Err) }
func (e SourceError) Unwrap() error { return e.Err }

// PartialError reports the members that failed while the others answered.
type PartialError struct {
	Failed []SourceError // in member order
	Total  int           // members asked
}

func (e *PartialError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = f.Error()
	}
	return fmt.Sprintf("%d of %d sources failed: %s", len(e.Failed), e.Total, strings.Join(parts, "; "))
}

// Unwrap lets errors.Is and errors.As see each member's error.
func (e *PartialError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// All reports whether every member asked failed (no data came back).
func (e *PartialError) All() bool { return len(e.Failed) == e.Total }

// SomeAnswered reports whether err is a *PartialError with data from the
// members that answered: shown, with the failure reported.
func SomeAnswered(err error) bool {
	var partial *PartialError
	return errors.As(err, &partial) && !partial.All()
}

// each calls fn for every member concurrently and returns the results in
// member order, with a *PartialError when some failed.
func each[T any](ctx context.Context, members []Member, fn func(ctx context.Context, mb Member) (T, error)) ([]T, error) {
	results := make([]T, len(members))
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, mb := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = fn(ctx, mb)
		}()
	}
	wg.Wait()
	var failed []SourceError
	for i, err := range errs {
		if err != nil {
			failed = append(failed, SourceError{Label: members[i].Label, Err: err})
		}
	}
	if len(failed) > 0 {
		return results, &PartialError{Failed: failed, Total: len(members)}
	}
	return results, nil
}

// pick returns the member labelled label, or every member for "".
func (m *Multi) pick(label string) ([]Member, error) {
	if label == "" {
		return m.members, nil
	}
	if i := m.index(label); i >= 0 {
		return m.members[i : i+1], nil
	}
	return nil, fmt.Errorf("multi: no source labelled %q (have %s)", label, m.Describe())
}

// ListAlarms returns every member's alarms, labelled, ALARM first.
func (m *Multi) ListAlarms(ctx context.Context) ([]Alarm, error) {
	lists, err := each(ctx, m.members, func(ctx context.Context, mb Member) ([]Alarm, error) {
		alarms, err := mb.Source.ListAlarms(ctx)
		labelAlarms(alarms, mb.Label)
		return alarms, err
	})
	var all []Alarm
	for _, l := range lists {
		all = append(all, l...)
	}
	SortAlarms(all)
	return all, err
}

// PageAlarms lists the alarms of q.Source's member, or of every member at
// once, labelled, handing page one page at a time.
func (m *Multi) PageAlarms(ctx context.Context, q AlarmQuery, page func([]Alarm)) error {
	members, err := m.pick(q.Source)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	_, err = each(ctx, members, func(ctx context.Context, mb Member) (struct{}, error) {
		own := q
		own.Source = ""
		return struct{}{}, PageAlarms(ctx, mb.Source, own, func(alarms []Alarm) {
			labelAlarms(alarms, mb.Label)
			mu.Lock()
			defer mu.Unlock()
			page(alarms)
		})
	})
	return err
}

// labelAlarms marks alarms, and their metrics, as the member label's.
func labelAlarms(alarms []Alarm, label string) {
	for i := range alarms {
		alarms[i].Source = label
		alarms[i].Metric.Source = label
	}
}

// FetchMetrics sends each spec to its Source's member (unlabelled ones to
// the first member) and returns the series in the order given. A member's
// failure leaves its series empty.
func (m *Multi) FetchMetrics(ctx context.Context, specs []MetricSpec, start, end time.Time) ([]Series, error) {
	owner := make([]int, len(specs)) // member index of each spec
	out := make([]Series, len(specs))
	for i, spec := range specs {
		out[i] = Series{Spec: spec}
		if spec.Source == "" {
			continue
		}
		if owner[i] = m.index(spec.Source); owner[i] < 0 {
			return nil, fmt.Errorf("multi: metric %s: no source labelled %q", spec.Key(), spec.Source)
		}
	}
	_, err := each(ctx, m.members, func(ctx context.Context, mb Member) (struct{}, error) {
		var idx []int
		var own []MetricSpec
		for i, o := range owner {
			if m.members[o].Label == mb.Label {
				idx = append(idx, i)
				own = append(own, specs[i])
				own[len(own)-1].Source = "" // members know nothing of labels
			}
		}
		if len(own) == 0 {
			return struct{}{}, nil
		}
		series, err := mb.Source.FetchMetrics(ctx, own, start, end)
		for k, i := range idx {
			if err == nil && k < len(series) {
				out[i] = series[k]
				out[i].Spec.Source = specs[i].Source
			}
		}
		return struct{}{}, err
	})
	return out, err
}

// FetchLogs returns the events of q.Source's member, or of every member
// merged oldest first.
func (m *Multi) FetchLogs(ctx context.Context, q LogQuery) ([]LogEvent, error) {
	members, err := m.pick(q.Source)
	if err != nil {
		return nil, err
	}
	lists, err := each(ctx, members, func(ctx context.Context, mb Member) ([]LogEvent, error) {
		own := q
		own.Source = ""
		return mb.Source.FetchLogs(ctx, own)
	})
	return mergeByTime(lists, func(e LogEvent) time.Time { return e.Time }), err
}

// FetchTrail returns the events of q.Source's member, or of every member
// merged oldest first. With q.Limit, as from one source, they are the
// newest q.Limit and all of the window from the oldest of them: a member
// that gave a full q.Limit may have more before its oldest event, so the
// others' events before that are left for the next, earlier request (a
// history search pages back from there).
func (m *Multi) FetchTrail(ctx context.Context, q TrailQuery) ([]TrailEvent, error) {
	members, err := m.pick(q.Source)
	if err != nil {
		return nil, err
	}
	lists, err := each(ctx, members, func(ctx context.Context, mb Member) ([]TrailEvent, error) {
		own := q
		own.Source = ""
		return mb.Source.FetchTrail(ctx, own)
	})
	all := mergeByTime(lists, func(e TrailEvent) time.Time { return e.Time })
	if q.Limit <= 0 {
		return all, err
	}
	var cut time.Time
	for _, l := range lists {
		if len(l) >= q.Limit && l[0].Time.After(cut) {
			cut = l[0].Time
		}
	}
	from := sort.Search(len(all), func(i int) bool { return !all[i].Time.Before(cut) })
	return all[max(from, len(all)-q.Limit):], err
}

// AlarmHistory asks every member for the named alarm's history and merges
// it; use SourceOf to ask only the alarm's own member.
func (m *Multi) AlarmHistory(ctx context.Context, name string, start, end time.Time) ([]StateChange, error) {
	lists, err := each(ctx, m.members, func(ctx context.Context, mb Member) ([]StateChange, error) {
		return mb.Source.AlarmHistory(ctx, name, start, end)
	})
	return mergeByTime(lists, func(c StateChange) time.Time { return c.Time }), err
}

func mergeByTime[T any](lists [][]T, at func(T) time.Time) []T {
	var all []T
	for _, l := range lists {
		all = append(all, l...)
	}
	sort.SliceStable(all, func(i, j int) bool { return at(all[i]).Before(at(all[j])) })
	return all
}
