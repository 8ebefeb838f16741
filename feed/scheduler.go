package feed

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

const (
	metricWindow = 2 * time.Hour
	// PollTimeout bounds one poll, and the ui's one-off fetches alike.
	PollTimeout = 45 * time.Second
	maxBackoff  = 5 * time.Minute
	// LogCadence is how often the logs feed asks the tail to poll: the tail
	// polls only the groups that are due (one group up to 4 times a second,
	// quiet or many groups less often), so a poll with none due costs no call.
	LogCadence = time.Second / 4
	// AutoGroupCap bounds the log groups taken from the alarms when none
	// are configured; the rest are added on demand (AddAllLogGroups).
	AutoGroupCap = 20
)

// All are the feeds, in the order to start them.
var All = []sources.Feed{sources.FeedAlarms, sources.FeedMetrics, sources.FeedLogs, sources.FeedTrail}

// Scheduler runs the feeds: it decides when each is polled, owns the log
// and CloudTrail tails and the live log stream, and answers with tea.Cmds
// whose results are the plain sources.*Msg data messages. The root model
// hands it every message it routes (Handle) and only reads its states back.
//
// Polls keep a fixed cadence: the next poll is due one period (or backoff)
// after the slot the last one was due at, not after it ended. A feed whose
// inputs change (new alarms → their metrics and log groups) is polled at once,
// and a tail that has more waiting (Again) is polled again at once.
type Scheduler struct {
	cfg     Config
	wall    func() time.Time // the schedule's clock; cfg.Now is the data's
	feeds   map[sources.Feed]*State
	alarms  *alarmFeed
	metrics *metricFeed
	logs    *logFeed
	trail   *trailFeed
	live    liveFeed
	shared  bool // polled for shared sessions by a hub (see Poller): records what arrives, never schedules a poll
}

// logFeed is the logs feed's state: its tail and the groups it follows.
type logFeed struct {
	tail      *LogTail
	groups    []string // the feed's inputs
	allGroups bool     // every alarm's log group, not the first AutoGroupCap
	more      int      // alarms' log groups left out (see AddAllLogGroups)
}

// trailFeed is the CloudTrail feed's state: its tail, what it asks for and
// what the source reported skipping or scanning.
type trailFeed struct {
	tail      *TrailTail
	query     sources.TrailQuery // what the feed asks the server for (see SetTrailQuery)
	badFiles  int                // trail log files skipped as unreadable
	scanned   [2]int64           // the trail's Athena queries: bytes scanned, queries
	folders   int                // the trail bucket's folders listed a poll
	recentBad []sources.BadFile
}

// PollMsg asks for one feed to be polled at slot. A refresh or an input
// change bumps the feed's generation, so the tick scheduled before it is
// dropped and each feed keeps exactly one polling chain.
type PollMsg struct {
	Feed sources.Feed
	Gen  int
	Slot time.Time
}

// AlarmsPartial is the alarms of the sources that answered when others
// failed (sources.PartialError): shown, with the failure reported.
type AlarmsPartial struct {
	sources.AlarmsMsg
	err error
}

// NewScheduler returns the scheduler of cfg's feeds, all idle; with
// cfg.Shared set, the session is fed by a hub (shared).
func NewScheduler(cfg Config) *Scheduler { return newScheduler(cfg, cfg.Shared != nil) }

func newScheduler(cfg Config, shared bool) *Scheduler {
	s := &Scheduler{cfg: cfg, wall: time.Now, feeds: map[sources.Feed]*State{},
		logs: &logFeed{tail: NewLogTail(cfg.LogFilter)}, trail: &trailFeed{tail: NewTrailTail()},
		metrics: newMetricFeed(true), alarms: &alarmFeed{}, shared: shared}
	for _, f := range All {
		s.feeds[f] = &State{}
	}
	s.metrics.specs = s.watchedSpecs()
	s.logs.groups, s.logs.more = s.logGroups()
	return s
}

// Start begins every feed: a poll each, or the logs feed's live tail.
func (s *Scheduler) Start() tea.Cmd {
	if s.shared {
		return nil
	}
	cmds := make([]tea.Cmd, 0, len(All))
	for _, f := range All {
		cmds = append(cmds, s.StartFeed(f))
	}
	return tea.Batch(cmds...)
}

// StartFeed begins a feed: the logs feed streams when it can, every feed
// else (and the logs feed else) polls.
func (s *Scheduler) StartFeed(feed sources.Feed) tea.Cmd {
	s.feeds[feed].Anchor = s.wall()
	if feed == sources.FeedLogs {
		if streamer, ok := s.liveStreamer(); ok {
			return s.startLive(streamer)
		}
	}
	return s.PollNow(feed)
}

