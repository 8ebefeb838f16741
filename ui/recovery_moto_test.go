package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/panes/panetest"
	"watchtrail/sources/awssrc"
)

// TestEveryPaneRecoversAfterFaults runs the dashboard's own command loop on
// the AWS source through the fault proxy in front of moto, with a 1 s
// refresh, while the proxy injects every fault in turn (throttling, 500,
// 503, resets, truncated bodies, latency, expired and invalid credentials,
// then the endpoint down). Every frame drawn meanwhile must fill the screen
// exactly; once the faults end, every feed must be fresh again within two
// refreshes of the backoff it was in (the recovery times are logged).
func TestEveryPaneRecoversAfterFaults(t *testing.T) {
	endpoint := motoserver.Shared(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	now := time.Now().UTC().Truncate(time.Second)
	seed := motoserver.NewSeeder(t, endpoint)
	prefix := fmt.Sprintf("/wt/recovery-%d", now.UnixNano())
	dims := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(prefix)}}
	seed.Metric("WT/Recovery", "Latency", dims, now, 200, 190, 180)
	seed.Alarm(prefix+"-latency", "WT/Recovery", "Latency", dims, 150, cwtypes.StateValueAlarm)
	seed.Logs(prefix+"/app", now, "ERROR before the storm")
	seed.Logs(prefix+"/trail", now, `{"eventVersion":"1.08","eventID":"e1","eventTime":"`+now.Add(-time.Second).Format(time.RFC3339)+
		`","eventName":"UpdateFunctionConfiguration","eventSource":"lambda.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"alice"}}`)

	proxy := faultproxy.Start(t, endpoint)
	src := awssrc.New(motoserver.Config(), proxy.URL())
	if err := src.UseTrailLogGroup(prefix + "/trail"); err != nil {
		t.Fatal(err)
	}
	const refresh, width, height = time.Second, 120, 40
	m := New(Config{Source: src, Refresh: refresh, LogGroups: []string{prefix + "/app"}})
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})

	loop := newCmdLoop(m)
	loop.until(t, 30*time.Second, func() bool { return allFresh(m, time.Time{}) })
	over := proxy.Storm("", 1500*time.Millisecond, time.Second)
	t.Logf("faults until %s", over.Format("15:04:05.000"))
	loop.until(t, time.Until(over)+time.Second, func() bool {
		panetest.CheckSize(t, m.View(), width, height)
		return false
	})
	backoff := time.Duration(0)
	for _, f := range feed.All {
		st := m.sched.State(f)
		backoff = max(backoff, st.Delay(refresh))
	}
	limit := 2*backoff + 10*time.Second // a poll may wait out the SDK's response timeout
	loop.until(t, limit, func() bool {
		panetest.CheckSize(t, m.View(), width, height)
		return allFresh(m, over)
	})
	for _, f := range feed.All {
		st := m.sched.State(f)
		if st.LastOK.Before(over) {
			t.Errorf("%s: not fresh %s after the faults ended (backoff %s): %s", f, limit, backoff, st.LastErr)
			continue
		}
		t.Logf("%-7s fresh %5s after the faults ended", f, st.LastOK.Sub(over).Round(10*time.Millisecond))
	}
	panetest.CheckSize(t, m.View(), width, height)
}

// allFresh reports whether every feed has data newer than since and no error.
func allFresh(m *Model, since time.Time) bool {
	for _, f := range feed.All {
		if st := m.sched.State(f); st.LastErr != "" || !st.LastOK.After(since) {
			return false
		}
	}
	return true
}

// cmdLoop runs a model's commands as bubbletea does: each in a goroutine,
// their messages back through Update on this one.
type cmdLoop struct {
	m    *Model
	msgs chan tea.Msg
}

func newCmdLoop(m *Model) *cmdLoop {
	l := &cmdLoop{m: m, msgs: make(chan tea.Msg, 256)}
	l.run(m.Init())
	return l
}

func (l *cmdLoop) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { l.msgs <- cmd() }()
	}
}

// until delivers messages until done holds (checked after each) or timeout.
func (l *cmdLoop) until(t *testing.T, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case msg := <-l.msgs:
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, cmd := range batch {
					l.run(cmd)
				}
				continue
			}
			if msg == nil {
				continue
			}
			_, next := l.m.Update(msg)
			l.run(next)
			if done() || t.Failed() {
				return
			}
		case <-deadline:
			return
		}
	}
}
