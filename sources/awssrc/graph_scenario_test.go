package awssrc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/triage"
)

// The scenario suite: for each relation kind, real resources in moto, an
// alarm whose metric leaves its baseline at a known onset, and the trail
// delivered as S3 log files in which the cause hides among noise: a failed
// attempt of the same call, the same call on a look-alike resource, a
// tagging bot writing to the alarmed resource just before the onset, a
// further change after the onset, and hundreds of read-only calls. The
// whole analysis (triage.Run) must rank the cause first and call it the
// likely cause; without the cause it must blame nothing.

// call is one API call as CloudTrail records it.
type call struct {
	name, source string
	request      map[string]any
	response     map[string]any
}

// incident is what a scenario sets up in moto: the alarmed metric and the calls around it.
type incident struct {
	namespace, metric string
	dims              []string       // name, value pairs
	cause             call           // the change that caused it
	lookalike         call           // the same kind of change to a resource unrelated to the alarm
	tagging           call           // a tag write on the alarmed resource
	minor             []call         // more low-impact writes on related resources (backups, snapshots)
	by                map[string]any // who made the cause; alice when nil
	before            time.Duration  // how long before the onset the cause was made; 6 minutes when 0
	falls             bool           // the metric drops at the onset (a LessThan alarm) instead of rising
	// competing is a related change made closer to the onset than the
	// cause, of a kind that explains the symptom less well; minor when it
	// cannot explain it at all (it stays when the cause is left out).
	competing      *call
	competingMinor bool
	routine        *call         // a write a bot makes on a resource every 5 minutes, one of them just before the onset
	breachedFor    time.Duration // the alarm changed state this long after the onset (it was created or edited late); 5 min when 0
	noisy          bool          // the baseline and the excursion are noisy
}

// causeBy is who made the incident's cause and the user the verdict names.
func (inc incident) causeBy() (map[string]any, string) {
	if inc.by == nil {
		return alice, "alice"
	}
	if arn, _ := inc.by["arn"].(string); arn != "" {
		return inc.by, arn[strings.LastIndex(arn, "/")+1:]
	}
	return inc.by, inc.by["invokedBy"].(string)
}

// The people and machines making the calls.
var (
	alice      = identity("IAMUser", "alice")
	bob        = identity("IAMUser", "bob")
	carol      = identity("IAMUser", "carol")
	dave       = identity("IAMUser", "dave")
	tagBot     = identity("AssumedRole", "tagging-bot")
	watcher    = identity("AssumedRole", "monitoring-dashboard")
	fleetAgent = identity("AssumedRole", "fleet-agent")
)

func identity(kind, name string) map[string]any {
	if kind == "AssumedRole" {
		return map[string]any{"type": kind, "arn": "arn:aws:sts::123456789012:assumed-role/" + name + "/session",
			"accountId": trailAccount, "sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": name}}}
	}
	return map[string]any{"type": kind, "userName": name, "arn": "arn:aws:iam::123456789012:user/" + name, "accountId": trailAccount}
}

func ok() map[string]any {
	return map[string]any{"requestId": "00000000-0000-0000-0000-000000000000", "_return": true}
}

func tagsParam() []any { return []any{map[string]any{"key": "cost-center", "value": "4711"}} }

func ingress(group string) map[string]any {
	return map[string]any{"groupId": group, "ipPermissions": map[string]any{"items": []any{map[string]any{
		"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": map[string]any{"items": []any{map[string]any{"cidrIp": "10.0.0.0/16"}}}}}}}
}

func revoke(group string) call {
	return call{name: "RevokeSecurityGroupIngress", source: "ec2.amazonaws.com", request: ingress(group), response: ok()}
}

func detachPolicy(role string) call {
	return call{name: "DetachRolePolicy", source: "iam.amazonaws.com", request: map[string]any{"roleName": role,
		"policyArn": "arn:aws:iam::123456789012:policy/" + role + "-policy"}}
}

func createTags(id string) call {
	return call{name: "CreateTags", source: "ec2.amazonaws.com", response: ok(), request: map[string]any{
		"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": id}}}, "tagSet": map[string]any{"items": tagsParam()}}}
}

