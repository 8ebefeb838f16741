package awssrc

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/sources"
	"watchtrail/text"
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
	return collectPages(maxHistoryItems, func(token *string, want int) ([]sources.StateChange, *string, error) {
		in.NextToken, in.MaxRecords = token, aws.Int32(int32(want))
		out, err := s.cw.DescribeAlarmHistory(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		var page []sources.StateChange
		for _, item := range out.AlarmHistoryItems {
			if item.HistoryItemType == "" || item.HistoryItemType == types.HistoryItemTypeStateUpdate {
				page = append(page, stateChangeOf(item))
			}
		}
		return page, out.NextToken, nil
	}, func(c sources.StateChange) time.Time { return c.Time })
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
	summary := text.Sanitize(aws.ToString(item.HistorySummary))
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
		From:    sources.AlarmState(text.Sanitize(strings.TrimSpace(from))),
		To:      sources.AlarmState(text.Sanitize(strings.TrimSpace(to))),
		Summary: summary,
	}
}
