package ui

import (
	"watchtrail/feed"
	"watchtrail/sources"
)

// CostConfig is what cfg polls when the source lists alarms: the input of
// feed.EstimateCost, for the status line and --dry-run.
func CostConfig(cfg Config, alarms []sources.Alarm) feed.CostConfig {
	return feed.CostConfigOf(cfg.Feed(), alarms)
}

// costSummary is the estimated API cost of what the dashboard polls, for
// the status line. A shared session's pollers are the server's: it shows
// their cost, which does not grow with the sessions.
func (m *Model) costSummary() string {
	if m.cfg.Demo {
		return ""
	}
	summary := feed.EstimateCost(m.sched.CostConfig()).Summary()
	if scan := feed.ScanSummary(m.sched.Scanned()); scan != "" {
		summary += " · " + scan
	}
	return summary
}
