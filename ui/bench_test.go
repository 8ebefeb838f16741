package ui

import (
	"github.com/muesli/termenv"

	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/triage"
)

// benchModel is a demo dashboard mid-incident with full log and trail
// buffers, drawn in the 256-colour profile tmux and SSH users get.
func benchModel(b *testing.B) *Model {
	panetest.UseProfile(b, termenv.ANSI256)
	m, _ := newDemoModel(b, incidentAfter+2*time.Minute, 200, 60)
	pump(b, m)
	m.logs.Append(syntheticLogs(0, 5000))
	return m
}

func syntheticLogs(from, n int) []sources.LogEvent {
	events := make([]sources.LogEvent, n)
	at := demoStart
	for i := range events {
		events[i] = sources.LogEvent{ID: fmt.Sprint(from + i), Group: "/aws/lambda/bench", Stream: "s",
			Time: at.Add(time.Duration(from+i) * time.Millisecond), Message: fmt.Sprintf("INFO request %d served in 12 ms", from+i)}
	}
	return events
}

// BenchmarkDashboardView is the cost of one full-screen frame at 200x60
// with every pane drawn anew, as after a key or a resize.
func BenchmarkDashboardView(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		m.drawn = [paneCount]string{}
		_ = m.View()
	}
}

// BenchmarkDashboardLogBatch is the cost of the most frequent frame: a
// poll's 20 new log lines arrive and the screen is drawn.
func BenchmarkDashboardLogBatch(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(sources.LogsMsg{Events: syntheticLogs(10_000+i*20, 20), At: demoStart})
		_ = m.View()
		i++
	}
}

// BenchmarkDrillDownView is the cost of one drill-down frame at 200x60.
func BenchmarkDrillDownView(b *testing.B) {
	m := benchModel(b)
	m.Update(m.openDrill(m.alarmList[0])())
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkDrillDownPaint is the time from the triage analysis arriving to
// the drill-down painted (the Update that lays out the sections and draws the
// chart, then the frame), at 80x24, 120x40 and 200x60, for both demo
// incidents: the budget is well under a second.
func BenchmarkDrillDownPaint(b *testing.B) {
	for _, c := range []struct {
		name  string
		at    time.Duration
		alarm string
		full  bool
	}{
		{"checkout", incidentAfter + 2*time.Minute, "checkout-api-duration-p99", false},
		{"web", incidentAfter + 15*time.Minute, "prod-web-alb-5xx", false},
		{"web_full", incidentAfter + 15*time.Minute, "prod-web-alb-5xx", true},
	} {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			b.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(b *testing.B) {
				panetest.UseProfile(b, termenv.ANSI256)
				m, _ := newDemoModel(b, c.at, size[0], size[1])
				pump(b, m)
				i := slices.IndexFunc(m.alarmList, func(a sources.Alarm) bool { return a.Name == c.alarm })
				if i < 0 {
					b.Fatalf("no alarm %s", c.alarm)
				}
				msg := m.openDrill(m.alarmList[i])().(triageMsg).Result
				if len(msg.Suspects) == 0 {
					b.Fatal("no suspects to paint")
				}
				if c.full {
					msg = fullDrill(msg)
				}
				b.ReportAllocs()
				for b.Loop() {
					m.Update(triageMsg{msg})
					_ = m.View()
				}
			})
		}
	}
}

// fullDrill fills an analysis to the engine's limits: 20 suspects, a
// thousand trail events, 500 log lines and ten graph problems.
func fullDrill(msg triage.Result) triage.Result {
	for i := 0; len(msg.Suspects) < 20; i++ {
		s := msg.Suspects[i%len(msg.Suspects)]
		s.Event.ID += fmt.Sprint("-", i)
		msg.Suspects = append(msg.Suspects, s)
	}
	for i := 0; len(msg.Trail) < 1000; i++ {
		e := msg.Trail[i%len(msg.Trail)]
		e.ID += fmt.Sprint("-", i)
		msg.Trail = append(msg.Trail, e)
	}
	msg.Logs = syntheticLogs(0, 500)
	for i := range 10 {
		msg.Graph.Problems = append(msg.Graph.Problems, fmt.Sprintf("could not see sg sg-%d's relations: access denied", i))
	}
	return msg
}

// BenchmarkLogIngest is the throughput of log events through Update, in
// batches of 500 as a busy poll delivers them.
func BenchmarkLogIngest(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(sources.LogsMsg{Events: syntheticLogs(10_000+i*500, 500), At: demoStart})
		i++
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemoryFullBuffers reports the heap held by a dashboard whose log
// ring is full (5000 lines), to catch unbounded growth.
func BenchmarkMemoryFullBuffers(b *testing.B) {
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := benchModel(b)
		m.logs.Append(syntheticLogs(100_000, 20_000))
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "MB-held")
		runtime.KeepAlive(m)
	}
}
