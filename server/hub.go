package server

import (
	"context"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Feed is one shared stream of data: the hub calls Fetch every Every, once
// for all sessions, and sends what it returns to every session's program.
type Feed struct {
	Name  string
	Every time.Duration
	Fetch func(ctx context.Context) tea.Msg // nil: nothing to send this time
	// Replay is how many of the feed's latest messages a session joining
	// late receives: 1 (the default) when each message is the whole state
	// (alarms, metrics), more when messages only carry what is new (logs).
	Replay int
	// Failed, when set, tells a failed fetch's message from data. Failures
	// are kept apart: a session joining while the feed fails receives the
	// last good data and then the failures since, as the others saw them.
	Failed func(tea.Msg) bool
}

// Sender receives a hub's messages; *tea.Program is one.
type Sender interface{ Send(tea.Msg) }

// Hub runs one set of feeds for any number of sessions, so the calls to the
// data source do not grow with the number of viewers.
type Hub struct {
	mu     sync.Mutex
	feeds  []*hubFeed
	recent map[string][]tea.Msg // per feed, its latest data messages
	failed map[string][]tea.Msg // per feed, its failures since the last data
	order  []string             // feed names in the order first published
	subs   map[*subscriber]struct{}
}

type hubFeed struct {
	Feed
	next     time.Time
	inFlight bool
}

// maxQueued bounds the messages waiting for one program; past it the
// oldest are dropped, as a program that far behind is stuck anyway.
const maxQueued = 1000

// maxKeptFailures bounds the failures a late joiner receives after a feed's
// last data: at the longest backoff, hours of them.
const maxKeptFailures = 100

// NewHub makes a hub of the given feeds; Run starts polling them.
func NewHub(feeds ...Feed) *Hub {
	h := &Hub{recent: map[string][]tea.Msg{}, failed: map[string][]tea.Msg{}, subs: map[*subscriber]struct{}{}}
	for _, f := range feeds {
		h.feeds = append(h.feeds, &hubFeed{Feed: f})
	}
	return h
}

// Run polls the feeds, each at its own cadence, until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	tick := time.Second
	for _, f := range h.feeds {
		tick = min(tick, f.Every)
	}
	ticker := time.NewTicker(max(tick, 10*time.Millisecond))
	defer ticker.Stop()
	for now := time.Now(); ; {
		h.pollDue(ctx, now)
		select {
		case <-ctx.Done():
			return
		case now = <-ticker.C:
		}
	}
}

// pollDue starts a fetch of every feed due at now and not still fetching;
// the returned group is done when they all published.
func (h *Hub) pollDue(ctx context.Context, now time.Time) *sync.WaitGroup {
	var wg sync.WaitGroup
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range h.feeds {
		if f.inFlight || now.Before(f.next) {
			continue
		}
		f.inFlight, f.next = true, now.Add(f.Every)
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := f.Fetch(ctx)
			h.mu.Lock()
			f.inFlight = false
			h.mu.Unlock()
			if msg != nil {
				h.Publish(f.Name, msg)
			}
		}()
	}
	return &wg
}

// Refresh makes every feed due at the next tick, for a viewer asking for
// fresh data. However many viewers ask at once, each feed fetches once.
func (h *Hub) Refresh() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range h.feeds {
		f.next = time.Time{}
	}
}

// Publish sends msg to every session and keeps it for late joiners under
// the feed name. Anything that pushes data (a live tail) publishes here.
func (h *Hub) Publish(feed string, msg tea.Msg) {
	h.mu.Lock()
	defer h.mu.Unlock()
	keep, failed := 1, false
	for _, f := range h.feeds {
		if f.Name == feed {
			keep = max(keep, f.Replay)
			failed = f.Failed != nil && f.Failed(msg)
		}
	}
	if !slices.Contains(h.order, feed) {
		h.order = append(h.order, feed)
	}
	if failed {
		failures := append(h.failed[feed], msg)
		h.failed[feed] = failures[max(0, len(failures)-maxKeptFailures):]
	} else {
		recent := append(h.recent[feed], msg)
		h.recent[feed] = recent[max(0, len(recent)-keep):]
		delete(h.failed, feed)
	}
	for s := range h.subs {
		s.enqueue(msg)
	}
}

// Send sends msg to every session joined now, keeping nothing for those
// joining later: for news (someone's verdict) rather than data.
func (h *Hub) Send(msg tea.Msg) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.enqueue(msg)
	}
}

// Join sends p every feed's latest data messages and its failures since,
// then everything published until the returned leave is called. Messages
// reach p in publish order.
func (h *Hub) Join(p Sender) (leave func()) {
	s := &subscriber{to: p, wake: make(chan struct{}, 1), done: make(chan struct{})}
	h.mu.Lock()
	for _, name := range h.order {
		for _, msg := range h.recent[name] {
			s.enqueue(msg)
		}
		for _, msg := range h.failed[name] {
			s.enqueue(msg)
		}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	go s.deliver()
	return func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
		close(s.done)
	}
}

// subscriber queues messages for one program, so a slow program never holds
// up the hub or the other sessions.
type subscriber struct {
	to    Sender
	mu    sync.Mutex
	queue []tea.Msg
	wake  chan struct{}
	done  chan struct{}
}

func (s *subscriber) enqueue(msg tea.Msg) {
	s.mu.Lock()
	if len(s.queue) >= maxQueued {
		s.queue = s.queue[1:]
	}
	s.queue = append(s.queue, msg)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) deliver() {
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, msg := range batch {
			s.to.Send(msg)
		}
	}
}
