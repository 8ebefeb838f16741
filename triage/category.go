package triage

import (
	"slices"
	"sort"
	"strings"
)

// Category is what a change touches, judged from the call's service, name
// and the names of the parameters it set.
type Category string

// The change categories.
const (
	Permissions   Category = "permissions"    // IAM and resource policies, grants, roles
	Keys          Category = "keys"           // KMS keys, secrets, certificates
	Network       Category = "network path"   // routes, NACLs, security groups, gateways, endpoints, subnets
	Routing       Category = "routing"        // listeners and rules, DNS, targets, weights, aliases, stages, event sources
	Limits        Category = "limits"         // concurrency, provisioned throughput, rate limits, quotas
	Capacity      Category = "capacity"       // scaling, sizes and classes, desired and maximum counts
	Code          Category = "code"           // code, images, task definitions, versions, templates, stacks
	Runtime       Category = "runtime config" // memory, timeout, environment, parameters, queue settings
	HealthChecks  Category = "health checks"
	Lifecycle     Category = "data lifecycle" // TTL, retention, expiration
	Metadata      Category = "metadata"       // tags, descriptions
	Backups       Category = "backups"        // snapshots, backups, images of running machines
	Monitoring    Category = "monitoring"     // alarms, dashboards, metric and log filters
	Data          Category = "data"           // objects, items, messages, records
	Restart       Category = "restart"        // a reboot: an interruption, nothing changed
	Removal       Category = "removal"        // deleted, terminated, stopped, detached, disabled
	Creation      Category = "creation"       // something new created, started or registered
	Configuration Category = "configuration"  // any other change of settings
)

// ClassifyChange judges what a write call changes: first by the nouns of
// its name when they say it (PutFunctionConcurrency, DetachRolePolicy,
// CreateDBSnapshot), then by the parameters it set when the name is generic
// (UpdateFunctionConfiguration with memorySize, UpdateService with
// desiredCount, SetQueueAttributes with VisibilityTimeout), then by its
// verb. name may carry a dated API version (…20150331v2); source is the
// event source (lambda.amazonaws.com); request the requestParameters.
func ClassifyChange(name, source string, request any) Category {
	words := lowerWords(name)
	if len(words) > 1 && words[0] == "batch" {
		words = words[1:]
	}
	if len(words) == 0 {
		return Configuration
	}
	verb, nouns := words[0], words[1:]
	// JSON Patch operations (API Gateway's Update* calls) say what they
	// change in their paths, more precisely than the call's name.
	if paths := patchPaths(request); len(paths) > 0 {
		if c, ok := byKeys(paths); ok {
			return c
		}
		if !slices.ContainsFunc(paths, func(k string) bool { return !naming(k) }) {
			return Metadata
		}
	}
	if c, ok := byNouns(verb, nouns, source); ok {
		return c
	}
	if c, ok := byParameters(request); ok {
		return c
	}
	if describes(request) {
		return Metadata
	}
	switch {
	case slices.Contains(removalWords, verb):
		return Removal
	case slices.Contains(restartWords, verb):
		return Restart
	case slices.Contains(dataWords, verb):
		return Data
	case slices.Contains(creationWords, verb):
		return Creation
	}
	return Configuration
}

var (
	removalWords  = []string{"delete", "terminate", "remove", "deregister", "disable", "detach", "disassociate", "cancel", "purge", "stop", "revoke", "release"}
	restartWords  = []string{"reboot", "restart"}
	dataWords     = []string{"invoke", "send", "upload"}
	creationWords = []string{"create", "start", "register", "run", "launch", "add", "copy", "allocate", "import", "request", "publish"}
)

// byNouns classifies a call whose name says what it changes.
func byNouns(verb string, nouns []string, source string) (Category, bool) {
	has := func(w ...string) bool { return hasAny(nouns, w...) }
	pair := func(a, b string) bool {
		for i := 0; i+1 < len(nouns); i++ {
			if nouns[i] == a && nouns[i+1] == b {
				return true
			}
		}
		return false
	}
	service, _, _ := strings.Cut(source, ".")
	switch {
	case verb == "tag" || verb == "untag" || has("tag", "tags", "tagging", "description", "descriptions", "label", "labels") && !has("ingress", "egress"):
		return Metadata, true
	case has("snapshot", "snapshots", "backup", "backups", "recovery") || verb == "create" && has("image"):
		return Backups, true
	case has("alarm", "alarms", "dashboard", "insight", "insights") || pair("metric", "filter") || pair("subscription", "filter"):
		return Monitoring, true
	case service == "kms" || service == "secretsmanager" || service == "acm" || has("key", "keys", "secret", "certificate", "certificates", "encryption"):
		return Keys, true
	case (has("retention", "lifecycle", "expiration") || pair("time", "to") || has("ttl")) && !has("hook", "hooks"): // an ASG's lifecycle hook is no data lifecycle
		return Lifecycle, true
	case has("health") || pair("health", "check"):
		return HealthChecks, true
	case has("ingress", "egress", "subnet", "subnets", "route", "routes", "vpc", "peering", "gateway", "endpoint", "endpoints", "interface", "address", "addresses") ||
		pair("security", "group") || pair("security", "groups") || pair("network", "acl") || has("firewall"):
		return Network, true
	case has("scaling", "scalable", "capacity", "instances") && verb != "reboot" && verb != "start" && verb != "run":
		return Capacity, true
	case has("concurrency", "throughput", "provisioned", "limit", "limits", "quota", "throttle", "throttling", "plan"):
		return Limits, true
	case has("policy", "policies", "permission", "permissions", "grant", "grants", "role", "roles", "password", "authorizer", "acl", "principal", "trust", "access") ||
		verb == "authorize":
		return Permissions, true
	case has("listener", "listeners", "rule", "rules", "targets", "alias", "stage", "record", "sets", "weight", "weights", "distribution", "failover", "mapping", "subscription", "trigger", "notification", "integration"):
		return Routing, true
	case verb == "publish": // a new version serves nothing until an alias or stage points to it
		return Creation, true
	case verb == "failover":
		return Routing, true
	case has("code", "deployment", "version", "definition", "image", "stack", "template", "layer", "build", "revision") || pair("change", "set") || verb == "deploy":
		return Code, true
	case has("parameter", "parameters", "environment", "configuration") && service != "lambda" && service != "ecs":
		if has("configuration") { // a service's "configuration" call: its parameters say what changed
			return "", false
		}
		return Runtime, true
	case has("object", "objects", "item", "items", "message", "messages", "record", "records", "events", "stream", "part", "data", "log") &&
		!slices.Contains([]string{"modify", "update", "set"}, verb):
		return Data, true
	}
	return "", false
}

