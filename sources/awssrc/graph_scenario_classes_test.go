package awssrc

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"watchtrail/internal/motoserver"
)

// classScenarios are incident classes the first suites do not have: a
// related change closer to the onset that explains the symptom less well
// than the cause (a concurrency cut for errors, a description for
// throttles), routine writes a bot makes on the alarmed resource every few
// minutes all along, an alarm that changed state long after its metric
// began to breach, and noisy series.
var classScenarios = []struct {
	name  string
	setup func(t testing.TB, b *motoserver.Builder) incident
}{
	{"function throttles: a concurrency cut, an environment change closer to the onset", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("thumbs")
		role := b.Role(name+"-run", "lambda.amazonaws.com")
		fn := b.Function(name, role, nil)
		b.Function(name+"-batch", role, nil)
		limit := func(fn string) call {
			return call{name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", request: map[string]any{"functionName": fn, "reservedConcurrentExecutions": 2}}
		}
		return incident{namespace: "AWS/Lambda", metric: "Throttles", dims: []string{"FunctionName", name},
			cause: limit(name), lookalike: limit(name + "-batch"),
			competing: &call{name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", request: map[string]any{"functionName": name,
				"description": "thumbnails, v2 naming"}}, competingMinor: true,
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn, "tags": map[string]any{"team": "media"}}}}
	}},
	{"function errors: a code deploy, a concurrency cut on the same function closer to the onset", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("invoicer")
		fn := b.Function(name, b.Role(name+"-run", "lambda.amazonaws.com"), nil)
		b.Function("legacy-"+name, b.Role("legacy-"+name+"-run", "lambda.amazonaws.com"), nil)
		deploy := func(fn string) call {
			return call{name: "UpdateFunctionCode20150331v2", source: "lambda.amazonaws.com", request: map[string]any{"functionName": fn,
				"s3Bucket": "builds", "s3Key": fn + "/1841.zip", "publish": false}}
		}
		return incident{namespace: "AWS/Lambda", metric: "Errors", dims: []string{"FunctionName", name},
			cause: deploy(name), lookalike: deploy("legacy-" + name), by: assumed("github-actions-deploy", "run-5521"),
			competing: &call{name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", request: map[string]any{"functionName": name,
				"reservedConcurrentExecutions": 5}}, competingMinor: true,
			tagging: call{name: "TagResource20170331v2", source: "lambda.amazonaws.com", request: map[string]any{"resource": fn, "tags": map[string]any{"team": "billing"}}}}
	}},
	{"queue backlog: the consumer disabled, an agent setting the queue's attributes every 5 minutes", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("ingest")
		queue := b.Queue(name, "")
		other := b.Queue(name+"-replay", "")
		role := b.Role(name+"-run", "lambda.amazonaws.com")
		fn := b.Function(name+"-consumer", role, nil)
		uuid := b.EventSourceMapping(name+"-consumer", queue)
		otherFn := b.Function(name+"-replayer", role, nil)
		otherUUID := b.EventSourceMapping(name+"-replayer", other)
		disable := func(uuid, fn, queue string) call {
			return call{name: "UpdateEventSourceMapping20150331", source: "lambda.amazonaws.com",
				request:  map[string]any{"uUID": uuid, "enabled": false},
				response: map[string]any{"uUID": uuid, "functionArn": fn, "eventSourceArn": queue, "state": "Disabling"}}
		}
		url := queueFromARN(queue).Names[0]
		return incident{namespace: "AWS/SQS", metric: "ApproximateNumberOfMessagesVisible", dims: []string{"QueueName", name},
			cause: disable(uuid, fn, queue), lookalike: disable(otherUUID, otherFn, other),
			routine: &call{name: "SetQueueAttributes", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": url,
				"attributes": map[string]any{"VisibilityTimeout": "60", "ReceiveMessageWaitTimeSeconds": "20"}}},
			tagging: call{name: "TagQueue", source: "sqs.amazonaws.com", request: map[string]any{"queueUrl": url, "tags": map[string]any{"team": "data"}}}}
	}},
	{"table throttles: a capacity cut, automation registering the scaling target every 5 minutes", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("ledger-entries")
		b.Table(name)
		b.Table(name + "-archive")
		capacity := func(table string) call {
			return call{name: "UpdateTable", source: "dynamodb.amazonaws.com", request: map[string]any{"tableName": table,
				"provisionedThroughput": map[string]any{"readCapacityUnits": 2, "writeCapacityUnits": 2}}}
		}
		return incident{namespace: "AWS/DynamoDB", metric: "WriteThrottleEvents", dims: []string{"TableName", name}, noisy: true,
			cause: capacity(name), lookalike: capacity(name + "-archive"),
			routine: &call{name: "RegisterScalableTarget", source: "application-autoscaling.amazonaws.com", request: map[string]any{
				"serviceNamespace": "dynamodb", "resourceId": "table/" + name, "scalableDimension": "dynamodb:table:WriteCapacityUnits",
				"minCapacity": 5, "maxCapacity": 500}},
			tagging: call{name: "TagResource", source: "dynamodb.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/" + name, "tags": tagsParam()}}}
	}},
	{"db latency breaching 25 minutes before the alarm changed state: instance class cut", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("reports-db")
		b.Database(name, b.Network(name).SG)
		class := func(db string) call {
			return call{name: "ModifyDBInstance", source: "rds.amazonaws.com", request: map[string]any{"dBInstanceIdentifier": db,
				"dBInstanceClass": "db.t3.small", "applyImmediately": true}, response: map[string]any{"dBInstanceIdentifier": db}}
		}
		return incident{namespace: "AWS/RDS", metric: "WriteLatency", dims: []string{"DBInstanceIdentifier", name}, breachedFor: 25 * time.Minute,
			cause: class(name), lookalike: class(name + "-staging"),
			tagging: call{name: "AddTagsToResource", source: "rds.amazonaws.com", request: map[string]any{
				"resourceName": "arn:aws:rds:us-east-1:123456789012:db:" + name, "tags": tagsParam()}}}
	}},
	{"ecs memory, noisy: a new task definition two hops away, a health check grace period on the service", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("pricing")
		_, tgARN := b.LoadBalancer(name, b.Network(name))
		b.ECSService(name+"-live", name, b.Role(name+"-task", "ecs-tasks.amazonaws.com"), tgARN)
		deploy := func(svc string) call {
			return call{name: "UpdateService", source: "ecs.amazonaws.com", request: map[string]any{"cluster": name + "-live", "service": svc,
				"taskDefinition": svc + ":42", "forceNewDeployment": true}}
		}
		return incident{namespace: "AWS/ECS", metric: "MemoryUtilization", dims: []string{"ClusterName", name + "-live", "ServiceName", name}, noisy: true,
			cause: deploy(name), lookalike: deploy(name + "-worker"), by: assumed("codepipeline-deployer", "exec-77"),
			competing: &call{name: "UpdateService", source: "ecs.amazonaws.com", request: map[string]any{"cluster": name + "-live", "service": name,
				"healthCheckGracePeriodSeconds": 120}},
			tagging: call{name: "TagResource", source: "ecs.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:ecs:us-east-1:123456789012:service/" + name + "-live/" + name, "tags": tagsParam()}}}
	}},
	{"instance unhealthy: a NACL deny two hops away, the instance's description set closer to the onset", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("gateway")
		net := b.Network(name)
		id := b.Instance(net, "")
		deny := func(acl string) call {
			return call{name: "CreateNetworkAclEntry", source: "ec2.amazonaws.com", response: ok(), request: map[string]any{
				"networkAclId": acl, "ruleNumber": 90, "egress": true, "ruleAction": "deny", "protocol": "-1", "cidrBlock": "0.0.0.0/0"}}
		}
		return incident{namespace: "AWS/EC2", metric: "StatusCheckFailed_Instance", dims: []string{"InstanceId", id},
			cause: deny(b.NetworkACL(net.Subnets[0])), lookalike: deny(b.NetworkACL(b.Network(name + "-lab").Subnets[0])),
			competing: &call{name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", response: ok(), request: map[string]any{"instanceId": id,
				"disableApiStop": map[string]any{"value": true}}},
			tagging: createTags(id)}
	}},
	{"api 5xx: a stage deployment, a tag on the API closer to the onset", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("storefront")
		id, _ := restAPI(t, name, "")
		other, _ := restAPI(t, name+"-beta", "")
		deploy := func(api string) call {
			return call{name: "CreateDeployment", source: "apigateway.amazonaws.com", request: map[string]any{"restApiId": api, "stageName": "prod",
				"description": "release 2024.11"}, response: map[string]any{"id": "dep123", "createdDate": "Nov 25, 2026 7:00:00 PM"}}
		}
		return incident{namespace: "AWS/ApiGateway", metric: "5XXError", dims: []string{"ApiName", name, "Stage", "prod"},
			cause: deploy(id), lookalike: deploy(other), by: assumed("release-pipeline", "run-88"),
			tagging: call{name: "TagResource", source: "apigateway.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/" + id, "tags": map[string]any{"team": "web"}}}}
	}},
	{"api latency: the backend function's memory cut one hop away", func(t testing.TB, b *motoserver.Builder) incident {
		name := short("catalog")
		role := b.Role(name+"-run", "lambda.amazonaws.com")
		fn := b.Function(name+"-handler", role, nil)
		b.Function(name+"-handler-v2", role, nil)
		id, _ := restAPI(t, name, fn)
		memory := func(fn string) call {
			return call{name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", request: map[string]any{"functionName": fn, "memorySize": 128}}
		}
		return incident{namespace: "AWS/ApiGateway", metric: "IntegrationLatency", dims: []string{"ApiName", name, "Stage", "live"},
			cause: memory(name + "-handler"), lookalike: memory(name + "-handler-v2"),
			competing: &call{name: "UpdateStage", source: "apigateway.amazonaws.com", request: map[string]any{"restApiId": id, "stageName": "live",
				"patchOperations": []any{map[string]any{"op": "replace", "path": "/description", "value": "live stage"}}}}, competingMinor: true,
			tagging: call{name: "TagResource", source: "apigateway.amazonaws.com", request: map[string]any{
				"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/" + id, "tags": map[string]any{"team": "web"}}}}
	}},
}

