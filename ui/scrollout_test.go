package ui

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rowTerminal is a terminal reduced to what the renderer and ScrollingOutput
// do: rows written whole from the first column, cursor moves, line feeds
// (scrolling the region at its bottom), scroll regions, erase below.
type rowTerminal struct {
	rows        []string
	row         int
	top, bottom int
	writing     bool
	pending     string // colours set before a row's first character
	unhandled   int
}

func newRowTerminal(height int) *rowTerminal {
	return &rowTerminal{rows: make([]string, height), bottom: height - 1}
}

var csi = regexp.MustCompile(`^\x1b\[([\d;?]*)([A-Za-z])`)

func (t *rowTerminal) Write(p []byte) (int, error) {
	s := string(p)
	for len(s) > 0 {
		switch {
		case s[0] == '\r':
			t.writing, t.pending, s = false, "", s[1:]
		case s[0] == '\n':
			t.writing, t.pending, s = false, "", s[1:]
			if t.row == t.bottom {
				copy(t.rows[t.top:t.bottom], t.rows[t.top+1:t.bottom+1])
				t.rows[t.bottom] = ""
			} else {
				t.row++
			}
		case csi.MatchString(s):
			m := csi.FindStringSubmatch(s)
			args := strings.Split(m[1], ";")
			num := func(i, def int) int {
				if i < len(args) && args[i] != "" {
					n, _ := strconv.Atoi(args[i])
					return n
				}
				return def
			}
			switch m[2] {
			case "H":
				t.row, t.writing, t.pending = num(0, 1)-1, false, ""
			case "r":
				t.top, t.bottom, t.row, t.writing, t.pending = num(0, 1)-1, num(1, len(t.rows))-1, 0, false, ""
			case "J":
				for i := t.row + 1; i < len(t.rows); i++ {
					t.rows[i] = ""
				}
			case "m": // part of a row's text once it starts
				if t.writing {
					t.write(m[0])
				} else {
					t.pending += m[0]
				}
			case "K":
				t.write(m[0])
			default:
				t.unhandled++
			}
			s = s[len(m[0]):]
		default:
			end := strings.IndexAny(s, "\r\n\x1b")
			if end <= 0 {
				end = len(s)
			}
			t.write(s[:end])
			s = s[end:]
		}
	}
	return len(p), nil
}

func (t *rowTerminal) write(text string) {
	if !t.writing {
		t.rows[t.row], t.writing, t.pending = t.pending, true, ""
	}
	t.rows[t.row] += text
}

// rendererFrame is what bubbletea's standard renderer writes for rows after
// last: cursor home, each row written or skipped, the cursor to the last row.
func rendererFrame(last, rows []string) []byte {
	var b bytes.Buffer
	b.WriteString("\x1b[H")
	for i, r := range rows {
		if last != nil && last[i] == r {
			if i < len(rows)-1 {
				b.WriteByte('\n')
			}
			continue
		}
		b.WriteString(r)
		if i < len(rows)-1 {
			b.WriteString("\r\n")
		}
	}
	fmt.Fprintf(&b, "\x1b[%d;H", len(rows))
	return b.Bytes()
}

// Random frames in which a full-width "pane" takes new lines (and other rows
// change now and then): through ScrollingOutput the screen shows every
// frame exactly as the renderer's own output does, in fewer bytes.
func TestScrollingOutputShowsTheRenderersFramesInFewerBytes(t *testing.T) {
	const height = 40
	rng := rand.New(rand.NewPCG(7, 9))
	plain, through := newRowTerminal(height), newRowTerminal(height)
	var raw, sent countingWriter
	out := ScrollingOutput(&multiWriter{through, &sent})
	lines := 0
	line := func() string {
		lines++
		return fmt.Sprintf("\x1b[38;5;%dm┃%-190s┃\x1b[m\x1b[K", lines%200, fmt.Sprintf("log line %d %s", lines, strings.Repeat("x", rng.IntN(100))))
	}
	frame := make([]string, height)
	for i := range frame {
		frame[i] = fmt.Sprintf("header %d\x1b[K", i)
	}
	var last []string
	for step := range 300 {
		next := append([]string(nil), frame...)
		// rows 10..29 are a pane; 0..3 new lines scroll it
		k := rng.IntN(4)
		copy(next[10:30-k], frame[10+k:30])
		for i := 30 - k; i < 30; i++ {
			next[i] = line()
		}
		if rng.IntN(5) == 0 {
			next[rng.IntN(height)] = fmt.Sprintf("status %d\x1b[K", step)
		}
		p := rendererFrame(last, next)
		if step == 100 { // something else draws: it must start over
			for _, w := range []io2{plain, &raw, out} {
				w.Write([]byte("\x1b[2J"))
			}
			p = rendererFrame(nil, next)
		}
		plain.Write(p)
		raw.Write(p)
		if _, err := out.Write(p); err != nil {
			t.Fatal(err)
		}
		for i := range next {
			if through.rows[i] != plain.rows[i] {
				t.Fatalf("step %d row %d: shows %q, want %q", step, i, through.rows[i], plain.rows[i])
			}
		}
		frame, last = next, next
	}
	if through.unhandled > 0 || sent.n > raw.n/2 {
		t.Fatalf("%d bytes sent for the renderer's %d (%d unhandled sequences): want at most half", sent.n, raw.n, through.unhandled)
	}
	t.Logf("%d bytes sent for the renderer's %d", sent.n, raw.n)
}

type io2 = io.Writer

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

type multiWriter []io2

func (m multiWriter) Write(p []byte) (int, error) {
	for _, w := range m {
		w.Write(p)
	}
	return len(p), nil
}
