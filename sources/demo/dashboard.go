package demo

import (
	"context"
	"fmt"
	"strings"

	"watchtrail/sources"
)

var _ sources.DashboardReader = (*Source)(nil)

const demoDashboard = "checkout-service"

// demoDashboardBody is a dashboard as a team would keep it in CloudWatch,
// in the console's own JSON, shorthand included.
var demoDashboardBody = fmt.Sprintf(`{
  "start": "-PT1H",
  "widgets": [
    {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2,
     "properties": {"markdown": "## checkout-api · on-call runbook: roll back the last config change first"}},
    {"type": "metric", "x": 0, "y": 2, "width": 12, "height": 6,
     "properties": {"title": "checkout-api errors and invocations", "view": "timeSeries", "stat": "Sum", "period": 60, "region": %[1]q,
       "metrics": [["AWS/Lambda", "Errors", "FunctionName", %[2]q], [".", "Invocations", ".", "."]]}},
    {"type": "metric", "x": 12, "y": 2, "width": 12, "height": 6,
     "properties": {"title": "checkout-api duration", "view": "timeSeries", "period": 60, "region": %[1]q,
       "metrics": [["AWS/Lambda", "Duration", "FunctionName", %[2]q, {"stat": "p99", "label": "p99"}], ["...", {"stat": "Average", "label": "average"}]]}},
    {"type": "alarm", "x": 0, "y": 8, "width": 8, "height": 4,
     "properties": {"title": "checkout alarms", "alarms": [
       "arn:aws:cloudwatch:%[1]s:%[3]s:alarm:%[4]s", "arn:aws:cloudwatch:%[1]s:%[3]s:alarm:checkout-api-errors",
       "arn:aws:cloudwatch:%[1]s:%[3]s:alarm:checkout-api-duration-p99"]}},
    {"type": "log", "x": 8, "y": 8, "width": 16, "height": 4,
     "properties": {"title": "checkout errors", "region": %[1]q, "view": "table",
       "query": "SOURCE '/aws/lambda/%[2]s' | fields @timestamp, @message | filter @message like /ERROR|timed out/ | sort @timestamp desc | limit 20"}},
    {"type": "metric", "x": 0, "y": 12, "width": 12, "height": 5,
     "properties": {"title": "prod-web load balancer", "view": "singleValue", "stat": "Sum", "period": 60, "region": %[1]q,
       "metrics": [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", %[5]q], [".", "HTTPCode_ELB_5XX_Count", ".", "."]]}},
    {"type": "explorer", "x": 12, "y": 12, "width": 12, "height": 5,
     "properties": {"title": "EC2 CPU by instance (metrics explorer)"}}
  ]
}`, region, checkoutFn, accountID, compositeAlarm, albName)

// ListDashboards returns the demo's dashboards starting with prefix.
func (s *Source) ListDashboards(ctx context.Context, prefix string) ([]string, error) {
	if !strings.HasPrefix(demoDashboard, prefix) {
		return nil, checkCtx(ctx)
	}
	return []string{demoDashboard}, checkCtx(ctx)
}

// GetDashboard returns the demo's dashboard.
func (s *Source) GetDashboard(ctx context.Context, name string) (sources.Dashboard, error) {
	if err := checkCtx(ctx); err != nil {
		return sources.Dashboard{}, err
	}
	if name != demoDashboard {
		return sources.Dashboard{Name: name}, fmt.Errorf("demo: dashboard %q does not exist (try %s)", name, demoDashboard)
	}
	return sources.ParseDashboard(name, demoDashboardBody)
}
