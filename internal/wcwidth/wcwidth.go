// Package wcwidth measures text as libc's wcwidth does in a UTF-8 locale,
// the measure tmux and most terminals draw by, through a small C program
// compiled with the system's cc: tests compare the layout's width with it.
//
// Without cc the tests skip, except under CI=true where they fail.
package wcwidth

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed csrc/wcwidth.c
var source []byte

// Meter measures lines of text with libc's wcwidth, one process for many.
type Meter struct {
	in  io.WriteCloser
	out *bufio.Reader
}

// Start compiles the helper and starts it for t.
func Start(t testing.TB) *Meter {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no C compiler (cc): the width tests compare with libc's wcwidth through one")
		}
		t.Skip("no C compiler (cc) to build the wcwidth helper")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "wcwidth.c"), filepath.Join(dir, "wcwidth")
	if err := os.WriteFile(src, source, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &Meter{in: in, out: bufio.NewReader(out)}
}

// Width is what wcwidth gives one line of text: see Widths.
func (m *Meter) Width(text string) (Measure, error) {
	w, err := m.Widths([]string{text})
	if err != nil {
		return Measure{}, err
	}
	return w[0], nil
}

// Measure is a line's width by wcwidth: the cells of its characters, and how
// many of them wcwidth calls unprintable (width -1, counted as no cell).
type Measure struct{ Cells, Unprintable int }

// Widths measures many lines at once (written while the answers are read).
func (m *Meter) Widths(lines []string) ([]Measure, error) {
	for _, l := range lines {
		if strings.Contains(l, "\n") {
			return nil, fmt.Errorf("%+q: one line at a time", l)
		}
	}
	written := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(m.in)
		for _, l := range lines {
			w.WriteString(l)
			w.WriteByte('\n')
		}
		written <- w.Flush()
	}()
	out := make([]Measure, len(lines))
	for i := range out {
		line, err := m.out.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if _, err := fmt.Sscanf(line, "%d %d", &out[i].Cells, &out[i].Unprintable); err != nil {
			return nil, err
		}
	}
	return out, <-written
}
