package cmd

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"watchtrail/internal/motoserver"
)

// The incidents of the independent suite. Why each cause is the cause:
//   - API Gateway 5XXError counts the stage's server-side errors; a new
//     deployment to the stage changes the integration that answers them,
//     a tag on a usage plan changes nothing that serves requests.
//   - Kinesis GetRecords.IteratorAgeMilliseconds grows when the consumer
//     stops reading: its function's reserved concurrency set to 0 throttles
//     every invocation; a longer retention period cannot make reads late.
//   - Step Functions ExecutionsFailed follows a new state machine
//     definition (UpdateStateMachine); the scheduler starting an execution
//     every five minutes is what it always does.
//   - Lambda Errors: a function whose environment is encrypted with a
//     customer managed key fails every invocation once the key is disabled
//     (KMSDisabledException); provisioned concurrency changes cold starts,
//     not errors.
//   - ALB TargetResponseTime: a burstable target switched from unlimited to
//     standard CPU credits is throttled to its baseline once its credits run
//     out and answers slowly; a target group's deregistration delay only
//     affects targets leaving it.
//   - DynamoDB ReadThrottleEvents on a global secondary index: the index's
//     read capacity lowered; turning on TTL deletes items in the background
//     without consuming the table's provisioned throughput.
//   - RDS FreeableMemory falls when a dynamic memory parameter (work_mem) is
//     raised; a manual snapshot does not take the instance's memory.
//   - SQS ApproximateAgeOfOldestMessage grows when the consumer function's
//     concurrency is set to 0; a longer message retention keeps messages
//     longer but does not make them older.
//   - EC2 NetworkOut falls when the subnet's default route is replaced by
//     a route into a peering connection without a path to the internet;
//     API termination protection changes nothing on the wire.
//   - ALB HTTPCode_Target_5XX_Count follows a new task definition deployed
//     to the ECS service behind the target group; turning on stickiness
//     only pins clients to targets.
//   - Lambda Duration grows when the function's memory is cut (CPU is
//     allocated in proportion to memory); the asynchronous retry settings
//     do not change how long an invocation runs.
//
// AWS docs: Lambda "Configuring reserved concurrency", "Securing environment
// variables" (KMS), API Gateway "Amazon API Gateway dimensions and metrics",
// EC2 "Burstable performance instances: standard mode", DynamoDB "Time to
// Live", RDS "Working with DB parameter groups", ELB "Target group attributes".

// qaJitter is a deterministic pseudo-random number in [0, 1) for a moment and a salt.
func qaJitter(at time.Time, salt float64) float64 {
	x := math.Sin(float64(at.Unix()/60)*12.9898+salt*78.233) * 43758.5453
	return x - math.Floor(x)
}

// qaDaily is a level following the day's cycle (±share of base) with jitter.
func qaDaily(at time.Time, base, share float64) float64 {
	h := float64(at.Hour()) + float64(at.Minute())/60
	return base * (1 + share*math.Sin(2*math.Pi*(h-9)/24) + 0.15*(qaJitter(at, 1)-0.5))
}

// qaSparse is a count of rare errors: mostly 0, now and then 1–3.
func qaSparse(at time.Time) float64 {
	if j := qaJitter(at, 2); j > 0.85 {
		return math.Ceil((j - 0.85) * 20)
	}
	return 0
}

// qaSpiky is a latency with occasional p99-like spikes of spike.
func qaSpiky(at time.Time, base, spike float64) float64 {
	if qaJitter(at, 3) > 0.93 {
		return spike
	}
	return qaDaily(at, base, 0.2)
}

func lambdaClient(endpoint string) *lambda.Client {
	cfg := motoserver.Config()
	cfg.BaseEndpoint = aws.String(endpoint)
	return lambda.NewFromConfig(cfg)
}

func fnARN(name string) string { return "arn:aws:lambda:us-east-1:" + qaAccount + ":function:" + name }

func lambdaTag(name string) qaCall {
	return qaCall{name: "TagResource20170331v2", source: "lambda.amazonaws.com",
		req: map[string]any{"resource": fnARN(name), "tags": map[string]any{"cost-center": "cc-2231"}}}
}

