package awssrc

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"watchtrail/sources"
)

// expandLB: a load balancer's security groups, listeners, target groups and
// their targets: the instances behind a load balancer are one hop from it,
// so that their security groups are within reach.
func expandLB(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	lb, ok := describeOne(ctx, s, &x, r, "elasticloadbalancing:DescribeLoadBalancers", func(ctx context.Context) (*elb.DescribeLoadBalancersOutput, error) {
		return s.graph.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{r.ID}})
	}, func(o *elb.DescribeLoadBalancersOutput) []elbtypes.LoadBalancer { return o.LoadBalancers })
	if !ok {
		return x
	}
	arn := aws.ToString(lb.LoadBalancerArn)
	x.self = elbResource(kindLB, arn)
	for _, id := range lb.SecurityGroups {
		x.add(resource(kindSG, id, ""))
	}
	listeners, err := cached(ctx, &s.graph.cache, "elasticloadbalancing:DescribeListeners "+arn, func(ctx context.Context) (*elb.DescribeListenersOutput, error) {
		return s.graph.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
	})
	if !x.fail(err) {
		for _, l := range listeners.Listeners {
			x.add(resource(kindListener, fmt.Sprintf("%s:%d", r.ID, aws.ToInt32(l.Port)), aws.ToString(l.ListenerArn)))
		}
	}
	groups, err := cached(ctx, &s.graph.cache, "elasticloadbalancing:DescribeTargetGroups "+arn, func(ctx context.Context) (*elb.DescribeTargetGroupsOutput, error) {
		return s.graph.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(arn)})
	})
	if !x.fail(err) {
		for _, g := range groups.TargetGroups {
			x.add(elbResource(kindTargetGroup, aws.ToString(g.TargetGroupArn)))
			x.add(targets(ctx, s, &x, g)...)
		}
	}
	return x
}

// expandListener: a listener's rules.
func expandListener(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	out, err := cached(ctx, &s.graph.cache, "elasticloadbalancing:DescribeRules "+r.ARN, func(ctx context.Context) (*elb.DescribeRulesOutput, error) {
		return s.graph.elb.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(r.ARN)})
	})
	if x.fail(err) {
		return x
	}
	for _, rule := range out.Rules {
		if !aws.ToBool(rule.IsDefault) {
			x.add(resource(kindRule, r.ID+" "+aws.ToString(rule.Priority), aws.ToString(rule.RuleArn)))
		}
	}
	return x
}

func targetGroups(o *elb.DescribeTargetGroupsOutput) []elbtypes.TargetGroup { return o.TargetGroups }

// expandTargetGroup: a target group's load balancers and its targets
// (instances, functions or IP addresses).
func expandTargetGroup(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	g, ok := describeOne(ctx, s, &x, r, "elasticloadbalancing:DescribeTargetGroups", func(ctx context.Context) (*elb.DescribeTargetGroupsOutput, error) {
		return s.graph.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{r.ID}})
	}, targetGroups)
	if !ok {
		return x
	}
	arn := aws.ToString(g.TargetGroupArn)
	x.self = elbResource(kindTargetGroup, arn)
	for _, lb := range g.LoadBalancerArns {
		x.add(elbResource(kindLB, lb))
	}
	x.add(targets(ctx, s, &x, g)...)
	return x
}

// targets are the targets registered with group g.
func targets(ctx context.Context, s *Source, x *expansion, g elbtypes.TargetGroup) []sources.Resource {
	arn := aws.ToString(g.TargetGroupArn)
	health, err := cached(ctx, &s.graph.cache, "elasticloadbalancing:DescribeTargetHealth "+arn, func(ctx context.Context) (*elb.DescribeTargetHealthOutput, error) {
		return s.graph.elb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
	})
	if x.fail(err) {
		return nil
	}
	var out []sources.Resource
	for _, h := range health.TargetHealthDescriptions {
		if h.Target != nil {
			out = append(out, target(g.TargetType, aws.ToString(h.Target.Id)))
		}
	}
	return out
}

// target is a registered target of a group of the given type.
func target(t elbtypes.TargetTypeEnum, id string) sources.Resource {
	switch t {
	case elbtypes.TargetTypeEnumLambda:
		return functionFromARN(id)
	case elbtypes.TargetTypeEnumIp:
		return resource("ip", id, "")
	case elbtypes.TargetTypeEnumAlb:
		return elbResource(kindLB, id)
	}
	return resource(kindInstance, id, "")
}
