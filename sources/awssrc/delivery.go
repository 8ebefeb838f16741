package awssrc

import "watchtrail/sources"

// Deliveries says how late the trail reader delivers events: event
// history, the trail's S3 files, a CloudWatch Logs group fed by the trail
// and Athena over those files all get an event up to sources.CloudTrailLag
// after its call.
func (s *Source) Deliveries() []sources.Delivery {
	reader := "LookupEvents"
	switch {
	case s.s3trail != nil:
		reader = "S3 files"
	case s.trailLogs != nil:
		reader = "CloudWatch Logs"
	case s.athena != nil:
		reader = "Athena"
	}
	out := []sources.Delivery{{Reader: reader, Lag: sources.CloudTrailLag, Newest: s.seen.Newest()}}
	if s.changes != nil {
		out = append(out, sources.Delivery{Reader: "change feed", Lag: ChangeFeedLag, Newest: s.changesSeen.Newest()})
	}
	return out
}

var _ sources.Deliverer = (*Source)(nil)
