package sources

import (
	"encoding/json"
	"slices"
	"strings"
)

// EventKind is a CloudTrail event category.
type EventKind string

const (
	KindManagement EventKind = "management"
	KindData       EventKind = "data"
	KindInsight    EventKind = "insight"
)

// EventKindOf reads a record's eventCategory ("Management", "Data",
// "Insight"), falling back on managementEvent and eventType for records
// from before eventCategory existed.
func EventKindOf(category string, managementEvent *bool, eventType string) EventKind {
	switch strings.ToLower(category) {
	case "insight":
		return KindInsight
	case "data":
		return KindData
	case "management":
		return KindManagement
	}
	switch {
	case eventType == "AwsCloudTrailInsight":
		return KindInsight
	case managementEvent != nil && !*managementEvent:
		return KindData
	}
	return KindManagement
}

// EffectiveKind is e.Kind, with "" read as management.
func (e TrailEvent) EffectiveKind() EventKind {
	if e.Kind == "" {
		return KindManagement
	}
	return e.Kind
}

// Lookup attribute keys, as LookupEvents spells them.
const (
	AttrReadOnly     = "ReadOnly"
	AttrUsername     = "Username"
	AttrEventName    = "EventName"
	AttrEventSource  = "EventSource"
	AttrResourceName = "ResourceName"
	AttrResourceType = "ResourceType"
	AttrAccessKeyID  = "AccessKeyId"
)

// LookupAttr is one LookupEvents lookup attribute; LookupEvents takes at
// most one per call. The zero value matches everything.
type LookupAttr struct {
	Key, Value string
}

// IsZero reports whether no attribute is set.
func (a LookupAttr) IsZero() bool { return a.Key == "" }

// Matches applies the attribute client-side, as LookupEvents would.
func (a LookupAttr) Matches(e TrailEvent) bool {
	switch a.Key {
	case "":
		return true
	case AttrReadOnly:
		return e.ReadOnly == (a.Value == "true")
	case AttrUsername:
		return e.User == a.Value
	case AttrEventName:
		return e.Name == a.Value
	case AttrEventSource:
		return e.Source == a.Value
	case AttrResourceName:
		return Touches(e, a.Value)
	case AttrResourceType:
		return slices.Contains(e.ResourceTypes, a.Value)
	case AttrAccessKeyID:
		return e.AccessKeyID == a.Value
	}
	return false
}

// MatchesQuery reports whether e meets every condition of q besides the
// window and limit: readers apply those they cannot send to the server.
func MatchesQuery(q TrailQuery, e TrailEvent) bool {
	if q.Insights != (e.EffectiveKind() == KindInsight) {
		return false
	}
	if q.WriteOnly && e.ReadOnly {
		return false
	}
	if q.ResourceName != "" && !Touches(e, q.ResourceName) {
		return false
	}
	if q.Account != "" && e.Account != "" && e.Account != q.Account {
		return false
	}
	return q.Lookup.Matches(e)
}

// Touches reports whether e concerns the resource called name: one of its
// resources, or a string in its requestParameters, names it (NamesResource:
// "checkout-api" matches arn:aws:lambda:…:function:checkout-api, its
// qualified arn:…:function:checkout-api:7 and {"functionName":"checkout-api"}).
func Touches(e TrailEvent, name string) bool {
	for _, r := range e.Resources {
		if NamesResource(r, name) {
			return true
		}
	}
	if plainASCII(name) && !strings.Contains(e.JSON, name) {
		return false // cheap test before decoding: JSON escapes none of it
	}
	var doc struct {
		RequestParameters any `json:"requestParameters"`
	}
	if json.Unmarshal([]byte(e.JSON), &doc) != nil {
		return false
	}
	return mentions(doc.RequestParameters, name)
}

func plainASCII(s string) bool {
	for _, r := range s {
		if r < ' ' || r > '~' || strings.ContainsRune(`"\<>&`, r) {
			return false
		}
	}
	return true
}

// mentions walks a decoded JSON value for a string that names name.
func mentions(v any, name string) bool {
	switch v := v.(type) {
	case string:
		return NamesResource(v, name)
	case []any:
		for _, x := range v {
			if mentions(x, name) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if mentions(x, name) {
				return true
			}
		}
	}
	return false
}

// NamesResource reports whether value is the identifier id, or an ARN or
// path ending in it: "arn:aws:iam::1:role/web" and "arn:…:function:web:prod"
// (a qualified function) name "web"; "web-canary" and "my-web" do not.
func NamesResource(value, id string) bool {
	if id == "" || len(value) < len(id) {
		return false
	}
	if value == id || strings.HasSuffix(value, "/"+id) || strings.HasSuffix(value, ":"+id) {
		return true
	}
	// A qualifier (version, alias, revision) after the name: "…:function:web:7".
	if strings.HasPrefix(value, "arn:") && !strings.Contains(id, ":") {
		if i := strings.LastIndex(value, ":"); i > 0 {
			return NamesResource(value[:i], id)
		}
	}
	return false
}
