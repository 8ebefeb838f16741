package feed

import (
	"context"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
	"watchtrail/triage"
)

// Poller polls the dashboard's feeds once for every session of a hub.
type Poller struct {
	mu     sync.Mutex
	s      *Scheduler
	drills map[string]*drillEntry // by alarm and state change
}

// NewPoller polls cfg's source for shared sessions, every feed in All. It
// polls the logs even when cfg.LiveTail is set: the caller should clear
// that, so the sessions' cost estimate agrees. cfg's clock and refresh must
// be set (ui.Config.WithDefaults).
func NewPoller(cfg Config) *Poller {
	cfg.Shared = nil
	return &Poller{s: newScheduler(cfg, true), drills: map[string]*drillEntry{}}
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

// Failed reports whether msg is a failed poll rather than data: a hub keeps
// those apart, so a late joiner gets the last good data and the failure.
func (p *Poller) Failed(msg tea.Msg) bool {
	_, failed := msg.(sources.ErrMsg)
	return failed
}

// Fetch polls feed once, with the inputs the last alarms decided, and
// returns the message every session receives.
func (p *Poller) Fetch(feed sources.Feed) tea.Msg {
	p.mu.Lock()
	poll := p.s.Poll(feed)
	p.mu.Unlock()
	msg := poll()
	p.mu.Lock()
	p.s.Handle(msg)
	p.mu.Unlock()
	return msg
}

// SharedTriage runs the triage of an alarm once for the sessions of a hub: kiosk
// screens open the same firing alarms' drill-downs over and over.
type SharedTriage interface {
	Triage(ctx context.Context, a sources.Alarm, groups []string, now time.Time) triage.Result
}

// drillEntry is one drill-down, ready once its channel is closed.
type drillEntry struct {
	ready chan struct{}
	msg   triage.Result
	at    time.Time
}

func (e *drillEntry) fresh(ttl time.Duration) bool {
	select {
	case <-e.ready:
		return time.Since(e.at) < ttl
	default:
		return true // still gathering: wait for it
	}
}

// Triage runs the triage of a, or returns the one gathered for the
// same state change within the last refresh; sessions asking at once wait
// for the one gathering.
func (p *Poller) Triage(ctx context.Context, a sources.Alarm, groups []string, now time.Time) triage.Result {
	key := a.Name + "@" + a.StateChanged.String()
	p.mu.Lock()
	for k, e := range p.drills {
		if !e.fresh(p.Every()) {
			delete(p.drills, k)
		}
	}
	e, ok := p.drills[key]
	if !ok {
		e = &drillEntry{ready: make(chan struct{})}
		p.drills[key] = e
	}
	p.mu.Unlock()
	if !ok {
		e.msg, e.at = triage.Run(ctx, p.s.cfg.Source, a, triage.Options{Now: now, LogGroups: groups}), time.Now()
		close(e.ready)
		return e.msg
	}
	select {
	case <-e.ready:
		msg := e.msg
		msg.Alarm = a
		return msg
	case <-ctx.Done():
		return triage.Result{Alarm: a, Errors: []error{ctx.Err()}}
	}
}
