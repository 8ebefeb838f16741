// Package ui is the root bubbletea model: it routes the feed scheduler's
// messages to the panes, keys to the top view, and sizes everything when the
// terminal changes.
package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
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
	LiveTail    bool                     // stream LogGroups when the Source is a sources.LogStreamer
	Integrity   sources.IntegrityChecker // validates the trail's log files (--trail-bucket); nil: none
	Dashboard   string                   // a CloudWatch dashboard to open over the panes at start
	Now         func() time.Time         // the clock; tests set a fixed one
	WarRoom
	Book
}

// WithDefaults fills in what cfg leaves unset: the clock, the log capacity
// and the refresh, 15 s for AWS (each poll is paid for) and 2 s for the demo.
func (c Config) WithDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Refresh <= 0 {
		c.Refresh = 15 * time.Second
		if c.Demo {
			c.Refresh = 2 * time.Second
		}
	}
	if c.LogCapacity <= 0 {
		c.LogCapacity = 5000
	}
	return c
}

// Model is the whole dashboard.
type Model struct {
	cfg           Config
	width, height int
	layout        screenLayout

	alarms  *panes.Alarms
	metrics *panes.Metrics
	logs    *panes.Logs
	trail   *panes.Trail
	detail  *panes.Detail

	focus   paneID
	stack   []view // views over the dashboard, the top one takes the keys
	filters [paneCount]string
	help    help.Model

	sched     *feed.Scheduler
	alarmList []sources.Alarm
	narrow    string // the one source shown (see sourcesView), "" for all
	now       time.Time

	access accessState       // denied calls, history search, log file integrity
	room   room              // kiosk, time zone, copy: see warroom.go
	book   bookState         // the incident notebook: see notebook.go
	drawn  [paneCount]string // each pane's last drawing; "" to draw anew
}

// New builds the dashboard for cfg; it starts polling when the program runs.
func New(cfg Config) *Model {
	cfg = cfg.WithDefaults()
	m := &Model{
		cfg:     cfg,
		alarms:  panes.NewAlarms(),
		metrics: panes.NewMetrics(),
		logs:    panes.NewLogs(cfg.LogCapacity),
		trail:   panes.NewTrail(cfg.LogCapacity),
		detail:  panes.NewDetail(),
		help:    newHelp(),
		sched:   feed.NewScheduler(cfg.Feed()),
		now:     cfg.Now(),
	}
	m.logs.SetHighlight(cfg.LogFilter)
	m.initRoom()
	return m
}

// Init starts the feeds.
func (m *Model) Init() tea.Cmd {
	cmd := tea.Batch(m.sched.Start(), tea.SetWindowTitle("watchtrail · "+m.cfg.Source.Describe()), m.startIntegrity(), m.initBook())
	if m.cfg.Dashboard != "" {
		cmd = tea.Batch(cmd, m.openDashboard(m.cfg.Dashboard))
	}
	return cmd
}

// Update routes data messages to the panes and the scheduler, and keys to
// the top view.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer func() { m.sched.SetVisibleMetrics(m.metrics.VisibleKeys()) }() // after any scroll, filter, resize or new data
	m.redraw(msg)
	if cmd, ok := m.roomUpdate(msg); ok {
		return m, cmd
	}
	if cmd, ok := m.bookUpdate(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case sources.AlarmsMsg:
		m.setAlarms(msg)
		return m, tea.Batch(m.sched.Handle(msg), m.kioskFollow())
	case feed.AlarmsPartial:
		m.setAlarms(msg.AlarmsMsg)
		return m, tea.Batch(m.sched.Handle(msg), m.kioskFollow())
	case sources.MetricsMsg:
		m.now = msg.At
		m.metrics.SetSeries(msg.Series)
		m.metrics.SetInTurn(msg.InTurn)
	case sources.LogsMsg:
		m.logs.Append(msg.Events)
	case sources.TrailMsg:
		m.trail.Append(msg.Events)
		m.countDenied(msg.Events)
	case logContextMsg:
		m.showContext(msg)
		return m, nil
	case triageMsg:
		return m, m.drillDone(msg.Result)
	case drillAgain:
		return m, m.requery(msg)
	default:
		if cmd, ok := m.trailMsg(msg); ok {
			return m, cmd
		}
		if cmd, ok := m.receive(msg); ok {
			return m, cmd
		}
		if p, ok := m.top().(prompter); ok { // the cursor's blink
			var cmd tea.Cmd
			*p.input(), cmd = p.input().Update(msg)
			return m, tea.Batch(cmd, m.sched.Handle(msg))
		}
	}
	return m, m.sched.Handle(msg)
}