// byParameters classifies a generic call (Update…Configuration, Modify…,
// Set…Attributes) by the names of the parameters it set; a call that set
// only names, tags and descriptions changed metadata.
func byParameters(request any) (Category, bool) {
	return byKeys(parameterKeys(request))
}

// byKeys is the category the first rule any of keys matches names.
func byKeys(keys []string) (Category, bool) {
	for _, rule := range parameterRules {
		for _, k := range keys {
			for _, p := range rule.parts {
				if strings.Contains(k, p) {
					return rule.category, true
				}
			}
		}
	}
	return "", false
}

// parameterRules in order: the first category any parameter names wins, so
// the rarer and stronger kinds come first.
var parameterRules = []struct {
	category Category
	parts    []string
}{
	{Network, []string{"securitygroup", "subnet", "vpcconfig", "vpcsecurity", "groupset", "networkconfiguration", "ippermissions", "publicaccess", "networkacl"}},
	{Keys, []string{"kms", "encryption", "certificate", "secret", "ssespecification"}},
	{HealthChecks, []string{"healthcheck", "health"}},
	{Limits, []string{"concurren", "throughput", "capacityunits", "provisioned", "throttl", "ratelimit", "burstlimit", "quota"}},
	{Capacity, []string{"desiredcount", "desiredcapacity", "minsize", "maxsize", "mincapacity", "maxcapacity", "instancetype", "instanceclass",
		"nodetype", "allocatedstorage", "numcachenodes", "shardcount", "replicas", "instancecount", "taskcount"}},
	{Routing, []string{"loadbalancer", "targetgroup", "routingconfig", "weight", "redrive", "functionversion", "deploymentid", "defaultaction", "enabled", "state"}},
	{Code, []string{"definition", "image", "s3key", "zipfile", "codesha", "layers", "handler", "runtime", "userdata", "templatebody", "templateurl", "launchtemplate"}},
	{Permissions, []string{"policy", "role", "permission", "principal", "authoriz"}},
	{Lifecycle, []string{"retention", "ttl", "timetolive", "expir", "lifecycle"}},
	// Termination, stop and deletion protection keep things running; a
	// target group's deregistration delay and slow start only act on a
	// target leaving or joining it.
	{Metadata, []string{"protection", "disableapi", "deregistration_delay", "slow_start"}},
	{Runtime, []string{"memory", "timeout", "environment", "variables", "parameter", "delayseconds", "batchsize", "batchingwindow", "maxconnections",
		"cpu", "ephemeral", "value", "setting", "config", "option", "attribute", "mode", "engineversion", "port"}},
}

// patchPaths are the segments of the paths a request's JSON Patch
// operations ({"op": "replace", "path": "/throttle/rateLimit"}) change, lower
// case: throttle, ratelimit.
func patchPaths(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	for k, ops := range m {
		if !strings.EqualFold(k, "patchOperations") {
			continue
		}
		list, _ := ops.([]any)
		for _, op := range list {
			o, _ := op.(map[string]any)
			path, _ := o["path"].(string)
			for _, seg := range strings.Split(strings.ToLower(path), "/") {
				if seg != "" && seg != "*" && seg != "~1" {
					out = append(out, seg)
				}
			}
		}
	}
	return out
}

// parameterKeys are the keys of a request at any depth, lower case, except
// those that only name the resource, tag it or describe it.
func parameterKeys(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				seen[strings.ToLower(k)] = true
				walk(x)
			}
			// A key/value pair ({"key": "stickiness.enabled", "value": "true"}) sets the setting its key names.
			if k, ok := v["key"].(string); ok && v["value"] != nil {
				seen[strings.ToLower(k)] = true
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	var out []string
	for k := range seen {
		if !naming(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// describes reports whether a request set a description or tags and
// nothing else but names.
func describes(request any) bool {
	m, ok := request.(map[string]any)
	if !ok {
		return false
	}
	found := false
	for k := range m {
		k = strings.ToLower(k)
		if !naming(k) {
			return false
		}
		found = found || strings.HasSuffix(k, "description") || strings.HasPrefix(k, "tag")
	}
	return found
}

// naming reports whether a parameter key only names, tags or describes
// the resource, or wraps values (kmsKeyId names a key the call sets, so
// it is a setting).
func naming(k string) bool {
	if strings.Contains(k, "kms") {
		return false
	}
	if slices.Contains(namingKeys, k) {
		return true
	}
	for _, suffix := range []string{"name", "arn", "id", "identifier", "url", "uuid", "description", "tags", "tagset", "token"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

var namingKeys = []string{"items", "item", "value", "key", "member", "resource", "resources", "resourcesset", "dryrun", "cluster", "service", "function"}