func concurrencyZero(fn string) qaCall {
	return qaCall{name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com",
		req:  map[string]any{"functionName": fn, "reservedConcurrentExecutions": 0},
		resp: map[string]any{"reservedConcurrentExecutions": 0}}
}

func qaTags() []any { return []any{map[string]any{"key": "owner", "value": "payments"}} }

var qaIncidents = map[string]func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident{
	"apigw-5xx": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("quotes-api")
		var api, other struct{ ID string }
		motoREST(t, endpoint, "apigateway", "POST", "/restapis", map[string]any{"name": name}, &api)
		motoREST(t, endpoint, "apigateway", "POST", "/restapis", map[string]any{"name": name + "-sandbox"}, &other)
		deploy := func(id string) qaCall {
			return qaCall{name: "CreateDeployment", source: "apigateway.amazonaws.com",
				req:  map[string]any{"restApiId": id, "createDeploymentInput": map[string]any{"stageName": "prod", "description": "release 2025.11.3"}},
				resp: map[string]any{"id": "d3ploy", "createdDate": "Dec 5, 2026 12:00:00 AM"}}
		}
		return qaIncident{namespace: "AWS/ApiGateway", metric: "5XXError", stat: "Sum", dims: []string{"ApiName", name, "Stage", "prod"},
			threshold: 20, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 60 + 30*qaJitter(at, 4)
				}
				return qaSparse(at)
			},
			cause: deploy(api.ID), lookalike: deploy(other.ID),
			tagging: qaCall{name: "TagResource", source: "apigateway.amazonaws.com", req: map[string]any{
				"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/" + api.ID + "/stages/prod", "tags": map[string]any{"owner": "quotes"}}},
			competing: &qaCall{name: "TagResource", source: "apigateway.amazonaws.com", req: map[string]any{
				"resourceArn": "arn:aws:apigateway:us-east-1::/usageplans/up7x9k", "tags": map[string]any{"tier": "gold"}}}}
	},
	"kinesis-iterator-age": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("clicks")
		motoJSON(t, endpoint, "kinesis", "Kinesis_20131202.CreateStream", map[string]any{"StreamName": name, "ShardCount": 2}, nil)
		stream := "arn:aws:kinesis:us-east-1:" + qaAccount + ":stream/" + name
		role := b.Role(name+"-consumer", "lambda.amazonaws.com")
		b.Function(name+"-enricher", role, nil)
		b.Function(name+"-archiver", role, nil)
		_, err := lambdaClient(endpoint).CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{
			FunctionName: aws.String(name + "-enricher"), EventSourceArn: aws.String(stream), BatchSize: aws.Int32(100),
			StartingPosition: lambdatypes.EventSourcePositionLatest})
		if err != nil {
			t.Fatal(err)
		}
		return qaIncident{namespace: "AWS/Kinesis", metric: "GetRecords.IteratorAgeMilliseconds", stat: "Maximum", dims: []string{"StreamName", name},
			threshold: 60000, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 120000 + 60000*qaJitter(at, 5)
				}
				return qaSpiky(at, 800, 9000)
			},
			cause: concurrencyZero(name + "-enricher"), lookalike: concurrencyZero(name + "-archiver"),
			tagging: qaCall{name: "AddTagsToStream", source: "kinesis.amazonaws.com", req: map[string]any{"streamName": name, "tags": map[string]any{"owner": "web"}}},
			competing: &qaCall{name: "IncreaseStreamRetentionPeriod", source: "kinesis.amazonaws.com",
				req: map[string]any{"streamName": name, "retentionPeriodHours": 72}}}
	},
	"sfn-executions-failed": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("invoice-run")
		role := b.Role(name+"-sfn", "states.amazonaws.com")
		definition := `{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}`
		var sm, other struct{ StateMachineArn string }
		motoJSON(t, endpoint, "states", "AWSStepFunctions.CreateStateMachine", map[string]any{"name": name, "definition": definition, "roleArn": role}, &sm)
		motoJSON(t, endpoint, "states", "AWSStepFunctions.CreateStateMachine", map[string]any{"name": name + "-dryrun", "definition": definition, "roleArn": role}, &other)
		update := func(arn string) qaCall {
			return qaCall{name: "UpdateStateMachine", source: "states.amazonaws.com",
				req:  map[string]any{"stateMachineArn": arn, "definition": "HIDDEN_DUE_TO_SECURITY_REASONS"},
				resp: map[string]any{"updateDate": "Dec 5, 2026 12:00:00 AM"}}
		}
		return qaIncident{namespace: "AWS/States", metric: "ExecutionsFailed", stat: "Sum", dims: []string{"StateMachineArn", sm.StateMachineArn},
			threshold: 0, value: func(at time.Time, broken bool) float64 {
				if broken { // the checkout app starts executions all the time, besides the scheduler
					return math.Round(2 + 4*qaJitter(at, 11))
				}
				return 0
			},
			cause: update(sm.StateMachineArn), lookalike: update(other.StateMachineArn),
			tagging: qaCall{name: "TagResource", source: "states.amazonaws.com", req: map[string]any{"resourceArn": sm.StateMachineArn,
				"tags": []any{map[string]any{"key": "owner", "value": "billing"}}}},
			routine: &qaCall{name: "StartExecution", source: "states.amazonaws.com", req: map[string]any{"stateMachineArn": sm.StateMachineArn,
				"input": "HIDDEN_DUE_TO_SECURITY_REASONS"}, resp: map[string]any{"executionArn": sm.StateMachineArn + ":run"}}}
	},
	"lambda-kms-disabled": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("token-signer")
		var key, otherKey struct{ KeyMetadata struct{ KeyId, Arn string } }
		motoJSON(t, endpoint, "kms", "TrentService.CreateKey", map[string]any{"Description": name + " env"}, &key)
		motoJSON(t, endpoint, "kms", "TrentService.CreateKey", map[string]any{"Description": name + " staging env"}, &otherKey)
		_, err := lambdaClient(endpoint).CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String(name),
			Role: aws.String(b.Role(name+"-exec", "lambda.amazonaws.com")), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
			Code: &lambdatypes.FunctionCode{ZipFile: motoserver.HandlerZip(t)}, KMSKeyArn: aws.String(key.KeyMetadata.Arn), Publish: true,
			Environment: &lambdatypes.Environment{Variables: map[string]string{"SIGNING_SECRET": "s3cr3t"}}})
		if err != nil {
			t.Fatal(err)
		}
		functionKeys.Store(name, key.KeyMetadata.Arn)
		disable := func(id string) qaCall {
			return qaCall{name: "DisableKey", source: "kms.amazonaws.com", req: map[string]any{"keyId": id}}
		}
		return qaIncident{namespace: "AWS/Lambda", metric: "Errors", stat: "Sum", dims: []string{"FunctionName", name},
			threshold: 10, value: func(at time.Time, broken bool) float64 {
				if broken {
					return qaDaily(at, 120, 0.3)
				}
				return qaSparse(at)
			},
			cause: disable(key.KeyMetadata.KeyId), lookalike: disable(otherKey.KeyMetadata.KeyId), by: qaUser("bob"),
			tagging: lambdaTag(name),
			competing: &qaCall{name: "PutProvisionedConcurrencyConfig", source: "lambda.amazonaws.com", req: map[string]any{"functionName": name,
				"qualifier": "live", "provisionedConcurrentExecutions": 5}}}
	},
	"alb-latency-cpu-credits": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("catalog")
		net := b.Network(name)
		lbARN, tgARN := b.LoadBalancer(name, net)
		id := b.Instance(net, "")
		other := b.Instance(b.Network(name+"-ci"), "")
		b.RegisterTarget(tgARN, id)
		credits := func(id string) qaCall {
			return qaCall{name: "ModifyInstanceCreditSpecification", source: "ec2.amazonaws.com",
				req: map[string]any{"ModifyInstanceCreditSpecificationRequest": map[string]any{"InstanceCreditSpecification": map[string]any{
					"InstanceId": id, "CpuCredits": "standard"}}},
				resp: map[string]any{"ModifyInstanceCreditSpecificationResponse": map[string]any{"successfulInstanceCreditSpecificationSet": map[string]any{
					"item": map[string]any{"instanceId": id}}}}}
		}
		return qaIncident{namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", stat: "Average",
			dims:      []string{"TargetGroup", qaARNResource(tgARN), "LoadBalancer", qaARNResource(lbARN)[len("loadbalancer/"):]},
			threshold: 1, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 2.5 + qaJitter(at, 6)
				}
				return qaSpiky(at, 0.12, 0.7)
			},
			cause: credits(id), lookalike: credits(other),
			tagging: qaCall{name: "AddTags", source: "elasticloadbalancing.amazonaws.com", req: map[string]any{"resourceArns": []any{tgARN}, "tags": qaTags()}},
			competing: &qaCall{name: "ModifyTargetGroupAttributes", source: "elasticloadbalancing.amazonaws.com", req: map[string]any{"targetGroupArn": tgARN,
				"attributes": []any{map[string]any{"key": "deregistration_delay.timeout_seconds", "value": "30"}}}},
			minor: []qaCall{{name: "CreateSnapshot", source: "ec2.amazonaws.com", req: map[string]any{"volumeId": "vol-0a1b2c3d4e5f67890",
				"description": "nightly"}, resp: map[string]any{"snapshotId": "snap-0a1b2c3d4e5f67890"}}}}
	},
	"dynamodb-gsi-throttle": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("orders")
		cfg := motoserver.Config()
		cfg.BaseEndpoint = aws.String(endpoint)
		ddb := dynamodb.NewFromConfig(cfg)
		for _, table := range []string{name, name + "-replay"} {
			_, err := ddb.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: aws.String(table),
				AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: dbtypes.ScalarAttributeTypeS},
					{AttributeName: aws.String("customer"), AttributeType: dbtypes.ScalarAttributeTypeS}},
				KeySchema:             []dbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: dbtypes.KeyTypeHash}},
				ProvisionedThroughput: &dbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(50), WriteCapacityUnits: aws.Int64(20)},
				GlobalSecondaryIndexes: []dbtypes.GlobalSecondaryIndex{{IndexName: aws.String("by-customer"),
					KeySchema:             []dbtypes.KeySchemaElement{{AttributeName: aws.String("customer"), KeyType: dbtypes.KeyTypeHash}},
					Projection:            &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll},
					ProvisionedThroughput: &dbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(50), WriteCapacityUnits: aws.Int64(20)}}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		lower := func(table string) qaCall {
			return qaCall{name: "UpdateTable", source: "dynamodb.amazonaws.com", req: map[string]any{"tableName": table,
				"globalSecondaryIndexUpdates": []any{map[string]any{"update": map[string]any{"indexName": "by-customer",
					"provisionedThroughput": map[string]any{"readCapacityUnits": 2, "writeCapacityUnits": 20}}}}}}
		}
		return qaIncident{namespace: "AWS/DynamoDB", metric: "ReadThrottleEvents", stat: "Sum",
			dims: []string{"TableName", name, "GlobalSecondaryIndexName", "by-customer"}, threshold: 50,
			value: func(at time.Time, broken bool) float64 {
				if broken {
					return qaDaily(at, 400, 0.3)
				}
				return qaSparse(at)
			},
			cause: lower(name), lookalike: lower(name + "-replay"),
			tagging: qaCall{name: "TagResource", source: "dynamodb.amazonaws.com", req: map[string]any{
				"resourceArn": "arn:aws:dynamodb:us-east-1:" + qaAccount + ":table/" + name, "tags": qaTags()}},
			competing: &qaCall{name: "UpdateTimeToLive", source: "dynamodb.amazonaws.com", req: map[string]any{"tableName": name,
				"timeToLiveSpecification": map[string]any{"enabled": true, "attributeName": "expiresAt"}}},
			minor: []qaCall{{name: "CreateBackup", source: "dynamodb.amazonaws.com", req: map[string]any{"tableName": name, "backupName": "hourly"}}}}
	},
	"rds-freeable-memory": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("ledger-db")
		b.Database(name, b.Network(name).SG)
		b.Database(name+"-report", b.Network(name+"-report").SG)
		workMem := func(group string) qaCall {
			return qaCall{name: "ModifyDBParameterGroup", source: "rds.amazonaws.com",
				req: map[string]any{"dBParameterGroupName": group, "parameters": []any{map[string]any{"parameterName": "work_mem",
					"parameterValue": "524288", "applyMethod": "immediate"}}},
				resp: map[string]any{"dBParameterGroupName": group}}
		}
		return qaIncident{namespace: "AWS/RDS", metric: "FreeableMemory", stat: "Average", dims: []string{"DBInstanceIdentifier", name},
			less: true, threshold: 100e6, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 40e6 + 20e6*qaJitter(at, 7)
				}
				return qaDaily(at, 600e6, 0.1)
			},
			cause: workMem(name + "-params"), lookalike: workMem(name + "-report-params"),
			tagging: qaCall{name: "AddTagsToResource", source: "rds.amazonaws.com", req: map[string]any{
				"resourceName": "arn:aws:rds:us-east-1:" + qaAccount + ":db:" + name, "tags": qaTags()}},
			competing: &qaCall{name: "CreateDBSnapshot", source: "rds.amazonaws.com", req: map[string]any{"dBInstanceIdentifier": name,
				"dBSnapshotIdentifier": name + "-pre-migration"}, resp: map[string]any{"dBSnapshotIdentifier": name + "-pre-migration",
				"dBInstanceIdentifier": name, "status": "creating"}}}
	},
	"sqs-age-consumer-concurrency": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("emails")
		queue := b.Queue(name, "")
		other := b.Queue(name+"-bounces", "")
		role := b.Role(name+"-sender", "lambda.amazonaws.com")
		b.Function(name+"-sender", role, nil)
		b.EventSourceMapping(name+"-sender", queue)
		b.Function(name+"-bounce-handler", role, nil)
		b.EventSourceMapping(name+"-bounce-handler", other)
		url := endpoint + "/" + qaAccount + "/" + name
		return qaIncident{namespace: "AWS/SQS", metric: "ApproximateAgeOfOldestMessage", stat: "Maximum", dims: []string{"QueueName", name},
			threshold: 300, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 600 + 60*float64(at.Minute()%10)
				}
				return 5 + 30*qaJitter(at, 8)
			},
			cause: concurrencyZero(name + "-sender"), lookalike: concurrencyZero(name + "-bounce-handler"),
			tagging: qaCall{name: "TagQueue", source: "sqs.amazonaws.com", req: map[string]any{"queueUrl": url, "tags": map[string]any{"owner": "growth"}}},
			competing: &qaCall{name: "SetQueueAttributes", source: "sqs.amazonaws.com", req: map[string]any{"queueUrl": url,
				"attributes": map[string]any{"MessageRetentionPeriod": "1209600"}}}}
	},
	"ec2-egress-route": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("ingest")
		net := b.Network(name)
		id := b.Instance(net, "")
		otherNet := b.Network(name + "-lab")
		replace := func(table string) qaCall {
			return qaCall{name: "ReplaceRoute", source: "ec2.amazonaws.com", resp: map[string]any{"_return": true},
				req: map[string]any{"routeTableId": table, "destinationCidrBlock": "0.0.0.0/0", "vpcPeeringConnectionId": "pcx-0f1e2d3c4b5a69788"}}
		}
		return qaIncident{namespace: "AWS/EC2", metric: "NetworkOut", stat: "Average", dims: []string{"InstanceId", id},
			less: true, threshold: 1e6, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 2e4 + 1e4*qaJitter(at, 9)
				}
				return qaDaily(at, 8e6, 0.35)
			},
			cause: replace(b.MainRouteTable(net.VPC)), lookalike: replace(b.MainRouteTable(otherNet.VPC)),
			tagging: qaCall{name: "CreateTags", source: "ec2.amazonaws.com", resp: map[string]any{"_return": true}, req: map[string]any{
				"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": id}}}, "tagSet": map[string]any{"items": qaTags()}}},
			competing: &qaCall{name: "ModifyInstanceAttribute", source: "ec2.amazonaws.com", resp: map[string]any{"_return": true},
				req: map[string]any{"instanceId": id, "disableApiTermination": map[string]any{"value": true}}}}
	},
	"tg-5xx-ecs-deploy": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("checkout")
		net := b.Network(name)
		lbARN, tgARN := b.LoadBalancer(name, net)
		b.ECSService(name+"-prod", name, b.Role(name+"-task", "ecs-tasks.amazonaws.com"), tgARN)
		_, otherTG := b.LoadBalancer(name+"-qa", net)
		b.ECSService(name+"-qa", name+"-qa", b.Role(name+"-qa-task", "ecs-tasks.amazonaws.com"), otherTG)
		deploy := func(cluster, svc string) qaCall {
			return qaCall{name: "UpdateService", source: "ecs.amazonaws.com",
				req: map[string]any{"cluster": cluster, "service": svc, "taskDefinition": svc + ":2", "forceNewDeployment": false},
				resp: map[string]any{"service": map[string]any{"serviceArn": "arn:aws:ecs:us-east-1:" + qaAccount + ":service/" + cluster + "/" + svc,
					"taskDefinition": "arn:aws:ecs:us-east-1:" + qaAccount + ":task-definition/" + svc + ":2"}}}
		}
		return qaIncident{namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", stat: "Sum",
			dims:      []string{"TargetGroup", qaARNResource(tgARN), "LoadBalancer", qaARNResource(lbARN)[len("loadbalancer/"):]},
			threshold: 25, value: func(at time.Time, broken bool) float64 {
				if broken {
					return qaDaily(at, 150, 0.3)
				}
				return qaSparse(at)
			},
			cause: deploy(name+"-prod", name), lookalike: deploy(name+"-qa", name+"-qa"),
			tagging: qaCall{name: "AddTags", source: "elasticloadbalancing.amazonaws.com", req: map[string]any{"resourceArns": []any{tgARN}, "tags": qaTags()}},
			competing: &qaCall{name: "ModifyTargetGroupAttributes", source: "elasticloadbalancing.amazonaws.com", req: map[string]any{"targetGroupArn": tgARN,
				"attributes": []any{map[string]any{"key": "stickiness.enabled", "value": "true"}, map[string]any{"key": "stickiness.type", "value": "lb_cookie"}}}}}
	},
	"lambda-duration-memory": func(t *testing.T, b *motoserver.Builder, endpoint string) qaIncident {
		name := qaShort("thumbnailer")
		role := b.Role(name+"-exec", "lambda.amazonaws.com")
		b.Function(name, role, nil)
		b.Function(name+"-preview", role, nil)
		memory := func(fn string) qaCall {
			return qaCall{name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com",
				req: map[string]any{"functionName": fn, "memorySize": 128}, resp: map[string]any{"functionName": fn, "memorySize": 128,
					"functionArn": fnARN(fn)}}
		}
		return qaIncident{namespace: "AWS/Lambda", metric: "Duration", stat: "Average", dims: []string{"FunctionName", name},
			threshold: 3000, value: func(at time.Time, broken bool) float64 {
				if broken {
					return 7000 + 2000*qaJitter(at, 10)
				}
				return qaSpiky(at, 450, 2400)
			},
			cause: memory(name), lookalike: memory(name + "-preview"), tagging: lambdaTag(name),
			competing: &qaCall{name: "PutFunctionEventInvokeConfig", source: "lambda.amazonaws.com", req: map[string]any{"functionName": name,
				"maximumRetryAttempts": 0, "maximumEventAgeInSeconds": 3600}}}
	},
}

