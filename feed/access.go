package feed

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/filter"
	"watchtrail/sources"
)

// What the dashboard reads back from the scheduler to draw, and what its
// tests reach to set a feed up or look inside.

// Loading reports whether the alarms delivered last are the first
// listing's so far.
func (s *Scheduler) Loading() bool { return s.alarms.loading }

// MoreGroups is how many of the alarms' log groups the logs feed leaves
// out (see AddAllLogGroups).
func (s *Scheduler) MoreGroups() int { return s.logs.more }

// BadTrailFiles is how many trail log files the source skipped as
// unreadable, and the latest of them.
func (s *Scheduler) BadTrailFiles() (int, []sources.BadFile) {
	return s.trail.badFiles, s.trail.recentBad
}

// Scanned is what the trail's Athena queries scanned so far: bytes, queries.
func (s *Scheduler) Scanned() (bytes, queries int64) { return s.trail.scanned[0], s.trail.scanned[1] }

// TrailQuery is what the trail feed asks the server for.
func (s *Scheduler) TrailQuery() sources.TrailQuery { return s.trail.query }

// SetTrailFilter tells the trail feed the pane's query, polling at once
// when what it asks the server for changed. The live tail asks only for
// the category (kind:insight: Insights events instead of management ones):
// it reads every management event anyway and the pane narrows them, so
// widening the query later shows what arrived meanwhile. History searches
// send the query's lookup attribute as well (filter.SearchTrail).
func (s *Scheduler) SetTrailFilter(f filter.Trail) tea.Cmd {
	q := f.Query(sources.TrailQuery{})
	q.Lookup, q.Where = sources.LookupAttr{}, sources.TrailWhere{}
	return s.SetTrailQuery(q)
}

// MetricSpecs are the metrics the metrics feed watches.
func (s *Scheduler) MetricSpecs() []sources.MetricSpec { return s.metrics.specs }

// Streaming reports whether the logs feed's live tail runs; LiveOff whether
// it failed and the feed polls instead.
func (s *Scheduler) Streaming() bool { return s.live.stream != nil }

func (s *Scheduler) LiveOff() bool { return s.live.off }

// AlarmMsgs is the running alarms poll's channel of messages.
func (s *Scheduler) AlarmMsgs() <-chan tea.Msg { return s.alarms.msgs }

// FeedState is a feed's state itself, for tests that set a phase or watch
// one change.
func (s *Scheduler) FeedState(feed sources.Feed) *State { return s.feeds[feed] }

// Config is the scheduler's configuration itself, for tests that change it.
func (s *Scheduler) Config() *Config { return &s.cfg }

// SetLogGroups sets the groups the logs feed follows, without a poll: for
// tests.
func (s *Scheduler) SetLogGroups(groups []string) { s.logs.groups = groups }

// SetMetricBudget sets the most a metrics poll requests: for tests.
func (s *Scheduler) SetMetricBudget(b MetricBudget) { s.metrics.budget = b }

// SetWall sets the schedule's clock (the data's is Config.Now): for tests.
func (s *Scheduler) SetWall(wall func() time.Time) { s.wall = wall }

// Alarms are the alarms the alarms feed delivered last.
func (s *Scheduler) Alarms() []sources.Alarm { return s.alarms.current }