var scenarios = []struct {
	name  string
	setup func(t testing.TB, b *motoserver.Builder) incident
}{
	{"instance → security group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("web")
		net := b.Network(name)
		id := b.Instance(net, "")
		other := b.SecurityGroup(net.VPC, name+"-staging")
		return incident{namespace: "AWS/EC2", metric: "StatusCheckFailed", dims: []string{"InstanceId", id},
			cause: revoke(net.SG), lookalike: revoke(other), tagging: createTags(id),
			minor: []call{{name: "CreateSnapshot", source: "ec2.amazonaws.com", request: map[string]any{"volumeId": "vol-0123456789abcdef0",
				"description": "AWS Backup daily"}, response: map[string]any{"snapshotId": "snap-0123456789abcdef0", "status": "pending"}}}}
	}},
	{"instance → subnet → network ACL", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("edge")
		net := b.Network(name)
		id := b.Instance(net, "")
		deny := func(acl string) call {
			return call{name: "ReplaceNetworkAclEntry", source: "ec2.amazonaws.com", response: ok(), request: map[string]any{
				"networkAclId": acl, "ruleNumber": 100, "egress": false, "ruleAction": "deny", "protocol": "6",
				"cidrBlock": "0.0.0.0/0", "portRange": map[string]any{"from": 443, "to": 443}}}
		}
		return incident{namespace: "AWS/EC2", metric: "StatusCheckFailed", dims: []string{"InstanceId", id},
			cause: deny(b.NetworkACL(net.Subnets[0])), lookalike: deny(b.NetworkACL(b.Network(name + "-dr").Subnets[0])), tagging: createTags(id)}
	}},
	{"function → subnet → route table", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("sync")
		net := b.Network(name)
		b.Function(name, b.Role(name+"-exec", "lambda.amazonaws.com"), &net)
		dropRoute := func(table string) call {
			return call{name: "DeleteRoute", source: "ec2.amazonaws.com", response: ok(),
				request: map[string]any{"routeTableId": table, "destinationCidrBlock": "0.0.0.0/0"}}
		}
		return incident{namespace: "AWS/Lambda", metric: "Duration", dims: []string{"FunctionName", name},
			cause: dropRoute(b.MainRouteTable(net.VPC)), lookalike: dropRoute(b.MainRouteTable(b.Network(name + "-dr").VPC)),
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{
				"resource": "arn:aws:lambda:us-east-1:123456789012:function:" + name, "tags": map[string]any{"cost-center": "4711"}}}}
	}},
	{"instance → instance profile role", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("app")
		b.Role(name+"-role", "ec2.amazonaws.com")
		b.Role(name+"-role-old", "ec2.amazonaws.com")
		b.InstanceProfile(name+"-profile", name+"-role")
		id := b.Instance(b.Network(name), name+"-profile")
		return incident{namespace: "AWS/EC2", metric: "CPUUtilization", dims: []string{"InstanceId", id},
			cause: detachPolicy(name + "-role"), lookalike: detachPolicy(name + "-role-old"), tagging: createTags(id)}
	}},
	{"function → execution role", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("orders")
		role := b.Role("svc-"+name+"-exec", "lambda.amazonaws.com")
		fn := b.Function(name, role, nil)
		b.Function(name+"-canary", b.Role("svc-"+name+"-canary", "lambda.amazonaws.com"), nil)
		return incident{namespace: "AWS/Lambda", metric: "Errors", dims: []string{"FunctionName", name},
			cause: detachPolicy("svc-" + name + "-exec"), lookalike: detachPolicy("svc-" + name + "-canary"),
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn,
				"tags": map[string]any{"cost-center": "4711"}}}}
	}},
	{"function → VPC security group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("pay")
		net := b.Network(name)
		fn := b.Function(name, b.Role(name+"-exec", "lambda.amazonaws.com"), &net)
		other := b.SecurityGroup(net.VPC, name+"-batch")
		return incident{namespace: "AWS/Lambda", metric: "Duration", dims: []string{"FunctionName", name, "Resource", name + ":live"},
			cause: revoke(net.SG), lookalike: revoke(other),
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn,
				"tags": map[string]any{"cost-center": "4711"}}}}
	}},
	{"queue → consumer's event source mapping", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("jobs")
		queue := b.Queue(name, b.Queue(name+"-dlq", ""))
		other := b.Queue(name+"-archive", "")
		role := b.Role(name+"-exec", "lambda.amazonaws.com")
		fn := b.Function(name+"-worker", role, nil)
		uuid := b.EventSourceMapping(name+"-worker", queue)
		otherFn := b.Function(name+"-archiver", role, nil)
		otherUUID := b.EventSourceMapping(name+"-archiver", other)
		disable := func(uuid, fn, queue string) call {
			return call{name: "UpdateEventSourceMapping20150331", source: "lambda.amazonaws.com",
				request:  map[string]any{"uUID": uuid, "enabled": false},
				response: map[string]any{"uUID": uuid, "functionArn": fn, "eventSourceArn": queue, "state": "Disabling", "batchSize": 10}}
		}
		url := queueFromARN(queue).Names[0]
		return incident{namespace: "AWS/SQS", metric: "ApproximateAgeOfOldestMessage", dims: []string{"QueueName", name},
			cause: disable(uuid, fn, queue), lookalike: disable(otherUUID, otherFn, other),
			tagging: call{name: "TagQueue", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": url, "tags": map[string]any{"cost-center": "4711"}}}}
	}},
	{"target group → instance → security group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("shop")
		net := b.Network(name)
		lbARN, tgARN := b.LoadBalancer(name, net)
		instSG := b.SecurityGroup(net.VPC, name+"-app")
		other := b.SecurityGroup(net.VPC, name+"-app-staging")
		b.RegisterTarget(tgARN, b.Instance(motoserver.Network{VPC: net.VPC, Subnets: net.Subnets, SG: instSG}, ""))
		return incident{namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount",
			dims:  []string{"TargetGroup", arnOf(tgARN).resource, "LoadBalancer", strings.TrimPrefix(arnOf(lbARN).resource, "loadbalancer/")},
			cause: revoke(instSG), lookalike: revoke(other),
			tagging: call{name: "AddTags", source: "elasticloadbalancing.amazonaws.com", request: map[string]any{"resourceArns": []any{tgARN},
				"tags": tagsParam()}}}
	}},
	{"db → parameter group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("pg")
		b.Database(name, b.Network(name).SG)
		params := func(group string) call {
			return call{name: "ModifyDBParameterGroup", source: "rds.amazonaws.com",
				request: map[string]any{"dBParameterGroupName": group, "parameters": []any{map[string]any{
					"parameterName": "max_connections", "parameterValue": "20", "applyMethod": "immediate"}}},
				response: map[string]any{"dBParameterGroupName": group}}
		}
		dbARN := "arn:aws:rds:us-east-1:123456789012:db:" + name
		return incident{namespace: "AWS/RDS", metric: "DatabaseConnections", dims: []string{"DBInstanceIdentifier", name},
			cause: params(name + "-params"), lookalike: params(name + "-params-v2"),
			tagging: call{name: "AddTagsToResource", source: "rds.amazonaws.com", request: map[string]any{"resourceName": dbARN, "tags": tagsParam()}},
			minor: []call{{name: "CreateDBSnapshot", source: "rds.amazonaws.com", request: map[string]any{"dBInstanceIdentifier": name,
				"dBSnapshotIdentifier": name + "-manual"}, response: map[string]any{"dBSnapshotIdentifier": name + "-manual", "dBInstanceIdentifier": name}}}}
	}},
	{"db → security group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("ledger")
		net := b.Network(name)
		b.Database(name, net.SG)
		return incident{namespace: "AWS/RDS", metric: "ReadLatency", dims: []string{"DBInstanceIdentifier", name},
			cause: revoke(net.SG), lookalike: revoke(b.SecurityGroup(net.VPC, name+"-reporting")),
			tagging: call{name: "AddTagsToResource", source: "rds.amazonaws.com", request: map[string]any{
				"resourceName": "arn:aws:rds:us-east-1:123456789012:db:" + name, "tags": tagsParam()}}}
	}},
	{"table → auto scaling", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("carts")
		b.Table(name)
		b.Table(name + "-archive")
		capAt := func(table string) call {
			return call{name: "RegisterScalableTarget", source: "application-autoscaling.amazonaws.com",
				request: map[string]any{"serviceNamespace": "dynamodb", "resourceId": "table/" + table,
					"scalableDimension": "dynamodb:table:ReadCapacityUnits", "minCapacity": 1, "maxCapacity": 5}}
		}
		return incident{namespace: "AWS/DynamoDB", metric: "ReadThrottleEvents", dims: []string{"TableName", name},
			cause: capAt(name), lookalike: capAt(name + "-archive"),
			tagging: call{name: "TagResource", source: "dynamodb.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/" + name, "tags": tagsParam()}},
			minor: []call{{name: "CreateBackup", source: "dynamodb.amazonaws.com", request: map[string]any{"tableName": name, "backupName": "nightly"}}}}
	}},
	{"ecs service → target group", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("api")
		net := b.Network(name)
		_, tgARN := b.LoadBalancer(name, net)
		_, otherTG := b.LoadBalancer(name+"-v2", net)
		b.ECSService(name+"-cluster", name, b.Role(name+"-task", "ecs-tasks.amazonaws.com"), tgARN)
		healthCheck := func(tg string) call {
			return call{name: "ModifyTargetGroup", source: "elasticloadbalancing.amazonaws.com",
				request: map[string]any{"targetGroupArn": tg, "healthCheckPath": "/healthz"}}
		}
		return incident{namespace: "AWS/ECS", metric: "CPUUtilization", dims: []string{"ClusterName", name + "-cluster", "ServiceName", name},
			cause: healthCheck(tgARN), lookalike: healthCheck(otherTG),
			tagging: call{name: "TagResource", source: "ecs.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:ecs:us-east-1:123456789012:service/" + name + "-cluster/" + name, "tags": tagsParam()}}}
	}},
	{"ecs service → task definition → task role", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("render")
		_, tgARN := b.LoadBalancer(name, b.Network(name))
		b.ECSService(name+"-cluster", name, b.Role(name+"-task", "ecs-tasks.amazonaws.com"), tgARN)
		b.Role(name+"-task-old", "ecs-tasks.amazonaws.com")
		return incident{namespace: "AWS/ECS", metric: "MemoryUtilization", dims: []string{"ClusterName", name + "-cluster", "ServiceName", name},
			cause: detachPolicy(name + "-task"), lookalike: detachPolicy(name + "-task-old"),
			tagging: call{name: "TagResource", source: "ecs.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:ecs:us-east-1:123456789012:service/" + name + "-cluster/" + name, "tags": tagsParam()}}}
	}},
	{"asg → launch template", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("batch")
		net := b.Network(name)
		lt := b.AutoScalingGroup(name, net)
		other := b.AutoScalingGroup(name+"-staging", net)
		newVersion := func(lt string) call {
			return call{name: "CreateLaunchTemplateVersion", source: "ec2.amazonaws.com",
				request: map[string]any{"CreateLaunchTemplateVersionRequest": map[string]any{"LaunchTemplateId": lt,
					"LaunchTemplateData": map[string]any{"InstanceType": "t3.nano"}}},
				response: map[string]any{"CreateLaunchTemplateVersionResponse": map[string]any{"launchTemplateVersion": map[string]any{
					"launchTemplateId": lt, "versionNumber": 2}}}}
		}
		return incident{namespace: "AWS/EC2", metric: "CPUUtilization", dims: []string{"AutoScalingGroupName", name},
			cause: newVersion(lt), lookalike: newVersion(other),
			tagging: call{name: "CreateOrUpdateTags", source: "autoscaling.amazonaws.com", request: map[string]any{"tags": []any{map[string]any{
				"resourceId": name, "resourceType": "auto-scaling-group", "key": "cost-center", "value": "4711", "propagateAtLaunch": true}}}}}
	}},
}

