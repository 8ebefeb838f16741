package ui

import (
	"watchtrail/feed"
	"watchtrail/sources"
)

// CostConfig is what cfg polls when the source lists alarms: the input of
// feed.EstimateCost, for the status line and --dry-run.
func CostConfig(cfg Config, alarms []sources.Alarm) feed.CostConfig {
	s := NewScheduler(cfg)
	s.alarms = alarms
	return s.costConfig()
}

func (s *Scheduler) costConfig() feed.CostConfig {
	groups, _ := s.logGroups()
	return feed.CostConfig{
		Metrics:      s.watchedSpecs(),
		Alarms:       len(s.alarms),
		Refresh:      s.cfg.Refresh,
		CostAware:    s.metrics.schedule != nil,
		Budget:       s.metrics.budget,
		LogGroups:    len(groups),
		LiveTail:     s.cfg.LiveTail,
		TrailBucket:  s.cfg.TrailBucket,
		TrailFolders: s.folders,
		Scanned:      s.scanned[0],
		Queries:      s.scanned[1],
	}
}

// costSummary is the estimated API cost of what the dashboard polls, for
// the status line. A shared session's pollers are the server's: it shows
// their cost, which does not grow with the sessions.
func (m *Model) costSummary() string {
	if m.cfg.Demo {
		return ""
	}
	summary := feed.EstimateCost(m.sched.costConfig()).Summary()
	if scan := feed.ScanSummary(m.sched.scanned[0], m.sched.scanned[1]); scan != "" {
		summary += " · " + scan
	}
	return summary
}
