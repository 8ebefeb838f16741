// Package triage answers "who changed what right before this alarm fired?": it
// finds the onset on the alarm's metric, relates CloudTrail changes to the
// alarmed resources and ranks them (Run), and formats the report (FormatText).
package triage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"watchtrail/sources"
)

// trailLimit bounds the write events read for one analysis: 20
// LookupEvents pages, about 10 s at CloudTrail's 2 requests per second.
// LookupEvents returns newest first, so a cut drops the oldest changes.
const trailLimit = 1000

// Options tune one analysis.
type Options struct {
	Now       time.Time // the clock; zero means time.Now()
	At        time.Time // analyse this moment instead of the alarm's latest firing
	LogGroups []string  // groups tailed besides the alarm resource's own
}

// Run answers "who changed what right before this alarm fired?". It
// centres a window on the alarm's latest transition into ALARM (see
// Anchor; opts.At overrides it), discovers the resources related to the
// alarm (when src is a GraphDiscoverer; else just the alarm's dimension
// resources), reads every write event of the window in one query, finds the
// onset on the alarm's metric and ranks the changes (see RankSuspects).
// For a composite alarm, the graph joins its children's and the metric is
// that of its first child in ALARM. Discovery and the trail, metric and log
// fetches run concurrently, all on the alarm's own source (see SourceOf). What fails is reported in Errors;
// what succeeded is still returned.
func Run(ctx context.Context, src sources.Source, a sources.Alarm, opts Options) Result {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	// With several accounts or regions, everything comes from the alarm's own.
	if own := sources.SourceOf(src, a); own != src {
		src = own
	}
	var errs []error
	subjects, err := metricAlarms(ctx, src, a)
	if err != nil {
		errs = append(errs, err)
	}
	primary := subjects[0] // whose metric and log groups are read
	spec := primary.Metric
	spec.Source = ""
	var graph sources.ResourceGraph
	discovered := make(chan struct{})
	go func() {
		defer close(discovered)
		graphs := make([]sources.ResourceGraph, len(subjects))
		for i, s := range subjects {
			graphs[i] = discoverGraph(ctx, src, s)
		}
		graph = mergeGraphs(graphs)
	}()

	history, err := src.AlarmHistory(ctx, a.Name, now.Add(-History), now)
	if err != nil {
		errs, history = append(errs, err), nil
	}
	anchor := Anchor(a, history, now)
	if !opts.At.IsZero() && !opts.At.After(now) {
		anchor = opts.At
	}
	start, end := Window(anchor, now)
	msg := Result{Alarm: a, Start: start, End: end, Anchor: anchor, Series: sources.Series{Spec: primary.Metric}}
	for _, c := range history {
		if !c.Time.Before(start) && !c.Time.After(end) {
			msg.History = append(msg.History, c)
		}
	}
	sort.SliceStable(msg.History, func(i, j int) bool { return msg.History[i].Time.Before(msg.History[j].Time) })

	var wg sync.WaitGroup
	var metricErr, trailErr error
	var logErrs []error
	var writes []sources.TrailEvent
	// The metric and the trail are read from further back than the window:
	// the metric for its baseline and an onset long before the firing, the
	// trail for the cadence of routine writes and the changes before such
	// an onset.
	from := start
	if back := anchor.Add(-OnsetLookback); back.Before(from) {
		from = back
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		var series []sources.Series
		if series, metricErr = src.FetchMetrics(ctx, []sources.MetricSpec{spec}, from, end); metricErr == nil && len(series) > 0 {
			msg.Series = series[0]
			msg.Series.Spec.Source = primary.Metric.Source
		}
	}()
	go func() {
		defer wg.Done()
		// The resources' account's events: an organisation trail's reader
		// reads that account's files (or partition) alone.
		writes, trailErr = src.FetchTrail(ctx, sources.TrailQuery{Start: from, End: end, WriteOnly: true, Limit: trailLimit,
			Account: sources.AccountOf(primary)})
	}()
	go func() {
		defer wg.Done()
		logEnd := anchor.Add(logAfter)
		if logEnd.After(end) {
			logEnd = end
		}
		msg.Logs, logErrs = fetchLogs(ctx, src, primary, ResourceNames(primary), opts.LogGroups, anchor.Add(-logBefore), logEnd)
	}()
	wg.Wait()
	<-discovered
	for _, err := range append([]error{metricErr, trailErr}, logErrs...) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	msg.Errors, msg.Graph = errs, graph
	if len(writes) >= trailLimit {
		msg.Graph.Problems = append(msg.Graph.Problems, fmt.Sprintf("read only the newest %d write events of the window", len(writes)))
	}

	msg.Onset, msg.Suspects, msg.Verdict = Conclude(msg.Series, primary, writes, msg.Graph, start, anchor)
	msg.Start = suspectsFrom(msg.Onset, start)
	msg.Series = seriesWithin(msg.Series, msg.Start, end)
	delivered(&msg, src, now)
	if len(msg.Suspects) > 0 && msg.Suspects[0].Likely {
		msg.Cause = msg.Suspects[0].Event.ID
	}
	for _, s := range msg.Suspects {
		if s.Hops >= 0 {
			msg.Trail = append(msg.Trail, s.Event)
		}
	}
	sort.SliceStable(msg.Trail, func(i, j int) bool { return msg.Trail[i].Time.Before(msg.Trail[j].Time) })
	return msg
}

