package awssrc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"watchtrail/internal/motoserver"
)

// variedScenarios vary what the first suite keeps fixed: who made the cause
// (an assumed role without a userName, a deploy pipeline, an AWS service),
// naming styles (look-alikes sharing a prefix or suffix, siblings in the
// same cluster), alarms with qualifier dimensions or falling metrics, the
// cause long before the onset, and the everyday calls behind incidents.
var variedScenarios = []struct {
	name  string
	setup func(t testing.TB, b *motoserver.Builder) incident
}{
	{"function → execution role, by an assumed role, look-alike names", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("billing")
		fn := b.Function(name, b.Role("rt-"+name, "lambda.amazonaws.com"), nil)
		b.Function(name+"-v2", b.Role("rt-"+name+"-v2", "lambda.amazonaws.com"), nil)
		deny := func(role string) call {
			return call{name: "PutRolePolicy", source: "iam.amazonaws.com", request: map[string]any{"roleName": role, "policyName": "ddb",
				"policyDocument": `{"Statement":[{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}]}`}}
		}
		return incident{namespace: "AWS/Lambda", metric: "Errors", dims: []string{"FunctionName", name},
			cause: deny("rt-" + name), lookalike: deny("rt-" + name + "-v2"), by: assumed("PlatformAdmin", "alice@example.com"),
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn, "tags": map[string]any{"team": "a"}}}}
	}},
	{"function concurrency removed by a deploy pipeline, qualifier dimensions", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("render")
		role := b.Role(name+"-exec", "lambda.amazonaws.com")
		fn := b.Function(name, role, nil)
		b.Function(name+"-2", role, nil)
		drop := func(fn string) call {
			return call{name: "DeleteFunctionConcurrency20171031", source: "lambda.amazonaws.com", request: map[string]any{"functionName": fn}}
		}
		return incident{namespace: "AWS/Lambda", metric: "Throttles", dims: []string{"FunctionName", name, "Resource", name, "ExecutedVersion", "1"},
			cause: drop(name), lookalike: drop(name + "-2"), by: assumed("deploy-pipeline", "build-912"),
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn, "tags": map[string]any{"team": "a"}}}}
	}},
	{"ecs service desired count, a sibling service in the same cluster", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("cart")
		_, tgARN := b.LoadBalancer(name, b.Network(name))
		b.ECSService(name+"-prod", name, b.Role(name+"-task", "ecs-tasks.amazonaws.com"), tgARN)
		scale := func(svc string) call {
			return call{name: "UpdateService", source: "ecs.amazonaws.com", request: map[string]any{"cluster": name + "-prod", "service": svc, "desiredCount": 0}}
		}
		return incident{namespace: "AWS/ECS", metric: "CPUUtilization", dims: []string{"ClusterName", name + "-prod", "ServiceName", name},
			cause: scale(name), lookalike: scale(name + "-worker"),
			tagging: call{name: "TagResource", source: "ecs.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:ecs:us-east-1:123456789012:service/" + name + "-prod/" + name, "tags": tagsParam()}}}
	}},
	{"db instance class cut", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("ledger")
		b.Database(name, b.Network(name).SG)
		class := func(db string) call {
			return call{name: "ModifyDBInstance", source: "rds.amazonaws.com", request: map[string]any{"dBInstanceIdentifier": db,
				"dBInstanceClass": "db.t3.micro", "applyImmediately": true}, response: map[string]any{"dBInstanceIdentifier": db}}
		}
		return incident{namespace: "AWS/RDS", metric: "CPUUtilization", dims: []string{"DBInstanceIdentifier", name},
			cause: class(name), lookalike: class(name + "-replica"),
			tagging: call{name: "AddTagsToResource", source: "rds.amazonaws.com", request: map[string]any{
				"resourceName": "arn:aws:rds:us-east-1:123456789012:db:" + name, "tags": tagsParam()}}}
	}},
	{"table capacity cut, alarm with an Operation dimension", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("sessions")
		b.Table(name)
		capacity := func(table string) call {
			return call{name: "UpdateTable", source: "dynamodb.amazonaws.com", request: map[string]any{"tableName": table,
				"provisionedThroughput": map[string]any{"readCapacityUnits": 1, "writeCapacityUnits": 1}}}
		}
		return incident{namespace: "AWS/DynamoDB", metric: "ThrottledRequests", dims: []string{"TableName", name, "Operation", "GetItem"},
			cause: capacity(name), lookalike: capacity("archive-" + name),
			tagging: call{name: "TagResource", source: "dynamodb.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/" + name, "tags": tagsParam()}}}
	}},
	{"queue visibility timeout", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("inbound")
		url := queueFromARN(b.Queue(name, "")).Names[0]
		other := queueFromARN(b.Queue(name+"-replay", "")).Names[0]
		timeout := func(url string) call {
			return call{name: "SetQueueAttributes", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": url,
				"attributes": map[string]any{"VisibilityTimeout": "1"}}}
		}
		return incident{namespace: "AWS/SQS", metric: "NumberOfMessagesReceived", dims: []string{"QueueName", name},
			cause: timeout(url), lookalike: timeout(other),
			tagging: call{name: "TagQueue", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": url, "tags": map[string]any{"a": "b"}}}}
	}},
	{"target group → targets deregistered, healthy hosts fall", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("front")
		net := b.Network(name)
		lbARN, tgARN := b.LoadBalancer(name, net)
		_, otherTG := b.LoadBalancer(name+"-canary", net)
		id, otherID := b.Instance(net, ""), b.Instance(net, "")
		b.RegisterTarget(tgARN, id)
		b.RegisterTarget(otherTG, otherID)
		deregister := func(tg, id string) call {
			return call{name: "DeregisterTargets", source: "elasticloadbalancing.amazonaws.com", request: map[string]any{"targetGroupArn": tg,
				"targets": []any{map[string]any{"id": id, "port": 80}}}}
		}
		return incident{namespace: "AWS/ApplicationELB", metric: "HealthyHostCount", falls: true,
			dims:  []string{"TargetGroup", arnOf(tgARN).resource, "LoadBalancer", arnOf(lbARN).resource[len("loadbalancer/"):], "AvailabilityZone", "us-east-1a"},
			cause: deregister(tgARN, id), lookalike: deregister(otherTG, otherID),
			tagging: call{name: "AddTags", source: "elasticloadbalancing.amazonaws.com", request: map[string]any{"resourceArns": []any{tgARN}, "tags": tagsParam()}}}
	}},
	{"load balancer → listener → target group health check", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("edge")
		net := b.Network(name)
		lbARN, tgARN := b.LoadBalancer(name, net)
		_, otherTG := b.LoadBalancer("x"+name, net)
		check := func(tg string) call {
			return call{name: "ModifyTargetGroup", source: "elasticloadbalancing.amazonaws.com", request: map[string]any{"targetGroupArn": tg,
				"healthCheckPath": "/deep-health", "healthCheckTimeoutSeconds": 2}}
		}
		return incident{namespace: "AWS/ApplicationELB", metric: "HTTPCode_ELB_5XX_Count", dims: []string{"LoadBalancer", arnOf(lbARN).resource[len("loadbalancer/"):]},
			cause: check(tgARN), lookalike: check(otherTG),
			tagging: call{name: "AddTags", source: "elasticloadbalancing.amazonaws.com", request: map[string]any{"resourceArns": []any{lbARN}, "tags": tagsParam()}}}
	}},
	{"asg scaling policy", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("workers")
		net := b.Network(name)
		b.AutoScalingGroup(name, net)
		b.AutoScalingGroup(name+"-staging", net)
		policy := func(asg string) call {
			return call{name: "PutScalingPolicy", source: "autoscaling.amazonaws.com", request: map[string]any{"autoScalingGroupName": asg,
				"policyName": "cpu", "policyType": "TargetTrackingScaling", "targetTrackingConfiguration": map[string]any{"targetValue": 95}}}
		}
		return incident{namespace: "AWS/EC2", metric: "CPUUtilization", dims: []string{"AutoScalingGroupName", name},
			cause: policy(name), lookalike: policy(name + "-staging"),
			tagging: call{name: "CreateOrUpdateTags", source: "autoscaling.amazonaws.com", request: map[string]any{"tags": []any{map[string]any{
				"resourceId": name, "resourceType": "auto-scaling-group", "key": "team", "value": "a"}}}}}
	}},
	{"asg scale-in by auto scaling itself", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("pool")
		net := b.Network(name)
		b.AutoScalingGroup(name, net)
		b.AutoScalingGroup(name+"-b", net)
		terminate := func(asg string) call {
			var items []any
			for _, id := range b.ASGInstances(asg) {
				items = append(items, map[string]any{"instanceId": id})
			}
			return call{name: "TerminateInstances", source: "ec2.amazonaws.com", request: map[string]any{"instancesSet": map[string]any{"items": items}}}
		}
		return incident{namespace: "AWS/EC2", metric: "CPUUtilization", dims: []string{"AutoScalingGroupName", name},
			cause: terminate(name), lookalike: terminate(name + "-b"),
			by: map[string]any{"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"},
			tagging: call{name: "CreateOrUpdateTags", source: "autoscaling.amazonaws.com", request: map[string]any{"tags": []any{map[string]any{
				"resourceId": name, "resourceType": "auto-scaling-group", "key": "team", "value": "a"}}}}}
	}},
	{"instance → security group, 24 minutes before the onset", func(t testing.TB, b *motoserver.Builder) incident {
		inc := scenarios[0].setup(t, b)
		inc.before = 24 * time.Minute
		return inc
	}},
	{"queue → KMS key disabled", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("secure")
		const keyID, otherKey = "1234abcd-12ab-34cd-56ef-1234567890ab", "9876abcd-12ab-34cd-56ef-1234567890ab"
		client := New(motoserver.Config(), motoserver.Shared(t)).graph.sqs
		q, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name),
			Attributes: map[string]string{"KmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/" + keyID}})
		if err != nil {
			t.Fatal(err)
		}
		disable := func(key string) call {
			return call{name: "DisableKey", source: "kms.amazonaws.com", request: map[string]any{"keyId": key}}
		}
		return incident{namespace: "AWS/SQS", metric: "NumberOfMessagesSent", dims: []string{"QueueName", name}, falls: true,
			cause: disable(keyID), lookalike: disable(otherKey),
			tagging: call{name: "TagQueue", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": aws.ToString(q.QueueUrl), "tags": map[string]any{"a": "b"}}}}
	}},
}

// assumed is a caller through an assumed role: no userName, the session
// name last in its ARN.
func assumed(role, name string) map[string]any {
	return map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/" + role + "/" + name,
		"accountId": trailAccount, "sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "userName": role}}}
}

// TestScenarioVariedNoRelatedChange runs the varied scenarios without their
// cause: the same noise must blame nothing.
func TestScenarioVariedNoRelatedChange(t *testing.T) {
	for _, sc := range variedScenarios {
		t.Run(sc.name, func(t *testing.T) {
			s, bucket := scenarioSource(t)
			msg := runIncident(t, s, bucket, sc.setup(t, motoserver.NewBuilder(t, motoserver.Shared(t))), false)
			if (len(msg.Suspects) > 0 && msg.Suspects[0].Likely) || !strings.HasPrefix(msg.Verdict, "no related change in the window") {
				t.Errorf("blames something:\n%s", suspectsText(msg))
			}
		})
	}
}
