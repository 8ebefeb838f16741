package triage

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"watchtrail/sources"
)

// Impact is what kind of change an API call makes, judged from its name
// alone (verb and nouns), so that it holds for services never seen before.
type Impact struct {
	Class  string  // "configuration", "permission", "network", "tagging", ...
	Weight float64 // 1 for changes that break things, down to 0.05
}

// Impact weights: the classes an SRE looks at first weigh 1.
const (
	impactHigh  = 1.0
	impactWrite = 0.6 // other writes: create, start, register, ...
	impactLow   = 0.15
	impactNone  = 0.05 // read-only or failed: changed nothing
)

// apiVersionSuffix is the dated suffix some services append to event names:
// UpdateFunctionConfiguration20150331v2.
var apiVersionSuffix = regexp.MustCompile(`\d{8}(v\d+)?$`)

// ClassifyCall judges the impact of an API call by its name.
func ClassifyCall(name string, readOnly, failed bool) Impact {
	words := camelWords(CallName(name))
	if len(words) == 0 {
		return Impact{"unknown", impactWrite}
	}
	if words[0] == "Batch" && len(words) > 1 { // BatchGetItem, BatchDeleteImage: the verb follows
		words = words[1:]
	}
	verb, has := words[0], func(ws ...string) bool {
		return slices.ContainsFunc(words[1:], func(w string) bool { return slices.Contains(ws, w) })
	}
	switch {
	case failed:
		return Impact{"failed", impactNone}
	case readOnly || slices.Contains(readVerbs, verb):
		return Impact{"read-only", impactNone}
	case verb == "Tag" || verb == "Untag" || has("Tag", "Tags", "Tagging"):
		return Impact{"tagging", impactLow}
	case has("Snapshot", "Snapshots", "Backup", "Backups", "RecoveryPoint") || (verb == "Create" && has("Image")):
		return Impact{"snapshot/backup", impactLow}
	case has("Ingress", "Egress", "Subnet", "Subnets", "Vpc", "Route", "Routes", "Listener", "Listeners",
		"Endpoint", "Gateway", "Address", "Peering", "Dns", "Interface") || hasPair(words, "Record", "Sets") || hasPair(words, "Security", "Group") ||
		hasPair(words, "Security", "Groups") || hasPair(words, "Network", "Acl"):
		return Impact{"network", impactHigh}
	case slices.Contains(restartVerbs, verb):
		return Impact{"restart", impactWrite}
	case has("Capacity", "Scaling", "Scalable", "Concurrency", "Throughput", "Provisioned", "Targets", "Limit", "Limits") ||
		verb == "Stop":
		return Impact{"capacity", impactHigh}
	case has("Policy", "Policies", "Permission", "Permissions", "Grant", "Grants", "Acl", "Key", "Role", "Password", "Profile") ||
		verb == "Revoke" || verb == "Authorize":
		return Impact{"permission", impactHigh}
	case has("Code", "Deployment", "Version", "Alias", "Definition", "Stack", "Image", "Template") || verb == "Deploy" ||
		hasPair(words, "Change", "Set") ||
		(verb == "Update" && has("Service")):
		return Impact{"deploy", impactHigh}
	case slices.Contains(dataVerbs, verb) || has("Object", "Objects", "Item", "Items", "Message", "Messages", "Events", "Record", "Records", "Stream", "Part", "Data"):
		return Impact{"data", impactLow}
	case slices.Contains(deleteVerbs, verb):
		return Impact{"delete", impactHigh}
	case slices.Contains(configVerbs, verb):
		return Impact{"configuration", impactHigh}
	}
	return Impact{"write", impactWrite}
}

