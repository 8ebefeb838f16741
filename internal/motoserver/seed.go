package motoserver

import (
	"context"
	"errors"
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
)

// Config is us-east-1 with the fake static credentials moto accepts.
func Config() aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// Seeder puts test data into a moto server through the real SDK clients.
type Seeder struct {
	t    testing.TB
	ctx  context.Context
	cw   *cloudwatch.Client
	logs *cloudwatchlogs.Client
}

// NewSeeder returns a Seeder for the moto server at endpoint, in us-east-1.
func NewSeeder(t testing.TB, endpoint string) *Seeder { return NewSeederIn(t, endpoint, "us-east-1") }

// NewSeederIn returns a Seeder for the moto server at endpoint, in region.
func NewSeederIn(t testing.TB, endpoint, region string) *Seeder {
	cfg := Config()
	cfg.Region = region
	return &Seeder{
		t:   t,
		ctx: context.Background(),
		cw: cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
			o.BaseEndpoint = aws.String(endpoint)
			o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) // moto speaks no CBOR
		}),
		logs: cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(endpoint) }),
	}
}

func (s *Seeder) check(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("seeding moto: %v", err)
	}
}

// Metric puts one value a minute for the minutes before now, oldest first.
func (s *Seeder) Metric(namespace, metric string, dims []cwtypes.Dimension, now time.Time, values ...float64) {
	s.t.Helper()
	data := make([]cwtypes.MetricDatum, len(values))
	for i, v := range values {
		at := now.Add(-time.Duration(len(values)-i) * time.Minute)
		data[i] = cwtypes.MetricDatum{MetricName: aws.String(metric), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v)}
	}
	_, err := s.cw.PutMetricData(s.ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace), MetricData: data})
	s.check(err)
}

// Alarm creates a "greater than threshold" average alarm and sets its state.
func (s *Seeder) Alarm(name, namespace, metric string, dims []cwtypes.Dimension, threshold float64, state cwtypes.StateValue) {
	s.t.Helper()
	_, err := s.cw.PutMetricAlarm(s.ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name),
		Namespace: aws.String(namespace), MetricName: aws.String(metric), Dimensions: dims, Statistic: cwtypes.StatisticAverage,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(threshold),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold})
	s.check(err)
	_, err = s.cw.SetAlarmState(s.ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name),
		StateValue: state, StateReason: aws.String("set by the test")})
	s.check(err)
}

// Logs creates group with one stream and writes messages a second apart,
// the last one a second before now.
func (s *Seeder) Logs(group string, now time.Time, messages ...string) {
	s.t.Helper()
	_, err := s.logs.CreateLogGroup(s.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
	s.check(err)
	_, err = s.logs.CreateLogStream(s.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("s1")})
	s.check(err)
	events := make([]logtypes.InputLogEvent, len(messages))
	for i, m := range messages {
		at := now.Add(-time.Duration(len(messages)-i) * time.Second)
		events[i] = logtypes.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(m)}
	}
	_, err = s.logs.PutLogEvents(s.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("s1"), LogEvents: events})
	s.check(err)
}

// LogEvent is an event to put with LogEvents.
type LogEvent struct {
	At      time.Time
	Message string
}

// LogEvents puts events into a stream of group, making both when missing,
// in calls of at most 5,000 events (PutLogEvents takes 10,000 or 1 MB).
func (s *Seeder) LogEvents(group, stream string, events []LogEvent) {
	s.t.Helper()
	_, err := s.logs.CreateLogGroup(s.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
	var exists *logtypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		s.check(err)
	}
	_, err = s.logs.CreateLogStream(s.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)})
	if !errors.As(err, &exists) {
		s.check(err)
	}
	for len(events) > 0 {
		n := min(len(events), 5000)
		batch := make([]logtypes.InputLogEvent, n)
		for i, e := range events[:n] {
			batch[i] = logtypes.InputLogEvent{Timestamp: aws.Int64(e.At.UnixMilli()), Message: aws.String(e.Message)}
		}
		_, err = s.logs.PutLogEvents(s.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: batch})
		s.check(err)
		events = events[n:]
	}
}
