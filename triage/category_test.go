package triage_test

import (
	"testing"
	"time"

	"watchtrail/triage"
)

// The metric names below are those the AWS services document in their
// CloudWatch metrics pages (Lambda, API Gateway, ELB, EC2, EBS, RDS,
// DynamoDB, SQS, SNS, ECS, Kinesis, Step Functions, ElastiCache,
// CloudFront, Route 53, NAT gateways), each with the comparison its alarms
// usually take.
func TestClassifyMetric(t *testing.T) {
	for _, tc := range []struct {
		namespace, metric, stat, comparison string
		want                                triage.Family
	}{
		{"AWS/Lambda", "Errors", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/Lambda", "Throttles", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/Lambda", "Duration", "p99", "GreaterThanThreshold", triage.Latency},
		{"AWS/Lambda", "Invocations", "Sum", "LessThanThreshold", triage.TrafficDrop},
		{"AWS/Lambda", "ConcurrentExecutions", "Maximum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/Lambda", "IteratorAge", "Maximum", "GreaterThanThreshold", triage.Backlog},
		{"AWS/Lambda", "DeadLetterErrors", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/Lambda", "AsyncEventAge", "Average", "GreaterThanThreshold", triage.Backlog},
		{"AWS/ApiGateway", "5XXError", "Average", "GreaterThanThreshold", triage.Errors},
		{"AWS/ApiGateway", "4XXError", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/ApiGateway", "IntegrationLatency", "p90", "GreaterThanThreshold", triage.Latency},
		{"AWS/ApiGateway", "Count", "Sum", "LessThanLowerThreshold", triage.TrafficDrop},
		{"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "GreaterThanOrEqualToThreshold", triage.Errors},
		{"AWS/ApplicationELB", "TargetResponseTime", "p99", "GreaterThanThreshold", triage.Latency},
		{"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", "GreaterThanThreshold", triage.Unhealthy},
		{"AWS/ApplicationELB", "HealthyHostCount", "Minimum", "LessThanThreshold", triage.Unhealthy},
		{"AWS/ApplicationELB", "HealthyHostCount", "Minimum", "GreaterThanThreshold", triage.Unknown},
		{"AWS/ApplicationELB", "RequestCount", "Sum", "GreaterThanUpperThreshold", triage.TrafficSurge},
		{"AWS/ApplicationELB", "RejectedConnectionCount", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/ApplicationELB", "TargetConnectionErrorCount", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/NetworkELB", "TCP_Target_Reset_Count", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/EC2", "CPUUtilization", "Average", "GreaterThanThreshold", triage.CPU},
		{"AWS/EC2", "StatusCheckFailed", "Maximum", "GreaterThanOrEqualToThreshold", triage.Unhealthy},
		{"AWS/EC2", "StatusCheckFailed_Instance", "Maximum", "GreaterThanOrEqualToThreshold", triage.Unhealthy},
		{"AWS/EC2", "CPUCreditBalance", "Minimum", "LessThanThreshold", triage.CPU},
		{"AWS/EC2", "NetworkIn", "Sum", "LessThanThreshold", triage.TrafficDrop},
		{"AWS/EBS", "VolumeQueueLength", "Average", "GreaterThanThreshold", triage.Backlog},
		{"AWS/EBS", "BurstBalance", "Minimum", "LessThanThreshold", triage.Storage},
		{"AWS/RDS", "DatabaseConnections", "Maximum", "GreaterThanThreshold", triage.Connections},
		{"AWS/RDS", "FreeStorageSpace", "Minimum", "LessThanThreshold", triage.Storage},
		{"AWS/RDS", "FreeableMemory", "Minimum", "LessThanThreshold", triage.Memory},
		{"AWS/RDS", "ReadLatency", "Average", "GreaterThanThreshold", triage.Latency},
		{"AWS/RDS", "ReplicaLag", "Maximum", "GreaterThanThreshold", triage.Backlog},
		{"AWS/RDS", "SwapUsage", "Maximum", "GreaterThanThreshold", triage.Memory},
		{"AWS/DynamoDB", "ReadThrottleEvents", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/DynamoDB", "ThrottledRequests", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/DynamoDB", "SystemErrors", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/DynamoDB", "SuccessfulRequestLatency", "Average", "GreaterThanThreshold", triage.Latency},
		{"AWS/DynamoDB", "ConsumedReadCapacityUnits", "Sum", "LessThanThreshold", triage.TrafficDrop},
		{"AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", "GreaterThanThreshold", triage.Backlog},
		{"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "GreaterThanThreshold", triage.Backlog},
		{"AWS/SQS", "NumberOfMessagesSent", "Sum", "LessThanThreshold", triage.TrafficDrop},
		{"AWS/SQS", "NumberOfMessagesReceived", "Sum", "GreaterThanThreshold", triage.TrafficSurge},
		{"AWS/SNS", "NumberOfNotificationsFailed", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/ECS", "CPUUtilization", "Average", "GreaterThanThreshold", triage.CPU},
		{"AWS/ECS", "MemoryUtilization", "Average", "GreaterThanThreshold", triage.Memory},
		{"AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "Maximum", "GreaterThanThreshold", triage.Backlog},
		{"AWS/Kinesis", "WriteProvisionedThroughputExceeded", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/States", "ExecutionsFailed", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/States", "ExecutionsTimedOut", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/States", "ExecutionThrottled", "Sum", "GreaterThanThreshold", triage.Throttling},
		{"AWS/States", "ExecutionTime", "Average", "GreaterThanThreshold", triage.Latency},
		{"AWS/ElastiCache", "Evictions", "Sum", "GreaterThanThreshold", triage.Memory},
		{"AWS/ElastiCache", "CurrConnections", "Maximum", "GreaterThanThreshold", triage.Connections},
		{"AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average", "GreaterThanThreshold", triage.Memory},
		{"AWS/CloudFront", "5xxErrorRate", "Average", "GreaterThanThreshold", triage.Errors},
		{"AWS/Route53", "HealthCheckStatus", "Minimum", "LessThanThreshold", triage.Unhealthy},
		{"AWS/NATGateway", "ErrorPortAllocation", "Sum", "GreaterThanThreshold", triage.Errors},
		{"AWS/Events", "FailedInvocations", "Sum", "GreaterThanThreshold", triage.Errors},
		{"Custom/Checkout", "OrdersPlaced", "Sum", "LessThanThreshold", triage.Unknown},
	} {
		if got := triage.ClassifyMetric(tc.namespace, tc.metric, tc.stat, tc.comparison); got != tc.want {
			t.Errorf("%s %s %s %s: %s, want %s", tc.namespace, tc.metric, tc.stat, tc.comparison, got, tc.want)
		}
	}
}

// The calls below are API actions as CloudTrail records them, with the
// parameters that decide a generic call's category.
func TestClassifyChange(t *testing.T) {
	for _, tc := range []struct {
		name, source string
		request      map[string]any
		want         triage.Category
	}{
		{"PutFunctionConcurrency20171031", "lambda.amazonaws.com", map[string]any{"functionName": "f", "reservedConcurrentExecutions": 0}, triage.Limits},
		{"DeleteFunctionConcurrency20171031", "lambda.amazonaws.com", map[string]any{"functionName": "f"}, triage.Limits},
		{"PutProvisionedConcurrencyConfig", "lambda.amazonaws.com", nil, triage.Limits},
		{"UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{"functionName": "f", "memorySize": 128, "timeout": 3}, triage.Runtime},
		{"UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{"functionName": "f", "environment": map[string]any{"variables": map[string]any{"A": "b"}}}, triage.Runtime},
		{"UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{"functionName": "f", "vpcConfig": map[string]any{"subnetIds": []any{"subnet-1"}}}, triage.Network},
		{"UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", map[string]any{"functionName": "f", "description": "new"}, triage.Metadata},
		{"UpdateFunctionCode20150331v2", "lambda.amazonaws.com", map[string]any{"functionName": "f", "s3Key": "a.zip"}, triage.Code},
		{"UpdateAlias20150331", "lambda.amazonaws.com", map[string]any{"functionName": "f", "name": "live", "functionVersion": "7"}, triage.Routing},
		{"PublishVersion20150331", "lambda.amazonaws.com", map[string]any{"functionName": "f"}, triage.Creation},
		{"UpdateEventSourceMapping20150331", "lambda.amazonaws.com", map[string]any{"uUID": "u", "enabled": false}, triage.Routing},
		{"AddPermission20150331v2", "lambda.amazonaws.com", nil, triage.Permissions},
		{"TagResource20170331v2", "lambda.amazonaws.com", map[string]any{"resource": "arn", "tags": map[string]any{"a": "b"}}, triage.Metadata},
		{"CreateDeployment", "apigateway.amazonaws.com", map[string]any{"restApiId": "a", "stageName": "prod"}, triage.Code},
		{"UpdateStage", "apigateway.amazonaws.com", map[string]any{"restApiId": "a", "stageName": "prod"}, triage.Routing},
		{"UpdateUsagePlan", "apigateway.amazonaws.com", map[string]any{"usagePlanId": "u", "patchOperations": []any{map[string]any{"path": "/throttle/rateLimit", "value": "1"}}}, triage.Limits},
		{"DetachRolePolicy", "iam.amazonaws.com", map[string]any{"roleName": "r", "policyArn": "arn"}, triage.Permissions},
		{"PutRolePolicy", "iam.amazonaws.com", nil, triage.Permissions},
		{"UpdateAssumeRolePolicy", "iam.amazonaws.com", nil, triage.Permissions},
		{"PutBucketPolicy", "s3.amazonaws.com", nil, triage.Permissions},
		{"PutBucketLifecycleConfiguration", "s3.amazonaws.com", nil, triage.Lifecycle},
		{"DisableKey", "kms.amazonaws.com", map[string]any{"keyId": "k"}, triage.Keys},
		{"ScheduleKeyDeletion", "kms.amazonaws.com", nil, triage.Keys},
		{"PutSecretValue", "secretsmanager.amazonaws.com", nil, triage.Keys},
		{"RevokeSecurityGroupIngress", "ec2.amazonaws.com", nil, triage.Network},
		{"AuthorizeSecurityGroupEgress", "ec2.amazonaws.com", nil, triage.Network},
		{"ReplaceNetworkAclEntry", "ec2.amazonaws.com", nil, triage.Network},
		{"DeleteRoute", "ec2.amazonaws.com", nil, triage.Network},
		{"DeleteNatGateway", "ec2.amazonaws.com", nil, triage.Network},
		{"ModifyVpcEndpoint", "ec2.amazonaws.com", nil, triage.Network},
		{"ModifyInstanceAttribute", "ec2.amazonaws.com", map[string]any{"instanceId": "i-1", "instanceType": map[string]any{"value": "t3.nano"}}, triage.Capacity},
		{"ModifyInstanceAttribute", "ec2.amazonaws.com", map[string]any{"instanceId": "i-1", "groupSet": map[string]any{"items": []any{map[string]any{"groupId": "sg-1"}}}}, triage.Network},
		{"CreateTags", "ec2.amazonaws.com", nil, triage.Metadata},
		{"CreateSnapshot", "ec2.amazonaws.com", nil, triage.Backups},
		{"CreateImage", "ec2.amazonaws.com", nil, triage.Backups},
		{"RebootInstances", "ec2.amazonaws.com", map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": "i-1"}}}}, triage.Restart},
		{"StartInstances", "ec2.amazonaws.com", map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": "i-1"}}}}, triage.Creation},
		{"TerminateInstances", "ec2.amazonaws.com", nil, triage.Capacity},
		{"CreateLaunchTemplateVersion", "ec2.amazonaws.com", nil, triage.Code},
		{"ModifyTargetGroup", "elasticloadbalancing.amazonaws.com", map[string]any{"targetGroupArn": "arn", "healthCheckPath": "/deep"}, triage.HealthChecks},
		{"DeregisterTargets", "elasticloadbalancing.amazonaws.com", nil, triage.Routing},
		{"ModifyListener", "elasticloadbalancing.amazonaws.com", nil, triage.Routing},
		{"ModifyRule", "elasticloadbalancing.amazonaws.com", nil, triage.Routing},
		{"AddTags", "elasticloadbalancing.amazonaws.com", nil, triage.Metadata},
		{"ChangeResourceRecordSets", "route53.amazonaws.com", nil, triage.Routing},
		{"UpdateHealthCheck", "route53.amazonaws.com", nil, triage.HealthChecks},
		{"ModifyDBInstance", "rds.amazonaws.com", map[string]any{"dBInstanceIdentifier": "d", "dBInstanceClass": "db.t3.micro"}, triage.Capacity},
		{"ModifyDBParameterGroup", "rds.amazonaws.com", nil, triage.Runtime},
		{"CreateDBSnapshot", "rds.amazonaws.com", nil, triage.Backups},
		{"RebootDBInstance", "rds.amazonaws.com", nil, triage.Restart},
		{"FailoverDBCluster", "rds.amazonaws.com", nil, triage.Routing},
		{"UpdateTable", "dynamodb.amazonaws.com", map[string]any{"tableName": "t", "provisionedThroughput": map[string]any{"readCapacityUnits": 1}}, triage.Limits},
		{"UpdateTimeToLive", "dynamodb.amazonaws.com", nil, triage.Lifecycle},
		{"CreateBackup", "dynamodb.amazonaws.com", nil, triage.Backups},
		{"RegisterScalableTarget", "application-autoscaling.amazonaws.com", nil, triage.Capacity},
		{"PutScalingPolicy", "autoscaling.amazonaws.com", nil, triage.Capacity},
		{"SetDesiredCapacity", "autoscaling.amazonaws.com", nil, triage.Capacity},
		{"UpdateAutoScalingGroup", "autoscaling.amazonaws.com", map[string]any{"autoScalingGroupName": "a", "maxSize": 1}, triage.Capacity},
		{"SetQueueAttributes", "sqs.amazonaws.com", map[string]any{"queueUrl": "u", "attributes": map[string]any{"VisibilityTimeout": "1"}}, triage.Runtime},
		{"SetQueueAttributes", "sqs.amazonaws.com", map[string]any{"queueUrl": "u", "attributes": map[string]any{"MessageRetentionPeriod": "60"}}, triage.Lifecycle},
		{"SetQueueAttributes", "sqs.amazonaws.com", map[string]any{"queueUrl": "u", "attributes": map[string]any{"KmsMasterKeyId": "k"}}, triage.Keys},
		{"SetQueueAttributes", "sqs.amazonaws.com", map[string]any{"queueUrl": "u", "attributes": map[string]any{"Policy": "{}"}}, triage.Permissions},
		{"TagQueue", "sqs.amazonaws.com", nil, triage.Metadata},
		{"UpdateService", "ecs.amazonaws.com", map[string]any{"cluster": "c", "service": "s", "desiredCount": 0}, triage.Capacity},
		{"UpdateService", "ecs.amazonaws.com", map[string]any{"cluster": "c", "service": "s", "taskDefinition": "td:7"}, triage.Code},
		{"RegisterTaskDefinition", "ecs.amazonaws.com", nil, triage.Code},
		{"PutRetentionPolicy", "logs.amazonaws.com", nil, triage.Lifecycle},
		{"PutMetricAlarm", "monitoring.amazonaws.com", nil, triage.Monitoring},
		{"PutParameter", "ssm.amazonaws.com", nil, triage.Runtime},
		{"UpdateStack", "cloudformation.amazonaws.com", nil, triage.Code},
		{"PutObject", "s3.amazonaws.com", nil, triage.Data},
		{"SendMessage", "sqs.amazonaws.com", nil, triage.Data},
		{"DeleteQueue", "sqs.amazonaws.com", nil, triage.Removal},
		{"UpdateStage", "apigateway.amazonaws.com", map[string]any{"restApiId": "a", "stageName": "prod",
			"patchOperations": []any{map[string]any{"op": "replace", "path": "/description", "value": "x"}}}, triage.Metadata},
		{"UpdateStage", "apigateway.amazonaws.com", map[string]any{"restApiId": "a", "stageName": "prod",
			"patchOperations": []any{map[string]any{"op": "replace", "path": "/deploymentId", "value": "d1"}}}, triage.Routing},
		{"UpdateStage", "apigateway.amazonaws.com", map[string]any{"restApiId": "a", "stageName": "prod",
			"patchOperations": []any{map[string]any{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "1"}}}, triage.Limits},
		{"UpdateStateMachine", "states.amazonaws.com", map[string]any{"stateMachineArn": "arn", "definition": "{}"}, triage.Code},
		{"PutLifecycleHook", "autoscaling.amazonaws.com", map[string]any{"autoScalingGroupName": "a", "heartbeatTimeout": 30}, triage.Runtime},
		{"ModifyLoadBalancerAttributes", "elasticloadbalancing.amazonaws.com", map[string]any{"attributes": []any{map[string]any{"key": "idle_timeout.timeout_seconds", "value": "1"}}}, triage.Runtime},
		{"UpdateEnvironment", "elasticbeanstalk.amazonaws.com", nil, triage.Runtime},
	} {
		if got := triage.ClassifyChange(tc.name, tc.source, tc.request); got != tc.want {
			t.Errorf("%s %v: %s, want %s", tc.name, tc.request, got, tc.want)
		}
	}
}

// The examples: what explains the symptom and what does not.
func TestPlausibility(t *testing.T) {
	for _, tc := range []struct {
		c    triage.Category
		f    triage.Family
		more triage.Category // explains f better than c
	}{
		{triage.Metadata, triage.Throttling, triage.Limits},
		{triage.Metadata, triage.Errors, triage.Routing},
		{triage.Metadata, triage.Memory, triage.Runtime},
		{triage.Limits, triage.Errors, triage.Code},
		{triage.Backups, triage.Unhealthy, triage.Network},
		{triage.Creation, triage.Errors, triage.Permissions},
	} {
		low, _ := triage.Plausibility(tc.c, tc.f)
		high, why := triage.Plausibility(tc.more, tc.f)
		if high.Weight()*0.6 <= low.Weight() {
			t.Errorf("%s two hops away should outweigh %s on the alarmed resource for %s: %v vs %v", tc.more, tc.c, tc.f, high, low)
		}
		if why == "" {
			t.Errorf("no reason for %s → %s", tc.more, tc.f)
		}
	}
	if _, why := triage.Plausibility(triage.Limits, triage.Throttling); why != "a limit change can cause throttling" {
		t.Errorf("reason %q", why)
	}
}

func TestRoutine(t *testing.T) {
	onset := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	var writes []triage.Write
	beat := func(key string, at time.Time, settings map[string]string) {
		writes = append(writes, triage.Write{Key: key, Time: at, Settings: settings})
	}
	// An agent checking in every 5 minutes (with a little jitter) since 13:02.
	for i := 0; i < 14; i++ {
		beat("agent", onset.Add(-58*time.Minute+time.Duration(i)*5*time.Minute+time.Duration(i%3)*7*time.Second), map[string]string{"desiredCount": "3"})
	}
	beat("agent", onset.Add(-30*time.Second), map[string]string{"desiredCount": "0"}) // the same bot, another value: a change
	beat("alice", onset.Add(-6*time.Minute), nil)                                     // once
	for i := 0; i < 3; i++ {                                                          // three quick calls by a person
		beat("bob", onset.Add(-4*time.Minute+time.Duration(i)*20*time.Second), nil)
	}
	got := triage.Routine(writes, onset)
	for i, w := range writes {
		want := w.Key == "agent" && w.Settings["desiredCount"] == "3"
		if got[i].Routine != want {
			t.Errorf("%s at %s: routine %v, want %v", w.Key, w.Time.Format("15:04:05"), got[i].Routine, want)
		}
	}
	if r := got[0].Reason(); r != "routine: every ~5 min since 13:02" {
		t.Errorf("reason %q", r)
	}
}

func TestBreachingSince(t *testing.T) {
	anchor := time.Date(2026, 3, 1, 14, 3, 0, 0, time.UTC)
	var times []time.Time
	var values []float64
	for at := anchor.Add(-90 * time.Minute); !at.After(anchor); at = at.Add(time.Minute) {
		v := 10 + float64(at.Minute()%4)
		if !at.Before(anchor.Add(-22 * time.Minute)) {
			v = 80 + float64(at.Minute()%7)
			if at.Minute()%5 == 0 {
				v = 40 // a noisy run: now and then below the threshold
			}
		}
		times, values = append(times, at), append(values, v)
	}
	above := func(v float64) bool { return v > 50 }
	since, ok := triage.BreachingSince(times, values, above, anchor, time.Minute, 1)
	if !ok || !since.Equal(anchor.Add(-22*time.Minute)) {
		t.Errorf("breaching since %v (%v), want 22 min before", since, ok)
	}
	if _, ok := triage.BreachingSince(times, values, func(float64) bool { return true }, anchor, time.Minute, 1); ok {
		t.Error("a metric that always breached has no start")
	}
}
