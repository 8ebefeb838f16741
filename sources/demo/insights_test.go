package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

func TestDemoLogsInsights(t *testing.T) {
	s, c := newDemo(t)
	c.t = s.ChangeTime().Add(2 * time.Minute) // mid-incident
	lambda := "/aws/lambda/" + checkoutFn
	q := sources.InsightsQuery{Groups: []string{lambda}, Start: c.t.Add(-10 * time.Minute), End: c.t,
		Query: "fields @timestamp, @message, level | filter @message like /timed out/ | sort @timestamp desc | limit 5"}
	id, err := s.StartQuery(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.QueryResults(context.Background(), id)
	if err != nil || res.Status != sources.QueryRunning || len(res.Rows) != 0 || res.Stats.RecordsScanned == 0 {
		t.Fatalf("first poll = %+v, %v; want Running with statistics", res, err)
	}
	c.t = c.t.Add(2 * time.Second)
	res, err = s.QueryResults(context.Background(), id)
	if err != nil || res.Status != sources.QueryComplete || len(res.Rows) != 5 {
		t.Fatalf("later poll = %+v, %v; want 5 rows", res, err)
	}
	prev := "9999"
	for _, row := range res.Rows {
		msg, _ := row.Get("@message")
		at, _ := row.Get("@timestamp")
		if !strings.Contains(msg, "timed out") || at > prev {
			t.Errorf("row %v: not a timeout, or not newest first", row)
		}
		prev = at
	}

	ptr, _ := res.Rows[0].Get(sources.PtrField)
	record, err := s.LogRecord(context.Background(), ptr)
	msg, _ := res.Rows[0].Get("@message")
	if got, _ := record.Get("@message"); err != nil || got != msg || record[0].Name != "@timestamp" {
		t.Errorf("record behind %q = %+v, %v", ptr, record, err)
	}
	if _, ok := record.Get("@logStream"); !ok {
		t.Errorf("record lacks @logStream: %+v", record)
	}
	if _, err := s.LogRecord(context.Background(), "nonsense"); err == nil {
		t.Error("bad pointer: want an error")
	}

	q.Query = "stats count(*) by level"
	res, err = sources.RunQuery(context.Background(), s, q, func(sources.QueryResult) { c.t = c.t.Add(time.Second) })
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]string{}
	for _, row := range res.Rows {
		lvl, _ := row.Get("level")
		levels[lvl], _ = row.Get("count(*)")
	}
	if levels["ERROR"] == "" || levels["INFO"] == "" {
		t.Errorf("stats by level = %v, want ERROR and INFO counts", levels)
	}

	for _, bad := range []string{"parse @message 'x=*' as x", "filter level = 'ERROR'", "limit many"} {
		if _, err := s.StartQuery(context.Background(), sources.InsightsQuery{Groups: []string{lambda}, Query: bad}); err == nil {
			t.Errorf("query %q: want a clear error", bad)
		}
	}
	if _, err := s.StartQuery(context.Background(), sources.InsightsQuery{Groups: []string{"/nope"}, Query: "fields @message"}); err == nil {
		t.Error("unknown group: want an error")
	}
	saved, _ := s.SavedQueries(context.Background())
	for _, sq := range saved {
		if _, err := s.StartQuery(context.Background(), sources.InsightsQuery{Groups: sq.Groups, Query: sq.Query}); err != nil {
			t.Errorf("saved query %q does not run: %v", sq.Name, err)
		}
	}
	if groups, _ := s.ListLogGroups(context.Background(), "/aws/"); len(groups) != 2 {
		t.Errorf("groups under /aws/: %v", groups)
	}
}

