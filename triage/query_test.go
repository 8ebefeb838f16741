package triage

import (
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
)

func TestQueryAroundUsesTheDrillWindowAndGroups(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	d := Result{Alarm: sources.Alarm{Name: "fn-errors", Metric: sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors",
		Dims: []sources.Dimension{{Name: "FunctionName", Value: "pay"}}}}, Start: start, End: start.Add(40 * time.Minute)}
	q := QueryAround(d, []string{"/ecs/web"})
	if strings.Join(q.Groups, ",") != "/ecs/web,/aws/lambda/pay" || !q.Start.Equal(d.Start) || !q.End.Equal(d.End) || q.Query != sources.DefaultInsightsQuery {
		t.Errorf("query = %+v", q)
	}
}
