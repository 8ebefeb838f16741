package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
)

// manyAlarms is n alarms, one in a hundred firing and every fifth on a
// Lambda function, as the 10,000-alarm scale run seeds moto.
func manyAlarms(n int, at time.Time) []sources.Alarm {
	alarms := make([]sources.Alarm, n)
	for i := range alarms {
		a := sources.Alarm{Name: fmt.Sprintf("scale-%05d-cpu", i), State: sources.StateOK, Threshold: 80,
			Comparison: "GreaterThanThreshold", StateChanged: at.Add(-time.Duration(i) * time.Second),
			Metric: sources.MetricSpec{Namespace: "AWS/EC2", Metric: "CPUUtilization", Stat: "Average",
				Dims: []sources.Dimension{{Name: "InstanceId", Value: fmt.Sprintf("i-%05d", i)}}}}
		if i%5 == 0 {
			a.Name = fmt.Sprintf("fn-%d-errors", i/5)
			a.Metric = sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors", Stat: "Sum",
				Dims: []sources.Dimension{{Name: "FunctionName", Value: fmt.Sprintf("fn-%d", i/5)}}}
		}
		if i%100 == 0 {
			a.State, a.Reason = sources.StateAlarm, "Threshold Crossed: 1 datapoint [97.0] was greater than the threshold (80.0)."
		}
		alarms[i] = a
	}
	sources.SortAlarms(alarms)
	return alarms
}

// scaleModel is the dashboard at 200x60 holding 10,000 alarms, tailing the
// log groups it picks from them, as the 10,000-alarm scale run does.
func scaleModel(b *testing.B) *Model {
	panetest.UseProfile(b, termenv.ANSI256)
	m, c := newDemoModel(b, incidentAfter+2*time.Minute, 200, 60)
	m.sched.Config().LogGroups = nil
	pump(b, m)
	m.Update(sources.AlarmsMsg{Alarms: manyAlarms(10_000, c.Now()), At: c.Now()})
	return m
}

// BenchmarkKeyToScreen10kAlarms is what one key press costs with 10,000
// alarms loaded: its Update and the frame drawn after it.
func BenchmarkKeyToScreen10kAlarms(b *testing.B) {
	m := scaleModel(b)
	down, up := tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}
	i := 0
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		key := down
		if i/50%2 == 1 {
			key = up
		}
		m.Update(key)
		_ = m.View()
		i++
	}
	reportCPU(b, cpu)
}

// BenchmarkAlarmsPoll10kAlarms is what the arrival of a poll of 10,000
// alarms costs the UI goroutine (a key pressed meanwhile waits for it): its
// Update and the next frame.
func BenchmarkAlarmsPoll10kAlarms(b *testing.B) {
	m := scaleModel(b)
	at := m.now
	// Two different lists in turn, made before the clock starts: the source
	// builds and sorts them off the UI goroutine.
	polls := [][]sources.Alarm{manyAlarms(10_000, at.Add(time.Minute)), manyAlarms(10_000, at.Add(2*time.Minute))}
	i := 0
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		at = at.Add(15 * time.Second)
		m.Update(sources.AlarmsMsg{Alarms: polls[i%2], At: at})
		_ = m.View()
		i++
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process's CPU time per op since start, where the
// platform tells it: on a shared machine the wall time also holds the
// waits for a core.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkFilterKey10kAlarms is what one key typed into the alarms pane's
// filter costs with 10,000 alarms loaded: "cpu-01" typed and erased again,
// each key's Update and the frame drawn after it.
func BenchmarkFilterKey10kAlarms(b *testing.B) {
	m := scaleModel(b)
	m.focus = paneAlarms
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
	var typing []tea.KeyMsg
	for _, r := range "cpu-01" {
		typing = append(typing, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	for range len(typing) {
		typing = append(typing, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	i := 0
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		m.Update(typing[i%len(typing)])
		_ = m.View()
		i++
	}
	reportCPU(b, cpu)
	if _, ok := m.top().(filterView); !ok {
		b.Fatal("the filter prompt is not open")
	}
}
