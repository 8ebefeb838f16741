package triage_test

import (
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// node is a resource as discovery reports it, hops away from the alarmed one.
func node(kind, id, arn string, hops int, names ...string) sources.Related {
	r := sources.Resource{Kind: kind, ID: id, ARN: arn, Names: names}
	return sources.Related{Resource: r, Hops: hops, Path: []string{r.Label()}}
}

func arnOf(service, resource string) string {
	return "arn:aws:" + service + ":eu-west-1:" + acct + ":" + resource
}

// TestRankingAcrossRelationKinds hides the cause of an incident on each
// kind of relation among noise on the alarmed resource itself: a person's
// or a bot's tags, a backup, a failed call, a fix after the onset.
func TestRankingAcrossRelationKinds(t *testing.T) {
	onset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return onset.Add(-d) }
	const vm, asg, db = "i-0f1e2d3c4b5a69788", "shop-asg", "shop-db"
	alarm := func(ns, dim, value string) sources.Alarm {
		return sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 80,
			Metric: sources.MetricSpec{Namespace: ns, Metric: "M", Dims: []sources.Dimension{{Name: dim, Value: value}}}}
	}
	for _, tc := range []struct {
		name  string
		alarm sources.Alarm
		graph []sources.Related
		cause call
		noise []call
	}{
		{"instance type changed, tags on the instance", alarm("AWS/EC2", "InstanceId", vm),
			[]sources.Related{node("instance", vm, arnOf("ec2", "instance/"+vm), 0)},
			call{at: ago(12 * time.Minute), name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", user: "ivan",
				request: map[string]any{"instanceId": vm, "instanceType": map[string]any{"value": "t3.nano"}}},
			[]call{
				{at: ago(time.Minute), name: "CreateTags", source: "ec2.amazonaws.com", user: "tagger", identity: role("tag-compliance", "tagger"),
					request: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": vm}}}}},
				{at: ago(2 * time.Minute), name: "CreateTags", source: "ec2.amazonaws.com", user: "ivan",
					request: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": vm}}}}},
				{at: ago(3 * time.Minute), name: "StopInstances", source: "ec2.amazonaws.com", user: "ivan", errorCode: "UnauthorizedOperation",
					request: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": vm}}}}},
			}},
		{"capacity cut on the auto scaling group", alarm("AWS/EC2", "InstanceId", vm),
			[]sources.Related{node("instance", vm, arnOf("ec2", "instance/"+vm), 0),
				node("asg", asg, arnOf("autoscaling", "autoScalingGroup:1f2e:autoScalingGroupName/"+asg), 1)},
			call{at: ago(8 * time.Minute), name: "SetDesiredCapacity", source: "autoscaling.amazonaws.com", user: "judy",
				request: map[string]any{"autoScalingGroupName": asg, "desiredCapacity": 1, "honorCooldown": false}},
			[]call{
				{at: ago(30 * time.Second), name: "CreateTags", source: "ec2.amazonaws.com", user: "judy",
					request: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": vm}}}}},
				{at: ago(4 * time.Minute), name: "CreateSnapshot", source: "ec2.amazonaws.com", user: "backup", identity: map[string]any{"type": "AWSService", "invokedBy": "backup.amazonaws.com"},
					request: map[string]any{"volumeId": "vol-0123456789abcdef0"}, response: map[string]any{"instanceId": vm}},
				{at: onset.Add(2 * time.Minute), name: "UpdateAutoScalingGroup", source: "autoscaling.amazonaws.com", user: "judy",
					request: map[string]any{"autoScalingGroupName": asg, "desiredCapacity": 4}},
			}},
		{"database parameter group changed, snapshot of the database", alarm("AWS/RDS", "DBInstanceIdentifier", db),
			[]sources.Related{node("db", db, arnOf("rds", "db:"+db), 0), node("parameter group", "shop-pg", arnOf("rds", "pg:shop-pg"), 1)},
			call{at: ago(15 * time.Minute), name: "ModifyDBParameterGroup", source: "rds.amazonaws.com", user: "kim",
				request: map[string]any{"dBParameterGroupName": "shop-pg", "parameters": []any{map[string]any{"parameterName": "max_connections", "parameterValue": "20"}}}},
			[]call{
				{at: ago(time.Minute), name: "CreateDBSnapshot", source: "rds.amazonaws.com", user: "nightly-backup", identity: role("backup-runner", "nightly-backup"),
					request: map[string]any{"dBInstanceIdentifier": db, "dBSnapshotIdentifier": "shop-db-nightly"}},
				{at: ago(2 * time.Minute), name: "AddTagsToResource", source: "rds.amazonaws.com", user: "kim",
					request: map[string]any{"resourceName": arnOf("rds", "db:"+db)}},
				{at: ago(3 * time.Minute), name: "ModifyDBParameterGroup", source: "rds.amazonaws.com", user: "kim",
					request: map[string]any{"dBParameterGroupName": "shop-pg-staging", "parameters": []any{}}},
				{at: ago(5 * time.Minute), name: "RebootDBInstance", source: "rds.amazonaws.com", user: "kim", errorCode: "InvalidDBInstanceState",
					request: map[string]any{"dBInstanceIdentifier": db}},
			}},
		{"table autoscaling lowered, tags on the table", alarm("AWS/DynamoDB", "TableName", "carts"),
			[]sources.Related{node("table", "carts", arnOf("dynamodb", "table/carts"), 0),
				node("scalable target", "table/carts", "", 1)},
			call{at: ago(6 * time.Minute), name: "RegisterScalableTarget", source: "application-autoscaling.amazonaws.com", user: "lee",
				request: map[string]any{"serviceNamespace": "dynamodb", "resourceId": "table/carts", "scalableDimension": "dynamodb:table:WriteCapacityUnits", "maxCapacity": 5}},
			[]call{
				{at: ago(time.Minute), name: "TagResource", source: "dynamodb.amazonaws.com", user: "lee",
					request: map[string]any{"resourceArn": arnOf("dynamodb", "table/carts")}},
				{at: ago(2 * time.Minute), name: "UpdateTable", source: "dynamodb.amazonaws.com", user: "lee",
					request: map[string]any{"tableName": "carts-archive"}},
				{at: ago(20 * time.Minute), name: "PutItem", source: "dynamodb.amazonaws.com", user: "app",
					request: map[string]any{"tableName": "carts"}},
			}},
	} {
		cause := tc.cause.event()
		events := []sources.TrailEvent{cause}
		for _, n := range tc.noise {
			events = append(events, n.event())
		}
		s := triage.RankSuspects(events, sources.ResourceGraph{Resources: tc.graph}, tc.alarm, onset, onset.Add(time.Minute))
		if len(s) == 0 || s[0].Event.ID != cause.ID || !s[0].Likely {
			t.Errorf("%s: want %s first and likely:\n%s", tc.name, cause.Name, describe(s))
		}
	}
}
