package awssrc

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// motoSource is a Source against the shared moto server, with its calls counted.
func motoSource(t testing.TB) (*Source, *opCounter) {
	t.Helper()
	endpoint := motoserver.Shared(t)
	cfg := testConfig(t)
	calls := countOps(&cfg)
	return New(cfg, endpoint), calls
}

func putMetric(t testing.TB, s *Source, namespace, metric string, dims []sources.Dimension, at time.Time, value float64) {
	t.Helper()
	var cwDims []cwtypes.Dimension
	for _, d := range dims {
		cwDims = append(cwDims, cwtypes.Dimension{Name: aws.String(d.Name), Value: aws.String(d.Value)})
	}
	_, err := s.cw.PutMetricData(ctxFor(t), &cloudwatch.PutMetricDataInput{
		Namespace: aws.String(namespace),
		MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(metric), Dimensions: cwDims, Timestamp: aws.Time(at), Value: aws.Float64(value),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMotoFetchMetrics(t *testing.T) {
	s, calls := motoSource(t)
	ns := unique(t, "Watchtrail")
	// Dimension values are unique too: moto ignores the namespace of a query with dimensions.
	dims := []sources.Dimension{{Name: "InstanceId", Value: unique(t, "i")}}
	now := time.Now().UTC().Truncate(time.Minute)
	want := []float64{10, 20, 30}
	for i, v := range want {
		putMetric(t, s, ns, "CPUUtilization", dims, now.Add(time.Duration(i-4)*time.Minute).Add(time.Second), v)
	}

	specs := []sources.MetricSpec{
		{Namespace: ns, Metric: "CPUUtilization", Dims: dims, Stat: "Maximum", Period: time.Minute},
		{Namespace: ns, Metric: "Missing", Stat: "Sum", Unit: "Bytes"},
	}
	series, err := s.FetchMetrics(ctxFor(t), specs, now.Add(-10*time.Minute), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 2 {
		t.Fatalf("want 2 series, got %d", len(series))
	}
	cpu := series[0]
	if cpu.Spec.Key() != specs[0].Key() || cpu.Unit != "Percent" {
		t.Errorf("series 0 is %s in %q, want %s in Percent", cpu.Spec.Key(), cpu.Unit, specs[0].Key())
	}
	if len(cpu.Values) != len(want) || len(cpu.Times) != len(want) {
		t.Fatalf("want values %v, got %v at %v", want, cpu.Values, cpu.Times)
	}
	for i, v := range want {
		if cpu.Values[i] != v || !cpu.Times[i].Equal(now.Add(time.Duration(i-4)*time.Minute)) {
			t.Errorf("point %d = %v at %v, want %v at %v", i, cpu.Values[i], cpu.Times[i], v, now.Add(time.Duration(i-4)*time.Minute))
		}
	}
	if len(series[1].Values) != 0 || series[1].Unit != "Bytes" || series[1].Spec.Metric != "Missing" {
		t.Errorf("series 1 = %+v, want an empty Missing series in Bytes", series[1])
	}
	if n := calls.get("GetMetricData"); n != 1 {
		t.Errorf("GetMetricData called %d times for 2 specs, want 1", n)
	}
}

func TestMotoFetchMetricsBatches(t *testing.T) {
	s, calls := motoSource(t)
	ns := unique(t, "Watchtrail")
	now := time.Now().UTC().Truncate(time.Minute)
	const n = 1001
	withData := []int{0, 499, 500, 1000} // batch edges
	specs := make([]sources.MetricSpec, n)
	for i := range specs {
		specs[i] = sources.MetricSpec{Namespace: ns, Metric: "Jobs",
			Dims: []sources.Dimension{{Name: "Shard", Value: ns + "-" + strconv.Itoa(i)}}, Stat: "Sum"}
	}
	for _, i := range withData {
		putMetric(t, s, ns, "Jobs", specs[i].Dims, now.Add(-2*time.Minute), float64(i+1))
	}

	series, err := s.FetchMetrics(ctxFor(t), specs, now.Add(-5*time.Minute), now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := calls.get("GetMetricData"), (n+maxQueries-1)/maxQueries; got != want {
		t.Errorf("GetMetricData called %d times for %d specs, want %d", got, n, want)
	}
	if len(series) != n {
		t.Fatalf("want %d series, got %d", n, len(series))
	}
	hasData := map[int]bool{}
	for _, i := range withData {
		hasData[i] = true
	}
	for i, sr := range series {
		if sr.Spec.Key() != specs[i].Key() {
			t.Fatalf("series %d is %s, want %s", i, sr.Spec.Key(), specs[i].Key())
		}
		switch {
		case hasData[i] && (len(sr.Values) != 1 || sr.Values[0] != float64(i+1)):
			t.Errorf("series %d = %v, want [%d]", i, sr.Values, i+1)
		case !hasData[i] && len(sr.Values) != 0:
			t.Errorf("series %d = %v, want no data", i, sr.Values)
		}
	}
}

func TestMotoListAlarms(t *testing.T) {
	s, _ := motoSource(t)
	ctx := ctxFor(t)
	ns := unique(t, "Watchtrail")
	firing, quiet, math := unique(t, "firing"), unique(t, "quiet"), unique(t, "math")
	put := func(in *cloudwatch.PutMetricAlarmInput) {
		in.EvaluationPeriods = aws.Int32(1)
		in.ComparisonOperator = cwtypes.ComparisonOperatorGreaterThanThreshold
		in.Threshold = aws.Float64(90)
		if _, err := s.cw.PutMetricAlarm(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	put(&cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(quiet), Namespace: aws.String(ns),
		MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60)})
	put(&cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(firing), Namespace: aws.String(ns),
		MetricName: aws.String("CPUUtilization"), Statistic: cwtypes.StatisticAverage, Period: aws.Int32(300),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String("i-0abc")}}})
	put(&cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(math), Metrics: []cwtypes.MetricDataQuery{
		{Id: aws.String("e1"), Expression: aws.String("m1*2"), ReturnData: aws.Bool(true)},
		{Id: aws.String("m1"), ReturnData: aws.Bool(false), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String("Duration")},
			Period: aws.Int32(60), Stat: aws.String("p99"),
		}},
	}})
	if _, err := s.cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(firing),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("CPU above 90\u202e")}); err != nil {
		t.Fatal(err)
	}

	alarms, err := s.ListAlarms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(alarms) < 3 {
		t.Fatalf("want at least 3 alarms, got %+v", alarms)
	}
	got := alarms[0]
	if got.Name != firing || got.State != sources.StateAlarm {
		t.Fatalf("first alarm is %s in %s, want %s in ALARM", got.Name, got.State, firing)
	}
	wantSpec := sources.MetricSpec{Namespace: ns, Metric: "CPUUtilization",
		Dims: []sources.Dimension{{Name: "InstanceId", Value: "i-0abc"}}, Stat: "Average", Period: 5 * time.Minute}
	if got.Metric.Key() != wantSpec.Key() || got.Metric.Period != wantSpec.Period {
		t.Errorf("alarm metric = %+v, want %+v", got.Metric, wantSpec)
	}
	if got.Threshold != 90 || got.Comparison != "GreaterThanThreshold" || got.Reason != "CPU above 90" {
		t.Errorf("alarm = %+v", got)
	}
	if time.Since(got.StateChanged) > time.Hour {
		t.Errorf("StateChanged = %v, want about now", got.StateChanged)
	}
	byName := map[string]sources.Alarm{}
	for _, a := range alarms {
		byName[a.Name] = a
	}
	if a, ok := byName[quiet]; !ok || a.State == sources.StateAlarm || a.Metric.Stat != "Sum" {
		t.Errorf("quiet alarm = %+v (found %v)", a, ok)
	}
	if a := byName[math]; a.Metric.Metric != "Duration" || a.Metric.Stat != "p99" || a.Metric.Period != time.Minute {
		t.Errorf("metric-math alarm metric = %+v, want Duration p99 over 1m", a.Metric)
	}
}

