package awssrc

import (
	"context"
	"errors"
	"math"
	"sort"
	"time"

	"watchtrail/sources"
)

// ChangeFeedLag is how long after an API call EventBridge has written its
// "AWS API Call via CloudTrail" event into the change feed's log group:
// seconds, where the trail takes up to 15 minutes.
const ChangeFeedLag = 30 * time.Second

// UseChangesLogGroup adds a change feed to the trail reader: the CloudWatch
// Logs group an EventBridge rule on the default bus writes CloudTrail's
// management events into ("AWS API Call via CloudTrail", the record in the
// event's detail; see `watchtrail setup changes-feed`). FetchTrail merges
// its events with the trail reader's, each event once (by eventID). Needs
// logs:FilterLogEvents on the group.
func (s *Source) UseChangesLogGroup(group string) error {
	if group == "" {
		return errors.New("changes log group: empty name")
	}
	s.changes = &TrailLogGroup{logs: s.logs, group: group, now: time.Now, envelope: true}
	s.changesSeen = &sources.NewestSeen{}
	s.describe += ", changes from log group " + group
	return nil
}

// withChanges merges the change feed's events of q into events (the trail
// reader's, oldest first): each eventID once, oldest first, at most limit
// (the newest). The feed's failure is returned beside what was read.
func (s *Source) withChanges(ctx context.Context, q sources.TrailQuery, events []sources.TrailEvent, limit int) ([]sources.TrailEvent, error) {
	if s.changes == nil || q.Insights {
		return events, nil
	}
	fresh, err := s.changes.FetchTrail(ctx, q)
	s.changesSeen.See(fresh)
	seen := make(map[string]bool, len(events))
	for _, e := range events {
		seen[e.ID] = true
	}
	merged := events
	for _, e := range fresh {
		if e.ID == "" || !seen[e.ID] {
			merged = append(merged, e)
			seen[e.ID] = true
		}
	}
	sort.SliceStable(merged, func(i, j int) bool { return merged[i].Time.Before(merged[j].Time) })
	if limit <= 0 {
		limit = defaultTrailLimit
	}
	if limit != math.MaxInt && len(merged) > limit {
		merged = merged[len(merged)-limit:]
	}
	return merged, err
}
