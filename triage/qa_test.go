package triage_test

import (
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// The incidents below vary what the other ranking tests keep fixed: naming
// styles and look-alikes, who made the call (assumed roles, pipelines, AWS
// services), where the resource is named, how far before the onset the
// cause is, and alarms with qualifier dimensions. Each must rank its cause
// first and call it likely, or, without a cause, blame nothing.

// asRole is a call made through an assumed role: no userName, the user
// being the session name, as the trail readers report it.
func asRole(roleName, session string, c call) call {
	c.user, c.identity = session, role(roleName, session)
	return c
}

// byService is a call an AWS service made on its own behalf.
func byService(service string, c call) call {
	c.user = service
	c.identity = map[string]any{"type": "AssumedRole", "invokedBy": service,
		"arn": "arn:aws:sts::" + acct + ":assumed-role/AWSServiceRoleFor" + strings.Split(service, ".")[0] + "/" + service}
	return c
}

func TestTriageQAIncidents(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return onset.Add(-d) }
	const (
		vm      = "i-0a1b2c3d4e5f60718"
		vmLong  = "i-0a1b2c3d4e5f607189"
		appSG   = "sg-0aa11bb22cc33dd44"
		dbSG    = "sg-0ee55ff66aa77bb88"
		otherSG = "sg-0123456789abcdef0"
		key     = "1234abcd-12ab-34cd-56ef-1234567890ab"
	)
	alarm := func(ns, metric, comparison string, dims ...string) sources.Alarm {
		a := sources.Alarm{Comparison: comparison, Threshold: 2, ARN: arnOf("cloudwatch", "alarm:x"),
			Metric: sources.MetricSpec{Namespace: ns, Metric: metric}}
		for i := 0; i+1 < len(dims); i += 2 {
			a.Metric.Dims = append(a.Metric.Dims, sources.Dimension{Name: dims[i], Value: dims[i+1]})
		}
		return a
	}
	fnARN := func(name string) string { return arnOf("lambda", "function:"+name) }
	tgARN := arnOf("elasticloadbalancing", "targetgroup/checkout/73e2d6bc24d8a067")
	tagBot := func(at time.Time, c call) call {
		c.at = at
		return asRole("tag-compliance", "tagger", c)
	}
	ec2Tags := func(id string) call {
		return call{name: "CreateTags", source: "ec2.amazonaws.com",
			request: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": id}}}}}
	}
	fnConfig := func(at time.Time, user, fn string, set map[string]any) call {
		req := map[string]any{"functionName": fn}
		for k, v := range set {
			req[k] = v
		}
		return call{at: at, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: user, request: req}
	}
	fnGraph := []sources.Related{node("function", "billing", fnARN("billing"), 0),
		node("role", "team-a-runtime", "arn:aws:iam::"+acct+":role/team-a-runtime", 1)}

	for _, tc := range []struct {
		name  string
		alarm sources.Alarm
		graph []sources.Related // nil: the alarm's own dimensions only
		cause *call             // nil: nothing related changed
		noise []call
	}{
		{"look-alike instance ID sharing the prefix, the ID inside descriptions",
			alarm("AWS/EC2", "CPUUtilization", "GreaterThanThreshold", "InstanceId", vm), nil,
			&call{at: ago(12 * time.Minute), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "alice",
				request: map[string]any{"instanceId": vm, "instanceType": map[string]any{"value": "t3.nano"}}},
			[]call{
				{at: ago(2 * time.Minute), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "bob",
					request: map[string]any{"instanceId": vmLong, "instanceType": map[string]any{"value": "t3.nano"}}},
				{at: ago(3 * time.Minute), name: "ModifyImageAttribute", source: "ec2.amazonaws.com", user: "bob",
					request: map[string]any{"imageId": "ami-0123456789abcdef0", "description": map[string]any{"value": "golden image of " + vm}}},
				{at: ago(time.Minute), name: "PutMetricAlarm", source: "monitoring.amazonaws.com", user: "bob",
					request: map[string]any{"alarmName": "cpu " + vm, "threshold": 90}},
				tagBot(ago(30*time.Second), ec2Tags(vm)),
			}},
		{"instance type change among a tagging bot and a later reboot",
			alarm("AWS/EC2", "StatusCheckFailed", "GreaterThanOrEqualToThreshold", "InstanceId", vm), nil,
			&call{at: ago(8 * time.Minute), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "alice",
				request: map[string]any{"instanceId": vm, "instanceType": map[string]any{"value": "t3.nano"}}},
			[]call{
				{at: ago(9 * time.Minute), name: "StopInstances", source: "ec2.amazonaws.com", user: "alice",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}},
				{at: ago(7 * time.Minute), name: "StartInstances", source: "ec2.amazonaws.com", user: "alice",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}},
				tagBot(ago(time.Minute), ec2Tags(vm)),
				{at: onset.Add(30 * time.Second), name: "RebootInstances", source: "ec2.amazonaws.com", user: "oncall",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}},
			}},
		{"a reboot before the onset does not outweigh the configuration change",
			alarm("AWS/EC2", "CPUUtilization", "GreaterThanThreshold", "InstanceId", vm), nil,
			&call{at: ago(10 * time.Minute), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "alice",
				request: map[string]any{"instanceId": vm, "instanceType": map[string]any{"value": "t3.nano"}}},
			[]call{
				{at: ago(2 * time.Minute), name: "RebootInstances", source: "ec2.amazonaws.com", user: "alice",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}},
				tagBot(ago(time.Minute), ec2Tags(vm)),
			}},
		{"execution role changed through an assumed role; log group and look-alike function changed too",
			alarm("AWS/Lambda", "Errors", "GreaterThanThreshold", "FunctionName", "billing"), fnGraph,
			ptr(asRole("PlatformAdmin", "alice@example.com", call{at: ago(8 * time.Minute), name: "DetachRolePolicy", source: "iam.amazonaws.com",
				request: map[string]any{"roleName": "team-a-runtime", "policyArn": "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"}})),
			[]call{
				{at: ago(2 * time.Minute), name: "PutRetentionPolicy", source: "logs.amazonaws.com", user: "bob",
					request: map[string]any{"logGroupName": "/aws/lambda/billing", "retentionInDays": 7}},
				{at: ago(3 * time.Minute), name: "PutParameter", source: "ssm.amazonaws.com", user: "bob",
					request: map[string]any{"name": "/prod/billing-v2/db-url", "overwrite": true}},
				fnConfig(ago(time.Minute), "bob", "billing-v2", map[string]any{"memorySize": 128}),
				fnConfig(ago(4*time.Minute), "bob", "prod-billing", map[string]any{"timeout": 3}),
				{at: ago(5 * time.Minute), name: "PutRolePolicy", source: "iam.amazonaws.com", user: "bob",
					request: map[string]any{"roleName": "team-a-runtime-old", "policyName": "ddb"}},
				tagBot(ago(30*time.Second), call{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"owner": "a"}}}),
			}},
		{"CloudFormation stack update and the function change it made",
			alarm("AWS/Lambda", "Duration", "GreaterThanThreshold", "FunctionName", "billing"), fnGraph,
			ptr(byService("cloudformation.amazonaws.com", fnConfig(ago(9*time.Minute), "", "billing", map[string]any{"memorySize": 128}))),
			[]call{
				{at: ago(10 * time.Minute), name: "UpdateStack", source: "cloudformation.amazonaws.com", user: "alice",
					request: map[string]any{"stackName": "billing-stack", "templateURL": "https://s3.amazonaws.com/cfn/billing.yaml"}},
				byService("cloudformation.amazonaws.com", call{at: ago(9 * time.Minute), name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"aws:cloudformation:stack-name": "billing-stack"}}}),
				tagBot(ago(time.Minute), call{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"owner": "a"}}}),
			}},
		{"auto scaling scaled in the only target: the AWS service's change is the cause",
			alarm("AWS/ApplicationELB", "HealthyHostCount", "LessThanThreshold", "TargetGroup", "targetgroup/checkout/73e2d6bc24d8a067"),
			[]sources.Related{node("target group", "checkout", tgARN, 0, "targetgroup/checkout/73e2d6bc24d8a067"),
				node("instance", vm, arnOf("ec2", "instance/"+vm), 1), node("asg", "checkout-asg", "", 2)},
			ptr(byService("autoscaling.amazonaws.com", call{at: ago(3 * time.Minute), name: "TerminateInstances", source: "ec2.amazonaws.com",
				request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}})),
			[]call{
				tagBot(ago(time.Minute), ec2Tags(vm)),
				byService("autoscaling.amazonaws.com", call{at: onset.Add(3 * time.Minute), name: "RunInstances", source: "ec2.amazonaws.com",
					request: map[string]any{"instanceType": "t3.small"}, response: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vmLong}}}}}),
			}},
		{"a person's scaling policy, then auto scaling terminating instances",
			alarm("AWS/EC2", "CPUUtilization", "GreaterThanThreshold", "AutoScalingGroupName", "checkout-asg"),
			[]sources.Related{node("asg", "checkout-asg", "", 0), node("instance", vm, arnOf("ec2", "instance/"+vm), 1)},
			&call{at: ago(10 * time.Minute), name: "PutScalingPolicy", source: "autoscaling.amazonaws.com", user: "alice",
				request: map[string]any{"autoScalingGroupName": "checkout-asg", "policyName": "cpu", "targetTrackingConfiguration": map[string]any{"targetValue": 95}}},
			[]call{
				byService("autoscaling.amazonaws.com", call{at: ago(4 * time.Minute), name: "TerminateInstances", source: "ec2.amazonaws.com",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}}),
				tagBot(ago(time.Minute), ec2Tags(vm)),
			}},
		{"another group's rule dropped this instance's group as a peer (nested lists)",
			alarm("AWS/EC2", "StatusCheckFailed", "GreaterThanThreshold", "InstanceId", vm),
			[]sources.Related{node("instance", vm, arnOf("ec2", "instance/"+vm), 0), node("sg", appSG, arnOf("ec2", "security-group/"+appSG), 1)},
			&call{at: ago(7 * time.Minute), name: "RevokeSecurityGroupIngress", source: "ec2.amazonaws.com", user: "alice",
				request: map[string]any{"groupId": dbSG, "ipPermissions": map[string]any{"items": []any{map[string]any{"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
					"groups": map[string]any{"items": []any{map[string]any{"groupId": appSG}}}}}}}},
			[]call{
				{at: ago(2 * time.Minute), name: "AuthorizeSecurityGroupIngress", source: "ec2.amazonaws.com", user: "bob",
					request: map[string]any{"groupId": otherSG, "ipPermissions": map[string]any{"items": []any{map[string]any{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22}}}}},
				tagBot(ago(time.Minute), ec2Tags(vm)),
				tagBot(ago(time.Minute), ec2Tags(appSG)),
			}},
		{"the consumer pointed at another queue through its environment variables",
			alarm("AWS/SQS", "ApproximateAgeOfOldestMessage", "GreaterThanThreshold", "QueueName", "inbound"),
			[]sources.Related{node("queue", "inbound", arnOf("sqs", "inbound"), 0, "https://sqs.eu-west-1.amazonaws.com/"+acct+"/inbound"),
				node("function", "inbound-worker", fnARN("inbound-worker"), 1)},
			ptr(fnConfig(ago(8*time.Minute), "alice", "inbound-worker", map[string]any{"environment": map[string]any{"variables": map[string]any{
				"QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound-v2"}}})),
			[]call{
				{at: ago(time.Minute), name: "TagQueue", source: "sqs.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound", "tags": map[string]any{"a": "b"}}},
				{at: ago(3 * time.Minute), name: "SetQueueAttributes", source: "sqs.amazonaws.com", user: "bob",
					request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound-v2", "attributes": map[string]any{"VisibilityTimeout": "5"}}},
			}},
		{"visibility timeout cut on the queue itself, a purge of a look-alike",
			alarm("AWS/SQS", "ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", "QueueName", "inbound"),
			[]sources.Related{node("queue", "inbound", arnOf("sqs", "inbound"), 0, "https://sqs.eu-west-1.amazonaws.com/"+acct+"/inbound")},
			&call{at: ago(6 * time.Minute), name: "SetQueueAttributes", source: "sqs.amazonaws.com", user: "alice",
				request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound", "attributes": map[string]any{"VisibilityTimeout": "1"}}},
			[]call{
				{at: ago(2 * time.Minute), name: "PurgeQueue", source: "sqs.amazonaws.com", user: "bob",
					request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound-dlq"}},
				{at: ago(time.Minute), name: "SendMessage", source: "sqs.amazonaws.com", user: "app",
					request: map[string]any{"queueUrl": "https://sqs.eu-west-1.amazonaws.com/" + acct + "/inbound"}},
			}},
		{"the cause 28 minutes before the onset, only noise after it",
			alarm("AWS/Lambda", "Throttles", "GreaterThanThreshold", "FunctionName", "billing"), fnGraph,
			&call{at: ago(28 * time.Minute), name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", user: "alice",
				request: map[string]any{"functionName": "billing", "reservedConcurrentExecutions": 1}},
			[]call{
				tagBot(ago(time.Minute), call{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"owner": "a"}}}),
				{at: ago(3 * time.Minute), name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", user: "bob", errorCode: "AccessDeniedException",
					request: map[string]any{"functionName": "billing", "reservedConcurrentExecutions": 100}},
				fnConfig(ago(2*time.Minute), "bob", "billing-canary", map[string]any{"memorySize": 128}),
			}},
		{"reserved concurrency removed by a deploy pipeline role",
			alarm("AWS/Lambda", "Duration", "GreaterThanThreshold", "FunctionName", "billing", "Resource", "billing:live", "ExecutedVersion", "7"), fnGraph,
			ptr(asRole("github-actions-deploy", "gha-run-4821", call{at: ago(5 * time.Minute), name: "DeleteFunctionConcurrency20171031", source: "lambda.amazonaws.com",
				request: map[string]any{"functionName": "billing"}})),
			[]call{
				{at: ago(2 * time.Minute), name: "UpdateAlias20150331", source: "lambda.amazonaws.com", user: "bob",
					request:  map[string]any{"functionName": fnARN("reports"), "name": "live", "functionVersion": "7"},
					response: map[string]any{"aliasArn": fnARN("reports:live"), "functionVersion": "7"}},
				tagBot(ago(time.Minute), call{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"owner": "a"}}}),
			}},
		{"table capacity lowered; the alarm has an Operation dimension",
			alarm("AWS/DynamoDB", "ThrottledRequests", "GreaterThanThreshold", "TableName", "sessions", "Operation", "GetItem"), nil,
			&call{at: ago(6 * time.Minute), name: "UpdateTable", source: "dynamodb.amazonaws.com", user: "alice",
				request: map[string]any{"tableName": "sessions", "provisionedThroughput": map[string]any{"readCapacityUnits": 1, "writeCapacityUnits": 1}}},
			[]call{
				{at: ago(2 * time.Minute), name: "UpdateTable", source: "dynamodb.amazonaws.com", user: "bob",
					request: map[string]any{"tableName": "sessions-archive", "provisionedThroughput": map[string]any{"readCapacityUnits": 1}}},
				{at: ago(time.Minute), name: "TagResource", source: "dynamodb.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"resourceArn": arnOf("dynamodb", "table/sessions")}},
				{at: ago(3 * time.Minute), name: "CreateBackup", source: "dynamodb.amazonaws.com", user: "backup", identity: role("backup-runner", "nightly"),
					request: map[string]any{"tableName": "sessions", "backupName": "nightly"}},
			}},
		{"database instance class changed, a snapshot and a look-alike",
			alarm("AWS/RDS", "CPUUtilization", "GreaterThanThreshold", "DBInstanceIdentifier", "ledger", "DatabaseClass", "db.r5.large"), nil,
			&call{at: ago(14 * time.Minute), name: "ModifyDBInstance", source: "rds.amazonaws.com", user: "alice",
				request: map[string]any{"dBInstanceIdentifier": "ledger", "dBInstanceClass": "db.t3.micro", "applyImmediately": true}},
			[]call{
				{at: ago(2 * time.Minute), name: "ModifyDBInstance", source: "rds.amazonaws.com", user: "bob",
					request: map[string]any{"dBInstanceIdentifier": "ledger-replica", "dBInstanceClass": "db.t3.micro"}},
				{at: ago(time.Minute), name: "CreateDBSnapshot", source: "rds.amazonaws.com", user: "backup", identity: role("backup-runner", "nightly"),
					request: map[string]any{"dBInstanceIdentifier": "ledger", "dBSnapshotIdentifier": "ledger-nightly"}},
			}},
		{"ECS desired count cut",
			alarm("AWS/ECS", "CPUUtilization", "GreaterThanThreshold", "ClusterName", "prod", "ServiceName", "checkout"),
			[]sources.Related{node("ecs service", "prod/checkout", arnOf("ecs", "service/prod/checkout"), 0, "checkout"),
				node("ecs cluster", "prod", arnOf("ecs", "cluster/prod"), 1)},
			&call{at: ago(5 * time.Minute), name: "UpdateService", source: "ecs.amazonaws.com", user: "alice",
				request: map[string]any{"cluster": "prod", "service": "checkout", "desiredCount": 1}},
			[]call{
				{at: ago(2 * time.Minute), name: "UpdateService", source: "ecs.amazonaws.com", user: "bob",
					request: map[string]any{"cluster": "prod", "service": "checkout-worker", "desiredCount": 1}},
				{at: ago(time.Minute), name: "TagResource", source: "ecs.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"resourceArn": arnOf("ecs", "service/prod/checkout")}},
			}},
		{"targets deregistered, healthy hosts drop (LessThan)",
			alarm("AWS/ApplicationELB", "HealthyHostCount", "LessThanThreshold", "TargetGroup", "targetgroup/checkout/73e2d6bc24d8a067", "AvailabilityZone", "eu-west-1a"),
			[]sources.Related{node("target group", "checkout", tgARN, 0, "targetgroup/checkout/73e2d6bc24d8a067")},
			&call{at: ago(4 * time.Minute), name: "DeregisterTargets", source: "elasticloadbalancing.amazonaws.com", user: "alice",
				request: map[string]any{"targetGroupArn": tgARN, "targets": []any{map[string]any{"id": vm}}}},
			[]call{
				{at: ago(time.Minute), name: "AddTags", source: "elasticloadbalancing.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"resourceArns": []any{tgARN}}},
				{at: ago(2 * time.Minute), name: "ModifyTargetGroup", source: "elasticloadbalancing.amazonaws.com", user: "bob",
					request: map[string]any{"targetGroupArn": arnOf("elasticloadbalancing", "targetgroup/checkout-v2/0f0f0f0f0f0f0f0f"), "healthCheckPath": "/x"}},
			}},
		{"our instance deregistered from another target group: a parameter, not the subject",
			alarm("AWS/ApplicationELB", "HealthyHostCount", "LessThanThreshold", "TargetGroup", "targetgroup/checkout/73e2d6bc24d8a067"),
			[]sources.Related{node("target group", "checkout", tgARN, 0, "targetgroup/checkout/73e2d6bc24d8a067"),
				node("instance", vm, arnOf("ec2", "instance/"+vm), 1)},
			&call{at: ago(6 * time.Minute), name: "ModifyTargetGroup", source: "elasticloadbalancing.amazonaws.com", user: "alice",
				request: map[string]any{"targetGroupArn": tgARN, "healthCheckPath": "/deep", "healthyThresholdCount": 10}},
			[]call{
				{at: ago(2 * time.Minute), name: "DeregisterTargets", source: "elasticloadbalancing.amazonaws.com", user: "bob",
					request: map[string]any{"targetGroupArn": arnOf("elasticloadbalancing", "targetgroup/checkout-canary/0f0f0f0f0f0f0f0f"),
						"targets": []any{map[string]any{"id": vm, "port": 80}}}},
			}},
		{"a service scaled up inside the alarmed ECS cluster",
			alarm("AWS/ECS", "CPUReservation", "GreaterThanThreshold", "ClusterName", "prod"),
			[]sources.Related{node("ecs cluster", "prod", arnOf("ecs", "cluster/prod"), 0)},
			&call{at: ago(5 * time.Minute), name: "UpdateService", source: "ecs.amazonaws.com", user: "alice",
				request: map[string]any{"cluster": "prod", "service": "batch", "desiredCount": 40}},
			[]call{
				{at: ago(2 * time.Minute), name: "UpdateService", source: "ecs.amazonaws.com", user: "bob",
					request: map[string]any{"cluster": "staging", "service": "batch", "desiredCount": 40}},
				{at: ago(time.Minute), name: "TagResource", source: "ecs.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"resourceArn": arnOf("ecs", "cluster/prod")}},
			}},
		{"KMS key of the queue disabled",
			alarm("AWS/SQS", "NumberOfMessagesSent", "LessThanThreshold", "QueueName", "inbound"),
			[]sources.Related{node("queue", "inbound", arnOf("sqs", "inbound"), 0), node("kms key", key, arnOf("kms", "key/"+key), 1)},
			&call{at: ago(5 * time.Minute), name: "DisableKey", source: "kms.amazonaws.com", user: "alice", request: map[string]any{"keyId": key}},
			[]call{
				{at: ago(2 * time.Minute), name: "DisableKey", source: "kms.amazonaws.com", user: "bob", request: map[string]any{"keyId": "9999abcd-12ab-34cd-56ef-1234567890ab"}},
				{at: ago(time.Minute), name: "Decrypt", source: "kms.amazonaws.com", user: "app", readOnly: true, request: map[string]any{"keyId": key}},
			}},
		{"no related change: busy unrelated writes, tags, a backup, a failed call and a late fix",
			alarm("AWS/Lambda", "Errors", "GreaterThanThreshold", "FunctionName", "billing"), fnGraph, nil,
			append(busyUnrelated(onset),
				tagBot(ago(time.Minute), call{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
					request: map[string]any{"resource": fnARN("billing"), "tags": map[string]any{"owner": "a"}}}),
				call{at: ago(3 * time.Minute), name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", user: "bob", errorCode: "AccessDeniedException",
					request: map[string]any{"functionName": "billing", "reservedConcurrentExecutions": 0}},
				fnConfig(onset.Add(4*time.Minute), "oncall", "billing", map[string]any{"timeout": 30}),
			)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			graph := tc.graph
			if graph == nil {
				graph = triage.AlarmResources(tc.alarm)
			}
			var events []sources.TrailEvent
			var cause sources.TrailEvent
			if tc.cause != nil {
				cause = tc.cause.event()
				events = append(events, cause)
			}
			for _, n := range tc.noise {
				events = append(events, n.event())
			}
			s := triage.RankSuspects(events, sources.ResourceGraph{Resources: graph}, tc.alarm, onset, onset.Add(time.Minute))
			if tc.cause == nil {
				for _, sp := range s {
					if sp.Likely {
						t.Errorf("blames %s:\n%s", sp.Event.Name, describe(s))
					}
				}
				return
			}
			if len(s) == 0 || s[0].Event.ID != cause.ID || !s[0].Likely {
				t.Errorf("want %s first and likely:\n%s", cause.Name, describe(s))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// busyUnrelated is an account's ordinary writes around an incident: other
// functions, roles, tables and buckets changed by people and machines.
func busyUnrelated(onset time.Time) []call {
	var out []call
	for i := range 60 {
		at := onset.Add(-time.Duration(i*30) * time.Second)
		switch i % 4 {
		case 0:
			out = append(out, call{at: at, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "bob",
				request: map[string]any{"functionName": "billing-report", "memorySize": 256}})
		case 1:
			out = append(out, call{at: at, name: "PutRolePolicy", source: "iam.amazonaws.com", user: "carol",
				request: map[string]any{"roleName": "team-b-runtime", "policyName": "s3"}})
		case 2:
			out = append(out, call{at: at, name: "PutObject", source: "s3.amazonaws.com", user: "etl",
				request: map[string]any{"bucketName": "billing", "key": "exports/billing"}})
		default:
			out = append(out, call{at: at, name: "UpdateTable", source: "dynamodb.amazonaws.com", user: "dan",
				request: map[string]any{"tableName": "billing", "billingMode": "PAY_PER_REQUEST"}})
		}
	}
	return out
}

func TestAlarmResourcesSkipQualifierDimensions(t *testing.T) {
	a := sources.Alarm{Metric: sources.MetricSpec{Dims: []sources.Dimension{{Name: "TableName", Value: "sessions"}, {Name: "Operation", Value: "GetItem"},
		{Name: "AvailabilityZone", Value: "eu-west-1a"}, {Name: "ExecutedVersion", Value: "7"}, {Name: "DatabaseClass", Value: "db.r5.large"}}}}
	var got []string
	for _, r := range triage.AlarmResources(a) {
		got = append(got, r.Label())
	}
	if strings.Join(got, ", ") != "table sessions" {
		t.Errorf("alarmed resources %q, want only the table", got)
	}
}
