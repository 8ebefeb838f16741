// Package filter holds the query languages: the trail pane's CloudTrail filter
// (Trail, with completion and history search) and CloudWatch Logs filter
// patterns (LogPattern).
package filter

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"watchtrail/sources"
	"watchtrail/text"
)

// Trail narrows CloudTrail events. It is parsed from a small query
// syntax (see ParseTrail); the zero value matches every event. Text
// fields hold patterns where * is any run of characters and ? one character;
// without either they match exactly (case-sensitive, as CloudTrail stores
// names).
type Trail struct {
	WriteOnly    bool // -ro
	ReadOnly     bool // ro
	ErrorsOnly   bool // err: refused or failed calls
	Kind         sources.EventKind
	User         string // user name, session name or principal ARN
	Name         string // event name, e.g. Delete*
	Source       string // event source, e.g. ec2.amazonaws.com
	Resource     string // resource name or ARN
	ResourceType string // e.g. AWS::EC2::Instance
	SourceIP     string // address, pattern or CIDR block (10.0.0.0/8)
	AccessKey    string // access key id
	Words        []string
}

// filterField is one field:value term of the syntax.
type filterField struct {
	names []string // first is canonical
	label string   // in Describe
	get   func(*Trail) *string
}

var filterFields = []filterField{
	{[]string{"user", "principal"}, "user", func(f *Trail) *string { return &f.User }},
	{[]string{"name", "event"}, "name", func(f *Trail) *string { return &f.Name }},
	{[]string{"src", "source", "service"}, "src", func(f *Trail) *string { return &f.Source }},
	{[]string{"res", "resource"}, "resource", func(f *Trail) *string { return &f.Resource }},
	{[]string{"type"}, "type", func(f *Trail) *string { return &f.ResourceType }},
	{[]string{"ip"}, "ip", func(f *Trail) *string { return &f.SourceIP }},
	{[]string{"key"}, "key", func(f *Trail) *string { return &f.AccessKey }},
}

// Flag words of the syntax.
var (
	writeWords = []string{"-ro", "write"}
	readWords  = []string{"ro", "read"}
	errorWords = []string{"err", "errors", "failed"}
)

const filterHelp = "user: name: src: res: type: ip: key: kind: -ro ro err"

// ParseTrail reads a space-separated query such as
//
//	user:alice name:Delete* -ro err src:ec2 res:i-0abc ip:10.0.0.0/8 key:AKIA… kind:insight
//
// Terms are ANDed. -ro (or write) keeps write calls, ro (or read) read-only
// ones, err (errors, failed) refused or failed calls. src: takes a service's
// short name (ec2 is ec2.amazonaws.com). kind: is management, data or
// insight. A word without a colon must appear (case-insensitively) in the
// event's name, source, user, IP, resources or error code. An error names
// the bad term.
func ParseTrail(query string) (Trail, error) {
	var f Trail
	for _, tok := range strings.Fields(query) {
		lower := strings.ToLower(tok)
		switch {
		case slices.Contains(writeWords, lower):
			f.WriteOnly = true
		case slices.Contains(readWords, lower):
			f.ReadOnly = true
		case slices.Contains(errorWords, lower):
			f.ErrorsOnly = true
		case strings.Contains(tok, ":"):
			if err := f.setField(tok); err != nil {
				return Trail{}, err
			}
		default:
			f.Words = append(f.Words, tok)
		}
	}
	if f.WriteOnly && f.ReadOnly {
		return Trail{}, fmt.Errorf("filter: -ro (write calls) and ro (read-only calls) exclude each other")
	}
	return f, nil
}

func (f *Trail) setField(tok string) error {
	key, value, _ := strings.Cut(tok, ":")
	key = strings.ToLower(key)
	if value == "" {
		return fmt.Errorf("filter: %q needs a value after the colon", tok)
	}
	if key == "kind" {
		kind, ok := parseKind(value)
		if !ok {
			return fmt.Errorf("filter: %q: kind is management, data or insight", tok)
		}
		if f.Kind != "" {
			return fmt.Errorf("filter: %q: kind: given twice", tok)
		}
		f.Kind = kind
		return nil
	}
	for _, field := range filterFields {
		if !slices.Contains(field.names, key) {
			continue
		}
		slot := field.get(f)
		if *slot != "" {
			return fmt.Errorf("filter: %q: %s: given twice", tok, field.names[0])
		}
		switch field.names[0] {
		case "src":
			value = serviceHost(value)
		case "ip":
			if strings.Contains(value, "/") {
				if _, err := netip.ParsePrefix(value); err != nil {
					return fmt.Errorf("filter: %q: not an address block like 10.0.0.0/8", tok)
				}
			}
		}
		*slot = value
		return nil
	}
	return fmt.Errorf("filter: %q: unknown field %q (known: %s)", tok, key, filterHelp)
}

// serviceHost expands a service's short name: ec2 → ec2.amazonaws.com.
func serviceHost(v string) string {
	if strings.ContainsAny(v, ".*?") {
		return v
	}
	return strings.ToLower(v) + ".amazonaws.com"
}

func parseKind(v string) (sources.EventKind, bool) {
	switch strings.ToLower(v) {
	case "management", "mgmt":
		return sources.KindManagement, true
	case "data":
		return sources.KindData, true
	case "insight", "insights":
		return sources.KindInsight, true
	}
	return "", false
}

// IsZero reports whether the filter keeps every event.
func (f Trail) IsZero() bool { return f.String() == "" }

// term is one condition of a filter, as typed and as described.
type term struct{ syntax, label string }

