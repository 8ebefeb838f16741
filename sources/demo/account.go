package demo

import (
	"time"

	"watchtrail/sources"
)

// The simulated account and its resources.
const (
	accountID    = "123456789012"
	region       = "us-east-1"
	checkoutFn   = "checkout-api"
	resizerFn    = "image-resizer"
	web1         = "i-0a1b2c3d4e5f60001"
	web2         = "i-0a1b2c3d4e5f60002"
	ordersTable  = "orders"
	albName      = "app/prod-web/50dc6c495c0c9188"
	ecsService   = "prod-web"
	assetsBucket = "acme-prod-assets"
	reportBucket = "acme-prod-reports"
)

func spec(namespace, metric, dim, value, stat, unit string) sources.MetricSpec {
	return sources.MetricSpec{Namespace: namespace, Metric: metric, Dims: []sources.Dimension{{Name: dim, Value: value}},
		Stat: stat, Period: time.Minute, Unit: unit}
}

var (
	checkoutErrors   = spec("AWS/Lambda", "Errors", "FunctionName", checkoutFn, "Sum", "Count")
	checkoutDuration = spec("AWS/Lambda", "Duration", "FunctionName", checkoutFn, "p99", "Milliseconds")
)

// alarmDef is one metric alarm: steady alarms sit in their state since
// `since` before Start; the incident alarms also follow `script`.
type alarmDef struct {
	name       string
	metric     sources.MetricSpec
	threshold  float64
	comparison string
	state      sources.AlarmState
	since      time.Duration
	script     func(tl timeline) []transition
}

// transition is a scripted state change at `at`, citing the datapoint of the
// bucket starting at `point` as CloudWatch saw it then.
type transition struct {
	at    time.Time
	state sources.AlarmState
	point time.Time
}

var alarmDefs = []alarmDef{
	{name: "checkout-api-errors", metric: checkoutErrors, threshold: 5, comparison: "GreaterThanThreshold",
		state: sources.StateOK, since: 52 * time.Hour, script: func(tl timeline) []transition {
			back := ceilMinute(tl.recovered)
			return []transition{
				{at: tl.change.Add(30 * time.Second), state: sources.StateAlarm, point: tl.incidentStart.Truncate(time.Minute)},
				{at: back.Add(10 * time.Second), state: sources.StateOK, point: back},
			}
		}},
	{name: "checkout-api-duration-p99", metric: checkoutDuration, threshold: 1000, comparison: "GreaterThanThreshold",
		state: sources.StateOK, since: 52 * time.Hour, script: func(tl timeline) []transition {
			back := ceilMinute(tl.recovered)
			return []transition{
				{at: tl.change.Add(75 * time.Second), state: sources.StateAlarm, point: tl.change.Add(time.Minute).Truncate(time.Minute)},
				{at: back.Add(25 * time.Second), state: sources.StateOK, point: back},
			}
		}},
	{name: "image-resizer-errors", metric: spec("AWS/Lambda", "Errors", "FunctionName", resizerFn, "Sum", "Count"),
		threshold: 10, comparison: "GreaterThanThreshold", state: sources.StateOK, since: 9 * 24 * time.Hour},
	{name: "prod-web-alb-5xx", metric: spec("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", albName, "Sum", "Count"),
		threshold: 100, comparison: "GreaterThanThreshold", state: sources.StateOK, since: 3*24*time.Hour + 7*time.Hour,
		script: webScript(80*time.Second, 20*time.Second)},
	{name: "web-1-cpu-high", metric: spec("AWS/EC2", "CPUUtilization", "InstanceId", web1, "Average", "Percent"),
		threshold: 80, comparison: "GreaterThanThreshold", state: sources.StateOK, since: 26 * time.Hour},
	{name: "web-2-cpu-high", metric: spec("AWS/EC2", "CPUUtilization", "InstanceId", web2, "Average", "Percent"),
		threshold: 80, comparison: "GreaterThanThreshold", state: sources.StateOK, since: 5*time.Hour + 40*time.Minute},
	{name: "orders-read-capacity-high", metric: spec("AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", ordersTable, "Sum", "Count"),
		threshold: 30000, comparison: "GreaterThanOrEqualToThreshold", state: sources.StateOK, since: 14 * 24 * time.Hour},
	// DynamoDB only emits throttle metrics when something is throttled, so
	// this alarm has no datapoints: the classic INSUFFICIENT_DATA.
	{name: "orders-write-throttles", metric: spec("AWS/DynamoDB", "WriteThrottleEvents", "TableName", ordersTable, "Sum", "Count"),
		threshold: 0, comparison: "GreaterThanThreshold", state: sources.StateInsufficient, since: 30 * 24 * time.Hour},
}

var watchedMetrics = []sources.MetricSpec{
	spec("AWS/Lambda", "Invocations", "FunctionName", checkoutFn, "Sum", "Count"),
	spec("AWS/Lambda", "ConcurrentExecutions", "FunctionName", checkoutFn, "Maximum", "Count"),
	spec("AWS/ApplicationELB", "RequestCount", "LoadBalancer", albName, "Sum", "Count"),
	spec("AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", albName, "Average", "Seconds"),
	spec("AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", ordersTable, "Average", "Milliseconds"),
}