// State is a feed's state, to draw.
func (s *Scheduler) State(feed sources.Feed) State { return *s.feeds[feed] }

// Delay is how long the feed waits after a poll like its last.
func (s *Scheduler) Delay(feed sources.Feed) time.Duration {
	return s.feeds[feed].Delay(s.period(feed))
}

// period is a feed's cadence: logs poll often and cheaply, the rest at the
// refresh interval.
func (s *Scheduler) period(feed sources.Feed) time.Duration {
	if feed == sources.FeedLogs {
		return min(s.cfg.Refresh, LogCadence)
	}
	return s.cfg.Refresh
}

// LogGroups are the groups the logs feed follows.
func (s *Scheduler) LogGroups() []string { return s.logs.groups }

// AddAllLogGroups has the logs feed follow every alarm's log group.
func (s *Scheduler) AddAllLogGroups() tea.Cmd {
	s.logs.allGroups = true
	return s.inputsChanged()
}

// SetTrailQuery sets what the trail feed follows (write calls only, a
// resource…); a changed query restarts the feed at once.
func (s *Scheduler) SetTrailQuery(q sources.TrailQuery) tea.Cmd {
	if q == s.trail.query {
		return nil
	}
	s.trail.query = q
	return s.pollSoon(sources.FeedTrail)
}

// Handle records what a message says about the feeds and returns what
// runs next: a poll, a tick, or the wait for the stream's next batch.
func (s *Scheduler) Handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case PollMsg:
		st := s.feeds[msg.Feed]
		if msg.Gen != st.Gen || st.Phase != PhaseIdle && st.Phase != PhaseBackingOff {
			return nil
		}
		st.Anchor = msg.Slot
		if st.Anchor.IsZero() {
			st.Anchor = s.wall()
		}
		return s.PollNow(msg.Feed)
	case sources.AlarmsMsg:
		s.alarms.current, s.alarms.loading = msg.Alarms, msg.Loading
		if msg.Loading { // more is coming: the poll goes on
			s.feeds[sources.FeedAlarms].succeeded(msg.At)
			var next tea.Cmd
			if s.alarms.msgs != nil {
				next = waitAlarms(s.alarms.msgs)
			}
			return tea.Batch(s.inputsChanged(), next)
		}
		return tea.Batch(s.done(sources.FeedAlarms, nil, msg.At), s.inputsChanged())
	case AlarmsPartial:
		s.alarms.current, s.alarms.loading = msg.Alarms, false
		s.feeds[sources.FeedAlarms].succeeded(msg.At) // the data shown is fresh
		return tea.Batch(s.done(sources.FeedAlarms, msg.err, msg.At), s.inputsChanged())
	case sources.MetricsMsg:
		return s.done(sources.FeedMetrics, nil, msg.At)
	case liveStartedMsg:
		return s.liveStarted(msg)
	case sources.LogsMsg:
		if s.live.stream != nil {
			s.feeds[sources.FeedLogs].succeeded(msg.At)
			return waitLive(s.live.stream, s.cfg.Now)
		}
		return s.tailDone(sources.FeedLogs, msg.Tail, msg.Problems, msg.At)
	case sources.TrailMsg:
		s.trail.badFiles, s.trail.recentBad = msg.BadFiles, msg.RecentBad
		s.trail.scanned, s.trail.folders = [2]int64{msg.Scanned, msg.Queries}, msg.Folders
		return s.tailDone(sources.FeedTrail, msg.Tail, msg.Problems, msg.At)
	case sources.ErrMsg:
		if msg.Feed == sources.FeedLogs && s.live.stream != nil {
			return s.liveFailed(msg)
		}
		return s.done(msg.Feed, msg.Err, msg.At)
	}
	return nil
}

// RefreshNow polls every feed that is not polling or streaming at once; the
// cadence is anchored anew.
func (s *Scheduler) RefreshNow() tea.Cmd {
	if s.cfg.Shared != nil {
		s.cfg.Shared.Refresh()
		return nil
	}
	var cmds []tea.Cmd
	for _, f := range All {
		if st := s.feeds[f]; st.Phase == PhaseIdle || st.Phase == PhaseBackingOff {
			st.Anchor = s.wall()
			cmds = append(cmds, s.PollNow(f))
		}
	}
	return tea.Batch(cmds...)
}