func TestScenarios(t *testing.T) {
	for _, sc := range slices.Concat(scenarios, variedScenarios) {
		t.Run(sc.name, func(t *testing.T) {
			s, bucket := scenarioSource(t)
			inc := sc.setup(t, motoserver.NewBuilder(t, motoserver.Shared(t)))
			msg := runIncident(t, s, bucket, inc, true)
			_, user := inc.causeBy()
			if len(msg.Suspects) == 0 || msg.Suspects[0].Event.ID != "cause" || !msg.Suspects[0].Likely ||
				!strings.HasPrefix(msg.Verdict, "likely cause: "+triage.CallName(inc.cause.name)+" by "+user) {
				t.Errorf("the cause is not the likely cause:\n%s", suspectsText(msg))
			}
		})
	}
}

// TestScenarioNoRelatedChange is the first scenario without its cause: the
// same noise must blame nothing.
func TestScenarioNoRelatedChange(t *testing.T) {
	s, bucket := scenarioSource(t)
	inc := scenarios[0].setup(t, motoserver.NewBuilder(t, motoserver.Shared(t)))
	msg := runIncident(t, s, bucket, inc, false)
	for _, sp := range msg.Suspects {
		if sp.Likely {
			t.Errorf("%s blamed:\n%s", sp.Event.ID, suspectsText(msg))
		}
	}
	if !strings.HasPrefix(msg.Verdict, "no related change in the window") {
		t.Errorf("verdict %q, want no related change", msg.Verdict)
	}
}

