package ui

import (
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// WarRoom is the configuration of shared screens: SSH sessions fed by one
// set of pollers, the wall screen's kiosk mode, time zone, links.
type WarRoom struct {
	// Shared, when set, feeds the session: its own feeds never poll, the
	// data messages the Poller's hub sends arrive instead, and r asks the
	// hub to refresh. Drill-downs still run per session.
	Shared      SharedFeeds
	Kiosk       bool          // start in kiosk mode: see kiosk.go
	Rotate      time.Duration // kiosk: how long each firing alarm is shown; default 20s
	Zone        *time.Location
	Region      string   // for console links when the item does not say; default from the alarms' ARNs
	OpenLinks   bool     // o opens links in a browser here: the user sits at this machine, not in an SSH session
	Environ     []string // the user's terminal's environment (TMUX decides the clipboard sequence)
	TrailBucket bool     // CloudTrail is read from S3, for the cost estimate
}

// SharedFeeds is the hub a shared session is fed by.
type SharedFeeds interface{ Refresh() }

// Poller polls the dashboard's feeds once for every session of a hub.
type Poller struct {
	mu sync.Mutex
	s  *Scheduler
}

// PollerFeeds are the feeds a Poller fetches, in the order to start them.
var PollerFeeds = allFeeds

// NewPoller polls cfg's source for shared sessions. It polls the logs even
// when cfg.LiveTail is set: the caller should clear that, so the sessions'
// cost estimate agrees.
func NewPoller(cfg Config) *Poller {
	cfg.Shared = nil
	s := New(cfg).sched
	s.passive = true
	return &Poller{s: s}
}

// Every is how often each feed is polled.
func (p *Poller) Every() time.Duration { return p.s.cfg.Refresh }

// Replay is how many of a feed's latest messages a late joiner needs: logs
// and CloudTrail messages carry only what is new.
func (p *Poller) Replay(feed sources.Feed) int {
	if feed == sources.FeedLogs || feed == sources.FeedTrail {
		return 100
	}
	return 1
}

// Fetch polls feed once, with the inputs the last alarms decided, and
// returns the message every session receives.
func (p *Poller) Fetch(feed sources.Feed) tea.Msg {
	p.mu.Lock()
	poll := p.s.poll(feed)
	p.mu.Unlock()
	msg := poll()
	p.mu.Lock()
	p.s.Handle(msg)
	p.mu.Unlock()
	return msg
}
