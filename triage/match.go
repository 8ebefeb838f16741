package triage

import (
	"encoding/json"
	"regexp"
	"strings"

	"watchtrail/sources"
)

// eventDoc is the part of a CloudTrail record the triage engine reads beyond
// TrailEvent's summary fields.
type eventDoc struct {
	Request  any `json:"requestParameters"`
	Response any `json:"responseElements"`
	Identity struct {
		Type      string `json:"type"`
		InvokedBy string `json:"invokedBy"`
		Session   struct {
			Issuer struct {
				UserName string `json:"userName"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
}

// parseEvent decodes e.JSON; a document that does not parse leaves the
// fields empty, so the event is still ranked on its summary fields.
func parseEvent(e sources.TrailEvent) eventDoc {
	var d eventDoc
	_ = json.Unmarshal([]byte(e.JSON), &d)
	return d
}

// eventValues are the strings an event names resources by: its resources
// and every string in its requestParameters and responseElements (all).
// direct are those naming what the call acted on: its resources and the
// request's strings at most directDepth keys deep, and no deeper than the
// shallowest identifier (ARN, AWS ID, URL) it names: that is the call's
// subject, and deeper values its parameters (DeregisterTargets names a
// target group, then the instances it removes from it). within are the
// containers the call acts within (see containerKey), in neither list.
func eventValues(e sources.TrailEvent, d eventDoc) (direct, all, within []string) {
	direct = append([]string(nil), e.Resources...)
	all = append([]string(nil), e.Resources...)
	call := strings.ToLower(CallName(e.Name))
	type value struct {
		s     string
		depth int
	}
	var request []value
	subject := directDepth
	walkStrings(d.Request, 0, "", func(s string, depth int, key string) {
		if c := containerKey(key); c != "" && !strings.Contains(call, c) {
			within = append(within, s)
			return
		}
		if identifier(s) && depth < subject {
			subject = depth
		}
		request = append(request, value{s, depth})
		all = append(all, s)
	})
	for _, v := range request {
		if v.depth <= subject {
			direct = append(direct, v.s)
		}
	}
	walkStrings(d.Response, 0, "", func(s string, _ int, key string) {
		if c := containerKey(key); c == "" || strings.Contains(call, c) {
			all = append(all, s)
		} else {
			within = append(within, s)
		}
	})
	return direct, all, within
}

// identifier reports whether s has the shape of a resource identifier
// rather than a setting: an ARN, an AWS-generated ID or a URL.
func identifier(s string) bool {
	return strings.HasPrefix(s, "arn:") || awsID.MatchString(s) || strings.Contains(s, "://")
}

// directDepth is how deep in a request the resources acted on are named,
// counting the keys that lead to a value but not wrappers such as EC2's
// "items": a functionName or groupId is 1 deep, the instanceId in EC2's
// instancesSet.items[] 2, while the peer group in a security group rule
// (ipPermissions.items[].groups.items[].groupId) is 3 deep, only mentioned.
const directDepth = 2

// containerKey is the container a request or response key names
// ("cluster" for ECS's cluster or clusterArn, "vpc" for vpcId), or "". A
// call names its container to say where the resource it acts on lives
// (UpdateService on a service of cluster prod), which changes nothing of the
// container, unless the call is about it (UpdateCluster, ModifyVpcAttribute),
// and matters only when the container itself is alarmed (cluster CPU).
func containerKey(key string) string {
	k := strings.ToLower(key)
	for _, suffix := range []string{"identifier", "name", "arn", "id"} {
		k = strings.TrimSuffix(k, suffix)
	}
	for _, c := range []string{"cluster", "vpc"} {
		if strings.HasSuffix(k, c) {
			return c
		}
	}
	return ""
}

func walkStrings(v any, depth int, key string, visit func(s string, depth int, key string)) {
	switch v := v.(type) {
	case string:
		visit(v, depth, key)
	case []any:
		for _, x := range v {
			walkStrings(x, depth, key, visit)
		}
	case map[string]any:
		for k, x := range v {
			d, name := depth+1, k
			if wrapperKeys[k] {
				d, name = depth, key
			}
			walkStrings(x, d, name, visit)
		}
	}
}

// matchGraph finds the closest resource of the graph the event acted on
// (direct, see eventValues), else the closest it mentions at all, and false
// when it names none; the container it acts within counts only when that is
// the alarmed resource. A name alone is weak evidence across services (a
// bucket and a function may both be called "orders"), so an ARN must be of
// the resource's own service, and a plain name only counts from an event of
// that service unless it is an AWS-generated ID (i-0abc…, sg-0abc…), a URL
// or a relative path ("table/carts"). An absolute path from another service
// names that service's own resource after this one (log group
// "/aws/lambda/orders", parameter "/prod/orders"), not this one.
func matchGraph(e sources.TrailEvent, d eventDoc, g sources.ResourceGraph) (r sources.Related, direct, ok bool) {
	on, all, within := eventValues(e, d)
	if r, ok := closest(e, on, g); ok {
		return r, true, true
	}
	if r, ok = closest(e, all, g); ok {
		return r, false, true
	}
	r, ok = closest(e, within, g)
	return r, false, ok && r.Hops == 0
}

func closest(e sources.TrailEvent, values []string, g sources.ResourceGraph) (sources.Related, bool) {
	var best sources.Related
	found := false
	for _, r := range g.Resources {
		if found && r.Hops >= best.Hops {
			continue
		}
		if namesAny(values, r.Identifiers(), arnService(r.ARN), eventService(e.Source)) {
			best, found = r, true
		}
	}
	return best, found
}

// namesAny reports whether a value names one of ids; service is the
// resource's (empty when unknown) and from the event's.
func namesAny(values, ids []string, service, from string) bool {
	for _, v := range values {
		for _, id := range ids {
			if !sources.NamesResource(v, id) {
				continue
			}
			switch {
			case service == "":
				return true
			case strings.HasPrefix(v, "arn:"):
				if arnService(v) == service {
					return true
				}
			case from == service || awsID.MatchString(v) || (strings.ContainsAny(v, "/:") && !strings.HasPrefix(v, "/")):
				return true
			}
		}
	}
	return false
}

// awsID is the shape of the IDs AWS generates: i-0abc…, sg-…, vol-…, subnet-….
var awsID = regexp.MustCompile(`^[a-z]{1,12}-[0-9a-f]{8,}$`)

func arnService(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return ""
	}
	return parts[2]
}

// eventService is the service part of an event source: "lambda" for
// "lambda.amazonaws.com".
func eventService(source string) string {
	s, _, _ := strings.Cut(source, ".")
	return s
}

// alarmServices are the services the alarmed resources belong to: from
// their ARNs, and from the metric's namespace ("AWS/Lambda" → lambda).
func alarmServices(a sources.Alarm, g sources.ResourceGraph) map[string]bool {
	out := map[string]bool{}
	if ns, ok := strings.CutPrefix(a.Metric.Namespace, "AWS/"); ok {
		out[namespaceServices[ns]] = true
		out[strings.ToLower(ns)] = true
	}
	for _, r := range g.Resources {
		if r.Hops == 0 {
			out[arnService(r.ARN)] = true
		}
	}
	delete(out, "")
	return out
}

// namespaceServices maps the CloudWatch namespaces whose service's API
// (event source) has another name.
var namespaceServices = map[string]string{
	"ApplicationELB": "elasticloadbalancing", "NetworkELB": "elasticloadbalancing", "ELB": "elasticloadbalancing",
	"GatewayELB": "elasticloadbalancing", "EBS": "ec2", "NATGateway": "ec2", "ApiGateway": "apigateway",
	"Events": "events", "States": "states", "Kinesis": "kinesis", "Firehose": "firehose",
}
