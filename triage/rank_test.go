package triage_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

const acct = "111122223333"

// call is a CloudTrail event in the shape the readers produce, with its
// record document.
type call struct {
	at                 time.Time
	name, source, user string
	identity           map[string]any
	request, response  map[string]any
	resources          []string
	errorCode          string
	readOnly           bool
}

var ids int

func (c call) event() sources.TrailEvent {
	ids++
	identity := c.identity
	if identity == nil {
		identity = map[string]any{"type": "IAMUser", "userName": c.user, "arn": "arn:aws:iam::" + acct + ":user/" + c.user}
	}
	doc, _ := json.Marshal(map[string]any{"eventName": c.name, "eventSource": c.source, "userIdentity": identity,
		"requestParameters": c.request, "responseElements": c.response, "errorCode": c.errorCode, "readOnly": c.readOnly})
	return sources.TrailEvent{ID: fmt.Sprintf("ev-%d", ids), Time: c.at, Name: c.name, Source: c.source, User: c.user,
		Resources: c.resources, ErrorCode: c.errorCode, ReadOnly: c.readOnly, JSON: string(doc)}
}

func role(name, session string) map[string]any {
	return map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::" + acct + ":assumed-role/" + name + "/" + session,
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": name}}}
}

// lambdaGraph: the function orders-fn, its execution role and the queue it
// consumes (one hop), and the queue's dead-letter queue (two hops).
func lambdaGraph() (sources.Alarm, sources.ResourceGraph) {
	a := sources.Alarm{Name: "orders-fn-errors", Comparison: "GreaterThanThreshold", Threshold: 5,
		ARN:    "arn:aws:cloudwatch:eu-west-1:" + acct + ":alarm:orders-fn-errors",
		Metric: sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors", Dims: []sources.Dimension{{Name: "FunctionName", Value: "orders-fn"}}}}
	fn := sources.Resource{Kind: "function", ID: "orders-fn", ARN: "arn:aws:lambda:eu-west-1:" + acct + ":function:orders-fn"}
	roleRes := sources.Resource{Kind: "role", ID: "svc-ord-exec", ARN: "arn:aws:iam::" + acct + ":role/svc-ord-exec"}
	queue := sources.Resource{Kind: "queue", ID: "orders-q", ARN: "arn:aws:sqs:eu-west-1:" + acct + ":orders-q",
		Names: []string{"https://sqs.eu-west-1.amazonaws.com/" + acct + "/orders-q"}}
	dlq := sources.Resource{Kind: "queue", ID: "orders-dlq", ARN: "arn:aws:sqs:eu-west-1:" + acct + ":orders-dlq"}
	return a, sources.ResourceGraph{Resources: []sources.Related{
		{Resource: fn, Path: []string{fn.Label()}},
		{Resource: roleRes, Hops: 1, Path: []string{fn.ID, roleRes.Label()}},
		{Resource: queue, Hops: 1, Path: []string{fn.ID, queue.Label()}},
		{Resource: dlq, Hops: 2, Path: []string{fn.ID, queue.Label(), dlq.Label()}},
	}}
}

// noisyIncident hides cause among the noise an account makes around an
// incident: a tagging bot on the alarmed function, a backup, look-alike
// resources, a failed call, a change after the onset and hundreds of reads.
func noisyIncident(onset time.Time, cause ...call) []sources.TrailEvent {
	min := func(m float64) time.Time { return onset.Add(time.Duration(m * float64(time.Minute))) }
	fnARN := "arn:aws:lambda:eu-west-1:" + acct + ":function:orders-fn"
	calls := append(cause,
		call{at: min(-1), name: "TagResource20170331", source: "lambda.amazonaws.com", user: "tag-bot", identity: role("auto-tagger", "tag-bot"),
			request: map[string]any{"resource": fnARN, "tags": map[string]any{"cost-center": "orders"}}},
		call{at: min(-0.5), name: "CreateTags", source: "ec2.amazonaws.com", user: "tag-bot", identity: role("auto-tagger", "tag-bot"),
			request: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": "orders-fn"}}}}},
		call{at: min(-2), name: "PublishVersion20150331", source: "lambda.amazonaws.com", user: "backup", identity: map[string]any{"type": "AWSService", "invokedBy": "backup.amazonaws.com"},
			request: map[string]any{"functionName": "orders-fn", "description": "nightly snapshot"}},
		call{at: min(-3), name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "mallory",
			request: map[string]any{"functionName": "orders-fn-canary", "memorySize": 128}},
		call{at: min(-4), name: "DeleteRolePolicy", source: "iam.amazonaws.com", user: "mallory",
			request: map[string]any{"roleName": "svc-ord-exec-old", "policyName": "sqs"}},
		call{at: min(-1.5), name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", user: "erin", errorCode: "AccessDenied",
			request: map[string]any{"functionName": "orders-fn", "reservedConcurrentExecutions": 0}},
		call{at: min(3), name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "oncall",
			request: map[string]any{"functionName": "orders-fn", "timeout": 30}},
		call{at: min(-20), name: "PutObject", source: "s3.amazonaws.com", user: "carol",
			request: map[string]any{"bucketName": "orders-fn", "key": "exports/x.csv"}},
	)
	var out []sources.TrailEvent
	for _, c := range calls {
		out = append(out, c.event())
	}
	for i := 0; i < 300; i++ {
		out = append(out, call{at: min(-25 + float64(i)/10), name: "GetFunction20150331v2", source: "lambda.amazonaws.com", user: "grafana",
			identity: role("monitoring", "grafana"), readOnly: true, request: map[string]any{"functionName": "orders-fn"}}.event())
	}
	return out
}

func TestRankingPutsTheRelatedCauseFirstAmongNoise(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	for _, tc := range []struct {
		name     string
		cause    call
		relation string
		change   string
	}{
		{"execution role policy detached (one hop)", call{at: onset.Add(-6 * time.Minute), name: "DetachRolePolicy", source: "iam.amazonaws.com", user: "bob",
			request: map[string]any{"roleName": "svc-ord-exec", "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"}},
			"orders-fn → role svc-ord-exec", "policyArn → arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"},
		{"consumer disabled, named only in the response", call{at: onset.Add(-9 * time.Minute), name: "UpdateEventSourceMapping20150331", source: "lambda.amazonaws.com", user: "bob",
			request:  map[string]any{"uUID": "6a1b2c3d", "enabled": false},
			response: map[string]any{"uUID": "6a1b2c3d", "state": "Disabling", "eventSourceArn": "arn:aws:sqs:eu-west-1:" + acct + ":orders-q"}},
			"orders-fn → queue orders-q", "enabled → false, uUID → 6a1b2c3d"},
		{"dead-letter queue's access policy replaced (two hops)", call{at: onset.Add(-4 * time.Minute), name: "SetQueueAttributes", source: "sqs.amazonaws.com", user: "dan",
			request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/orders-dlq", "attributes": map[string]any{"Policy": "deny-all"}}},
			"orders-fn → queue orders-q → queue orders-dlq", "Policy → deny-all"},
	} {
		cause := tc.cause.event()
		events := append([]sources.TrailEvent{cause}, noisyIncident(onset)...)
		suspects := triage.RankSuspects(events, g, a, onset, onset.Add(time.Minute))
		if len(suspects) == 0 || suspects[0].Event.ID != cause.ID || !suspects[0].Likely {
			t.Errorf("%s: suspects\n%s\nwant %s first and likely", tc.name, describe(suspects), cause.Name)
			continue
		}
		if s := suspects[0]; s.Relation != tc.relation || s.Change != tc.change || s.Reason == "" {
			t.Errorf("%s: relation %q change %q reason %q, want %q and %q", tc.name, s.Relation, s.Change, s.Reason, tc.relation, tc.change)
		}
		for i, s := range suspects {
			if s.Event.ReadOnly || strings.HasPrefix(s.Event.Name, "DeleteRolePolicy") || s.Event.Name == "PutObject" {
				t.Errorf("%s: %s (%s) is not a suspect: read-only or unrelated", tc.name, s.Event.Name, s.Relation)
			}
			if i > 0 && s.Likely {
				t.Errorf("%s: more than one likely cause", tc.name)
			}
		}
	}
}

func TestNoRelatedChangeBlamesNothing(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	var events []sources.TrailEvent
	for _, e := range noisyIncident(onset) {
		// Keep what touches nothing of the graph, and the reads.
		if e.ReadOnly || strings.Contains(e.JSON, "canary") || strings.Contains(e.JSON, "-old") || e.Name == "PutObject" {
			events = append(events, e)
		}
	}
	suspects := triage.RankSuspects(events, g, a, onset, onset.Add(time.Minute))
	verdict := triage.Verdict(suspects, len(events))
	if !strings.HasPrefix(verdict, "no related change in the window") {
		t.Errorf("verdict %q, want no related change", verdict)
	}
	for _, s := range suspects {
		if s.Likely || s.Hops >= 0 {
			t.Errorf("blamed %s (%s)", s.Event.Name, s.Relation)
		}
	}
}

func TestOnlyTagsFailuresAndLateChangesBlameNothing(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	var events []sources.TrailEvent
	for _, e := range noisyIncident(onset) {
		if e.User == "tag-bot" || e.Failed() || e.User == "oncall" || e.ReadOnly {
			events = append(events, e)
		}
	}
	suspects := triage.RankSuspects(events, g, a, onset, onset.Add(time.Minute))
	verdict := triage.Verdict(suspects, len(events))
	if len(suspects) != 3 || suspects[0].Likely || !strings.HasPrefix(verdict, "no related change in the window that could explain it (3 minor, routine or late") {
		t.Errorf("verdict %q for\n%s", verdict, describe(suspects))
	}
}

func TestNoiseAloneIsNeverTheLikelyCause(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	suspects := triage.RankSuspects(noisyIncident(onset), g, a, onset, onset.Add(time.Minute))
	if len(suspects) == 0 || suspects[0].Likely {
		t.Fatalf("tags, a service's version, a failed call and a late change must not be called the cause:\n%s", describe(suspects))
	}
	if v := triage.Verdict(suspects, 0); !strings.HasPrefix(v, "no related change in the window that could explain it") {
		t.Errorf("verdict %q", v)
	}
}

func TestTwoEquallyStrongChangesBlameNeither(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	update := func(user string, at time.Time) sources.TrailEvent {
		return call{at: at, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: user,
			request: map[string]any{"functionName": "orders-fn", "memorySize": 256}}.event()
	}
	suspects := triage.RankSuspects([]sources.TrailEvent{update("ann", onset.Add(-2*time.Minute)), update("ben", onset.Add(-90*time.Second))}, g, a, onset, onset)
	if len(suspects) != 2 || suspects[0].Likely {
		t.Errorf("two near-identical changes: %s", describe(suspects))
	}
}

func TestChangeSummaryShowsTheOldValue(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	set := func(at time.Time, memory int) sources.TrailEvent {
		return call{at: at, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "ann",
			request:  map[string]any{"functionName": "orders-fn", "memorySize": memory},
			response: map[string]any{"functionName": "orders-fn", "memorySize": memory, "timeout": 30}}.event()
	}
	suspects := triage.RankSuspects([]sources.TrailEvent{set(onset.Add(-25*time.Minute), 1024), set(onset.Add(-time.Minute), 128)}, g, a, onset, onset)
	if len(suspects) != 2 || suspects[0].Change != "memorySize 1024 → 128" {
		t.Errorf("suspects %s, want the later change first as memorySize 1024 → 128", describe(suspects))
	}
	const vm = "i-0a1b2c3d4e5f67890"
	cpu := sources.Alarm{Metric: sources.MetricSpec{Namespace: "AWS/EC2", Metric: "StatusCheckFailed", Dims: []sources.Dimension{{Name: "InstanceId", Value: vm}}}}
	ec2 := call{at: onset, name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "ann",
		request: map[string]any{"instanceId": vm, "instanceType": map[string]any{"value": "t3.nano"}}}.event()
	vmGraph := sources.ResourceGraph{Resources: triage.AlarmResources(cpu)}
	if s := triage.RankSuspects([]sources.TrailEvent{ec2}, vmGraph, cpu, onset, onset); len(s) != 1 || s[0].Change != "instanceType → t3.nano" {
		t.Errorf("EC2's wrapped value: %s", describe(s))
	}
}

func TestNamesResource(t *testing.T) {
	for _, tc := range []struct {
		value, id string
		want      bool
	}{
		{"web", "web", true},
		{"web-canary", "web", false},
		{"my-web", "web", false},
		{"arn:aws:lambda:eu-west-1:1:function:web", "web", true},
		{"arn:aws:lambda:eu-west-1:1:function:web:prod", "web", true},
		{"arn:aws:lambda:eu-west-1:1:function:web-canary:prod", "web", false},
		{"arn:aws:iam::1:role/service-role/web", "web", true},
		{"arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/prod-web/50dc", "app/prod-web/50dc", true},
		{"https://sqs.eu-west-1.amazonaws.com/1/orders-q", "orders-q", true},
		{"the web tier", "web", false},
		{"", "web", false},
		{"web", "", false},
	} {
		if got := sources.NamesResource(tc.value, tc.id); got != tc.want {
			t.Errorf("NamesResource(%q, %q) = %v", tc.value, tc.id, got)
		}
	}
}

func describe(suspects []triage.Suspect) string {
	var b strings.Builder
	for i, s := range suspects {
		fmt.Fprintf(&b, "%d. %.3f %s %s by %s [%s] %s\n", i+1, s.Score, s.Event.Time.Format("15:04:05"), s.Event.Name, s.Event.User, s.Relation, s.Reason)
	}
	return b.String()
}

func TestActingOnARelatedResourceBeatsMentioningIt(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const vm, sg, other = "i-0a1b2c3d4e5f67890", "sg-0123456789abcdef0", "sg-0fedcba9876543210"
	a := sources.Alarm{Comparison: "GreaterThanThreshold", Metric: sources.MetricSpec{Namespace: "AWS/EC2", Metric: "StatusCheckFailed", Dims: []sources.Dimension{{Name: "InstanceId", Value: vm}}}}
	g := sources.ResourceGraph{Resources: append(triage.AlarmResources(a),
		sources.Related{Resource: sources.Resource{Kind: "sg", ID: sg, ARN: "arn:aws:ec2:eu-west-1:" + acct + ":security-group/" + sg}, Hops: 1, Path: []string{"instance " + vm, "sg " + sg}})}
	rule := func(name, group, peer string, at time.Time) sources.TrailEvent {
		return call{at: at, name: name, source: "ec2.amazonaws.com", user: "ann", request: map[string]any{"groupId": group,
			"ipPermissions": map[string]any{"items": []any{map[string]any{"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
				"groups": map[string]any{"items": []any{map[string]any{"groupId": peer}}}}}}}}.event()
	}
	// Opening another group to this one is later, so closer to the onset,
	// but only mentions the instance's group.
	peer := rule("AuthorizeSecurityGroupIngress", other, sg, onset.Add(-time.Minute))
	cause := rule("RevokeSecurityGroupIngress", sg, other, onset.Add(-2*time.Minute))
	s := triage.RankSuspects([]sources.TrailEvent{peer, cause}, g, a, onset, onset)
	if len(s) != 2 || s[0].Event.ID != cause.ID || !strings.Contains(s[0].Reason, "network path change can cause unhealthy hosts; on sg "+sg) ||
		!strings.Contains(s[1].Reason, "network path change can cause unhealthy hosts; mentioning sg "+sg) {
		t.Errorf("suspects\n%s", describe(s))
	}
}

func TestAChangeLateInTheOnsetPeriodLosesToOneBeforeIt(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, g := lambdaGraph()
	update := func(user string, at time.Time) sources.TrailEvent {
		return call{at: at, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: user,
			request: map[string]any{"functionName": "orders-fn", "timeout": 3}}.event()
	}
	for _, period := range []time.Duration{time.Minute, 5 * time.Minute} {
		cause, late := update("ann", onset.Add(-3*time.Minute)), update("ben", onset.Add(period*9/10))
		s := triage.RankSuspects([]sources.TrailEvent{late, cause}, g, a, onset, onset.Add(period))
		if len(s) != 2 || s[0].Event.ID != cause.ID || s[1].Late {
			t.Errorf("period %v: want ann's change before the onset first, ben's within the period not marked late:\n%s", period, describe(s))
		}
	}
}
