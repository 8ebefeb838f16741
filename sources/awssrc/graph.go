package awssrc

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"watchtrail/sources"
)

const (
	graphHops        = 2                // how far from the alarmed resources discovery reaches
	graphConcurrency = 8                // expansions in flight at once
	graphTimeout     = 10 * time.Second // for the whole discovery
	// graphFanOut caps how many neighbours of one kind a resource passes on
	// to the next hop: the instances of a large fleet share their security
	// groups and roles, and expanding hundreds would only spend the rate limits.
	graphFanOut = 10
)

var _ sources.GraphDiscoverer = (*Source)(nil)

// expansion is what one expander learnt about a resource: the resource with
// every identifier it found (ARN, name, ...), its neighbours, and the calls
// that failed (the neighbours they would have shown are missing).
type expansion struct {
	self    sources.Resource
	related []sources.Resource
	errs    []error
}

func (e *expansion) add(rs ...sources.Resource) { e.related = append(e.related, rs...) }

// fail records err, if any, and reports whether there was one.
func (e *expansion) fail(err error) bool {
	if err != nil {
		e.errs = append(e.errs, err)
	}
	return err != nil
}

// expander finds the resources one hop from r through read-only calls.
type expander func(ctx context.Context, s *Source, r sources.Resource) expansion

// expanders is the relation table, by resource kind. A kind without an
// expander is a leaf: it is shown and matched but not expanded.
var expanders = map[string]expander{
	kindInstance: expandInstance, kindSubnet: expandSubnet, kindASG: expandASG, kindRole: expandRole,
	kindFunction: expandFunction, kindAlias: expandAlias,
	kindQueue: expandQueue, kindTable: expandTable, kindStream: expandStream,
	kindLB: expandLB, kindListener: expandListener, kindTargetGroup: expandTargetGroup,
	kindDB: expandDB, kindDBCluster: expandDBCluster,
	kindECSService: expandECSService, kindECSCluster: expandECSCluster, kindTaskDef: expandTaskDef,
	kindAPI: expandAPI,
}

// DiscoverGraph finds the resources around the alarm's dimensions, breadth
// first to graphHops hops, each resource once on its shortest path. Calls
// that fail become Problems; the alarmed resources are always there.
func (s *Source) DiscoverGraph(ctx context.Context, a sources.Alarm) sources.ResourceGraph {
	ctx, cancel := context.WithTimeout(ctx, graphTimeout)
	defer cancel()
	w := &walk{index: map[string]int{}}
	var level []int
	for _, r := range roots(a, s.cfg.Region) {
		if i, fresh := w.visit(r, nil); fresh {
			level = append(level, i)
		}
	}
	// A linked account's resources are read with a role there, if any.
	reader, err := s.accountView(ctx, a.Metric.Account)
	if err != nil {
		w.problems = append(w.problems, err.Error())
		level = nil
	}
	for hop := 0; hop < graphHops && len(level) > 0; hop++ {
		level = w.expand(ctx, reader, level)
	}
	return sources.ResourceGraph{Resources: w.found, Problems: append(w.blind.lines(), w.problems...)}
}

// walk is the state of one discovery: what was found, deduplicated by key.
type walk struct {
	found    []sources.Related
	index    map[string]int // resourceKey → position in found
	problems []string
	blind    blindSpots
}

// blindSpots are the resources whose relations could not be seen, grouped
// by why, so that a permission missing for a whole fleet is one line.
type blindSpots struct {
	whys   []string
	labels map[string][]string
}

func (b *blindSpots) add(label string, err error) {
	why := sources.Summary(err)
	if b.labels == nil {
		b.labels = map[string][]string{}
	}
	if _, seen := b.labels[why]; !seen {
		b.whys = append(b.whys, why)
	}
	b.labels[why] = append(b.labels[why], label)
}

// lines: "could not see role x's relations: access denied — …", with
// "(and 3 more)" after the first resource when several failed alike.
func (b *blindSpots) lines() []string {
	var out []string
	for _, why := range b.whys {
		labels := b.labels[why]
		more := ""
		if len(labels) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(labels)-1)
		}
		out = append(out, "could not see "+labels[0]+"'s relations"+more+": "+why)
	}
	return out
}

// visit adds r reached through path, or merges its identifiers into the
// resource already found; fresh says it was new.
func (w *walk) visit(r sources.Resource, path []string) (i int, fresh bool) {
	key := resourceKey(r)
	if i, ok := w.index[key]; ok {
		w.found[i].Resource = merge(w.found[i].Resource, r)
		return i, false
	}
	w.index[key] = len(w.found)
	p := append(append([]string(nil), path...), r.Label())
	w.found = append(w.found, sources.Related{Resource: r, Hops: len(p) - 1, Path: p})
	return len(w.found) - 1, true
}

// expand runs the expanders of the resources at positions level, at most
// graphConcurrency at once, and returns the positions of the new neighbours.
// Results are merged in level order, so the graph does not depend on timing.
func (w *walk) expand(ctx context.Context, s *Source, level []int) []int {
	results := make([]*expansion, len(level))
	var g errgroup.Group
	g.SetLimit(graphConcurrency)
	for k, i := range level {
		if fn := expanders[w.found[i].Kind]; fn != nil {
			r := w.found[i].Resource
			g.Go(func() error {
				x := fn(ctx, s, r)
				results[k] = &x
				return nil
			})
		}
	}
	g.Wait()
	var next []int
	for k, i := range level {
		x := results[k]
		if x == nil {
			continue
		}
		node := w.found[i]
		w.found[i].Resource = merge(node.Resource, x.self)
		for _, err := range x.errs {
			w.blind.add(node.Label(), err)
		}
		perKind := map[string]int{}
		var capped []string
		for _, r := range x.related {
			j, fresh := w.visit(r, node.Path)
			if !fresh {
				continue
			}
			if perKind[r.Kind]++; perKind[r.Kind] <= graphFanOut {
				next = append(next, j)
			} else if perKind[r.Kind] == graphFanOut+1 {
				capped = append(capped, r.Kind)
			}
		}
		sort.Strings(capped)
		for _, kind := range capped {
			w.problems = append(w.problems, fmt.Sprintf("saw the relations of only %d of %s's %d %ss", graphFanOut, node.Label(), perKind[kind], kind))
		}
	}
	return next
}

// describeOne makes the cached describe call that names r alone and returns
// the one item it answers; a failure, or no item, is recorded in x.
func describeOne[O, T any](ctx context.Context, s *Source, x *expansion, r sources.Resource, call string,
	fetch func(context.Context) (O, error), items func(O) []T,
) (T, bool) {
	var zero T
	out, err := cached(ctx, &s.graph.cache, call+" "+r.ID, fetch)
	if x.fail(err) {
		return zero, false
	}
	if found := items(out); len(found) > 0 {
		return found[0], true
	}
	x.fail(fmt.Errorf("%s not found", r.Label()))
	return zero, false
}

func resourceKey(r sources.Resource) string { return r.Kind + "\x00" + r.ID }

// merge adds b's identifiers to a; a's ID and kind stay.
func merge(a, b sources.Resource) sources.Resource {
	if a.ARN == "" {
		a.ARN = b.ARN
	}
	names := append([]string(nil), a.Names...)
	for _, n := range b.Identifiers() {
		if n != a.ID && n != a.ARN && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	a.Names = names
	return a
}
