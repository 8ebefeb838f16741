package triage

import (
	"fmt"
	"strings"
)

// Level is how well a kind of change explains a kind of symptom.
type Level int

const (
	Never    Level = iota // changes nothing the metric sees (tags, backups, alarms)
	Unlikely              // only in odd setups
	Maybe                 // a setting of unknown kind: it might
	Can                   // a known way to it, among others
	Fits                  // the usual way a change produces this symptom
)

// Weight is the level as a factor of a suspect's score: a change that
// fits the symptom two hops away (0.6 × 1) outweighs one that does not on
// the alarmed resource itself (1 × 0.2).
func (l Level) Weight() float64 {
	return [...]float64{Never: 0.05, Unlikely: 0.2, Maybe: 0.4, Can: 0.6, Fits: 1}[l]
}

func (l Level) verb() string {
	return [...]string{Never: "does not cause", Unlikely: "rarely causes", Maybe: "may contribute to", Can: "can contribute to", Fits: "can cause"}[l]
}

// Plausibility says how well a change of category c explains symptom f, and
// why, in one phrase ("a limits change can cause throttling"). The table
// is docs/triage.md's; an unknown family takes the category's level
// across families (breaking changes fit, metadata never does).
func Plausibility(c Category, f Family) (Level, string) {
	row := plausibility[c]
	level, ok := row[f]
	if !ok {
		level = row[Unknown]
	}
	return level, fmt.Sprintf("%s %s %s", withArticle(c.noun()), level.verb(), f.symptom())
}

// F, C, M, U, N abbreviate the levels in the table.
const (
	F = Fits
	C = Can
	M = Maybe
	U = Unlikely
	N = Never
)

