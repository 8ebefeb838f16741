package ui

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ScrollingOutput wraps the terminal the program draws on so that a block of
// full-width rows that moved up (a logs or CloudTrail pane taking new
// lines) is scrolled by the terminal instead of written again: bubbletea's
// renderer rewrites every changed row, and when a pane scrolls every one of
// its rows changed. It reads each frame the renderer writes (the alternate
// screen's: cursor home, the rows, changed or skipped, a final cursor
// position), finds the largest block of rows now showing what rows k lower
// showed, and writes instead: a scroll region around the block (DECSTBM),
// k line feeds at its bottom, and only the rows that still differ. Anything
// else passes through unchanged; what it cannot follow (another write that
// may draw) makes it pass frames through until the renderer draws every row
// again. The result on screen is the renderer's frame, byte for byte per row.
//
// The terminal's file descriptor stays visible (Fd), so bubbletea still
// sees a terminal.
func ScrollingOutput(w io.Writer) io.Writer {
	s := &scrollOut{w: w}
	if f, ok := w.(terminalFile); ok {
		return &scrollFile{scrollOut: s, f: f}
	}
	return s
}

// terminalFile is what bubbletea looks for to find the terminal's size and
// modes (its term.File).
type terminalFile interface {
	io.ReadWriteCloser
	Fd() uintptr
}

type scrollFile struct {
	*scrollOut
	f terminalFile
}

func (s *scrollFile) Read(p []byte) (int, error) { return s.f.Read(p) }
func (s *scrollFile) Close() error               { return s.f.Close() }
func (s *scrollFile) Fd() uintptr                { return s.f.Fd() }

type scrollOut struct {
	w    io.Writer
	mu   sync.Mutex
	rows []string // what the screen's rows show, as the renderer wrote them; nil: unknown
}

const (
	frameHome = "\x1b[H"
	// minScrollSaving: a scroll is used when it saves at least this many
	// bytes over writing the rows again.
	minScrollSaving = 64
)

// frameEnd is the end of a frame: erase below (fewer rows than before),
// then the cursor to the start of the last row.
var frameEnd = regexp.MustCompile(`(\x1b\[J)?\x1b\[(\d+);H$`)

// quiet matches writes that change no cell: modes (cursor, mouse, paste,
// focus), cursor style, window title and clipboard (OSC).
var quiet = regexp.MustCompile(`^(\x1b\[\?[\d;]*[hl]|\x1b\[\d* ?q|\x1b\][^\x07\x1b]*(\x07|\x1b\\))+$`)

func (s *scrollOut) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	frame, ok := s.frame(p)
	if !ok {
		if !quiet.Match(p) || bytes.Contains(p, []byte("?1049")) || bytes.Contains(p, []byte("?1047")) {
			s.rows = nil // it may have drawn, or switched screens
		}
		return s.w.Write(p)
	}
	_, err := s.w.Write(frame)
	return len(p), err
}

// frame is what to write for p, and false when p is not a frame it can
// follow.
func (s *scrollOut) frame(p []byte) ([]byte, bool) {
	text := string(p)
	if len(text) < len(frameHome) || text[:len(frameHome)] != frameHome {
		return nil, false
	}
	end := frameEnd.FindStringSubmatchIndex(text)
	if end == nil {
		return nil, false
	}
	n, _ := strconv.Atoi(text[end[4]:end[5]])
	body := text[len(frameHome):end[0]]
	if len(body) > 0 && body[0] == '\r' { // the first frame's
		body = body[1:]
	}
	rows, ok := parseRows(body, n, s.rows)
	if !ok {
		s.rows = nil
		return nil, false
	}
	old := s.rows
	s.rows = rows
	if len(old) != n {
		return p, true // the renderer wrote every row (or fewer rows than before): as it is
	}
	return redraw(old, rows, text[end[0]:]), true
}

// parseRows reads the n rows of a frame's body: each written ("row" then
// "\r\n" but the last) or skipped ("\n" but the last), the skipped ones
// taken from before; false when the body is not that, or a skipped row is
// not known.
func parseRows(body string, n int, before []string) ([]string, bool) {
	rows := make([]string, n)
	for i := range n {
		last := i == n-1
		switch {
		case last && body == "", !last && len(body) > 0 && body[0] == '\n':
			if len(before) != n {
				return nil, false
			}
			rows[i] = before[i]
			if !last {
				body = body[1:]
			}
		case last:
			rows[i], body = body, ""
		default:
			j := strings.Index(body, "\r\n")
			if j <= 0 {
				return nil, false
			}
			rows[i], body = body[:j], body[j+2:]
		}
	}
	return rows, body == ""
}

// redraw writes the frame rows over old: the best scroll first, then the
// rows that still differ, then end (the renderer's cursor position).
func redraw(old, rows []string, end string) []byte {
	var out bytes.Buffer
	screen := old
	if top, bottom, k := bestScroll(old, rows); k > 0 {
		// Scroll rows top..bottom up by k: line feeds at the region's bottom.
		out.WriteString("\x1b[m\x1b[" + strconv.Itoa(top+1) + ";" + strconv.Itoa(bottom+1) + "r")
		out.WriteString("\x1b[" + strconv.Itoa(bottom+1) + ";1H")
		for range k {
			out.WriteByte('\n')
		}
		out.WriteString("\x1b[r")
		screen = scrolled(old, top, bottom, k)
	}
	prev := -2
	for i, row := range rows {
		if row == screen[i] {
			continue
		}
		if i == prev+1 {
			out.WriteString("\r\n")
		} else {
			out.WriteString("\x1b[" + strconv.Itoa(i+1) + ";1H")
		}
		out.WriteString(row)
		prev = i
	}
	out.WriteString(end)
	return out.Bytes()
}

// scrolled is rows with top..bottom moved up by k, blank rows entering at
// the bottom.
func scrolled(rows []string, top, bottom, k int) []string {
	out := append([]string(nil), rows...)
	for i := top; i <= bottom; i++ {
		out[i] = ""
		if i+k <= bottom {
			out[i] = rows[i+k]
		}
	}
	return out
}

// bestScroll finds the run of rows that show what old showed k rows lower
// (and did not show already) saving the most bytes: the region top..bottom
// (old's rows) to scroll up by k; k is 0 when no scroll saves enough.
func bestScroll(old, rows []string) (top, bottom, k int) {
	best := minScrollSaving
	for shift := 1; shift < len(rows)/2; shift++ {
		run, saved := 0, 0
		for i := 0; i+shift < len(rows); i++ {
			if rows[i] == old[i+shift] && rows[i] != old[i] {
				run++
				saved += len(rows[i])
				if saved > best {
					best, top, bottom, k = saved, i-run+1, i+shift, shift
				}
				continue
			}
			run, saved = 0, 0
		}
	}
	return top, bottom, k
}
