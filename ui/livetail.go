package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// With Config.LiveTail, a source that is a sources.LogStreamer and log groups
// named in the configuration, the logs feed is a stream instead of a poll: it
// starts once, each batch arrives as a sources.LogsMsg and the command that
// waits for the next one is issued again. The first error (StartLiveTail
// refused, an endpoint without it, a broken session) arrives as a
// sources.ErrMsg; the stream is then given up and the feed is polled as
// usual, starting after the usual backoff.

// liveStream is the logs feed's running stream.
type liveStream struct {
	cancel context.CancelFunc
	events <-chan []sources.LogEvent // nil until it has started
	errs   <-chan error
}

// liveStartedMsg says StreamLogs is running.
type liveStartedMsg struct {
	events <-chan []sources.LogEvent
	errs   <-chan error
	at     time.Time
}

var errLiveEnded = errors.New("live tail ended")

// startFeed begins a feed: the logs feed streams when it can, every feed
// else (and the logs feed else) polls.
func (m *Model) startFeed(feed sources.Feed) tea.Cmd {
	if feed == sources.FeedLogs {
		if streamer, ok := m.liveStreamer(); ok {
			return m.startLive(streamer)
		}
	}
	return m.startPoll(feed, 0)
}

// liveStreamer is the source's LogStreamer when the logs feed should stream:
// live tail follows only the configured groups, never those derived from
// the alarms, and is not tried again once it failed.
func (m *Model) liveStreamer() (sources.LogStreamer, bool) {
	if !m.cfg.LiveTail || m.liveOff || len(m.cfg.LogGroups) == 0 {
		return nil, false
	}
	s, ok := m.cfg.Source.(sources.LogStreamer)
	return s, ok
}

func (m *Model) startLive(streamer sources.LogStreamer) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.live = &liveStream{cancel: cancel}
	// In flight for good: polls, manual refreshes included, leave it alone.
	m.feeds[sources.FeedLogs].inFlight = true
	groups, pattern, now := m.cfg.LogGroups, m.cfg.LogFilter, m.cfg.Now
	return func() tea.Msg {
		// Starting (group lookups, StartLiveTail) gets a poll's time; the
		// stream itself runs until cancelled.
		timer := time.AfterFunc(pollTimeout, cancel)
		events, errs, err := streamer.StreamLogs(ctx, groups, pattern)
		if !timer.Stop() {
			err = fmt.Errorf("live tail did not start within %s", pollTimeout)
		}
		if err != nil {
			return sources.ErrMsg{Feed: sources.FeedLogs, Err: err, At: now()}
		}
		return liveStartedMsg{events: events, errs: errs, at: now()}
	}
}

// waitLive blocks for the stream's next batch or its error.
func waitLive(live *liveStream, now func() time.Time) tea.Cmd {
	events, errs := live.events, live.errs
	return func() tea.Msg {
		select {
		case batch, ok := <-events:
			if ok {
				return sources.LogsMsg{Events: batch, At: now()}
			}
			// Closed: an error, when there is one, was sent before.
			select {
			case err := <-errs:
				return sources.ErrMsg{Feed: sources.FeedLogs, Err: err, At: now()}
			default:
				return sources.ErrMsg{Feed: sources.FeedLogs, Err: errLiveEnded, At: now()}
			}
		case err := <-errs:
			return sources.ErrMsg{Feed: sources.FeedLogs, Err: err, At: now()}
		}
	}
}

// liveStarted records a running stream and waits for its first batch.
func (m *Model) liveStarted(msg liveStartedMsg) tea.Cmd {
	if m.live == nil { // given up meanwhile
		return nil
	}
	m.live.events, m.live.errs = msg.events, msg.errs
	m.feeds[sources.FeedLogs].succeeded(msg.at)
	return waitLive(m.live, m.cfg.Now)
}

// liveBatch shows a streamed batch and waits for the next.
func (m *Model) liveBatch(msg sources.LogsMsg) tea.Cmd {
	m.logs.Append(msg.Events)
	m.feeds[sources.FeedLogs].succeeded(msg.At)
	return waitLive(m.live, m.cfg.Now)
}

// liveFailed gives the stream up and hands the feed to polling, which
// starts after the usual backoff.
func (m *Model) liveFailed(msg sources.ErrMsg) tea.Cmd {
	m.live.cancel()
	m.live, m.liveOff = nil, true
	cmd := m.pollDone(sources.FeedLogs, msg.Err, msg.At)
	st := m.feeds[sources.FeedLogs]
	st.lastErr += " · live tail off, polling"
	return cmd
}