// Conclude is the part of Run that needs no AWS call: the onset on the
// alarm's metric (else the one its state reason cites), the write events
// ranked against it, and the verdict. start is the window's start; the
// suspects are the events from there (or from DrillBefore before an onset
// long before the firing, see suspectsFrom); older ones are history to
// learn routine writes from.
func Conclude(s sources.Series, a sources.Alarm, writes []sources.TrailEvent, g sources.ResourceGraph, start, anchor time.Time) (Onset, []Suspect, string) {
	o := FindOnset(s, a, start, anchor)
	if !o.Found {
		o = OnsetFromReason(a, anchor)
	}
	rk := ranking{onset: anchor, cutoff: anchor, from: suspectsFrom(o, start), family: alarmFamily(a, o)}
	if o.Found {
		rk.onset, rk.cutoff = o.Time, o.Time.Add(s.Spec.WithDefaults().Period)
	}
	suspects := rankSuspects(writes, g, a, rk)
	return o, suspects, Verdict(suspects, countWrites(writes, rk.from))
}

// suspectsFrom is where the window of suspects starts: DrillBefore before
// an onset long before the firing (breaching since long before the alarm
// changed state), else start.
func suspectsFrom(o Onset, start time.Time) time.Time {
	if early := o.Time.Add(-Before); o.Found && o.Before >= longBefore && early.Before(start) {
		return early
	}
	return start
}

// seriesWithin keeps the points of s whose period overlaps [start, end],
// as a fetch of that window returns them.
func seriesWithin(s sources.Series, start, end time.Time) sources.Series {
	out := s
	out.Times, out.Values = nil, nil
	period := s.Spec.WithDefaults().Period
	for i, t := range s.Times {
		if t.Add(period).After(start) && !t.After(end) && i < len(s.Values) {
			out.Times, out.Values = append(out.Times, t), append(out.Values, s.Values[i])
		}
	}
	return out
}

// countWrites counts the write events from from on.
func countWrites(events []sources.TrailEvent, from time.Time) int {
	n := 0
	for _, e := range events {
		if !e.ReadOnly && !e.Time.Before(from) {
			n++
		}
	}
	return n
}

// discoverGraph asks a GraphDiscoverer for the alarm's related resources and
// makes sure the alarm's own dimension resources are in the graph, so a
// failed or partial discovery still matches changes to them.
func discoverGraph(ctx context.Context, src sources.Source, a sources.Alarm) sources.ResourceGraph {
	var g sources.ResourceGraph
	if d, ok := src.(sources.GraphDiscoverer); ok {
		g = d.DiscoverGraph(ctx, a)
	}
	known := map[string]bool{}
	for _, r := range g.Resources {
		for _, id := range r.Identifiers() {
			known[id] = true
		}
	}
	for _, r := range AlarmResources(a) {
		if !known[r.ID] {
			g.Resources = append(g.Resources, r)
		}
	}
	return g
}

// AlarmResources are the alarmed resources named by the alarm's dimensions
// (see ResourceNames), as a graph of zero hops.
func AlarmResources(a sources.Alarm) []sources.Related {
	var out []sources.Related
	for _, d := range a.Metric.Dims {
		if d.Value == "" || sources.QualifierDimension(d.Name) {
			continue
		}
		r := sources.Resource{Kind: dimensionKind(d.Name), ID: d.Value, ARN: elbARN(a.ARN, d)}
		out = append(out, sources.Related{Resource: r, Path: []string{r.Label()}})
	}
	return out
}

// dimensionKind is a short kind for a dimension: "FunctionName" → function.
func dimensionKind(name string) string {
	if k, ok := dimensionKinds[name]; ok {
		return k
	}
	for _, suffix := range []string{"Identifier", "Name", "Id"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return strings.ToLower(name)
}

var dimensionKinds = map[string]string{
	"LoadBalancer": "load balancer", "TargetGroup": "target group", "DBInstanceIdentifier": "db",
	"DBClusterIdentifier": "db cluster", "AutoScalingGroupName": "asg", "InstanceId": "instance",
}
