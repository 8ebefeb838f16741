package ui

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSoakDemo24h drives the dashboard on the demo account through a day of
// a fake clock, and six hours more so that the trail's buffer (5,000 events,
// the demo writes about 200 an hour) is full and the heap's plateau shows: every feed is polled each refresh (2 min) and a frame drawn
// every simulated minute, with a few keys pressed each hour. It samples the
// heap, the RSS and the goroutines every simulated hour and logs the trend;
// only a loose sanity check is asserted (no timing). It stops early, saying
// how far it got, if the day takes more than 45 s of real time.
func TestSoakDemo24h(t *testing.T) {
	const step, day = 2 * time.Minute, 30 * time.Hour
	m, c := newDemoModel(t, 0, 160, 45)
	started := time.Now()
	var first, last soakSample
	for elapsed := time.Duration(0); elapsed <= day; elapsed += step {
		c.T = demoStart.Add(elapsed)
		pump(t, m)
		if elapsed%time.Minute == 0 {
			_ = m.View()
		}
		if elapsed%time.Hour != 0 {
			continue
		}
		press(m, "tab", "down", "z", "esc", "enter", "esc")
		last = sample(elapsed)
		if elapsed == time.Hour {
			first = last
		}
		t.Logf("%5s  heap %6.1f MB  rss %6.1f MB  goroutines %d  log lines %d  trail events %d (both kept up to %d)",
			elapsed, last.heapMB, last.rssMB, last.goroutines, m.logs.Len(), m.trail.Len(), m.cfg.LogCapacity)
		if time.Since(started) > 45*time.Second {
			t.Logf("stopped after %s simulated in %s", elapsed, time.Since(started).Round(time.Second))
			break
		}
	}
	if first.at == 0 {
		t.Skip("the machine is too slow to simulate an hour in 45 s")
	}
	if last.goroutines > first.goroutines+10 {
		t.Errorf("goroutines grew from %d at %s to %d at %s", first.goroutines, first.at, last.goroutines, last.at)
	}
	if last.heapMB > 2*first.heapMB+16 {
		t.Errorf("the heap grew from %.1f MB at %s to %.1f MB at %s", first.heapMB, first.at, last.heapMB, last.at)
	}
}

type soakSample struct {
	at            time.Duration
	heapMB, rssMB float64
	goroutines    int
}

func sample(at time.Duration) soakSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{at: at, heapMB: float64(ms.HeapAlloc) / 1e6, rssMB: rssMB(), goroutines: runtime.NumGoroutine()}
}

// rssMB is this process's resident set, from /proc (0 elsewhere).
func rssMB() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			for _, f := range strings.Fields(rest) {
				if _, err := fmt.Sscan(f, &kb); err == nil {
					break
				}
			}
			return kb / 1e3
		}
	}
	return 0
}
