package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
)

// TestDashboardRendersWhatMotoHolds puts an alarm, its metric and log events
// into a real moto server and checks the dashboard, on the real AWS source,
// shows them; moto has no CloudTrail LookupEvents, so that feed must fail
// visibly without taking the other panes down.
func TestDashboardRendersWhatMotoHolds(t *testing.T) {
	src, now := seedMoto(t)
	m := New(Config{Source: src, Refresh: time.Minute, LogGroups: []string{"/wt/ui-test"}, Now: func() time.Time { return now.Add(time.Minute) }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	pump(t, m)
	out := screen(m)
	t.Log("\n" + out)
	for _, want := range []string{"1 firing", "wt-ui-latency-high", "ALARM", "Latency api", "payment declined", "red alert"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[31m") {
		t.Errorf("an escape sequence from a log line reached the screen:\n%s", out)
	}
	if !strings.Contains(out, "trail:") || !strings.Contains(out, "⚠ AWS service error · no data yet") {
		t.Errorf("the failing CloudTrail feed is not reported:\n%s", out)
	}
}

// seedMoto starts moto with an alarm, its metric and a log group, and
// returns the AWS source on it and the seeding time.
func seedMoto(t *testing.T) (*awssrc.Source, time.Time) {
	endpoint, seed, now := startMoto(t)
	dims := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("api")}}
	seed.Metric("WT/UITest", "Latency", dims, now, 200, 190, 180, 170, 160, 150, 140, 130, 120, 110)
	seed.Alarm("wt-ui-latency-high", "WT/UITest", "Latency", dims, 150, cwtypes.StateValueAlarm)
	seed.Logs("/wt/ui-test", now, "ERROR payment declined for order 42", "\x1b[31mred alert\x1b[0m")
	return awssrc.New(motoserver.Config(), endpoint), now
}

// startMoto starts moto for a test without credentials, and returns its
// endpoint, a seeder on it and the time to seed at.
func startMoto(t testing.TB) (string, *motoserver.Seeder, time.Time) {
	endpoint := motoserver.Start(t)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return endpoint, motoserver.NewSeeder(t, endpoint), time.Now().UTC().Truncate(time.Second)
}

// TestAlarmMetricsShowWithoutWaitingForTheRefresh runs the dashboard's own
// commands against moto, as the program would, with a refresh of an hour:
// the alarm's metric must come from the poll the alarms' arrival starts, not
// from the next refresh. How soon is logged, not asserted: moto on a busy
// machine may take seconds to answer.
func TestAlarmMetricsShowWithoutWaitingForTheRefresh(t *testing.T) {
	src, now := seedMoto(t)
	m := New(Config{Source: src, Refresh: time.Hour, LogGroups: []string{"/wt/ui-test"}, Now: func() time.Time { return now.Add(time.Minute) }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	var alarmsAt time.Time
	shown := drive(t, m, 60*time.Second, func(msg tea.Msg) bool {
		if _, ok := msg.(sources.AlarmsMsg); ok && alarmsAt.IsZero() {
			alarmsAt = time.Now()
		}
		s, ok := m.metrics.Selected()
		return ok && len(s.Values) > 0
	})
	if !shown || alarmsAt.IsZero() {
		t.Fatalf("the alarm's metric never showed (alarms arrived: %v):\n%s", !alarmsAt.IsZero(), screen(m))
	}
	t.Logf("the metric on screen %s after the alarms arrived", time.Since(alarmsAt).Round(time.Millisecond))
	if out := screen(m); !strings.Contains(out, "Latency api") {
		t.Fatalf("metric not on screen:\n%s", out)
	}
}

// TestAlarmLogGroupsShowWithoutWaitingForTheRefresh is the same for the log
// groups the dashboard derives from the alarms when none are configured: a
// Lambda function's alarm brings its /aws/lambda/<name> group's lines.
func TestAlarmLogGroupsShowWithoutWaitingForTheRefresh(t *testing.T) {
	endpoint, seed, now := startMoto(t)
	dims := []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("wt-ui-fn")}}
	seed.Metric("AWS/Lambda", "Errors", dims, now, 0, 0, 3, 7)
	seed.Alarm("wt-ui-fn-errors", "AWS/Lambda", "Errors", dims, 5, cwtypes.StateValueAlarm)
	seed.Logs("/aws/lambda/wt-ui-fn", now, "ERROR card service unreachable")
	m := New(Config{Source: awssrc.New(motoserver.Config(), endpoint), Refresh: time.Hour, Now: func() time.Time { return now.Add(time.Minute) }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	var alarmsAt time.Time
	shown := drive(t, m, 60*time.Second, func(msg tea.Msg) bool {
		if _, ok := msg.(sources.AlarmsMsg); ok && alarmsAt.IsZero() {
			alarmsAt = time.Now()
		}
		return m.logs.Len() > 0
	})
	if !shown || alarmsAt.IsZero() {
		t.Fatalf("the alarm's log group never showed (alarms arrived: %v):\n%s", !alarmsAt.IsZero(), screen(m))
	}
	t.Logf("log lines on screen %s after the alarms arrived", time.Since(alarmsAt).Round(time.Millisecond))
	if out := screen(m); !strings.Contains(out, "card service unreachable") {
		t.Fatalf("log line not on screen:\n%s", out)
	}
}

// drive runs the model's commands as the program would (each in its own
// goroutine, ticks sleeping for real) and hands every message to Update,
// then to after, until after says stop (true) or limit passes (false).
func drive(t testing.TB, m *Model, limit time.Duration, after func(tea.Msg) bool) bool {
	t.Helper()
	msgs := make(chan tea.Msg, 64)
	done := make(chan struct{})
	defer close(done)
	var run func(cmd tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd != nil {
			go func() {
				select {
				case msgs <- cmd():
				case <-done:
				}
			}()
		}
	}
	run(m.Init())
	deadline := time.After(limit)
	for {
		select {
		case msg := <-msgs:
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, cmd := range batch {
					run(cmd)
				}
				continue
			}
			_, next := m.Update(msg)
			run(next)
			if after(msg) {
				return true
			}
		case <-deadline:
			return false
		}
	}
}