// ListAlarms carries each alarm's "M out of N" and missing-data settings;
// an alarm set without DatapointsToAlarm fires on N out of N.
func TestMotoListAlarmsEvaluationSettings(t *testing.T) {
	s, _ := motoSource(t)
	ctx := ctxFor(t)
	ns := unique(t, "Watchtrail")
	threeOfFive, nOfN := unique(t, "three-of-five"), unique(t, "n-of-n")
	for _, in := range []*cloudwatch.PutMetricAlarmInput{
		{AlarmName: aws.String(threeOfFive), EvaluationPeriods: aws.Int32(5), DatapointsToAlarm: aws.Int32(3),
			TreatMissingData: aws.String("breaching")},
		{AlarmName: aws.String(nOfN), EvaluationPeriods: aws.Int32(4)},
	} {
		in.Namespace, in.MetricName, in.Statistic, in.Period = aws.String(ns), aws.String("Errors"), cwtypes.StatisticSum, aws.Int32(60)
		in.ComparisonOperator, in.Threshold = cwtypes.ComparisonOperatorGreaterThanThreshold, aws.Float64(5)
		if _, err := s.cw.PutMetricAlarm(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	alarms, err := s.ListAlarms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]sources.Alarm{}
	for _, a := range alarms {
		byName[a.Name] = a
	}
	if a := byName[threeOfFive]; a.EvaluationPeriods != 5 || a.DatapointsToAlarm != 3 || a.TreatMissingData != "breaching" {
		t.Errorf("3 out of 5 alarm = %+v", a)
	}
	if a := byName[nOfN]; a.EvaluationPeriods != 4 || a.DatapointsToAlarm != 4 {
		t.Errorf("alarm without DatapointsToAlarm = %+v, want 4 out of 4", a)
	}
}

func TestMotoFetchLogs(t *testing.T) {
	s, _ := motoSource(t)
	ctx := ctxFor(t)
	group := "/watchtrail/" + unique(t, "group")
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	streams := map[string][]string{
		"app/1": {"starting", "ERROR \x1b[31mred\x1b[0m"},
		"app/2": {"ERROR disk full"},
	}
	offset := 0
	for stream, msgs := range streams {
		if _, err := s.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
			t.Fatal(err)
		}
		var events []logtypes.InputLogEvent
		for _, m := range msgs {
			offset++
			events = append(events, logtypes.InputLogEvent{Message: aws.String(m),
				Timestamp: aws.Int64(base.Add(time.Duration(offset) * time.Second).UnixMilli())})
		}
		if _, err := s.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group),
			LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
			t.Fatal(err)
		}
	}

	events, err := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: base, End: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("want 3 events, got %+v", events)
	}
	ids := map[string]bool{}
	sawRed := false
	for i, e := range events {
		if i > 0 && e.Time.Before(events[i-1].Time) {
			t.Errorf("events not oldest first: %v before %v", events[i-1].Time, e.Time)
		}
		if e.ID == "" || ids[e.ID] || e.Group != group || e.Stream == "" {
			t.Errorf("event %d = %+v: want a unique id, the group and a stream", i, e)
		}
		ids[e.ID] = true
		if strings.ContainsRune(e.Message, 0x1b) {
			t.Errorf("message not sanitised: %q", e.Message)
		}
		if e.Message == "ERROR red" && e.Stream == "app/1" {
			sawRed = true
		}
	}
	if !sawRed {
		t.Errorf("the coloured message did not come back as %q: %+v", "ERROR red", events)
	}

	limited, err := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: base, End: time.Now(), Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(limited) != 2 {
		t.Errorf("Limit 2 returned %d events", len(limited))
	}
	before, err := s.FetchLogs(ctx, sources.LogQuery{Group: group, Start: base, End: base.Add(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 1 {
		t.Errorf("window [base, base+2s) returned %d events, want 1 (End is exclusive)", len(before))
	}
}

func TestFilterInputGroupARN(t *testing.T) {
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api"
	in := filterInput(sources.LogQuery{Group: arn + ":*"})
	if aws.ToString(in.LogGroupIdentifier) != arn || in.LogGroupName != nil {
		t.Errorf("ARN group: identifier %q name %v", aws.ToString(in.LogGroupIdentifier), in.LogGroupName)
	}
	in = filterInput(sources.LogQuery{Group: "/aws/lambda/api", Pattern: "ERROR"})
	if aws.ToString(in.LogGroupName) != "/aws/lambda/api" || in.LogGroupIdentifier != nil || aws.ToString(in.FilterPattern) != "ERROR" {
		t.Errorf("named group: %+v", in)
	}
}
