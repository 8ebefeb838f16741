package awssrc

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/sources"
)

// maxHistoryItems caps how many state changes AlarmHistory reads; it is also
// DescribeAlarmHistory's largest page (MaxRecords).
const maxHistoryItems = 100

// AlarmHistory returns the alarm's state transitions in [start, end], oldest
// first. It asks for the newest first, so that when an alarm has flapped more
// than maxHistoryItems times the most recent transitions are the ones kept.
func (s *Source) AlarmHistory(ctx context.Context, name string, start, end time.Time) ([]sources.StateChange, error) {
	in := &cloudwatch.DescribeAlarmHistoryInput{
		AlarmName:       aws.String(name),
		HistoryItemType: types.HistoryItemTypeStateUpdate,
		ScanBy:          types.ScanByTimestampDescending,
	}
	if !start.IsZero() {
		in.StartDate = aws.Time(start)
	}
	if !end.IsZero() {
		in.EndDate = aws.Time(end)
	}
	var changes []sources.StateChange
	for len(changes) < maxHistoryItems {
		in.MaxRecords = aws.Int32(int32(maxHistoryItems - len(changes)))
		out, err := s.cw.DescribeAlarmHistory(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, item := range out.AlarmHistoryItems {
			if item.HistoryItemType != "" && item.HistoryItemType != types.HistoryItemTypeStateUpdate {
				continue
			}
			changes = append(changes, stateChangeOf(item))
		}
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	if len(changes) > maxHistoryItems {
		changes = changes[:maxHistoryItems]
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Time.Before(changes[j].Time) })
	return changes, nil
}

// historyData is the part of a StateUpdate item's HistoryData document used
// here: {"oldState":{"stateValue":"OK",...},"newState":{"stateValue":"ALARM",...}}.
type historyData struct {
	OldState struct {
		StateValue string `json:"stateValue"`
	} `json:"oldState"`
	NewState struct {
		StateValue string `json:"stateValue"`
	} `json:"newState"`
}

func stateChangeOf(item types.AlarmHistoryItem) sources.StateChange {
	summary := sources.Sanitize(aws.ToString(item.HistorySummary))
	var data historyData
	_ = json.Unmarshal([]byte(aws.ToString(item.HistoryData)), &data) // the summary still says it
	from, to := data.OldState.StateValue, data.NewState.StateValue
	if from == "" || to == "" {
		// "Alarm updated from OK to ALARM"
		if rest, ok := strings.CutPrefix(summary, "Alarm updated from "); ok {
			if f, t, ok := strings.Cut(rest, " to "); ok {
				from, to = f, t
			}
		}
	}
	return sources.StateChange{
		Time:    aws.ToTime(item.Timestamp),
		From:    sources.AlarmState(sources.Sanitize(strings.TrimSpace(from))),
		To:      sources.AlarmState(sources.Sanitize(strings.TrimSpace(to))),
		Summary: summary,
	}
}
