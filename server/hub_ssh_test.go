package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/tmuxtest"
)

// hubViewer shows what the hub sent it, and a focus only its own keys move.
type hubViewer struct {
	last  string
	focus int
}

func (v hubViewer) Init() tea.Cmd { return nil }
func (v hubViewer) View() string  { return fmt.Sprintf("last=%s focus=%d", v.last, v.focus) }
func (v hubViewer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case string:
		v.last = msg
	case tea.KeyMsg:
		switch msg.String() {
		case "tab":
			v.focus++
		case "q":
			return v, tea.Quit
		}
	}
	return v, nil
}

// sessionsSeeOneFeed connects viewers over SSH to a server whose hub polls
// for ten simulated minutes, and returns the source calls made.
func sessionsSeeOneFeed(t *testing.T, viewers int) int64 {
	var calls atomic.Int64
	hub := NewHub(Feed{Name: "alarms", Every: time.Minute, Fetch: func(context.Context) tea.Msg {
		return fmt.Sprintf("v%d", calls.Add(1))
	}})
	f := startServerWith(t, Options{Hub: hub}, func(Session) tea.Model { return hubViewer{last: "none"} })
	var screens []*tmuxtest.Session
	for range viewers {
		s := f.dashboard("listed")
		s.WaitFor(20*time.Second, "last=none")
		screens = append(screens, s)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for m := range 10 {
		hub.pollDue(context.Background(), start.Add(time.Duration(m)*time.Minute)).Wait()
	}
	screens[0].Keys("Tab")
	screens[0].WaitFor(10*time.Second, "last=v10 focus=1")
	for _, s := range screens[1:] {
		s.WaitFor(10*time.Second, "last=v10 focus=0")
	}
	// A late joiner starts from the latest state, without a fetch.
	f.dashboard("listed").WaitFor(20*time.Second, "last=v10 focus=0")
	return calls.Load()
}

func TestSSHSessionsShareTheHub(t *testing.T) {
	one := sessionsSeeOneFeed(t, 1)
	five := sessionsSeeOneFeed(t, 5)
	if one != 10 || five != 10 {
		t.Fatalf("source calls in ten minutes: %d with 1 viewer, %d with 5; want 10 each", one, five)
	}
}
