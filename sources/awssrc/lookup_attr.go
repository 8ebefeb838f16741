package awssrc

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"watchtrail/sources"
	"watchtrail/text"
)

// lookupAttributes picks the one attribute LookupEvents may take for q:
// q.Lookup when set, else the resource name, else ReadOnly=false for
// WriteOnly. rest is q without what the server applies: the reader checks
// that client-side (sources.MatchesQuery), as the server's idea of an
// attribute (say, root's Username) may differ from the event's fields.
func lookupAttributes(q sources.TrailQuery) (attrs []types.LookupAttribute, rest sources.TrailQuery) {
	rest = q
	attr := q.Lookup
	switch {
	case !attr.IsZero():
		rest.Lookup = sources.LookupAttr{}
	case q.ResourceName != "":
		attr = sources.LookupAttr{Key: sources.AttrResourceName, Value: q.ResourceName}
		rest.ResourceName = ""
	case q.WriteOnly:
		attr = sources.LookupAttr{Key: sources.AttrReadOnly, Value: "false"}
		rest.WriteOnly = false
	default:
		return nil, rest
	}
	return []types.LookupAttribute{{AttributeKey: types.LookupAttributeKey(attr.Key), AttributeValue: aws.String(attr.Value)}}, rest
}

// recordExtra is the part of a CloudTrail record that tells event kinds
// apart and names the credentials used; record embeds it.
type recordExtra struct {
	EventCategory   string `json:"eventCategory"`
	EventType       string `json:"eventType"`
	ManagementEvent *bool  `json:"managementEvent"`
	InsightDetails  *struct {
		EventName   string `json:"eventName"`
		EventSource string `json:"eventSource"`
	} `json:"insightDetails"`
}

// fillExtra sets the kind, access key, principal ARN and resource types of
// ev from r. An Insights record names the API it is about in insightDetails.
func (r record) fillExtra(ev *sources.TrailEvent) {
	ev.Kind = sources.EventKindOf(r.EventCategory, r.ManagementEvent, r.EventType)
	ev.AccessKeyID = text.Sanitize(r.UserIdentity.AccessKeyID)
	ev.UserARN = text.Sanitize(r.UserIdentity.ARN)
	for _, res := range r.Resources {
		if res.Type != "" {
			ev.ResourceTypes = append(ev.ResourceTypes, text.Sanitize(res.Type))
		}
	}
	if d := r.InsightDetails; d != nil {
		if ev.Name == "" {
			ev.Name = text.Sanitize(d.EventName)
		}
		if ev.Source == "" {
			ev.Source = text.Sanitize(d.EventSource)
		}
	}
}
