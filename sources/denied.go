package sources

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Denied reports whether e is a refused call or a failed sign-in: an
// AccessDenied* or *UnauthorizedOperation error code (Client.
// UnauthorizedOperation included), or a ConsoleLogin whose
// responseElements.ConsoleLogin is "Failure".
func Denied(e TrailEvent) bool {
	code := e.ErrorCode
	switch {
	case strings.HasPrefix(code, "AccessDenied"), strings.HasSuffix(code, "UnauthorizedOperation"),
		code == "UnauthorizedAccess", code == "Unauthorized":
		return true
	case e.Name == "ConsoleLogin":
		return consoleLoginFailed(e.JSON)
	}
	return false
}

func consoleLoginFailed(doc string) bool {
	var r struct {
		ResponseElements struct {
			ConsoleLogin string `json:"ConsoleLogin"`
		} `json:"responseElements"`
	}
	return json.Unmarshal([]byte(doc), &r) == nil && r.ResponseElements.ConsoleLogin == "Failure"
}

// DeniedGroup is the denied calls of one principal, or from one source IP.
type DeniedGroup struct {
	Key         string // the principal, or the source IP
	Count       int
	First, Last time.Time
	// Others are the IPs of a principal's calls, or the principals calling
	// from an IP: the "one user from many addresses" story. Most frequent
	// first.
	Others []string
	Names  []string // event names denied, most frequent first
}

// DeniedTally groups denied calls as they arrive, each event once. The
// zero value is ready to use; it is not safe for concurrent use. It stays
// bounded however long it runs: it remembers the IDs of the last
// maxDeniedSeen events, and past maxDeniedGroups principals, addresses (or a
// group's other side) counts the rest as "(others)".
type DeniedTally struct {
	seen        map[string]bool
	order       []string // seen's IDs, oldest first
	total       int
	byPrincipal map[string]*tallyGroup
	byIP        map[string]*tallyGroup
}

type tallyGroup struct {
	count       int
	first, last time.Time
	others      map[string]int
	names       map[string]int
}

// Add counts the denied events among events; others are ignored, as are
// events already counted (by ID).
func (t *DeniedTally) Add(events []TrailEvent) {
	if t.seen == nil {
		t.seen, t.byPrincipal, t.byIP = map[string]bool{}, map[string]*tallyGroup{}, map[string]*tallyGroup{}
	}
	for _, e := range events {
		if !Denied(e) || (e.ID != "" && t.seen[e.ID]) {
			continue
		}
		if e.ID != "" {
			t.seen[e.ID] = true
			if t.order = append(t.order, e.ID); len(t.order) > maxDeniedSeen {
				delete(t.seen, t.order[0])
				t.order = t.order[1:]
			}
		}
		t.total++
		who, ip := principalOf(e), orUnknown(e.SourceIP)
		count(t.byPrincipal, who, ip, e)
		count(t.byIP, ip, who, e)
	}
}

// principalOf names who made the call: the user, else the ARN.
func principalOf(e TrailEvent) string {
	if e.User != "" {
		return e.User
	}
	return orUnknown(e.UserARN)
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

const (
	maxDeniedSeen   = 50000
	maxDeniedGroups = 1000
	deniedOthers    = "(others)"
)

// bounded is key, or deniedOthers when m is full and lacks key.
func bounded[V any](m map[string]V, key string) string {
	if _, ok := m[key]; !ok && len(m) >= maxDeniedGroups {
		return deniedOthers
	}
	return key
}

func count(groups map[string]*tallyGroup, key, other string, e TrailEvent) {
	key = bounded(groups, key)
	g := groups[key]
	if g == nil {
		g = &tallyGroup{first: e.Time, last: e.Time, others: map[string]int{}, names: map[string]int{}}
		groups[key] = g
	}
	g.count++
	if e.Time.Before(g.first) {
		g.first = e.Time
	}
	if e.Time.After(g.last) {
		g.last = e.Time
	}
	g.others[bounded(g.others, other)]++
	g.names[e.Name]++
}

// Total is how many denied events were counted.
func (t *DeniedTally) Total() int { return t.total }

// ByPrincipal is the groups by principal, most denied calls first.
func (t *DeniedTally) ByPrincipal() []DeniedGroup { return sortedGroups(t.byPrincipal) }

// ByIP is the groups by source IP, most denied calls first.
func (t *DeniedTally) ByIP() []DeniedGroup { return sortedGroups(t.byIP) }

func sortedGroups(groups map[string]*tallyGroup) []DeniedGroup {
	out := make([]DeniedGroup, 0, len(groups))
	for key, g := range groups {
		out = append(out, DeniedGroup{Key: key, Count: g.count, First: g.first, Last: g.last,
			Others: byCount(g.others), Names: byCount(g.names)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if !out[i].Last.Equal(out[j].Last) {
			return out[i].Last.After(out[j].Last)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// byCount lists the keys of counts, most frequent first, then by name.
func byCount(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
