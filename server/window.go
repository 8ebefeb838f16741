package server

import (
	"fmt"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
)

// maxWindow bounds the terminal a session draws for: a client may claim any
// size, and a frame's memory and time grow with its area.
const maxWindowWidth, maxWindowHeight = 500, 500

// windowWatch drains a session's window changes as fast as the client sends
// them: the SSH library's request loop blocks until each is taken, so it must
// never wait on the program. Only the latest size is kept.
type windowWatch struct {
	mu      sync.Mutex
	latest  ssh.Window
	changed chan struct{} // at most one change pending
	ended   chan struct{} // closed when the session's requests end
}

func watchWindow(winch <-chan ssh.Window) *windowWatch {
	w := &windowWatch{changed: make(chan struct{}, 1), ended: make(chan struct{})}
	go func() {
		defer close(w.ended)
		for win := range winch {
			w.mu.Lock()
			w.latest = win
			w.mu.Unlock()
			select {
			case w.changed <- struct{}{}:
			default:
			}
		}
	}()
	return w
}

func (w *windowWatch) size() ssh.Window {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest
}

// clampWindow is the size a session draws for a terminal of width×height.
// A size of 0 is unknown (a client whose own input is no terminal sends
// 0×0), read as 80×24, as terminfo does.
func clampWindow(width, height int) (int, int) {
	if width <= 0 {
		width = 80
	}
	if height <= 0 {
		height = 24
	}
	return min(width, maxWindowWidth), min(height, maxWindowHeight)
}

// WindowNote tells a session's program that its terminal is larger than the
// server draws. Any message with a Note method is a status-line note.
type WindowNote struct{ Width, Height int }

func (n WindowNote) Note() string {
	w, h := clampWindow(n.Width, n.Height)
	return fmt.Sprintf("the terminal is %d×%d: drawing %d×%d, the most this server draws", n.Width, n.Height, w, h)
}

// sendWindowSizes sends the program each latest window size, clamped, with a
// note when it was cut, until done closes.
func sendWindowSizes(p *tea.Program, w *windowWatch, done <-chan struct{}) {
	noted := false
	for {
		select {
		case <-done:
			return
		case <-w.changed:
		}
		win := w.size()
		width, height := clampWindow(win.Width, win.Height)
		p.Send(tea.WindowSizeMsg{Width: width, Height: height})
		if clamped := win.Width > maxWindowWidth || win.Height > maxWindowHeight; clamped && !noted {
			p.Send(WindowNote{Width: win.Width, Height: win.Height})
			noted = true
		} else if !clamped {
			noted = false
		}
	}
}