// scenarioSource is a Source reading its trail from a fresh bucket on the shared moto server.
func scenarioSource(t *testing.T) (*Source, string) {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	s, _, bucket := motoTrail(t, "")
	return s, bucket
}

// runIncident seeds the incident and runs the analysis as of the alarm's firing.
func runIncident(t *testing.T, s *Source, bucket string, inc incident, withCause bool) triage.Result {
	t.Helper()
	a, opts := seedIncident(t, s, bucket, inc, withCause)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return triage.Run(ctx, s, a, opts)
}

// seedIncident puts the alarm's metric (baseline, then a rise at the onset)
// and the trail around it into moto, and returns the alarm and the options
// that analyse it as of its firing. withCause false leaves the cause out.
func seedIncident(t testing.TB, s *Source, bucket string, inc incident, withCause bool) (sources.Alarm, triage.Options) {
	t.Helper()
	a, records, opts := stageIncident(t, s, inc, withCause)
	deliver(t, s, bucket, records)
	return a, opts
}

// stageIncident puts the alarm's metric into moto and returns the alarm,
// the incident's trail records (the cause's ID is "cause") and the options
// that analyse it once CloudTrail has delivered its window.
func stageIncident(t testing.TB, s *Source, inc incident, withCause bool) (sources.Alarm, []map[string]any, triage.Options) {
	t.Helper()
	fired := scenarioNow().UTC().Truncate(time.Minute)
	onset := fired.Add(-5 * time.Minute)
	if inc.breachedFor > 0 {
		onset = fired.Add(-inc.breachedFor)
	}
	a := sources.Alarm{Name: short("alarm"), State: sources.StateAlarm, Threshold: 50, Comparison: "GreaterThanThreshold",
		StateChanged: fired, ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x",
		Metric: sources.MetricSpec{Namespace: inc.namespace, Metric: inc.metric, Stat: "Average", Period: time.Minute}}
	if inc.falls {
		a.Comparison, a.Threshold = "LessThanThreshold", 5
	}
	for i := 0; i+1 < len(inc.dims); i += 2 {
		a.Metric.Dims = append(a.Metric.Dims, sources.Dimension{Name: inc.dims[i], Value: inc.dims[i+1]})
	}
	for at := onset.Add(-30 * time.Minute); !at.After(fired); at = at.Add(time.Minute) {
		putMetric(t, s, inc.namespace, inc.metric, a.Metric.Dims, at, incidentValue(inc, at, onset))
	}

	event := func(id string, at time.Time, who map[string]any, c call, extra map[string]any) map[string]any {
		fields := map[string]any{"readOnly": false, "userIdentity": who, "requestParameters": c.request, "responseElements": c.response}
		for k, v := range extra {
			fields[k] = v
		}
		return trailRecord(id, at, c.name, c.source, fields)
	}
	records := []map[string]any{
		event("failed", onset.Add(-9*time.Minute), bob, inc.cause, map[string]any{"errorCode": "AccessDenied",
			"errorMessage": "User: bob is not authorized to perform this operation", "responseElements": nil}),
		event("lookalike", onset.Add(-3*time.Minute), carol, inc.lookalike, nil),
		event("tagging", onset.Add(-1*time.Minute), tagBot, inc.tagging, nil),
		event("after", onset.Add(2*time.Minute), dave, inc.cause, nil),
	}
	if c := inc.competing; c != nil && (withCause || inc.competingMinor) {
		records = append(records, event("competing", onset.Add(-2*time.Minute), alice, *c, nil))
	}
	if c := inc.routine; c != nil {
		for i := range 18 {
			at := onset.Add(-time.Minute - time.Duration(i)*5*time.Minute + time.Duration(i%3)*4*time.Second)
			records = append(records, event(fmt.Sprintf("routine-%d", i), at, fleetAgent, *c, nil))
		}
		records = append(records, event("routine-after", onset.Add(4*time.Minute), fleetAgent, *c, nil))
	}
	if withCause {
		before, who := inc.before, map[string]any(nil)
		if before == 0 {
			before = 6 * time.Minute
		}
		who, _ = inc.causeBy()
		records = append(records, event("cause", onset.Add(-before), who, inc.cause, nil))
	}
	for i := range 25 { // the busy rest of the account: the look-alike change, again and again
		records = append(records, event(fmt.Sprintf("busy-%d", i), onset.Add(-time.Duration(i+4)*time.Minute), carol, inc.lookalike, nil))
	}
	for i, c := range inc.minor {
		records = append(records, event(fmt.Sprintf("minor-%d", i), onset.Add(-2*time.Minute), tagBot, c, nil))
	}
	for i := range 300 { // read-only calls over the window, some on the same resources
		c := inc.cause
		c.name = "Describe" + strings.TrimPrefix(strings.TrimPrefix(c.name, "Modify"), "Update")
		records = append(records, event(fmt.Sprintf("read-%d", i), fired.Add(-time.Duration(i*7)*time.Second), watcher, c,
			map[string]any{"readOnly": true}))
	}
	return a, records, triage.Options{Now: fired.Add(sources.CloudTrailLag + time.Minute), At: fired} // the window delivered
}

