package notebook

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// benchActions is how many notes each writer adds in a benchmark run.
const benchActions = 500

// BenchmarkTwoWriterProcesses: two processes add notes as fast as they can
// while this one follows the changes; reports the actions per second both
// sustain together and how long a change takes to reach the follower
// (from the action's time to its arrival through Subscribe).
func BenchmarkTwoWriterProcesses(b *testing.B) {
	for range b.N {
		s, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		changes, _ := s.Subscribe()
		start := time.Now()
		var cmds []*exec.Cmd
		for _, who := range []string{"ana", "bob"} {
			cmd, out := startWriter(b, filepath.Dir(s.Path()), who, benchActions)
			go func() {
				for out.Scan() {
				}
			}()
			cmds = append(cmds, cmd)
		}
		var lags []time.Duration
		timeout := time.After(2 * time.Minute)
		for len(lags) < 2*benchActions {
			select {
			case c := <-changes:
				lags = append(lags, time.Since(c.At))
			case <-timeout:
				b.Fatalf("only %d of %d changes seen", len(lags), 2*benchActions)
			}
		}
		elapsed := time.Since(start)
		for _, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				b.Fatal(err)
			}
		}
		s.Close()
		slices.Sort(lags)
		b.ReportMetric(float64(2*benchActions)/elapsed.Seconds(), "actions/s")
		b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50-ms-to-follower")
		b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99-ms-to-follower")
	}
}

// BenchmarkOneWriter is the same number of actions from one process, for
// comparison.
func BenchmarkOneWriter(b *testing.B) {
	for range b.N {
		s, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := range 2 * benchActions {
			if _, err := s.AddNote(web, "ana", fmt.Sprintf("note %d", i), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(2*benchActions)/time.Since(start).Seconds(), "actions/s")
		s.Close()
	}
}