// inputsChanged polls the metrics and logs feeds at once when the alarms
// changed what they watch; a feed polling with old inputs polls again when
// that poll ends.
func (s *Scheduler) inputsChanged() tea.Cmd {
	var cmds []tea.Cmd
	if !sameMetrics(s.alarms.current, s.metrics.specsFrom) {
		if specs := s.watchedSpecs(); !slices.EqualFunc(specs, s.metrics.specs, sameKey) {
			s.metrics.specs = specs
			cmds = append(cmds, s.pollSoon(sources.FeedMetrics))
		}
	}
	s.metrics.specsFrom = s.alarms.current
	groups, more := s.logGroups()
	s.logs.more = more
	if !slices.Equal(groups, s.logs.groups) {
		s.logs.groups = groups
		cmds = append(cmds, s.pollSoon(sources.FeedLogs))
	}
	return tea.Batch(cmds...)
}

// sameMetrics reports whether two alarm lists have, one by one, metrics of
// the same key: then they watch the same metrics (a poll's alarms mostly
// do), found without building 10,000 keys.
func sameMetrics(a, b []sources.Alarm) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameKey(a[i].Metric, b[i].Metric) {
			return false
		}
	}
	return true
}

// sameKey is a.Key() == b.Key(), without building the keys when the
// fields they are made of are equal (the usual case from poll to poll).
func sameKey(a, b sources.MetricSpec) bool {
	same := a.Source == b.Source && a.Namespace == b.Namespace && a.Metric == b.Metric &&
		a.Stat == b.Stat && slices.Equal(a.Dims, b.Dims)
	return same || a.Key() == b.Key()
}

func (s *Scheduler) pollSoon(feed sources.Feed) tea.Cmd {
	st := s.feeds[feed]
	if s.shared {
		return nil
	}
	switch st.Phase {
	case PhasePolling:
		st.stale = true
		return nil
	case PhaseStreaming:
		return nil
	}
	return s.PollNow(feed)
}

// PollNow starts a poll of feed, dropping its pending tick.
func (s *Scheduler) PollNow(feed sources.Feed) tea.Cmd {
	st := s.feeds[feed]
	st.Gen++
	st.Phase, st.stale = PhasePolling, false
	return s.Poll(feed)
}

// tailDone records how a tail's poll kept up; one that has more waiting is
// polled again at once. Failing groups back off inside the tail, not the feed.
func (s *Scheduler) tailDone(feed sources.Feed, tail sources.TailStatus, problems []sources.GroupProblem, at time.Time) tea.Cmd {
	st := s.feeds[feed]
	st.Tail, st.Problems = tail, problems
	st.stale = st.stale || tail.Again
	return s.done(feed, nil, at)
}

// done records a poll's outcome and schedules the next: at once when its
// inputs changed meanwhile or more is waiting, else at the next slot of the
// cadence.
func (s *Scheduler) done(kind sources.Feed, err error, at time.Time) tea.Cmd {
	st := s.feeds[kind]
	if st.Phase == PhaseStreaming {
		return nil
	}
	st.Phase = PhaseIdle
	if err != nil {
		if !errors.Is(err, sources.ErrNoLogGroups) { // a hint, not a failure to back off from
			st.Failures++
			st.Phase = PhaseBackingOff
		}
		st.LastErr, st.Problem = sources.Explain(kind, err), sources.Classify(err)
		st.Tail, st.Problems = sources.TailStatus{}, nil // the whole kind failed: the error says it
	} else {
		st.succeeded(at)
	}
	if s.shared {
		return nil
	}
	if st.stale {
		st.Anchor = s.wall()
		return s.PollNow(kind)
	}
	now, period := s.wall(), s.period(kind)
	next := st.Anchor.Add(st.Delay(period))
	if !next.After(now) { // a poll that overran its period skips the slots it missed
		next = next.Add((now.Sub(next)/period + 1) * period)
	}
	st.Gen++
	st.Next = next
	msg := PollMsg{kind, st.Gen, next}
	return tea.Tick(next.Sub(now), func(time.Time) tea.Msg { return msg })
}

// fetch runs one poll off the UI goroutine and turns its result into a message.
func fetch(feed sources.Feed, now func() time.Time, run func(ctx context.Context, at time.Time) (tea.Msg, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), PollTimeout)
		defer cancel()
		at := now()
		msg, err := run(ctx, at)
		if err != nil {
			return sources.ErrMsg{Feed: feed, Err: err, At: at}
		}
		return msg
	}
}

