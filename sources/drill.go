package sources

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// The drill-down window around an alarm's transition into ALARM: long enough
// before it to catch the change that caused it, a little after to see the
// effect.
const (
	DrillBefore = 30 * time.Minute
	DrillAfter  = 10 * time.Minute
	drillLogCap = 500
	// Log lines are fetched closer around the change, as busy groups have far
	// more lines in the whole window than fit on screen.
	drillLogBefore = 10 * time.Minute
	drillLogAfter  = 5 * time.Minute
	drillLogFetch  = 4 * drillLogCap
)

// DrillHistory is how far back the drill-down reads the alarm's state
// history to find its latest transition into ALARM.
const DrillHistory = 24 * time.Hour

// DrillAnchor is the moment the drill-down centres on: the latest transition
// into ALARM in history (at or before now), else the alarm's last state change,
// and now when that is unknown or in the future. For an alarm that has already
// recovered, the transition into ALARM is what explains it, not the recovery.
func DrillAnchor(a Alarm, history []StateChange, now time.Time) time.Time {
	var fired time.Time
	for _, c := range history {
		if c.To == StateAlarm && !c.Time.After(now) && c.Time.After(fired) {
			fired = c.Time
		}
	}
	at := a.StateChanged
	if !fired.IsZero() {
		at = fired
	}
	if at.IsZero() || at.After(now) {
		at = now
	}
	return at
}

// DrillWindow is the time window the drill-down looks at around anchor (see
// DrillAnchor): DrillBefore before it, DrillAfter after it but not past now.
// A zero or future anchor is taken as now.
func DrillWindow(anchor, now time.Time) (time.Time, time.Time) {
	if anchor.IsZero() || anchor.After(now) {
		anchor = now
	}
	end := anchor.Add(DrillAfter)
	if end.After(now) {
		end = now
	}
	return anchor.Add(-DrillBefore), end
}

// ResourceNames are the names CloudTrail may know the alarm's resource by:
// its dimension values (InstanceId, FunctionName, TableName, ...), and for
// load balancers and target groups, whose events name them by ARN, that ARN
// built from the alarm's own region and account.
func ResourceNames(a Alarm) []string {
	var names []string
	for _, r := range AlarmResources(a) {
		names = append(names, r.Identifiers()...)
	}
	return names
}

// elbARN is the ARN of the load balancer or target group a dimension names
// ("app/prod-web/50dc6c495c0c9188"), or "" for other dimensions.
func elbARN(alarmARN string, d Dimension) string {
	kind := map[string]string{"LoadBalancer": "loadbalancer", "TargetGroup": "targetgroup"}[d.Name]
	parts := strings.Split(alarmARN, ":") // arn:aws:cloudwatch:region:account:alarm:name
	if kind == "" || len(parts) < 5 {
		return ""
	}
	return fmt.Sprintf("arn:%s:elasticloadbalancing:%s:%s:%s/%s", parts[1], parts[3], parts[4], kind, d.Value)
}

// RelatedLogGroups adds the log groups AWS writes for the alarm's resource
// (a Lambda function's /aws/lambda/<name>) to the groups being tailed.
func RelatedLogGroups(a Alarm, tailed []string) []string {
	groups := append([]string(nil), tailed...)
	for _, d := range a.Metric.Dims {
		if d.Name == "FunctionName" {
			groups = appendUnique(groups, "/aws/lambda/"+d.Value)
		}
	}
	return groups
}

// drillLogs keeps every line of the resource's own groups and, from the other
// tailed groups, the lines that mention the resource; at most drillLogCap of
// them, those nearest the state change (the middle of the window).
func drillLogs(ctx context.Context, src LogFetcher, a Alarm, names, tailed []string, start, end time.Time) ([]LogEvent, []error) {
	var errs []error
	var out []LogEvent
	own := RelatedLogGroups(a, nil)
	for _, group := range RelatedLogGroups(a, tailed) {
		events, err := src.FetchLogs(ctx, LogQuery{Group: group, Start: start, End: end, Limit: drillLogFetch})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range events {
			if slices.Contains(own, group) || mentionsAny(e.Message, names) {
				out = append(out, e)
			}
		}
	}
	if len(out) > drillLogCap {
		changed := start.Add(drillLogBefore)
		distance := func(e LogEvent) time.Duration { return e.Time.Sub(changed).Abs() }
		sort.SliceStable(out, func(i, j int) bool { return distance(out[i]) < distance(out[j]) })
		out = out[:drillLogCap]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, errs
}

// LikelyCause is the index of the last successful write (not read-only, not
// failed) event at or before the moment the alarm fired, or -1 when none is.
//
// Deprecated: the triage engine weighs relation, impact, onset and actor;
// use DrillMsg.Cause and DrillMsg.Suspects.
func LikelyCause(events []TrailEvent, fired time.Time) int {
	cause := -1
	if fired.IsZero() {
		return cause
	}
	for i, e := range events {
		if !e.ReadOnly && !e.Failed() && !e.Time.After(fired) {
			cause = i
		}
	}
	return cause
}

func mentionsAny(text string, names []string) bool {
	for _, n := range names {
		if strings.Contains(text, n) {
			return true
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