// qaRuns: every incident with its cause, each reader, some delivered late;
// and several incidents without their cause, only their noise.
var qaRuns = []qaRun{
	{name: "apigw-5xx", s3: true},
	{name: "kinesis-iterator-age", s3: true},
	{name: "sfn-executions-failed"},
	{name: "lambda-kms-disabled", late: true},
	{name: "alb-latency-cpu-credits", s3: true},
	{name: "dynamodb-gsi-throttle"},
	{name: "rds-freeable-memory", s3: true, late: true},
	{name: "sqs-age-consumer-concurrency"},
	{name: "ec2-egress-route", late: true},
	{name: "tg-5xx-ecs-deploy", s3: true},
	{name: "lambda-duration-memory"},
	{name: "no cause: sfn-executions-failed", noCause: true},
	{name: "no cause: dynamodb-gsi-throttle", noCause: true, s3: true},
	{name: "no cause: sqs-age-consumer-concurrency", noCause: true, s3: true},
	{name: "no cause: alb-latency-cpu-credits", noCause: true, late: true},
	{name: "no cause: lambda-kms-disabled", noCause: true},
}

func init() {
	for i, rc := range qaRuns {
		name := rc.name
		if rc.noCause {
			name = name[len("no cause: "):]
		}
		qaRuns[i].setup = qaIncidents[name]
	}
}

// qaARNResource is the resource part of an ARN ("targetgroup/x/123").
func qaARNResource(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	return parts[len(parts)-1]
}