// restAPI creates a REST API in moto, with a GET method integrated with
// the function fn when given, and returns its ID and root resource.
func restAPI(t testing.TB, name, fn string) (id, root string) {
	t.Helper()
	ctx := ctxFor(t)
	client := New(motoserver.Config(), motoserver.Shared(t)).graph.apigw
	api, err := client.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	id, root = aws.ToString(api.Id), aws.ToString(api.RootResourceId)
	if fn == "" {
		return id, root
	}
	if _, err := client.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"),
		AuthorizationType: aws.String("NONE")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"),
		Type: apigwtypes.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations")}); err != nil {
		t.Fatal(err)
	}
	return id, root
}

func TestScenarioClasses(t *testing.T) {
	for _, sc := range classScenarios {
		t.Run(sc.name, func(t *testing.T) {
			s, bucket := scenarioSource(t)
			inc := sc.setup(t, motoserver.NewBuilder(t, motoserver.Shared(t)))
			msg := runIncident(t, s, bucket, inc, true)
			_, user := inc.causeBy()
			if len(msg.Suspects) == 0 || msg.Suspects[0].Event.ID != "cause" || !msg.Suspects[0].Likely ||
				!strings.HasPrefix(msg.Verdict, "likely cause: ") || !strings.Contains(msg.Verdict, " by "+user+" ") {
				t.Errorf("the cause is not the likely cause:\n%s", suspectsText(msg))
			}
			for _, sp := range msg.Suspects {
				if strings.HasPrefix(sp.Event.ID, "routine-") && (sp.Routine == "" || !strings.Contains(sp.Reason, "routine: every ~5 min since ")) {
					t.Errorf("%s is not called routine: %s", sp.Event.ID, sp.Reason)
				}
			}
			if inc.breachedFor > 0 && (!msg.Onset.Found || msg.Anchor.Sub(msg.Onset.Time) != inc.breachedFor ||
				!strings.Contains(msg.Onset.String(), "breaching since ") || !strings.Contains(msg.Onset.String(), "25m0s before the alarm changed state")) {
				t.Errorf("onset %v (%s), want %v before the firing", msg.Onset.Time, msg.Onset, inc.breachedFor)
			}
		})
	}
}

// TestScenarioClassesNoRelatedChange runs the classes without their cause
// (and without a competing change that could explain the symptom): the
// routine writes, the changes that cannot move the metric and the noise
// must blame nothing.
func TestScenarioClassesNoRelatedChange(t *testing.T) {
	for _, sc := range classScenarios {
		t.Run(sc.name, func(t *testing.T) {
			s, bucket := scenarioSource(t)
			msg := runIncident(t, s, bucket, sc.setup(t, motoserver.NewBuilder(t, motoserver.Shared(t))), false)
			if (len(msg.Suspects) > 0 && msg.Suspects[0].Likely) || !strings.HasPrefix(msg.Verdict, "no related change in the window") {
				t.Errorf("blames something:\n%s", suspectsText(msg))
			}
		})
	}
}
