package demo

import (
	"context"
	"testing"
	"time"

	"watchtrail/sources"
)

func history(t *testing.T, s *Source, name string, from, to time.Time) []sources.StateChange {
	t.Helper()
	h, err := s.AlarmHistory(context.Background(), name, from, to)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(h); i++ {
		if h[i].Time.Before(h[i-1].Time) {
			t.Fatalf("history not oldest first: %+v", h)
		}
	}
	return h
}

func TestAlarmHistoryFollowsTheIncident(t *testing.T) {
	s, c := newDemo(t)
	const name = "checkout-api-errors"
	day := 24 * time.Hour
	far := start.Add(time.Hour) // a window reaching past Now

	if h := history(t, s, name, start.Add(-day), far); len(h) != 0 {
		t.Errorf("before the incident, the last day holds %+v; want nothing", h)
	}
	if h := history(t, s, name, start.Add(-3*day), far); len(h) != 1 || h[0].From != sources.StateInsufficient ||
		h[0].To != sources.StateOK || !h[0].Time.Equal(alarmNamed(t, s, name).StateChanged) {
		t.Errorf("three days back: %+v, want the one change into OK 52h ago", h)
	}

	c.t = s.ChangeTime().Add(time.Minute)
	h := history(t, s, name, start.Add(-day), far)
	firing := alarmNamed(t, s, name)
	if len(h) != 1 || h[0].From != sources.StateOK || h[0].To != sources.StateAlarm ||
		!h[0].Time.Equal(firing.StateChanged) || h[0].Summary != "Alarm updated from OK to ALARM" {
		t.Fatalf("while firing: %+v, want OK→ALARM at %v", h, firing.StateChanged)
	}

	c.t = s.ChangeTime().Add(8 * time.Minute)
	recovered := alarmNamed(t, s, name)
	if recovered.State != sources.StateOK {
		t.Fatalf("8 minutes after the change the alarm is %s", recovered.State)
	}
	h = history(t, s, name, start.Add(-day), c.t)
	if len(h) != 2 || !h[0].Time.Equal(firing.StateChanged) || h[1].From != sources.StateAlarm ||
		h[1].To != sources.StateOK || !h[1].Time.Equal(recovered.StateChanged) {
		t.Fatalf("after recovery: %+v", h)
	}
	// The window is honoured at both ends.
	if h := history(t, s, name, firing.StateChanged.Add(time.Second), c.t); len(h) != 1 || h[0].To != sources.StateOK {
		t.Errorf("window after the firing: %+v", h)
	}
	if h := history(t, s, name, start.Add(-day), firing.StateChanged); len(h) != 1 || h[0].To != sources.StateAlarm {
		t.Errorf("window ending at the firing: %+v", h)
	}
}

func TestAlarmHistorySteadyAndUnknownAlarms(t *testing.T) {
	s, _ := newDemo(t)
	a := alarmNamed(t, s, "orders-write-throttles")
	h := history(t, s, a.Name, start.Add(-60*24*time.Hour), start)
	if len(h) != 1 || h[0].From != sources.StateOK || h[0].To != sources.StateInsufficient || !h[0].Time.Equal(a.StateChanged) {
		t.Errorf("INSUFFICIENT_DATA alarm history %+v, want one change into it at %v", h, a.StateChanged)
	}
	if h := history(t, s, a.Name, start.Add(-24*time.Hour), start); len(h) != 0 {
		t.Errorf("the last day of a month-old state holds %+v", h)
	}
	if h := history(t, s, "no-such-alarm", time.Time{}, start); len(h) != 0 {
		t.Errorf("unknown alarm has history %+v", h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.AlarmHistory(ctx, a.Name, time.Time{}, start); err == nil {
		t.Error("a cancelled context should fail")
	}
}
