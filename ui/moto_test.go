package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/motoserver"
	"watchtrail/sources/awssrc"
)

// TestDashboardRendersWhatMotoHolds puts an alarm, its metric and log events
// into a real moto server and checks the dashboard, on the real AWS source,
// shows them; moto has no CloudTrail LookupEvents, so that feed must fail
// visibly without taking the other panes down.
func TestDashboardRendersWhatMotoHolds(t *testing.T) {
	endpoint := motoserver.Start(t)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	now := time.Now().UTC().Truncate(time.Second)
	seed := motoserver.NewSeeder(t, endpoint)
	dims := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("api")}}
	seed.Metric("WT/UITest", "Latency", dims, now, 200, 190, 180, 170, 160, 150, 140, 130, 120, 110)
	seed.Alarm("wt-ui-latency-high", "WT/UITest", "Latency", dims, 150, cwtypes.StateValueAlarm)
	seed.Logs("/wt/ui-test", now, "ERROR payment declined for order 42", "\x1b[31mred alert\x1b[0m")

	src := awssrc.New(motoserver.Config(), endpoint)
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
