package sources

import (
	"context"
	"time"
)

// AlarmLister returns every metric alarm (all pages).
type AlarmLister interface {
	ListAlarms(ctx context.Context) ([]Alarm, error)
}

// MetricFetcher returns one Series per spec, in the order given, for the
// window [start, end]. Implementations batch: one request carries many specs.
type MetricFetcher interface {
	FetchMetrics(ctx context.Context, specs []MetricSpec, start, end time.Time) ([]Series, error)
}

// LogFetcher returns the events of one log group in a window, oldest first.
type LogFetcher interface {
	FetchLogs(ctx context.Context, q LogQuery) ([]LogEvent, error)
}

// TrailFetcher returns CloudTrail management events in a window, oldest first.
type TrailFetcher interface {
	FetchTrail(ctx context.Context, q TrailQuery) ([]TrailEvent, error)
}

// AlarmHistorian returns an alarm's state transitions in [start, end],
// oldest first.
type AlarmHistorian interface {
	AlarmHistory(ctx context.Context, name string, start, end time.Time) ([]StateChange, error)
}

// Source is everything the dashboard reads. The demo and AWS sources both
// implement it, so the UI never knows which one it talks to.
type Source interface {
	AlarmLister
	MetricFetcher
	LogFetcher
	TrailFetcher
	AlarmHistorian
	// Describe names the source for the header, e.g. "demo" or "aws prod/eu-west-1".
	Describe() string
}

// LogStreamer is optionally implemented by a Source that can push log events
// as they are ingested (CloudWatch Logs Live Tail) instead of being polled.
//
// StreamLogs returns once streaming has started, or with the error that kept
// it from starting. Each batch on events is oldest first, with messages
// sanitised. Streaming stops when ctx ends or on the first error; either
// way events is then closed, and an error is sent on errs (buffered) before
// that. A LogStreamer restarts sessions that end normally by itself.
type LogStreamer interface {
	StreamLogs(ctx context.Context, groups []string, pattern string) (events <-chan []LogEvent, errs <-chan error, err error)
}

// BadFile is a trail log file that could not be read as one and is skipped.
type BadFile struct {
	Name  string // e.g. s3://bucket/AWSLogs/…json.gz
	Err   string
	Found time.Time
}

// BadFileReporter is implemented by trail sources that read log files (the
// S3 reader): every file found unreadable so far, each once, for the UI to
// show as a count and a list.
type BadFileReporter interface {
	// BadTrailFiles returns how many files were skipped and the most
	// recent of them (at most a few hundred), oldest first.
	BadTrailFiles() (count int, recent []BadFile)
}

// LogPager is implemented by log sources that can return a query one page at
// a time; a LogFetcher that is not one is read a window per call.
type LogPager interface {
	// FetchLogPage returns the page of q that token names ("" for the
	// first) and the next page's token ("" after the last). q.Limit is
	// ignored.
	FetchLogPage(ctx context.Context, q LogQuery, token string) ([]LogEvent, string, error)
}

// TrailPager is implemented by trail sources that can return a query one
// page at a time; a TrailFetcher that is not one is read a window per call.
type TrailPager interface {
	// FetchTrailPage returns the page of q that token names ("" for the
	// first) and the next page's token ("" after the last). q.Limit is
	// ignored.
	FetchTrailPage(ctx context.Context, q TrailQuery, token string) ([]TrailEvent, string, error)
}

// TrailLister is implemented by trail sources that list folders of log
// files each poll (the S3 reader: one per account of an organisation).
type TrailLister interface {
	TrailFolders() int
}

// TrailScanner is implemented by trail sources billed by the data their
// queries scan (Athena): the bytes scanned so far, and the queries run.
type TrailScanner interface {
	Scanned() (bytes, queries int64)
}
