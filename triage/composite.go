package triage

import (
	"context"
	"slices"

	"watchtrail/sources"
)

// metricAlarms are the metric alarms behind a: a itself, or for a composite
// alarm its children (as listed by src), the first one in ALARM first, as
// its metric is the one whose onset explains the composite. Without
// children it is just a, and the error says why when listing failed.
func metricAlarms(ctx context.Context, src sources.AlarmLister, a sources.Alarm) ([]sources.Alarm, error) {
	if !a.Composite || len(a.Children) == 0 {
		return []sources.Alarm{a}, nil
	}
	all, err := src.ListAlarms(ctx)
	var children []sources.Alarm
	for _, c := range all {
		if !c.Composite && slices.Contains(a.Children, c.Name) && (c.Source == "" || c.Source == a.Source) {
			children = append(children, c)
		}
	}
	if len(children) == 0 {
		return []sources.Alarm{a}, err
	}
	slices.SortStableFunc(children, func(x, y sources.Alarm) int {
		if (x.State == sources.StateAlarm) != (y.State == sources.StateAlarm) {
			if x.State == sources.StateAlarm {
				return -1
			}
			return 1
		}
		return slices.Index(a.Children, x.Name) - slices.Index(a.Children, y.Name)
	})
	return children, err
}

// mergeGraphs joins the graphs of several alarms: each resource once, at
// its fewest hops from any of them.
func mergeGraphs(graphs []sources.ResourceGraph) sources.ResourceGraph {
	var out sources.ResourceGraph
	at := map[string]int{}
	for _, g := range graphs {
		out.Problems = append(out.Problems, g.Problems...)
		for _, r := range g.Resources {
			key := r.Kind + "\x00" + r.ID
			if i, ok := at[key]; ok {
				if r.Hops < out.Resources[i].Hops {
					out.Resources[i] = r
				}
				continue
			}
			at[key] = len(out.Resources)
			out.Resources = append(out.Resources, r)
		}
	}
	return out
}
