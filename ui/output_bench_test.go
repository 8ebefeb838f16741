package ui

import (
	"flag"
	"io"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources/demo"
)

var demoFor = flag.Duration("demo-for", 0, "how long BenchmarkDemoOutput runs the demo, in real time (0: skipped)")

// byteCounter is the terminal: it counts what the renderer writes.
type byteCounter struct {
	mu            sync.Mutex
	bytes, writes int
}

func (c *byteCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes += len(p)
	c.writes++
	return len(p), nil
}

// runDemo runs the real program on the demo as `watchtrail --demo` does, in
// a 200x60 alternate screen in the 256-colour profile, for d of real time,
// and counts what it wrote (through ScrollingOutput, as the program does,
// unless plain).
func runDemo(tb testing.TB, d time.Duration, plain bool) *byteCounter {
	src := demo.New(demo.Options{})
	m := New(Config{Source: src, Demo: true, Refresh: 2 * time.Second, LogGroups: src.LogGroups(), Metrics: src.WatchedMetrics()})
	out := &byteCounter{}
	var screen io.Writer = ScrollingOutput(out)
	if plain {
		screen = out
	}
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithFPS(FrameRate), tea.WithInput(nil), tea.WithOutput(screen), tea.WithoutSignalHandler())
	go func() {
		p.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
		time.Sleep(d)
		p.Quit()
	}()
	if _, err := p.Run(); err != nil {
		tb.Error(err) // runs in a goroutine of its own
	}
	return out
}

// BenchmarkDemoOutput is the terminal output of -demo-for of the demo at
// 200x60 in 256 colours, beside the renderer's own output (without
// ScrollingOutput) of a second demo run at the same time: compare with
// `top -d 2` by running scripts/perf.sh. It runs in real time, so only when
// asked:
// go test ./ui -run '^$' -bench DemoOutput -benchtime 1x -args -demo-for 60s
func BenchmarkDemoOutput(b *testing.B) {
	if *demoFor <= 0 {
		b.Skip("set -demo-for (e.g. -args -demo-for 60s) to run the demo in real time")
	}
	panetest.UseProfile(b, termenv.ANSI256)
	for b.Loop() {
		var out, plain *byteCounter
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); out = runDemo(b, *demoFor, false) }()
		go func() { defer wg.Done(); plain = runDemo(b, *demoFor, true) }()
		wg.Wait()
		b.ReportMetric(float64(out.bytes)/demoFor.Minutes(), "bytes/min")
		b.ReportMetric(float64(out.writes)/demoFor.Minutes(), "writes/min")
		b.ReportMetric(float64(plain.bytes)/demoFor.Minutes(), "renderer-bytes/min")
		b.ReportMetric(float64(out.bytes)/float64(plain.bytes), "ratio")
	}
}
