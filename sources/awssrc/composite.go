package awssrc

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/sources"
	"watchtrail/text"
)

// compositeOf converts a composite alarm. A rule that does not parse keeps
// the alarm listed, with its rule and no children.
func compositeOf(a types.CompositeAlarm) sources.Alarm {
	rule := aws.ToString(a.AlarmRule)
	children, _ := sources.ParseAlarmRule(rule)
	return sources.Alarm{
		Name:         aws.ToString(a.AlarmName),
		State:        sources.AlarmState(a.StateValue),
		Reason:       text.Sanitize(aws.ToString(a.StateReason)),
		StateChanged: aws.ToTime(a.StateUpdatedTimestamp),
		ARN:          aws.ToString(a.AlarmArn),
		Composite:    true,
		Rule:         text.Sanitize(rule),
		Children:     children,
	}
}
