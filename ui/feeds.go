package ui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

const (
	metricWindow = 2 * time.Hour
	pollTimeout  = 45 * time.Second
	maxBackoff   = 5 * time.Minute
)

// pollMsg asks for one feed to be polled now. A manual refresh bumps the
// feed's generation, so the tick scheduled before it is dropped and each feed
// keeps exactly one polling chain.
type pollMsg struct {
	feed sources.Feed
	gen  int
}

// feedState tracks one feed's failures, for backoff and the status line.
type feedState struct {
	failures int
	lastErr  string
	problem  sources.Problem
	lastOK   time.Time
	inFlight bool
	gen      int
}

// succeeded clears the feed's failures: its data is fresh as of at.
func (f *feedState) succeeded(at time.Time) {
	f.failures, f.lastErr, f.problem, f.lastOK = 0, "", "", at
}

// delay is how long to wait before the next poll: the refresh interval, doubled
// for each consecutive failure up to maxBackoff.
func (f *feedState) delay(refresh time.Duration) time.Duration {
	d := refresh
	for i := 0; i < f.failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, max(maxBackoff, refresh))
}

func scheduleAfter(d time.Duration, feed sources.Feed, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return pollMsg{feed, gen} })
}

// fetch runs one poll off the UI goroutine and turns its result into a message.
func fetch(feed sources.Feed, now func() time.Time, run func(ctx context.Context, at time.Time) (tea.Msg, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), pollTimeout)
		defer cancel()
		at := now()
		msg, err := run(ctx, at)
		if err != nil {
			return sources.ErrMsg{Feed: feed, Err: err, At: at}
		}
		return msg
	}
}

// poll builds the command that fetches one feed.
func (m *Model) poll(feed sources.Feed) tea.Cmd {
	src := m.cfg.Source
	switch feed {
	case sources.FeedAlarms:
		return fetch(feed, m.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			alarms, err := src.ListAlarms(ctx)
			return sources.AlarmsMsg{Alarms: alarms, At: at}, err
		})
	case sources.FeedMetrics:
		specs := m.watchedSpecs()
		return fetch(feed, m.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			if len(specs) == 0 {
				return sources.MetricsMsg{At: at}, nil
			}
			series, err := src.FetchMetrics(ctx, specs, at.Add(-metricWindow), at)
			return sources.MetricsMsg{Series: series, At: at}, err
		})
	case sources.FeedLogs:
		tail := m.logTail
		// Set here, on the UI goroutine, while no logs poll is running.
		tail.Groups = m.logGroups()
		return fetch(feed, m.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			events, err := tail.Poll(ctx, src, at)
			if err != nil && len(events) > 0 {
				// Deliver what arrived; the failing group retries next poll.
				return logsWithError{sources.LogsMsg{Events: events, At: at}, err}, nil
			}
			return sources.LogsMsg{Events: events, At: at}, err
		})
	case sources.FeedTrail:
		tail := m.trailTail
		return fetch(feed, m.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			events, err := tail.Poll(ctx, src, at)
			return sources.TrailMsg{Events: events, At: at}, err
		})
	}
	return nil
}

// logsWithError carries log events from the groups that answered along with
// the error of one that did not.
type logsWithError struct {
	sources.LogsMsg
	err error
}

// logGroups is the configured groups, or when none are, the groups AWS
// writes for the alarms' resources (a Lambda function's /aws/lambda/<name>).
func (m *Model) logGroups() []string {
	if len(m.cfg.LogGroups) > 0 {
		return m.cfg.LogGroups
	}
	var groups []string
	for _, a := range m.alarmList {
		groups = sources.RelatedLogGroups(a, groups)
	}
	return groups
}

// watchedSpecs is every metric worth a sparkline: the alarms' metrics first,
// then those named in the configuration, each once.
func (m *Model) watchedSpecs() []sources.MetricSpec {
	seen := map[string]bool{}
	var specs []sources.MetricSpec
	add := func(s sources.MetricSpec) {
		s = s.WithDefaults()
		if s.Metric == "" || seen[s.Key()] {
			return
		}
		seen[s.Key()] = true
		specs = append(specs, s)
	}
	for _, a := range m.alarmList {
		add(a.Metric)
	}
	for _, s := range m.cfg.Metrics {
		add(s)
	}
	return specs
}

// startPoll runs a feed's poll unless one is already running or the tick
// that asked for it is stale.
func (m *Model) startPoll(feed sources.Feed, gen int) tea.Cmd {
	st := m.feeds[feed]
	if st.inFlight || gen != st.gen {
		return nil
	}
	st.inFlight = true
	return m.poll(feed)
}

// pollDone records a feed's outcome and schedules its next poll.
func (m *Model) pollDone(feed sources.Feed, err error, at time.Time) tea.Cmd {
	st := m.feeds[feed]
	st.inFlight = false
	if err != nil {
		if !errors.Is(err, sources.ErrNoLogGroups) { // a hint, not a failure to back off from
			st.failures++
		}
		st.lastErr, st.problem = sources.Explain(feed, err), sources.Classify(err)
	} else {
		st.succeeded(at)
	}
	st.gen++
	return scheduleAfter(st.delay(m.cfg.Refresh), feed, st.gen)
}
