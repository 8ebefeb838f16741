package server

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// News sent to the sessions (someone's verdict) reaches those joined, and
// is not replayed to a session joining later, unlike data.
func TestHubSendIsNotReplayed(t *testing.T) {
	hub := NewHub(Feed{Name: "alarms"})
	first := make(chanSender, 10)
	defer hub.Join(first)()
	hub.Publish("alarms", "alarms v1")
	hub.Send("ana confirmed RevokeSecurityGroupIngress")
	for _, want := range []tea.Msg{"alarms v1", "ana confirmed RevokeSecurityGroupIngress"} {
		select {
		case got := <-first:
			if got != want {
				t.Fatalf("got %v, want %v", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v never arrived", want)
		}
	}
	late := make(chanSender, 10)
	defer hub.Join(late)()
	hub.Publish("alarms", "alarms v2")
	for _, want := range []tea.Msg{"alarms v1", "alarms v2"} {
		select {
		case got := <-late:
			if got != want {
				t.Fatalf("the late joiner got %v, want %v", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v never reached the late joiner", want)
		}
	}
}