// Poll builds the command that fetches one feed with its current inputs.
func (s *Scheduler) Poll(feed sources.Feed) tea.Cmd {
	src := s.cfg.Source
	switch feed {
	case sources.FeedAlarms:
		if pager, ok := src.(sources.AlarmPager); ok {
			s.alarms.msgs = s.alarms.poll(pager, s.wall(), s.cfg.Refresh, s.cfg.Now, !s.shared)
			return waitAlarms(s.alarms.msgs)
		}
		return fetch(feed, s.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			alarms, err := src.ListAlarms(ctx)
			return alarmsResult(alarms, at, err), nil
		})
	case sources.FeedMetrics:
		specs, metrics, urgent := s.metrics.specs, s.metrics, s.urgentMetrics()
		return fetch(feed, s.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			return metrics.fetch(ctx, src, specs, urgent, at)
		})
	case sources.FeedLogs:
		tail, groups := s.logs.tail, s.logs.groups // the tail is this poll's alone while it runs
		return fetch(feed, s.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			b := tail.Next(ctx, src, groups, at)
			// Err means no group could be read; a failing group among others
			// is one of Problems and retries on its own.
			return sources.LogsMsg{Events: b.Events, At: at, Tail: b.TailStatus, Problems: b.Problems}, b.Err
		})
	case sources.FeedTrail:
		tail, query := s.trail.tail, s.trail.query
		return fetch(feed, s.cfg.Now, func(ctx context.Context, at time.Time) (tea.Msg, error) {
			b := tail.Next(ctx, src, query, at)
			msg := sources.TrailMsg{Events: b.Events, At: at, Tail: b.TailStatus, Problems: b.Problems}
			msg.BadFiles, msg.RecentBad = badTrailFiles(src)
			if r, ok := src.(sources.TrailScanner); ok {
				msg.Scanned, msg.Queries = r.Scanned()
			}
			if l, ok := src.(sources.TrailLister); ok {
				msg.Folders = l.TrailFolders()
			}
			return msg, b.Err
		})
	}
	return nil
}

// logGroups is the configured groups, or when none are, the groups AWS
// writes for the alarms' resources (a Lambda function's /aws/lambda/<name>),
// firing alarms' first, at most AutoGroupCap unless all were asked for; more
// is how many are left out.
func (s *Scheduler) logGroups() (groups []string, more int) {
	if len(s.cfg.LogGroups) > 0 {
		return s.cfg.LogGroups, 0
	}
	limit := AutoGroupCap
	if s.logs.allGroups {
		limit = math.MaxInt
	}
	groups, rest := AutoLogGroups(s.alarms.current, limit)
	return groups, len(rest)
}

// badTrailFiles asks src (a Multi adds up its members') for the trail log
// files it skipped.
func badTrailFiles(src sources.Source) (count int, recent []sources.BadFile) {
	if r, ok := src.(sources.BadFileReporter); ok {
		return r.BadTrailFiles()
	}
	return 0, nil
}

// SetVisibleMetrics tells the metrics feed which metrics are on screen (by
// MetricSpec.Key): when not all due metrics fit a poll, they are requested
// right after the firing alarms'.
func (s *Scheduler) SetVisibleMetrics(keys []string) { s.metrics.visible = slices.Clone(keys) }

// urgentMetrics ranks the metrics a poll requests first (see
// sources.MetricSchedule.Pick): the firing alarms', then those on screen.
func (s *Scheduler) urgentMetrics() map[string]int {
	urgent := make(map[string]int, len(s.metrics.visible))
	for _, key := range s.metrics.visible {
		urgent[key] = RankVisible
	}
	for _, a := range s.alarms.current {
		if a.State == sources.StateAlarm {
			urgent[a.Metric.WithDefaults().Key()] = RankFiring
		}
	}
	return urgent
}

// watchedSpecs is every metric worth a sparkline: the alarms' metrics first,
// then those named in the configuration, each once.
func (s *Scheduler) watchedSpecs() []sources.MetricSpec {
	seen := make(map[string]bool, len(s.alarms.current)+len(s.cfg.Metrics))
	var specs []sources.MetricSpec
	add := func(spec sources.MetricSpec) {
		spec = spec.WithDefaults()
		if spec.Metric == "" {
			return
		}
		if key := spec.Key(); !seen[key] {
			seen[key] = true
			specs = append(specs, spec)
		}
	}
	for _, a := range s.alarms.current {
		add(a.Metric)
	}
	for _, spec := range s.cfg.Metrics {
		add(spec)
	}
	return specs
}
