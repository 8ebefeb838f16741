package awssrc

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"watchtrail/sources"
)

// describeAlarmsPage is a DescribeAlarmsResponse in the documented wire
// format with one metric alarm and one composite alarm (moto cannot create
// composite alarms: PutCompositeAlarm is not implemented).
func describeAlarmsPage(rule string) string {
	return fmt.Sprintf(`<DescribeAlarmsResponse xmlns="%s"><DescribeAlarmsResult>
<MetricAlarms><member><AlarmName>api-errors</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors</AlarmArn>
<StateValue>ALARM</StateValue><StateReason>Threshold Crossed</StateReason><StateUpdatedTimestamp>2026-01-02T03:04:00.000Z</StateUpdatedTimestamp>
<Namespace>AWS/Lambda</Namespace><MetricName>Errors</MetricName><Statistic>Sum</Statistic><Period>60</Period>
<Threshold>5.0</Threshold><ComparisonOperator>GreaterThanThreshold</ComparisonOperator></member></MetricAlarms>
<CompositeAlarms><member><AlarmName>api-health</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-health</AlarmArn>
<AlarmRule>%s</AlarmRule><StateValue>ALARM</StateValue><StateReason>arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-errors transitioned to ALARM</StateReason>
<StateUpdatedTimestamp>2026-01-02T03:05:00.000Z</StateUpdatedTimestamp></member></CompositeAlarms>
</DescribeAlarmsResult><ResponseMetadata><RequestId>5e1c5a2e-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeAlarmsResponse>`,
		cloudWatchNS, xmlText(rule))
}

func TestListAlarmsIncludesCompositeAlarms(t *testing.T) {
	rule := `ALARM("api-errors") OR (ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-latency) AND NOT OK("db"))`
	s, reqs := fakeHistory(t, func(url.Values) (int, string) { return 200, describeAlarmsPage(rule) })
	alarms, err := s.ListAlarms(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	form := reqs()[0]
	if form.Get("Action") != "DescribeAlarms" || form.Get("AlarmTypes.member.1") != "MetricAlarm" || form.Get("AlarmTypes.member.2") != "CompositeAlarm" {
		t.Errorf("request %v, want both alarm types asked for", form)
	}
	if len(alarms) != 2 {
		t.Fatalf("alarms %+v", alarms)
	}
	c := alarms[0] // the newer change sorts first
	if c.Name != "api-health" || !c.Composite || c.State != sources.StateAlarm || c.Rule != rule ||
		strings.Join(c.Children, ",") != "api-errors,api-latency,db" || c.Metric.Metric != "" {
		t.Errorf("composite = %+v", c)
	}
	if m := alarms[1]; m.Composite || m.Metric.Metric != "Errors" {
		t.Errorf("metric alarm = %+v", m)
	}

	s, _ = fakeHistory(t, func(url.Values) (int, string) { return 200, describeAlarmsPage("ALARM(") })
	alarms, err = s.ListAlarms(ctxFor(t))
	if err != nil || len(alarms) != 2 || alarms[0].Rule != "ALARM(" || alarms[0].Children != nil {
		t.Errorf("bad rule: %+v, %v; want the alarm kept without children", alarms, err)
	}
}
