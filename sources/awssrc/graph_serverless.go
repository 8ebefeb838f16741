package awssrc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"watchtrail/sources"
)

// expandFunction: a Lambda function's execution role, VPC security groups
// and subnets, dead-letter target, the KMS key of its environment, aliases, and event source mappings with
// their sources (queues, streams, tables).
func expandFunction(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	c, err := cached(ctx, &s.graph.cache, "lambda:GetFunctionConfiguration "+r.ID, func(ctx context.Context) (*lambda.GetFunctionConfigurationOutput, error) {
		return s.graph.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(r.ID)})
	})
	if !x.fail(err) {
		x.self = resource(r.Kind, r.ID, aws.ToString(c.FunctionArn))
		if role := aws.ToString(c.Role); role != "" {
			x.add(fromARN(kindRole, role))
		}
		if v := c.VpcConfig; v != nil {
			for _, id := range v.SecurityGroupIds {
				x.add(resource(kindSG, id, ""))
			}
			for _, id := range v.SubnetIds {
				x.add(resource(kindSubnet, id, ""))
			}
		}
		if d := c.DeadLetterConfig; d != nil && aws.ToString(d.TargetArn) != "" {
			x.add(eventSource(aws.ToString(d.TargetArn)))
		}
		if key := aws.ToString(c.KMSKeyArn); key != "" { // it decrypts the environment at every cold start
			x.add(kmsKey(key, arnOf(aws.ToString(c.FunctionArn))))
		}
	}
	aliases, err := cached(ctx, &s.graph.cache, "lambda:ListAliases "+r.ID, func(ctx context.Context) ([]lambdatypes.AliasConfiguration, error) {
		var all []lambdatypes.AliasConfiguration
		pages := lambda.NewListAliasesPaginator(s.graph.lambda, &lambda.ListAliasesInput{FunctionName: aws.String(r.ID)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, page.Aliases...)
		}
		return all, nil
	})
	if !x.fail(err) {
		for _, a := range aliases {
			x.add(resource(kindAlias, r.ID+":"+aws.ToString(a.Name), aws.ToString(a.AliasArn)))
		}
	}
	x.add(eventSourceMappings(ctx, s, &x, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String(r.ID)})...)
	return x
}

// expandAlias: the function an alias ("fn:live") points into.
func expandAlias(_ context.Context, _ *Source, r sources.Resource) expansion {
	fn, _, _ := strings.Cut(r.ID, ":")
	return expansion{self: r, related: []sources.Resource{resource(kindFunction, fn, "")}}
}

// eventSourceMappings lists the mappings selected by in, each with both
// ends: the event source and the function.
func eventSourceMappings(ctx context.Context, s *Source, x *expansion, in *lambda.ListEventSourceMappingsInput) []sources.Resource {
	key := "lambda:ListEventSourceMappings " + aws.ToString(in.FunctionName) + aws.ToString(in.EventSourceArn)
	mappings, err := cached(ctx, &s.graph.cache, key, func(ctx context.Context) ([]lambdatypes.EventSourceMappingConfiguration, error) {
		var all []lambdatypes.EventSourceMappingConfiguration
		pages := lambda.NewListEventSourceMappingsPaginator(s.graph.lambda, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, page.EventSourceMappings...)
		}
		return all, nil
	})
	if x.fail(err) {
		return nil
	}
	var out []sources.Resource
	for _, m := range mappings {
		out = append(out, resource(kindMapping, aws.ToString(m.UUID), aws.ToString(m.EventSourceMappingArn)))
		if src := aws.ToString(m.EventSourceArn); src != "" {
			out = append(out, eventSource(src))
		}
		if fn := aws.ToString(m.FunctionArn); fn != "" {
			out = append(out, functionFromARN(fn))
		}
	}
	return out
}

// expandStream: the functions consuming a Kinesis or DynamoDB stream.
func expandStream(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	if r.ARN != "" { // without the account the ARN is unknown, and so are the mappings
		x.add(eventSourceMappings(ctx, s, &x, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(r.ARN)})...)
	}
	return x
}

// functionFromARN is the function of a possibly qualified function ARN
// (…:function:orders-fn or …:function:orders-fn:live).
func functionFromARN(arn string) sources.Resource {
	parts := strings.Split(arnOf(arn).resource, ":")
	if len(parts) < 2 {
		return fromARN(kindFunction, arn)
	}
	a := arnOf(arn)
	return resource(kindFunction, parts[1], a.build("lambda", "function:"+parts[1]))
}

// eventSource is the resource an ARN names as a Lambda event source or a
// dead-letter target: an SQS queue, a DynamoDB or Kinesis stream, or else
// whatever the ARN's service is.
func eventSource(arn string) sources.Resource {
	a := arnOf(arn)
	switch a.service {
	case "sqs":
		return queueFromARN(arn)
	case "dynamodb":
		if table, _, ok := strings.Cut(strings.TrimPrefix(a.resource, "table/"), "/stream/"); ok {
			return resource(kindStream, table+" stream", arn)
		}
		return fromARN(kindTable, arn)
	case "kinesis":
		return fromARN(kindStream, arn)
	}
	return fromARN(a.service, arn)
}

