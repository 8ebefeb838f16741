package awssrc

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"watchtrail/sources"
)

// expandInstance: an EC2 instance's security groups, subnet, volumes,
// instance profile and its role, launch template, and auto scaling group.
func expandInstance(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	out, err := cached(ctx, &s.graph.cache, "ec2:DescribeInstances "+r.ID, func(ctx context.Context) (*ec2.DescribeInstancesOutput, error) {
		return s.graph.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{r.ID}})
	})
	if x.fail(err) {
		return x
	}
	for _, res := range out.Reservations {
		for _, in := range res.Instances {
			x.add(instanceRelations(in)...)
			if p := in.IamInstanceProfile; p != nil {
				x.add(fromARN(kindProfile, aws.ToString(p.Arn), aws.ToString(p.Id)))
				x.add(profileRoles(ctx, s, &x, arnOf(aws.ToString(p.Arn)).name())...)
			}
		}
	}
	asgs, err := cached(ctx, &s.graph.cache, "autoscaling:DescribeAutoScalingInstances "+r.ID, func(ctx context.Context) (*autoscaling.DescribeAutoScalingInstancesOutput, error) {
		return s.graph.asg.DescribeAutoScalingInstances(ctx, &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: []string{r.ID}})
	})
	if x.fail(err) {
		return x
	}
	for _, a := range asgs.AutoScalingInstances {
		x.add(resource(kindASG, aws.ToString(a.AutoScalingGroupName), ""))
		x.add(launchTemplate(a.LaunchTemplate)...)
	}
	return x
}

func instanceRelations(in ec2types.Instance) []sources.Resource {
	var out []sources.Resource
	for _, g := range in.SecurityGroups {
		out = append(out, resource(kindSG, aws.ToString(g.GroupId), "", aws.ToString(g.GroupName)))
	}
	if id := aws.ToString(in.SubnetId); id != "" {
		out = append(out, resource(kindSubnet, id, ""))
	}
	for _, b := range in.BlockDeviceMappings {
		if b.Ebs != nil {
			out = append(out, resource(kindVolume, aws.ToString(b.Ebs.VolumeId), ""))
		}
	}
	// Instances launched from a template carry it in these AWS-managed tags.
	for _, t := range in.Tags {
		if aws.ToString(t.Key) == "aws:ec2launchtemplate:id" {
			out = append(out, resource(kindLaunchTpl, aws.ToString(t.Value), ""))
		}
	}
	return out
}

// profileRoles are the roles of the named instance profile.
func profileRoles(ctx context.Context, s *Source, x *expansion, profile string) []sources.Resource {
	out, err := cached(ctx, &s.graph.cache, "iam:GetInstanceProfile "+profile, func(ctx context.Context) (*iam.GetInstanceProfileOutput, error) {
		return s.graph.iam.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(profile)})
	})
	if x.fail(err) || out.InstanceProfile == nil {
		return nil
	}
	var roles []sources.Resource
	for _, role := range out.InstanceProfile.Roles {
		roles = append(roles, resource(kindRole, aws.ToString(role.RoleName), aws.ToString(role.Arn), aws.ToString(role.RoleId)))
	}
	return roles
}

func launchTemplate(t *asgtypes.LaunchTemplateSpecification) []sources.Resource {
	if t == nil || aws.ToString(t.LaunchTemplateId) == "" && aws.ToString(t.LaunchTemplateName) == "" {
		return nil
	}
	id := aws.ToString(t.LaunchTemplateId)
	if id == "" {
		id = aws.ToString(t.LaunchTemplateName)
	}
	return []sources.Resource{resource(kindLaunchTpl, id, "", aws.ToString(t.LaunchTemplateName))}
}

// expandASG: an auto scaling group's launch template or configuration, its
// instances, and the target groups it registers them with.
func expandASG(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	g, ok := describeOne(ctx, s, &x, r, "autoscaling:DescribeAutoScalingGroups", func(ctx context.Context) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
		return s.graph.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{r.ID}})
	}, func(o *autoscaling.DescribeAutoScalingGroupsOutput) []asgtypes.AutoScalingGroup {
		return o.AutoScalingGroups
	})
	if !ok {
		return x
	}
	x.self = resource(r.Kind, r.ID, aws.ToString(g.AutoScalingGroupARN))
	x.add(launchTemplate(g.LaunchTemplate)...)
	if m := g.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil {
		x.add(launchTemplate(m.LaunchTemplate.LaunchTemplateSpecification)...)
	}
	if lc := aws.ToString(g.LaunchConfigurationName); lc != "" {
		x.add(resource(kindLaunchConfig, lc, ""))
	}
	for _, in := range g.Instances {
		x.add(resource(kindInstance, aws.ToString(in.InstanceId), ""))
	}
	for _, tg := range g.TargetGroupARNs {
		x.add(elbResource(kindTargetGroup, tg))
	}
	return x
}

// expandSubnet: the network ACL and the route table of a subnet: its own,
// or else its VPC's main route table.
func expandSubnet(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	acls, err := cached(ctx, &s.graph.cache, "ec2:DescribeNetworkAcls "+r.ID, func(ctx context.Context) (*ec2.DescribeNetworkAclsOutput, error) {
		return s.graph.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: filters("association.subnet-id", r.ID)})
	})
	vpc := ""
	if !x.fail(err) {
		for _, acl := range acls.NetworkAcls {
			x.add(resource(kindNACL, aws.ToString(acl.NetworkAclId), ""))
			vpc = aws.ToString(acl.VpcId)
		}
	}
	tables, err := cached(ctx, &s.graph.cache, "ec2:DescribeRouteTables "+r.ID, func(ctx context.Context) (*ec2.DescribeRouteTablesOutput, error) {
		return s.graph.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: filters("association.subnet-id", r.ID)})
	})
	if err == nil && len(tables.RouteTables) == 0 && vpc != "" {
		tables, err = cached(ctx, &s.graph.cache, "ec2:DescribeRouteTables main "+vpc, func(ctx context.Context) (*ec2.DescribeRouteTablesOutput, error) {
			return s.graph.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: append(filters("vpc-id", vpc), filters("association.main", "true")...)})
		})
	}
	if !x.fail(err) {
		for _, rt := range tables.RouteTables {
			x.add(resource(kindRouteTable, aws.ToString(rt.RouteTableId), ""))
		}
	}
	return x
}

func filters(name, value string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String(name), Values: []string{value}}}
}

// expandRole: the managed policies attached to a role.
func expandRole(ctx context.Context, s *Source, r sources.Resource) (x expansion) {
	x.self = r
	out, err := cached(ctx, &s.graph.cache, "iam:ListAttachedRolePolicies "+r.ID, func(ctx context.Context) (*iam.ListAttachedRolePoliciesOutput, error) {
		return s.graph.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(r.ID)})
	})
	if x.fail(err) {
		return x
	}
	for _, p := range out.AttachedPolicies {
		x.add(resource(kindPolicy, aws.ToString(p.PolicyName), aws.ToString(p.PolicyArn)))
	}
	return x
}
