package ui

import (
	"context"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
	"watchtrail/triage"
)

// WarRoom is the configuration of shared screens: SSH sessions fed by one
// set of pollers, the wall screen's kiosk mode, time zone, links.
type WarRoom struct {
	// Shared, when set, feeds the session: its own feeds never poll, the
	// data messages the feed.Poller's hub sends arrive instead, and r asks
	// the hub to refresh. Drill-downs still run per session.
	Shared      feed.SharedFeeds
	Kiosk       bool          // start in kiosk mode: see kiosk.go
	Rotate      time.Duration // kiosk: how long each firing alarm is shown; default 20s
	Zone        *time.Location
	Region      string   // for console links when the item does not say; default from the alarms' ARNs
	OpenLinks   bool     // o opens links in a browser here: the user sits at this machine, not in an SSH session
	Environ     []string // the user's terminal's environment, in serve the client's (TERM, TMUX, STY choose the clipboard sequence)
	TrailBucket bool     // CloudTrail is read from S3, for the cost estimate
}

// SharedTriage runs the triage of an alarm once for the sessions of a hub
// (feed.Poller does): kiosk screens open the same firing alarms'
// drill-downs over and over.
type SharedTriage interface {
	Triage(ctx context.Context, a sources.Alarm, groups []string, now time.Time) triage.Result
}

func cfgTriage(cfg Config) (SharedTriage, bool) {
	d, ok := cfg.Shared.(SharedTriage)
	return d, ok
}

// Feed is the polling part of c, for the feed.Scheduler.
func (c Config) Feed() feed.Config {
	return feed.Config{Source: c.Source, Refresh: c.Refresh, LogGroups: c.LogGroups, LogFilter: c.LogFilter,
		Metrics: c.Metrics, LiveTail: c.LiveTail, TrailBucket: c.TrailBucket, Now: c.Now, Shared: c.Shared}
}