// incidentValue is the alarm's metric at a moment: a baseline of 10–12
// (noisy: 5–35 with rare spikes to 45), beyond the threshold of 50 from
// the onset on (90, noisy: 75–115 with rare dips to 45 from its third
// minute), or falling to 1.
func incidentValue(inc incident, at, onset time.Time) float64 {
	m := at.Minute()
	after := !at.Before(onset)
	switch {
	case after && inc.falls:
		return 1
	case after && inc.noisy && m%11 == 3 && at.Sub(onset) >= 2*time.Minute: // a dip at the onset would move it
		return 45
	case after && inc.noisy:
		return 75 + float64((m*37)%41)
	case after:
		return 90
	case inc.noisy && m%13 == 5:
		return 45
	case inc.noisy:
		return 5 + float64((m*29)%31)
	}
	return 10 + float64(m%3)
}

// scenarioNow is when a scenario's alarm fires (sweeps move it).
var scenarioNow = time.Now

// deliver writes records as CloudTrail does: one gzipped file per five
// minutes of event time, delivered at the end of those five minutes.
func deliver(t testing.TB, s *Source, bucket string, records []map[string]any) {
	t.Helper()
	files := map[time.Time][]map[string]any{}
	for _, r := range records {
		at, err := time.Parse(time.RFC3339, r["eventTime"].(string))
		if err != nil {
			t.Fatal(err)
		}
		slot := at.Truncate(5 * time.Minute).Add(5 * time.Minute)
		files[slot] = append(files[slot], r)
	}
	for slot, rs := range files {
		putObject(t, s, bucket, trailKeyFor("AWSLogs/", "us-east-1", slot, fmt.Sprintf("%016d", slot.Unix())), gzipRecords(t, rs...))
	}
}

