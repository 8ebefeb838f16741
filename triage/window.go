package triage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"watchtrail/sources"
)

// The drill-down window around an alarm's transition into ALARM: long enough
// before it to catch the change that caused it, a little after to see the
// effect.
const (
	Before = 30 * time.Minute
	After  = 10 * time.Minute
	logCap = 500
	// Log lines are fetched closer around the change, as busy groups have far
	// more lines in the whole window than fit on screen.
	logBefore = 10 * time.Minute
	logAfter  = 5 * time.Minute
	logFetch  = 4 * logCap
)

// History is how far back the drill-down reads the alarm's state
// history to find its latest transition into ALARM.
const History = 24 * time.Hour

// Anchor is the moment the drill-down centres on: the latest transition
// into ALARM in history (at or before now), else the alarm's last state change,
// and now when that is unknown or in the future. For an alarm that has already
// recovered, the transition into ALARM is what explains it, not the recovery.
func Anchor(a sources.Alarm, history []sources.StateChange, now time.Time) time.Time {
	var fired time.Time
	for _, c := range history {
		if c.To == sources.StateAlarm && !c.Time.After(now) && c.Time.After(fired) {
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

// Window is the time window the drill-down looks at around anchor (see
// Anchor): Before before it, After after it but not past now.
// A zero or future anchor is taken as now.
func Window(anchor, now time.Time) (time.Time, time.Time) {
	if anchor.IsZero() || anchor.After(now) {
		anchor = now
	}
	end := anchor.Add(After)
	if end.After(now) {
		end = now
	}
	return anchor.Add(-Before), end
}

// ResourceNames are the names CloudTrail may know the alarm's resource by:
// its dimension values (InstanceId, FunctionName, TableName, ...), and for
// load balancers and target groups, whose events name them by ARN, that ARN
// built from the alarm's own region and account.
func ResourceNames(a sources.Alarm) []string {
	var names []string
	for _, r := range AlarmResources(a) {
		names = append(names, r.Identifiers()...)
	}
	return names
}

// elbARN is the ARN of the load balancer or target group a dimension names
// ("app/prod-web/50dc6c495c0c9188"), or "" for other dimensions.
func elbARN(alarmARN string, d sources.Dimension) string {
	kind := map[string]string{"LoadBalancer": "loadbalancer", "TargetGroup": "targetgroup"}[d.Name]
	parts := strings.Split(alarmARN, ":") // arn:aws:cloudwatch:region:account:alarm:name
	if kind == "" || len(parts) < 5 {
		return ""
	}
	return fmt.Sprintf("arn:%s:elasticloadbalancing:%s:%s:%s/%s", parts[1], parts[3], parts[4], kind, d.Value)
}

// fetchLogs keeps every line of the resource's own groups and, from the other
// tailed groups, the lines that mention the resource; at most logCap of
// them, those nearest the state change (the middle of the window). Groups
// that fail alike are reported in one error naming them.
func fetchLogs(ctx context.Context, src sources.LogFetcher, a sources.Alarm, names, tailed []string, start, end time.Time) ([]sources.LogEvent, []error) {
	var failed []string
	var errs []error
	var out []sources.LogEvent
	own := sources.RelatedLogGroups(a, nil)
	for _, group := range sources.RelatedLogGroups(a, tailed) {
		events, err := src.FetchLogs(ctx, sources.LogQuery{Group: group, Start: start, End: end, Limit: logFetch})
		if err != nil {
			failed, errs = append(failed, group), append(errs, err)
			continue
		}
		for _, e := range events {
			if slices.Contains(own, group) || mentionsAny(e.Message, names) {
				out = append(out, e)
			}
		}
	}
	if len(out) > logCap {
		changed := start.Add(logBefore)
		distance := func(e sources.LogEvent) time.Duration { return e.Time.Sub(changed).Abs() }
		sort.SliceStable(out, func(i, j int) bool { return distance(out[i]) < distance(out[j]) })
		out = out[:logCap]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, sources.ByGroup(failed, errs)
}

// LikelyCause is the index of the last successful write (not read-only, not
// failed) event at or before the moment the alarm fired, or -1 when none is.
//
// Deprecated: the triage engine weighs relation, impact, onset and actor;
// use Result.Cause and Result.Suspects.
func LikelyCause(events []sources.TrailEvent, fired time.Time) int {
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

// QueryAround pre-fills a query for a drill-down: its window, and the log
// groups of the alarm's resource (see RelatedLogGroups) plus those tailed.
func QueryAround(d Result, tailed []string) sources.InsightsQuery {
	return sources.InsightsQuery{Groups: sources.RelatedLogGroups(d.Alarm, tailed), Query: sources.DefaultInsightsQuery, Start: d.Start, End: d.End}
}