// plausibility: which categories can move which family in the alarm's
// direction. Unknown is the level for a metric of no known family. Written
// from how the services behave (see docs/triage.md for the sources).
var plausibility = map[Category]map[Family]Level{
	// Denied calls fail (errors), consumers stop (backlog), callers send
	// less (traffic drop); retries and piled-up work load the hosts.
	Permissions: {Errors: F, Latency: C, Throttling: U, Backlog: F, TrafficDrop: F, TrafficSurge: U, Absence: C, Unhealthy: C,
		CPU: C, Memory: C, Connections: C, Storage: U, Unknown: F},
	// A disabled key or a rotated secret fails every call that needs it.
	Keys: {Errors: F, Latency: C, Throttling: U, Backlog: F, TrafficDrop: F, TrafficSurge: U, Absence: C, Unhealthy: C,
		CPU: U, Memory: U, Connections: F, Storage: U, Unknown: F},
	// A closed path times out (latency, errors), stops traffic and data,
	// fails status and health checks.
	Network: {Errors: F, Latency: F, Throttling: U, Backlog: F, TrafficDrop: F, TrafficSurge: U, Absence: F, Unhealthy: F,
		CPU: C, Memory: C, Connections: F, Storage: U, Unknown: F},
	// Where traffic goes: away (drop, errors, no data), onto fewer targets
	// (load, throttling), or not to a consumer at all (backlog).
	Routing: {Errors: F, Latency: C, Throttling: C, Backlog: F, TrafficDrop: F, TrafficSurge: F, Absence: F, Unhealthy: F,
		CPU: F, Memory: C, Connections: F, Storage: U, Unknown: F},
	// A concurrency or throughput limit throttles; it does not make calls
	// that run fail (fewer invocations do not make more errors).
	Limits: {Errors: U, Latency: C, Throttling: F, Backlog: F, TrafficDrop: F, TrafficSurge: U, Absence: C, Unhealthy: U,
		CPU: C, Memory: U, Connections: C, Storage: U, Unknown: F},
	// Fewer or smaller hosts saturate: load, throttling, latency, backlog,
	// hosts that fail their checks; none at all report nothing.
	Capacity: {Errors: C, Latency: F, Throttling: F, Backlog: F, TrafficDrop: C, TrafficSurge: U, Absence: C, Unhealthy: F,
		CPU: F, Memory: F, Connections: F, Storage: C, Unknown: F},
	// New code can do anything the old did not.
	Code: {Errors: F, Latency: F, Throttling: C, Backlog: F, TrafficDrop: C, TrafficSurge: C, Absence: C, Unhealthy: F,
		CPU: F, Memory: F, Connections: F, Storage: C, Unknown: F},
	// Memory, timeouts, environment, parameters: errors and timeouts,
	// slower runs, redeliveries (a short visibility timeout), limits on
	// connections.
	Runtime: {Errors: F, Latency: F, Throttling: C, Backlog: F, TrafficDrop: C, TrafficSurge: C, Absence: C, Unhealthy: C,
		CPU: F, Memory: F, Connections: F, Storage: C, Unknown: F},
	// A stricter check marks targets unhealthy; with none healthy the load
	// balancer answers 5xx, and replaced tasks load the rest.
	HealthChecks: {Errors: F, Latency: U, Throttling: U, Backlog: U, TrafficDrop: C, TrafficSurge: U, Absence: U, Unhealthy: F,
		CPU: C, Memory: C, Connections: C, Storage: U, Unknown: C},
	// Retention and TTL decide what is kept: storage. A backlog only grows
	// when consumers fall behind: a shorter retention expires old messages
	// and records (the age falls), a longer one keeps what would expire.
	Lifecycle: {Backlog: U, Storage: F, TrafficDrop: U, Errors: U, Unknown: U},
	// Tags and descriptions change nothing a metric sees.
	Metadata: {Unknown: N},
	// A snapshot can slow I/O for a while on some engines.
	Backups:    {Latency: U, CPU: U, Storage: U, Unknown: N},
	Monitoring: {Absence: U, Unknown: N},
	// Writes of data add work, not breakage.
	Data: {Backlog: C, TrafficSurge: C, Storage: C, CPU: U, Latency: U, Unknown: U},
	// An interruption: brief errors, failed checks, gaps.
	Restart: {Errors: C, Latency: C, Throttling: U, Backlog: C, TrafficDrop: C, TrafficSurge: U, Absence: C, Unhealthy: C,
		CPU: C, Memory: U, Connections: C, Storage: U, Unknown: C},
	// What is gone serves nothing: errors, drops, no data; the rest carries
	// its load.
	Removal: {Errors: F, Latency: C, Throttling: C, Backlog: F, TrafficDrop: F, TrafficSurge: U, Absence: F, Unhealthy: F,
		CPU: F, Memory: C, Connections: F, Storage: C, Unknown: F},
	// Something new seldom breaks what runs, but can add load.
	Creation: {Errors: U, Latency: U, Throttling: C, Backlog: U, TrafficDrop: U, TrafficSurge: C, Absence: U, Unhealthy: U,
		CPU: C, Memory: C, Connections: C, Storage: C, Unknown: C},
	// Settings of unknown kind: possible everywhere, but less than a
	// change known to cause the symptom, even two hops away.
	Configuration: {Unknown: M},
}

func (c Category) noun() string {
	switch c {
	case Permissions:
		return "permission change"
	case Keys:
		return "key or secret change"
	case Network:
		return "network path change"
	case Routing:
		return "routing change"
	case Limits:
		return "limit change"
	case Capacity:
		return "capacity change"
	case Code:
		return "code or deploy change"
	case Runtime:
		return "runtime configuration change"
	case HealthChecks:
		return "health check change"
	case Lifecycle:
		return "data lifecycle change"
	case Metadata:
		return "tag or description change"
	case Backups:
		return "backup or snapshot"
	case Monitoring:
		return "monitoring change"
	case Data:
		return "data write"
	case Restart:
		return "restart"
	case Removal:
		return "removal"
	case Creation:
		return "creation"
	}
	return "configuration change"
}

// withArticle is "a person", "an AWS service", "someone" for nothing.
func withArticle(s string) string {
	switch {
	case s == "":
		return "someone"
	case strings.ContainsRune("aeiouAEIOU", rune(s[0])):
		return "an " + s
	}
	return "a " + s
}