func TestDemoCompositeAlarmFollowsItsChildren(t *testing.T) {
	s, c := newDemo(t)
	s.composite = true
	composite := func() sources.Alarm {
		alarms, _ := s.ListAlarms(context.Background())
		for _, a := range alarms {
			if a.Composite {
				return a
			}
		}
		t.Fatal("no composite alarm")
		return sources.Alarm{}
	}
	if a := composite(); a.State != sources.StateOK || a.Name != compositeAlarm {
		t.Errorf("before the incident: %+v", a)
	}
	c.t = s.ChangeTime().Add(2 * time.Minute)
	a := composite()
	children, err := sources.ParseAlarmRule(a.Rule)
	if err != nil || strings.Join(children, ",") != strings.Join(a.Children, ",") || len(children) != 2 {
		t.Fatalf("rule %q parses to %v, %v; children %v", a.Rule, children, err, a.Children)
	}
	alarms, _ := s.ListAlarms(context.Background())
	firing := sources.FiringChildren(a, alarms)
	if a.State != sources.StateAlarm || len(firing) != 2 || !a.StateChanged.Equal(firing[0].StateChanged) {
		t.Errorf("mid-incident: %+v firing %v", a, firing)
	}
	history, err := s.AlarmHistory(context.Background(), compositeAlarm, c.t.Add(-time.Hour), c.t)
	if err != nil || len(history) != 1 || history[0].To != sources.StateAlarm || !history[0].Time.Equal(a.StateChanged) {
		t.Errorf("composite history %+v, %v; want its one transition into ALARM at %v", history, err, a.StateChanged)
	}
	c.t = s.ChangeTime().Add(10 * time.Minute) // after bob's rollback
	if a := composite(); a.State != sources.StateOK {
		t.Errorf("after the rollback: %+v", a)
	}
	history, _ = s.AlarmHistory(context.Background(), compositeAlarm, c.t.Add(-time.Hour), c.t)
	if len(history) != 2 || history[1].From != sources.StateAlarm || history[1].To != sources.StateOK {
		t.Errorf("history after recovery: %+v", history)
	}
	d, err := s.GetDashboard(context.Background(), demoDashboard)
	if err != nil || len(d.Widgets) != 7 || d.Widgets[3].Alarms[0] != compositeAlarm || d.Widgets[6].Unsupported != sources.NotSupported {
		t.Fatalf("demo dashboard = %+v, %v", d, err)
	}
	var specs []sources.MetricSpec
	for _, w := range d.Widgets {
		for _, m := range w.Metrics {
			specs = append(specs, m.Spec)
		}
	}
	series, err := s.FetchMetrics(context.Background(), specs, c.t.Add(-time.Hour), c.t)
	if err != nil || len(series) != 6 {
		t.Fatalf("dashboard metrics: %d series, %v", len(series), err)
	}
	for _, sr := range series {
		if len(sr.Values) == 0 {
			t.Errorf("%s has no data", sr.Spec.Key())
		}
	}
	if got := d.Widgets[4].Groups; len(got) != 1 || got[0] != "/aws/lambda/"+checkoutFn {
		t.Errorf("log widget groups %v", got)
	}
}

func TestDemoLogContextStaysInTheStream(t *testing.T) {
	s, c := newDemo(t)
	c.t = s.ChangeTime().Add(3 * time.Minute)
	lambda := "/aws/lambda/" + checkoutFn
	events, err := s.FetchLogs(context.Background(), sources.LogQuery{Group: lambda, Pattern: "ERROR", Start: c.t.Add(-2 * time.Minute), End: c.t})
	if err != nil || len(events) == 0 {
		t.Fatalf("no error lines: %v", err)
	}
	e := events[len(events)/2]
	got, err := s.LogContext(context.Background(), e, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, g := range got {
		if g.Stream != e.Stream {
			t.Errorf("line from stream %s, want %s", g.Stream, e.Stream)
		}
		if i > 0 && g.Time.Before(got[i-1].Time) {
			t.Errorf("out of order at %d", i)
		}
		if g.ID == e.ID {
			at = i
		}
	}
	if at != 5 || len(got) != 11 {
		t.Errorf("event at %d of %d lines, want the middle of 11", at, len(got))
	}
	if parsed := text.ParseLogLine(e.Message); parsed.Level != "ERROR" {
		t.Errorf("level of %q = %q", e.Message, parsed.Level)
	}
}
