// Package ui is the root bubbletea model: it schedules the sources' polls,
// routes their messages to the panes, and handles keys, layout and the
// alarm drill-down.
package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/panes"
	"watchtrail/sources"
)

// Config is what the dashboard watches and where it reads it from.
type Config struct {
	Source      sources.Source
	Demo        bool
	Refresh     time.Duration
	LogGroups   []string
	LogFilter   string
	Metrics     []sources.MetricSpec
	LogCapacity int
	LiveTail    bool             // stream LogGroups when the Source is a sources.LogStreamer
	Now         func() time.Time // the clock; tests set a fixed one
}

var allFeeds = []sources.Feed{sources.FeedAlarms, sources.FeedMetrics, sources.FeedLogs, sources.FeedTrail}

// Model is the whole dashboard.
type Model struct {
	cfg           Config
	width, height int

	alarms  *panes.Alarms
	metrics *panes.Metrics
	logs    *panes.Logs
	trail   *panes.Trail
	detail  *panes.Detail

	focus     paneID
	zoomed    bool
	inDetail  bool
	showHelp  bool
	filtering bool
	filter    textinput.Model
	filters   [paneCount]string
	json      *panes.Viewer // a live log line or trail event in full, when open

	alarmList []sources.Alarm
	feeds     map[sources.Feed]*feedState
	logTail   *sources.LogTail
	trailTail *sources.TrailTail
	live      *liveStream // the logs feed's stream, while it runs
	liveOff   bool        // live tail failed: the logs feed polls
	drillErr  string
	now       time.Time
}

// New builds the dashboard for cfg; it starts polling when the program runs.
func New(cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 10 * time.Second
	}
	if cfg.LogCapacity <= 0 {
		cfg.LogCapacity = 5000
	}
	input := textinput.New()
	input.Prompt = "/"
	input.CharLimit = 200
	m := &Model{
		cfg:       cfg,
		alarms:    panes.NewAlarms(),
		metrics:   panes.NewMetrics(),
		logs:      panes.NewLogs(cfg.LogCapacity),
		trail:     panes.NewTrail(cfg.LogCapacity),
		detail:    panes.NewDetail(),
		filter:    input,
		feeds:     map[sources.Feed]*feedState{},
		logTail:   sources.NewLogTail(cfg.LogGroups, cfg.LogFilter),
		trailTail: sources.NewTrailTail(),
		now:       cfg.Now(),
	}
	for _, f := range allFeeds {
		m.feeds[f] = &feedState{}
	}
	return m
}

// Init starts every feed's first poll (or the logs feed's live tail).
func (m *Model) Init() tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(allFeeds)+1)
	for _, f := range allFeeds {
		cmds = append(cmds, m.startFeed(f))
	}
	return tea.Batch(append(cmds, tea.SetWindowTitle("watchtrail · "+m.cfg.Source.Describe()))...)
}

// Update routes data messages to panes and keys to the focused view.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case pollMsg:
		return m, m.startPoll(msg.feed, msg.gen)
	case sources.AlarmsMsg:
		m.now = msg.At
		m.alarmList = msg.Alarms
		m.alarms.SetNow(msg.At)
		m.alarms.SetAlarms(msg.Alarms)
		m.metrics.SetAlarms(msg.Alarms)
		return m, m.pollDone(sources.FeedAlarms, nil, msg.At)
	case sources.MetricsMsg:
		m.now = msg.At
		m.metrics.SetSeries(msg.Series)
		return m, m.pollDone(sources.FeedMetrics, nil, msg.At)
	case liveStartedMsg:
		return m, m.liveStarted(msg)
	case sources.LogsMsg:
		if m.live != nil {
			return m, m.liveBatch(msg)
		}
		m.logs.Append(msg.Events)
		return m, m.pollDone(sources.FeedLogs, nil, msg.At)
	case logsWithError:
		m.logs.Append(msg.Events)
		return m, m.pollDone(sources.FeedLogs, msg.err, msg.At)
	case sources.TrailMsg:
		m.trail.Append(msg.Events)
		return m, m.pollDone(sources.FeedTrail, nil, msg.At)
	case sources.ErrMsg:
		if msg.Feed == sources.FeedLogs && m.live != nil {
			return m, m.liveFailed(msg)
		}
		return m, m.pollDone(msg.Feed, msg.Err, msg.At)
	case sources.DrillMsg:
		m.drillDone(msg)
		return m, nil
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		return m, cmd
	}
	return m, nil
}
