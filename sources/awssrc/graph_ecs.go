package awssrc

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"watchtrail/sources"
)

// expandECSService: an ECS service ("cluster/service") with its task
// definition, cluster, target groups and security groups.
func expandECSService(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	cluster, name, _ := strings.Cut(r.ID, "/")
	svc, ok := describeOne(ctx, s, &x, r, "ecs:DescribeServices", func(ctx context.Context) (*ecs.DescribeServicesOutput, error) {
		return s.graph.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	}, func(o *ecs.DescribeServicesOutput) []ecstypes.Service { return o.Services })
	if !ok {
		return x
	}
	x.self = resource(r.Kind, r.ID, aws.ToString(svc.ServiceArn), name)
	x.add(resource(kindECSCluster, cluster, aws.ToString(svc.ClusterArn)))
	if td := aws.ToString(svc.TaskDefinition); td != "" {
		x.add(taskDefinition(td))
	}
	for _, lb := range svc.LoadBalancers {
		if arn := aws.ToString(lb.TargetGroupArn); arn != "" {
			x.add(elbResource(kindTargetGroup, arn))
		}
	}
	if n := svc.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
		for _, id := range n.AwsvpcConfiguration.SecurityGroups {
			x.add(resource(kindSG, id, ""))
		}
	}
	return x
}

// taskDefinition is known by "family:revision", its ARN and its family.
func taskDefinition(arn string) sources.Resource {
	id := strings.TrimPrefix(arnOf(arn).resource, "task-definition/")
	family, _, _ := strings.Cut(id, ":")
	return resource(kindTaskDef, id, arn, family)
}

// expandECSCluster: an ECS cluster's ARN, so its events match.
func expandECSCluster(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	if r.ARN != "" {
		return x
	}
	out, err := cached(ctx, &s.graph.cache, "ecs:DescribeClusters "+r.ID, func(ctx context.Context) (*ecs.DescribeClustersOutput, error) {
		return s.graph.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{r.ID}})
	})
	if !x.fail(err) && len(out.Clusters) > 0 {
		x.self = resource(r.Kind, r.ID, aws.ToString(out.Clusters[0].ClusterArn))
	}
	return x
}

// expandTaskDef: a task definition's task and execution roles.
func expandTaskDef(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	out, err := cached(ctx, &s.graph.cache, "ecs:DescribeTaskDefinition "+r.ID, func(ctx context.Context) (*ecs.DescribeTaskDefinitionOutput, error) {
		return s.graph.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(r.ID)})
	})
	if x.fail(err) || out.TaskDefinition == nil {
		return x
	}
	for _, role := range []*string{out.TaskDefinition.TaskRoleArn, out.TaskDefinition.ExecutionRoleArn} {
		if arn := aws.ToString(role); arn != "" {
			x.add(fromARN(kindRole, arn))
		}
	}
	return x
}