// queueFromARN is a queue known by name, ARN and the URL CloudTrail's SQS
// events name it by.
func queueFromARN(arn string) sources.Resource {
	a := arnOf(arn)
	url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", a.region, a.account, a.resource)
	return resource(kindQueue, a.resource, arn, url)
}

// expandQueue: an SQS queue's dead-letter queue and the event source
// mappings and functions consuming it.
func expandQueue(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	url, err := cached(ctx, &s.graph.cache, "sqs:GetQueueUrl "+r.ID, func(ctx context.Context) (*sqs.GetQueueUrlOutput, error) {
		return s.graph.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(r.ID)})
	})
	if x.fail(err) {
		return x
	}
	attrs, err := cached(ctx, &s.graph.cache, "sqs:GetQueueAttributes "+r.ID, func(ctx context.Context) (*sqs.GetQueueAttributesOutput, error) {
		return s.graph.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url.QueueUrl,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameRedrivePolicy,
				sqstypes.QueueAttributeNameKmsMasterKeyId}})
	})
	if x.fail(err) {
		return x
	}
	arn := attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	x.self = merge(queueFromARN(arn), resource(r.Kind, r.ID, "", aws.ToString(url.QueueUrl)))
	var redrive struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if p := attrs.Attributes[string(sqstypes.QueueAttributeNameRedrivePolicy)]; p != "" && json.Unmarshal([]byte(p), &redrive) == nil && redrive.DeadLetterTargetArn != "" {
		x.add(queueFromARN(redrive.DeadLetterTargetArn))
	}
	if key := attrs.Attributes[string(sqstypes.QueueAttributeNameKmsMasterKeyId)]; key != "" {
		x.add(kmsKey(key, arnOf(arn)))
	}
	if arn != "" {
		x.add(eventSourceMappings(ctx, s, &x, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn)})...)
	}
	return x
}

// expandTable: a DynamoDB table's auto scaling (scalable targets and their
// policies) and its stream with the functions consuming it.
func expandTable(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	out, err := cached(ctx, &s.graph.cache, "dynamodb:DescribeTable "+r.ID, func(ctx context.Context) (*dynamodb.DescribeTableOutput, error) {
		return s.graph.dynamo.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.ID)})
	})
	ids := []string{"table/" + r.ID}
	if !x.fail(err) && out.Table != nil {
		t := out.Table
		x.self = resource(r.Kind, r.ID, aws.ToString(t.TableArn))
		for _, ix := range t.GlobalSecondaryIndexes {
			ids = append(ids, "table/"+r.ID+"/index/"+aws.ToString(ix.IndexName))
		}
		if sse := t.SSEDescription; sse != nil && aws.ToString(sse.KMSMasterKeyArn) != "" {
			x.add(kmsKey(aws.ToString(sse.KMSMasterKeyArn), arnOf(aws.ToString(t.TableArn))))
		}
		if stream := aws.ToString(t.LatestStreamArn); stream != "" {
			x.add(eventSource(stream))
			x.add(eventSourceMappings(ctx, s, &x, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(stream)})...)
		}
	}
	x.add(tableScaling(ctx, s, &x, ids)...)
	return x
}

// kmsKey is the KMS key that encrypts a queue or table, as its settings
// name it: a key ARN, a key ID or an alias ("alias/aws/sqs"), the last two
// in the account and region of at (the resource it encrypts).
func kmsKey(key string, at arnInfo) sources.Resource {
	if strings.HasPrefix(key, "arn:") {
		return fromARN(kindKMSKey, key)
	}
	arn := ""
	if at.account != "" {
		arn = at.build("kms", key)
		if !strings.HasPrefix(key, "alias/") {
			arn = at.build("kms", "key/"+key)
		}
	}
	return resource(kindKMSKey, key, arn)
}

// tableScaling is the Application Auto Scaling set-up of the table (and
// index) resource IDs: scalable targets and scaling policies.
func tableScaling(ctx context.Context, s *Source, x *expansion, ids []string) []sources.Resource {
	ns := scalingtypes.ServiceNamespaceDynamodb
	targets, err := cached(ctx, &s.graph.cache, "application-autoscaling:DescribeScalableTargets "+strings.Join(ids, ","), func(ctx context.Context) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
		return s.graph.scaling.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: ns, ResourceIds: ids})
	})
	if x.fail(err) {
		return nil
	}
	var out []sources.Resource
	scaled := map[string]bool{}
	for _, t := range targets.ScalableTargets {
		id := aws.ToString(t.ResourceId)
		dim := string(t.ScalableDimension)
		out = append(out, resource(kindScalable, id+" "+dim[strings.LastIndex(dim, ":")+1:], aws.ToString(t.ScalableTargetARN), id))
		scaled[id] = true
	}
	for _, id := range ids {
		if !scaled[id] {
			continue
		}
		policies, err := cached(ctx, &s.graph.cache, "application-autoscaling:DescribeScalingPolicies "+id, func(ctx context.Context) (*applicationautoscaling.DescribeScalingPoliciesOutput, error) {
			return s.graph.scaling.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: ns, ResourceId: aws.String(id)})
		})
		if x.fail(err) {
			continue
		}
		for _, p := range policies.ScalingPolicies {
			out = append(out, resource(kindScalingPolicy, aws.ToString(p.PolicyName), aws.ToString(p.PolicyARN)))
		}
	}
	return out
}
