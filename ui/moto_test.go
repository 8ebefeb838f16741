package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/internal/motoserver"
	"watchtrail/sources/awssrc"
)

// TestDashboardRendersWhatMotoHolds puts an alarm, its metric and log events
// into a real moto server and checks the dashboard, on the real AWS source,
// shows them; moto has no CloudTrail LookupEvents, so that feed must fail
// visibly without taking the other panes down.
func TestDashboardRendersWhatMotoHolds(t *testing.T) {
	endpoint := motoserver.Start(t)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	seedMoto(t, ctx, cfg, endpoint, now)

	src := awssrc.New(cfg, endpoint)
	m := New(Config{Source: src, Refresh: time.Minute, LogGroups: []string{"/wt/ui-test"}, Now: func() time.Time { return now.Add(time.Minute) }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	pump(t, m)
	out := screen(m)
	t.Log("\n" + out)
	for _, want := range []string{"1 firing", "wt-ui-latency-high", "ALARM", "Latency api", "payment declined", "[31m"} {
		if want == "[31m" {
			if strings.Contains(out, want) {
				t.Errorf("an escape sequence from a log line reached the screen:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "trail:") {
		t.Errorf("the failing CloudTrail feed is not reported in the status line:\n%s", out)
	}
}

func seedMoto(t *testing.T, ctx context.Context, cfg aws.Config, endpoint string, now time.Time) {
	t.Helper()
	cw := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) // moto speaks no CBOR
	})
	dims := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("api")}}
	var data []cwtypes.MetricDatum
	for i := 10; i > 0; i-- {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String("Latency"), Dimensions: dims,
			Timestamp: aws.Time(now.Add(-time.Duration(i) * time.Minute)), Value: aws.Float64(float64(100 + i*10)), Unit: cwtypes.StandardUnitMilliseconds})
	}
	_, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("WT/UITest"), MetricData: data})
	must(t, err)
	_, err = cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("wt-ui-latency-high"),
		Namespace: aws.String("WT/UITest"), MetricName: aws.String("Latency"), Dimensions: dims, Statistic: cwtypes.StatisticAverage,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(150), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold})
	must(t, err)
	_, err = cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("wt-ui-latency-high"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("latency above 150 ms")})
	must(t, err)

	logs := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	_, err = logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/wt/ui-test")})
	must(t, err)
	_, err = logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/wt/ui-test"), LogStreamName: aws.String("s1")})
	must(t, err)
	_, err = logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/wt/ui-test"), LogStreamName: aws.String("s1"),
		LogEvents: []logtypes.InputLogEvent{
			{Timestamp: aws.Int64(now.Add(-2 * time.Minute).UnixMilli()), Message: aws.String("ERROR payment declined for order 42")},
			{Timestamp: aws.Int64(now.Add(-time.Minute).UnixMilli()), Message: aws.String("\x1b[31mred alert\x1b[0m")},
		}})
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
