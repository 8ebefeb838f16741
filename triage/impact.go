package triage

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"watchtrail/sources"
)

// Impact is what a change touched (its Category, or "failed",
// "read-only") and how well that explains the alarm's symptom (see
// Plausibility).
type Impact struct {
	Class  string  // "permissions", "network path", "limits", "metadata", ..., "failed", "read-only"
	Weight float64 // 1 for a change that fits the symptom, down to 0.05
}

// Impact weights.
const (
	impactWrite = 0.6  // below this a change is minor: it cannot well explain the symptom
	impactNone  = 0.05 // read-only or failed: changed nothing
)

// apiVersionSuffix is the dated suffix some services append to event names:
// UpdateFunctionConfiguration20150331v2.
var apiVersionSuffix = regexp.MustCompile(`\d{8}(v\d+)?$`)

var (
	readVerbs = []string{"Describe", "List", "Get", "Head", "Lookup", "Search", "Select", "Scan", "Query", "Check",
		"Validate", "Estimate", "Preview", "Simulate", "Test", "Decode", "Generate", "Filter", "Download", "Poll",
		"Receive", "Assume", "Console", "Verify", "Decrypt", "Encrypt", "Sign"}
	deleteVerbs = []string{"Delete", "Terminate", "Remove", "Deregister", "Disable", "Detach", "Disassociate", "Cancel", "Purge"}
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