func (f Trail) terms() []term {
	var ts []term
	flag := func(on bool, syntax, label string) {
		if on {
			ts = append(ts, term{syntax, label})
		}
	}
	flag(f.Kind != "", "kind:"+string(f.Kind), string(f.Kind)+" events")
	flag(f.WriteOnly, "-ro", "write-only")
	flag(f.ReadOnly, "ro", "read-only")
	flag(f.ErrorsOnly, "err", "errors")
	for _, field := range filterFields {
		v := *field.get(&f)
		flag(v != "", field.names[0]+":"+v, field.label+" "+v)
	}
	for _, w := range f.Words {
		flag(true, w, fmt.Sprintf("%q", w))
	}
	return ts
}

// String is the filter in the query syntax, in a fixed order.
func (f Trail) String() string {
	var out []string
	for _, t := range f.terms() {
		out = append(out, t.syntax)
	}
	return strings.Join(out, " ")
}

// Describe says what is filtered, for a pane title: "write-only · user alice".
// It is empty for the zero filter.
func (f Trail) Describe() string {
	var out []string
	for _, t := range f.terms() {
		out = append(out, t.label)
	}
	return text.Sanitize(strings.Join(out, " · "))
}

// Lookup picks the one condition LookupEvents should apply server-side:
// the most selective one that is an exact value (patterns cannot be sent).
// The zero LookupAttr means none fits.
func (f Trail) Lookup() sources.LookupAttr {
	exact := func(v string) bool { return v != "" && !isPattern(v) }
	switch {
	case exact(f.AccessKey):
		return sources.LookupAttr{Key: sources.AttrAccessKeyID, Value: f.AccessKey}
	case exact(f.Resource):
		return sources.LookupAttr{Key: sources.AttrResourceName, Value: f.Resource}
	case exact(f.User) && !strings.HasPrefix(f.User, "arn:"):
		return sources.LookupAttr{Key: sources.AttrUsername, Value: f.User}
	case exact(f.Name):
		return sources.LookupAttr{Key: sources.AttrEventName, Value: f.Name}
	case exact(f.ResourceType):
		return sources.LookupAttr{Key: sources.AttrResourceType, Value: f.ResourceType}
	case exact(f.Source):
		return sources.LookupAttr{Key: sources.AttrEventSource, Value: f.Source}
	case f.WriteOnly:
		return sources.LookupAttr{Key: sources.AttrReadOnly, Value: "false"}
	case f.ReadOnly:
		return sources.LookupAttr{Key: sources.AttrReadOnly, Value: "true"}
	}
	return sources.LookupAttr{}
}

// Query is q asking for what the filter can have the server do: its Lookup
// attribute, the Insights category for kind:insight, and its conditions
// for readers that send many (Where). The events that come back still
// need Match for the rest.
func (f Trail) Query(q sources.TrailQuery) sources.TrailQuery {
	q.Lookup = f.Lookup()
	q.Insights = f.Kind == sources.KindInsight
	q.Where = sources.TrailWhere{User: f.User, Name: f.Name, Source: f.Source, Resource: f.Resource, ResourceType: f.ResourceType,
		AccessKey: f.AccessKey, Errors: f.ErrorsOnly, Reads: f.ReadOnly, Writes: f.WriteOnly}
	return q
}

// Match reports whether e passes every term of the filter.
func (f Trail) Match(e sources.TrailEvent) bool {
	switch {
	case f.Kind != "" && e.EffectiveKind() != f.Kind,
		f.WriteOnly && e.ReadOnly,
		f.ReadOnly && !e.ReadOnly,
		f.ErrorsOnly && !e.Failed(),
		f.User != "" && !glob(f.User, e.User) && !glob(f.User, e.UserARN),
		f.Name != "" && !glob(f.Name, e.Name),
		f.Source != "" && !glob(f.Source, e.Source),
		f.ResourceType != "" && !anyGlob(f.ResourceType, e.ResourceTypes),
		f.AccessKey != "" && !glob(f.AccessKey, e.AccessKeyID),
		f.SourceIP != "" && !matchIP(f.SourceIP, e.SourceIP),
		f.Resource != "" && !matchResource(f.Resource, e):
		return false
	}
	for _, w := range f.Words {
		if !mentionsWord(e, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// Filter returns the events that Match, in order.
func (f Trail) Filter(events []sources.TrailEvent) []sources.TrailEvent {
	var out []sources.TrailEvent
	for _, e := range events {
		if f.Match(e) {
			out = append(out, e)
		}
	}
	return out
}

func matchResource(pattern string, e sources.TrailEvent) bool {
	if !isPattern(pattern) {
		return sources.Touches(e, pattern)
	}
	return anyGlob(pattern, e.Resources)
}

func matchIP(pattern, ip string) bool {
	if prefix, err := netip.ParsePrefix(pattern); err == nil {
		addr, err := netip.ParseAddr(ip)
		return err == nil && prefix.Contains(addr)
	}
	return glob(pattern, ip)
}

func mentionsWord(e sources.TrailEvent, word string) bool {
	for _, s := range append([]string{e.Name, e.Source, e.User, e.SourceIP, e.ErrorCode}, e.Resources...) {
		if strings.Contains(strings.ToLower(s), word) {
			return true
		}
	}
	return false
}

func isPattern(s string) bool { return strings.ContainsAny(s, "*?") }

func anyGlob(pattern string, values []string) bool {
	for _, v := range values {
		if glob(pattern, v) {
			return true
		}
	}
	return false
}

// glob matches s against pattern, where * is any run of characters
// (slashes included, unlike path.Match, as ARNs have them) and ? is one.
func glob(pattern, s string) bool {
	// Iterative matching with one backtrack point: linear in practice.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
