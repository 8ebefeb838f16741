package feed

import "watchtrail/sources"

// CostConfigOf is what cfg polls when the source lists alarms: the input
// of EstimateCost, for the status line and --dry-run.
func CostConfigOf(cfg Config, alarms []sources.Alarm) CostConfig {
	s := NewScheduler(cfg)
	s.alarms.current = alarms
	return s.CostConfig()
}

// CostConfig is what the scheduler polls now: the input of EstimateCost.
func (s *Scheduler) CostConfig() CostConfig {
	groups, _ := s.logGroups()
	return CostConfig{
		Metrics:      s.watchedSpecs(),
		Alarms:       len(s.alarms.current),
		Refresh:      s.cfg.Refresh,
		CostAware:    s.metrics.schedule != nil,
		Budget:       s.metrics.budget,
		LogGroups:    len(groups),
		LiveTail:     s.cfg.LiveTail,
		TrailBucket:  s.cfg.TrailBucket,
		TrailFolders: s.trail.folders,
		Scanned:      s.trail.scanned[0],
		Queries:      s.trail.scanned[1],
	}
}
