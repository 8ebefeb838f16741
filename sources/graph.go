package sources

import (
	"context"
	"slices"
	"strings"
)

// Resource is one AWS resource the triage engine can relate to an alarm.
// Names holds every identifier a CloudTrail event may use for it (ID, name,
// ARN); the matcher looks for any of them in an event's resources,
// requestParameters and responseElements.
type Resource struct {
	Kind  string // short kind for display: "function", "role", "sg", "instance", "queue", ...
	ID    string // the identifier shown to people: "orders-fn", "sg-0abc", "i-0abc"
	ARN   string // when known
	Names []string
}

// Label is how the resource appears in a relation path: "role svc-ord-exec".
func (r Resource) Label() string {
	if r.Kind == "" {
		return r.ID
	}
	return r.Kind + " " + r.ID
}

// Identifiers is ID, ARN and Names, each once, empty ones left out.
func (r Resource) Identifiers() []string {
	var out []string
	for _, s := range append([]string{r.ID, r.ARN}, r.Names...) {
		if s != "" {
			out = appendUnique(out, s)
		}
	}
	return out
}

// Related is a resource reached from the alarmed one. Hops is 0 for the
// alarmed resource itself; Path is the chain of labels from the alarmed
// resource to this one, e.g. ["function orders-fn", "role svc-ord-exec"].
type Related struct {
	Resource
	Hops int
	Path []string
}

// PathText renders the relation path for people: "orders-fn → role svc-ord-exec".
func (r Related) PathText() string { return strings.Join(r.Path, " → ") }

// ResourceGraph is what discovery found around an alarm: the alarmed
// resources (Hops 0) and those one and two hops away. Problems says what
// could not be seen and why ("could not see role svc-ord-exec's policies:
// access denied"); the graph is still usable without those parts.
type ResourceGraph struct {
	Resources []Related
	Problems  []string
}

// GraphDiscoverer is implemented by sources that can find the resources
// related to an alarm's metric dimensions through read-only calls.
type GraphDiscoverer interface {
	DiscoverGraph(ctx context.Context, a Alarm) ResourceGraph
}

// QualifierDimension reports whether a CloudWatch dimension qualifies a
// metric (where, which operation, version or class) rather than names a
// resource, so that neither the alarmed resources nor discovery take its
// value ("GetItem", "eu-west-1a", "WRITER") for one.
func QualifierDimension(name string) bool { return qualifierDimensions[name] }

var qualifierDimensions = map[string]bool{
	"AvailabilityZone": true, "Region": true, "ReceivingRegion": true, "Operation": true, "ExecutedVersion": true,
	"InstanceType": true, "DatabaseClass": true, "EngineName": true, "Role": true, "StorageType": true,
	"FilterId": true, "Stage": true, "Method": true, "ShardId": true, "GlobalSecondaryIndexName": true,
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
