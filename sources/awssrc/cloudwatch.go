package awssrc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/sources"
	"watchtrail/text"
)

// maxQueries is GetMetricData's limit of MetricDataQueries per request.
const maxQueries = 500

var _ sources.AlarmPager = (*Source)(nil)

// ListAlarms returns every metric and composite alarm, ALARM first.
func (s *Source) ListAlarms(ctx context.Context) ([]sources.Alarm, error) {
	alarms, err := sources.CollectAlarms(ctx, s, sources.AlarmQuery{})
	if err != nil {
		return nil, err
	}
	sources.SortAlarms(alarms)
	return alarms, nil
}

// PageAlarms lists the metric and composite alarms q asks for with
// DescribeAlarms, 100 a call, handing page each page as it arrives.
func (s *Source) PageAlarms(ctx context.Context, q sources.AlarmQuery, page func([]sources.Alarm)) error {
	if len(q.Names) > sources.AlarmsPerPage {
		return fmt.Errorf("DescribeAlarms: %d alarm names, at most %d a call", len(q.Names), sources.AlarmsPerPage)
	}
	in := &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm},
		StateValue: types.StateValue(q.State),
		AlarmNames: q.Names,
		MaxRecords: aws.Int32(sources.AlarmsPerPage),
	}
	for n := 1; ; n++ {
		out, err := s.cw.DescribeAlarms(ctx, in)
		if err != nil {
			return err
		}
		alarms := make([]sources.Alarm, 0, len(out.MetricAlarms)+len(out.CompositeAlarms))
		for _, a := range out.MetricAlarms {
			alarms = append(alarms, alarmOf(a))
		}
		for _, a := range out.CompositeAlarms {
			alarms = append(alarms, compositeOf(a))
		}
		s.nameAccounts(ctx, alarms)
		page(alarms)
		// Some emulators repeat the token instead of ending the listing.
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) || n == q.MaxPages {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

func alarmOf(a types.MetricAlarm) sources.Alarm {
	spec := sources.MetricSpec{
		Namespace: aws.ToString(a.Namespace),
		Metric:    aws.ToString(a.MetricName),
		Dims:      dimsOf(a.Dimensions),
		Stat:      string(a.Statistic),
		Period:    time.Duration(aws.ToInt32(a.Period)) * time.Second,
		Unit:      string(a.Unit),
	}
	if a.ExtendedStatistic != nil {
		spec.Stat = *a.ExtendedStatistic
	}
	if spec.Metric == "" {
		// A metric-math alarm: show the first metric it reads.
		for _, q := range a.Metrics {
			if q.MetricStat == nil || q.MetricStat.Metric == nil {
				continue
			}
			m := q.MetricStat
			spec = sources.MetricSpec{
				Namespace: aws.ToString(m.Metric.Namespace),
				Metric:    aws.ToString(m.Metric.MetricName),
				Dims:      dimsOf(m.Metric.Dimensions),
				Stat:      aws.ToString(m.Stat),
				Period:    time.Duration(aws.ToInt32(m.Period)) * time.Second,
				Unit:      string(m.Unit),
				Account:   text.Sanitize(aws.ToString(q.AccountId)), // a linked account's metric
			}
			break
		}
	}
	spec.Namespace, spec.Metric, spec.Stat = text.Sanitize(spec.Namespace), text.Sanitize(spec.Metric), text.Sanitize(spec.Stat)
	periods := int(aws.ToInt32(a.EvaluationPeriods))
	datapoints := int(aws.ToInt32(a.DatapointsToAlarm))
	if a.DatapointsToAlarm == nil {
		datapoints = periods // CloudWatch's default: N out of N
	}
	return sources.Alarm{
		Name:              text.Sanitize(aws.ToString(a.AlarmName)),
		State:             sources.AlarmState(a.StateValue),
		Reason:            text.Sanitize(aws.ToString(a.StateReason)),
		Metric:            spec.WithDefaults(),
		Threshold:         aws.ToFloat64(a.Threshold),
		Comparison:        string(a.ComparisonOperator),
		StateChanged:      aws.ToTime(a.StateUpdatedTimestamp),
		ARN:               aws.ToString(a.AlarmArn),
		EvaluationPeriods: periods,
		DatapointsToAlarm: datapoints,
		TreatMissingData:  text.Sanitize(aws.ToString(a.TreatMissingData)),
	}
}

func dimsOf(dims []types.Dimension) []sources.Dimension {
	var out []sources.Dimension
	for _, d := range dims {
		out = append(out, sources.Dimension{Name: text.Sanitize(aws.ToString(d.Name)), Value: text.Sanitize(aws.ToString(d.Value))})
	}
	return out
}

// FetchMetrics returns one Series per spec, in order, batching up to 500
// specs into each GetMetricData request.
func (s *Source) FetchMetrics(ctx context.Context, specs []sources.MetricSpec, start, end time.Time) ([]sources.Series, error) {
	series := make([]sources.Series, len(specs))
	for i, spec := range specs {
		unit := spec.Unit
		if unit == "" {
			unit = sources.GuessUnit(spec.Namespace, spec.Metric)
		}
		series[i] = sources.Series{Spec: spec, Unit: unit}
	}
	for lo := 0; lo < len(specs); lo += maxQueries {
		hi := min(lo+maxQueries, len(specs))
		if err := s.fetchBatch(ctx, specs[lo:hi], lo, series, start, end); err != nil {
			return nil, err
		}
	}
	return series, nil
}

// fetchBatch fills series[offset+i] for each spec of one batch, following
// NextToken; query ids are the global index, "m0".."mN".
func (s *Source) fetchBatch(ctx context.Context, specs []sources.MetricSpec, offset int, series []sources.Series, start, end time.Time) error {
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start),
		EndTime:   aws.Time(end),
		ScanBy:    types.ScanByTimestampAscending,
	}
	for i, spec := range specs {
		in.MetricDataQueries = append(in.MetricDataQueries, query(offset+i, spec.WithDefaults()))
	}
	pages := cloudwatch.NewGetMetricDataPaginator(s.cw, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, r := range page.MetricDataResults {
			id, _ := strings.CutPrefix(aws.ToString(r.Id), "m")
			i, err := strconv.Atoi(id)
			if err != nil || i < offset || i >= offset+len(specs) || len(r.Timestamps) != len(r.Values) {
				return fmt.Errorf("GetMetricData: unexpected result %q", aws.ToString(r.Id))
			}
			series[i].Times = append(series[i].Times, r.Timestamps...)
			series[i].Values = append(series[i].Values, r.Values...)
		}
	}
	return nil
}

func query(i int, spec sources.MetricSpec) types.MetricDataQuery {
	dims := make([]types.Dimension, len(spec.Dims))
	for j, d := range spec.Dims {
		dims[j] = types.Dimension{Name: aws.String(d.Name), Value: aws.String(d.Value)}
	}
	q := types.MetricDataQuery{
		Id: aws.String("m" + strconv.Itoa(i)),
		MetricStat: &types.MetricStat{
			Metric: &types.Metric{
				Namespace:  aws.String(spec.Namespace),
				MetricName: aws.String(spec.Metric),
				Dimensions: dims,
			},
			Period: aws.Int32(int32(max(spec.Period/time.Second, 1))),
			Stat:   aws.String(spec.Stat),
		},
		ReturnData: aws.Bool(true),
	}
	if spec.Account != "" {
		q.AccountId = aws.String(spec.Account)
	}
	return q
}
