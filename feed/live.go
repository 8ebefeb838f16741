package feed

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

// liveFeed is the logs feed's stream, while it runs.
type liveFeed struct {
	stream *liveStream
	off    bool // live tail failed: the logs feed polls
}

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

// liveStreamer is the source's LogStreamer when the logs feed should stream:
// live tail follows only the configured groups, never those derived from
// the alarms, and is not tried again once it failed.
func (s *Scheduler) liveStreamer() (sources.LogStreamer, bool) {
	if !s.cfg.LiveTail || s.live.off || len(s.cfg.LogGroups) == 0 {
		return nil, false
	}
	streamer, ok := s.cfg.Source.(sources.LogStreamer)
	return streamer, ok
}

func (s *Scheduler) startLive(streamer sources.LogStreamer) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	s.live.stream = &liveStream{cancel: cancel}
	// Polls, manual refreshes included, leave a streaming feed alone.
	s.feeds[sources.FeedLogs].Phase = PhaseStreaming
	groups, pattern, now := s.cfg.LogGroups, s.cfg.LogFilter, s.cfg.Now
	return func() tea.Msg {
		// Starting (group lookups, StartLiveTail) gets a poll's time; the
		// stream itself runs until cancelled.
		timer := time.AfterFunc(PollTimeout, cancel)
		events, errs, err := streamer.StreamLogs(ctx, groups, pattern)
		if !timer.Stop() {
			err = fmt.Errorf("live tail did not start within %s", PollTimeout)
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
func (s *Scheduler) liveStarted(msg liveStartedMsg) tea.Cmd {
	if s.live.stream == nil { // given up meanwhile
		return nil
	}
	s.live.stream.events, s.live.stream.errs = msg.events, msg.errs
	s.feeds[sources.FeedLogs].succeeded(msg.at)
	return waitLive(s.live.stream, s.cfg.Now)
}

// liveFailed gives the stream up and hands the feed to polling, which
// starts after the usual backoff.
func (s *Scheduler) liveFailed(msg sources.ErrMsg) tea.Cmd {
	s.live.stream.cancel()
	s.live.stream, s.live.off = nil, true
	st := s.feeds[sources.FeedLogs]
	st.Phase, st.Anchor = PhaseIdle, s.wall()
	cmd := s.done(sources.FeedLogs, msg.Err, msg.At)
	st.LastErr += " · live tail off, polling"
	return cmd
}
