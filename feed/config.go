package feed

import (
	"time"

	"watchtrail/sources"
)

// Config is what the feeds poll and how often: the polling part of the
// dashboard's configuration (ui.Config.Feed).
type Config struct {
	Source      sources.Source
	Refresh     time.Duration
	LogGroups   []string // the groups the logs feed follows; none: the alarms' (AutoLogGroups)
	LogFilter   string
	Metrics     []sources.MetricSpec
	LiveTail    bool             // stream LogGroups when the Source is a sources.LogStreamer
	TrailBucket bool             // CloudTrail is read from S3, for the cost estimate
	Now         func() time.Time // the data's clock
	// Shared, when set, feeds the session: its own feeds never poll, the
	// data messages the Poller's hub sends arrive instead, and a refresh asks
	// the hub.
	Shared SharedFeeds
}

// SharedFeeds is the hub a shared session is fed by.
type SharedFeeds interface{ Refresh() }
