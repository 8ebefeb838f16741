package sources

import "time"

// Feed names one stream of data the UI polls.
type Feed string

const (
	FeedAlarms  Feed = "alarms"
	FeedMetrics Feed = "metrics"
	FeedLogs    Feed = "logs"
	FeedTrail   Feed = "trail"
)

// AlarmsMsg carries a fresh list of every alarm.
type AlarmsMsg struct {
	Alarms []Alarm
	At     time.Time
	// Loading is set while the first listing still reads pages: Alarms are
	// those read so far, the firing ones first.
	Loading bool
}

// MetricsMsg carries fresh series for the watched metrics.
type MetricsMsg struct {
	Series []Series
	At     time.Time
	// InTurn, when not 0, says the metrics are refreshed in turn: more are
	// watched than one poll requests, and a poll requests about InTurn.
	InTurn int
}

// LogsMsg carries log events not delivered before, oldest first.
type LogsMsg struct {
	Events []LogEvent
	At     time.Time
	// Tail and Problems say how a poll kept up (zero from a live stream):
	// behind or sampling, and the groups that failed while the others went on.
	Tail     TailStatus
	Problems []GroupProblem
}

// TrailMsg carries CloudTrail events not delivered before, oldest first.
type TrailMsg struct {
	Events   []TrailEvent
	At       time.Time
	Tail     TailStatus
	Problems []GroupProblem // members of a Multi whose poll failed
	// BadFiles counts the trail log files skipped as unreadable so far
	// (see BadFileReporter); RecentBad lists the newest of them.
	BadFiles  int
	RecentBad []BadFile
	// Scanned and Queries are what the trail's Athena queries scanned so
	// far, and how many ran (see TrailScanner).
	Scanned, Queries int64
	// Folders is how many folders a poll lists (see TrailLister).
	Folders int
}

// ErrMsg reports a failed poll; the pane keeps its last data.
type ErrMsg struct {
	Feed Feed
	Err  error
	At   time.Time
}

// TailStatus says how well a tail keeps up.
type TailStatus struct {
	// Behind is how far back events may still be unread: 0 when caught up.
	Behind time.Duration
	// Sampling means events were skipped within the last minute because the
	// API quota could not keep up; Live Tail (--live-tail) would not need to.
	Sampling bool
	// Again asks for the next poll at once: more is waiting.
	Again bool
}

// GroupProblem is a log group (or a trail) whose last poll failed. It keeps
// its position and is retried at RetryAt; the others go on meanwhile.
type GroupProblem struct {
	Source   string // the Multi member's label; "" for a single source
	Group    string
	Err      error
	Failures int // in a row
	RetryAt  time.Time
}