var (
	readVerbs = []string{"Describe", "List", "Get", "Head", "Lookup", "Search", "Select", "Scan", "Query", "Check",
		"Validate", "Estimate", "Preview", "Simulate", "Test", "Decode", "Generate", "Filter", "Download", "Poll",
		"Receive", "Assume", "Console", "Verify", "Decrypt", "Encrypt", "Sign"}
	dataVerbs = []string{"Invoke", "Publish", "Upload"}
	// restartVerbs interrupt a resource for a moment but leave nothing
	// changed, so they weigh less than a change that lasts.
	restartVerbs = []string{"Reboot", "Restart"}
	deleteVerbs  = []string{"Delete", "Terminate", "Remove", "Deregister", "Disable", "Detach", "Disassociate", "Cancel", "Purge"}
	configVerbs  = []string{"Modify", "Update", "Put", "Set", "Change", "Reset", "Replace", "Enable", "Apply", "Import",
		"Configure", "Associate", "Attach", "Swap", "Rotate", "Increase", "Decrease", "Restore", "Failover", "Suspend", "Resume"}
)

// camelWords splits "PutRolePolicy" into Put, Role, Policy and keeps runs of
// capitals together: "ModifyDBInstance" → Modify, DB, Instance.
func camelWords(s string) []string {
	var words []string
	runes := []rune(s)
	start := 0
	for i := 1; i <= len(runes); i++ {
		if i < len(runes) && !boundary(runes, i) {
			continue
		}
		if w := strings.TrimFunc(string(runes[start:i]), func(r rune) bool { return !unicode.IsLetter(r) }); w != "" {
			words = append(words, w)
		}
		start = i
	}
	return words
}

func boundary(r []rune, i int) bool {
	upper := unicode.IsUpper(r[i])
	if !upper {
		return !unicode.IsLetter(r[i]) && unicode.IsLetter(r[i-1])
	}
	return !unicode.IsUpper(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))
}

func hasPair(words []string, a, b string) bool {
	for i := 0; i+1 < len(words); i++ {
		if words[i] == a && words[i+1] == b {
			return true
		}
	}
	return false
}

// Actor is who made a call, as far as ranking goes.
type Actor struct {
	Kind   string // "person", "deploy pipeline", "automation", "AWS service", "role"
	Weight float64
}

// classifyActor tells people from machines: an AWS service acting on its
// own, known automation by its user, role or session name (bots, taggers,
// backups, schedulers), deploy pipelines (which make deliberate changes),
// and otherwise a person (IAM user, root, console or SSO session).
func classifyActor(e sources.TrailEvent, d eventDoc) Actor {
	id := d.Identity
	names := camelWords(e.User + " " + id.Session.Issuer.UserName + " " + id.InvokedBy)
	lower := make([]string, len(names))
	for i, w := range names {
		lower[i] = strings.ToLower(w)
	}
	switch {
	case anyToken(lower, deployTokens):
		return Actor{"deploy pipeline", 0.9}
	case id.Type == "AWSService" || (id.InvokedBy != "" && strings.HasSuffix(id.InvokedBy, ".amazonaws.com")):
		// A service acting on its own mostly keeps a desired state
		// (launching, registering, backing up); what it takes away
		// (a scale-in terminating instances) can be the cause itself.
		if words := camelWords(CallName(e.Name)); len(words) > 0 && slices.Contains(deleteVerbs, words[0]) {
			return Actor{"AWS service", 0.5}
		}
		return Actor{"AWS service", 0.25}
	case anyToken(lower, automationTokens) || slices.ContainsFunc(lower, func(w string) bool { return strings.HasSuffix(w, "bot") }):
		return Actor{"automation", 0.4}
	case id.Type == "AssumedRole" && !strings.Contains(e.User, "@") && !strings.HasPrefix(id.Session.Issuer.UserName, "AWSReservedSSO"):
		return Actor{"role", 0.8}
	}
	return Actor{"person", 1}
}

var (
	deployTokens     = []string{"deploy", "deployer", "pipeline", "ci", "cd", "terraform", "cloudformation", "codedeploy", "codepipeline", "codebuild", "github", "gitlab", "jenkins", "spinnaker", "argo", "cdk", "pulumi", "actions"}
	automationTokens = []string{"bot", "automation", "tag", "tagger", "tagging", "tags", "backup", "backups", "snapshot", "snapshots",
		"janitor", "custodian", "compliance", "scanner", "inventory", "scheduler", "cron", "housekeeping", "cleanup", "reaper",
		"monitoring", "monitor", "audit", "autoscaling", "lifecycle", "sync"}
)

func anyToken(words, tokens []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(tokens, w) })
}