func suspectsText(m triage.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s\nonset: %v (found %v), errors: %v\n", m.Verdict, m.Onset.Time, m.Onset.Found, m.Errors)
	for i, s := range m.Suspects {
		fmt.Fprintf(&b, "%d. %-9s %-28s %-10s likely=%v score=%.2f hops=%d %s — %s\n", i+1, s.Event.ID, s.Event.Name, s.Event.User,
			s.Likely, s.Score, s.Hops, s.Relation, s.Reason)
	}
	b.WriteString(graphText(m.Graph))
	return b.String()
}

// BenchmarkTriageScenario measures the whole analysis of the first
// scenario against moto (graph discovery, trail files, metric, logs), each
// time with a new Source, so nothing is cached.
func BenchmarkTriageScenario(b *testing.B) {
	endpoint := motoserver.Shared(b)
	b.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	newSource := func(bucket string) *Source {
		s := New(motoserver.Config(), endpoint)
		if err := s.UseTrailBucket("s3://" + bucket); err != nil {
			b.Fatal(err)
		}
		return s
	}
	bucket := short("bench-trail")
	s := newSource(bucket)
	if _, err := s.s3trail.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		b.Fatal(err)
	}
	a, opts := seedIncident(b, s, bucket, scenarios[0].setup(b, motoserver.NewBuilder(b, endpoint)), true)
	b.ResetTimer()
	for range b.N {
		msg := triage.Run(context.Background(), newSource(bucket), a, opts)
		if len(msg.Suspects) == 0 || msg.Suspects[0].Event.ID != "cause" {
			b.Fatalf("wrong ranking:\n%s", suspectsText(msg))
		}
	}
}