// profile shapes one metric: a per-minute baseline (the Sum for counts, the
// Average for gauges) with daily swing, slow drift and jitter, plus where it
// goes while checkout-api is failing (incident 0: unaffected) and while the
// web targets are unhealthy (webIncident).
type profile struct {
	namespace, metric, resource string // resource "" matches any
	unit                        string
	count                       bool // additive: Sum per minute, integral
	base, daily, drift, jitter  float64
	incident                    float64
	webIncident                 float64 // the level while the web targets are unhealthy
	max                         float64 // cap (0: none), e.g. 100% or the 3 s timeout
	noData                      bool    // emits no datapoints at all
}

var profiles = []profile{
	{namespace: "AWS/Lambda", metric: "Invocations", resource: checkoutFn, unit: "Count", count: true, base: 240, daily: 0.35, drift: 0.1, jitter: 0.06},
	{namespace: "AWS/Lambda", metric: "Errors", resource: checkoutFn, unit: "Count", count: true, base: 0.5, jitter: 2.5, incident: 30},
	{namespace: "AWS/Lambda", metric: "Duration", resource: checkoutFn, unit: "Milliseconds", base: 180, daily: 0.1, drift: 0.1, jitter: 0.08, incident: 2100, max: 3000},
	{namespace: "AWS/Lambda", metric: "ConcurrentExecutions", resource: checkoutFn, unit: "Count", base: 6, daily: 0.3, jitter: 0.2, incident: 48, max: 1000},
	{namespace: "AWS/Lambda", metric: "Throttles", unit: "Count", count: true},
	{namespace: "AWS/Lambda", metric: "Invocations", unit: "Count", count: true, base: 9, daily: 0.5, jitter: 0.3},
	{namespace: "AWS/Lambda", metric: "Errors", unit: "Count", count: true, base: 0.2, jitter: 3},
	{namespace: "AWS/Lambda", metric: "Duration", unit: "Milliseconds", base: 850, drift: 0.15, jitter: 0.1},
	{namespace: "AWS/Lambda", metric: "ConcurrentExecutions", unit: "Count", base: 1.5, jitter: 0.5},
	{namespace: "AWS/ApplicationELB", metric: "RequestCount", unit: "Count", count: true, base: 1800, daily: 0.4, drift: 0.1, jitter: 0.05},
	{namespace: "AWS/ApplicationELB", metric: "HTTPCode_ELB_5XX_Count", unit: "Count", count: true, base: 1.2, jitter: 1.5, incident: 45, webIncident: 420},
	{namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount", unit: "Count", webIncident: 2},
	{namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", unit: "Count", count: true, base: 0.8, jitter: 1.5, incident: 30},
	{namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_4XX_Count", unit: "Count", count: true, base: 22, daily: 0.4, jitter: 0.3},
	{namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", unit: "Seconds", base: 0.085, daily: 0.2, drift: 0.1, jitter: 0.1, incident: 1.6, max: 60},
	{namespace: "AWS/EC2", metric: "CPUUtilization", resource: web1, unit: "Percent", base: 38, daily: 0.3, drift: 0.15, jitter: 0.06, max: 100},
	{namespace: "AWS/EC2", metric: "CPUUtilization", resource: web2, unit: "Percent", base: 33, daily: 0.3, drift: 0.15, jitter: 0.06, max: 100},
	{namespace: "AWS/EC2", metric: "CPUUtilization", unit: "Percent", base: 25, daily: 0.2, drift: 0.2, jitter: 0.08, max: 100},
	{namespace: "AWS/EC2", metric: "StatusCheckFailed", unit: "Count"},
	{namespace: "AWS/EC2", metric: "NetworkIn", unit: "Bytes", count: true, base: 4.5e7, daily: 0.4, jitter: 0.1},
	{namespace: "AWS/EC2", metric: "NetworkOut", unit: "Bytes", count: true, base: 9e7, daily: 0.4, jitter: 0.1},
	{namespace: "AWS/DynamoDB", metric: "ConsumedReadCapacityUnits", unit: "Count", count: true, base: 12000, daily: 0.35, drift: 0.1, jitter: 0.05},
	{namespace: "AWS/DynamoDB", metric: "ConsumedWriteCapacityUnits", unit: "Count", count: true, base: 3100, daily: 0.35, drift: 0.1, jitter: 0.05},
	{namespace: "AWS/DynamoDB", metric: "SuccessfulRequestLatency", unit: "Milliseconds", base: 4.2, drift: 0.1, jitter: 0.12},
	{namespace: "AWS/DynamoDB", metric: "ReadThrottleEvents", unit: "Count", count: true, noData: true},
	{namespace: "AWS/DynamoDB", metric: "WriteThrottleEvents", unit: "Count", count: true, noData: true},
}

// webScript fires an alarm of the second incident `fire` after erin's
// revoke and clears it `clear` after the minute the targets are healthy.
func webScript(fire, clear time.Duration) func(tl timeline) []transition {
	return func(tl timeline) []transition {
		back := ceilMinute(tl.web.to)
		return []transition{
			{at: tl.revoke.Add(fire), state: sources.StateAlarm, point: tl.web.from.Truncate(time.Minute)},
			{at: back.Add(clear), state: sources.StateOK, point: back},
		}
	}
}

func ceilMinute(t time.Time) time.Time {
	f := t.Truncate(time.Minute)
	if f.Equal(t) {
		return f
	}
	return f.Add(time.Minute)
}
