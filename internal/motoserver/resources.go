package motoserver

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Builder creates real resources in a moto server, for tests of resource
// discovery. Names are the caller's: make them unique on a shared server.
type Builder struct {
	t       testing.TB
	ctx     context.Context
	ec2     *ec2.Client
	iam     *iam.Client
	asg     *autoscaling.Client
	lambda  *lambda.Client
	sqs     *sqs.Client
	dynamo  *dynamodb.Client
	scaling *applicationautoscaling.Client
	elb     *elb.Client
	rds     *rds.Client
	ecs     *ecs.Client
}

// NewBuilder returns a Builder for the moto server at endpoint.
func NewBuilder(t testing.TB, endpoint string) *Builder {
	cfg := Config()
	cfg.BaseEndpoint = aws.String(endpoint)
	return &Builder{t: t, ctx: context.Background(),
		ec2: ec2.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), asg: autoscaling.NewFromConfig(cfg),
		lambda: lambda.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), dynamo: dynamodb.NewFromConfig(cfg),
		scaling: applicationautoscaling.NewFromConfig(cfg), elb: elb.NewFromConfig(cfg),
		rds: rds.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg)}
}

func (b *Builder) check(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("building moto resources: %v", err)
	}
}

// Network is a VPC with two subnets in different zones and a security group.
type Network struct {
	VPC     string
	Subnets []string
	SG      string
}

// Network creates a VPC, two subnets and a security group named name.
func (b *Builder) Network(name string) Network {
	b.t.Helper()
	vpc, err := b.ec2.CreateVpc(b.ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	b.check(err)
	n := Network{VPC: *vpc.Vpc.VpcId}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		sub, err := b.ec2.CreateSubnet(b.ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
			CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)), AvailabilityZone: aws.String(zone)})
		b.check(err)
		n.Subnets = append(n.Subnets, *sub.Subnet.SubnetId)
	}
	n.SG = b.SecurityGroup(n.VPC, name)
	return n
}

// NetworkACL is the ID of the network ACL associated with subnet.
func (b *Builder) NetworkACL(subnet string) string {
	b.t.Helper()
	out, err := b.ec2.DescribeNetworkAcls(b.ctx, &ec2.DescribeNetworkAclsInput{
		Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{subnet}}}})
	b.check(err)
	if len(out.NetworkAcls) == 0 {
		b.t.Fatalf("no network ACL for %s", subnet)
	}
	return *out.NetworkAcls[0].NetworkAclId
}

// MainRouteTable is the ID of the VPC's main route table.
func (b *Builder) MainRouteTable(vpc string) string {
	b.t.Helper()
	out, err := b.ec2.DescribeRouteTables(b.ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	b.check(err)
	if len(out.RouteTables) == 0 {
		b.t.Fatalf("no main route table in %s", vpc)
	}
	return *out.RouteTables[0].RouteTableId
}

// SecurityGroup creates a security group in vpc and returns its ID.
func (b *Builder) SecurityGroup(vpc, name string) string {
	b.t.Helper()
	sg, err := b.ec2.CreateSecurityGroup(b.ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc),
		GroupName: aws.String(name), Description: aws.String("test")})
	b.check(err)
	return *sg.GroupId
}

// Role creates a role the named service ("lambda.amazonaws.com") may
// assume, with one managed policy attached, and returns its ARN.
func (b *Builder) Role(name, service string) string {
	b.t.Helper()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":%q},"Action":"sts:AssumeRole"}]}`, service)
	role, err := b.iam.CreateRole(b.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	b.check(err)
	policy, err := b.iam.CreatePolicy(b.ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name + "-policy"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`)})
	b.check(err)
	_, err = b.iam.AttachRolePolicy(b.ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: policy.Policy.Arn})
	b.check(err)
	return *role.Role.Arn
}

// InstanceProfile creates an instance profile holding role.
func (b *Builder) InstanceProfile(name, role string) {
	b.t.Helper()
	_, err := b.iam.CreateInstanceProfile(b.ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)})
	b.check(err)
	_, err = b.iam.AddRoleToInstanceProfile(b.ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(role)})
	b.check(err)
}

// Instance runs an instance in the network's first subnet with its security
// group and, when profile is set, that instance profile; it returns the ID.
func (b *Builder) Instance(n Network, profile string) string {
	b.t.Helper()
	return b.Instances(n, profile, 1)[0]
}

// Instances runs count instances like Instance and returns their IDs.
func (b *Builder) Instances(n Network, profile string, count int32) []string {
	b.t.Helper()
	in := &ec2.RunInstancesInput{ImageId: aws.String(b.image()), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(count), MaxCount: aws.Int32(count), SubnetId: aws.String(n.Subnets[0]), SecurityGroupIds: []string{n.SG}}
	if profile != "" {
		in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String(profile)}
	}
	out, err := b.ec2.RunInstances(b.ctx, in)
	b.check(err)
	var ids []string
	for _, i := range out.Instances {
		ids = append(ids, *i.InstanceId)
	}
	return ids
}

// image is an AMI moto knows.
func (b *Builder) image() string {
	b.t.Helper()
	out, err := b.ec2.DescribeImages(b.ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	b.check(err)
	if len(out.Images) == 0 {
		b.t.Fatal("moto lists no AMIs")
	}
	return *out.Images[0].ImageId
}

// AutoScalingGroup creates a launch template and a group of one instance
// launched from it in the network's subnets; it returns the template's ID.
func (b *Builder) AutoScalingGroup(name string, n Network) string {
	b.t.Helper()
	lt, err := b.ec2.CreateLaunchTemplate(b.ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name + "-lt"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(b.image()), InstanceType: ec2types.InstanceTypeT3Micro,
			SecurityGroupIds: []string{n.SG}}})
	b.check(err)
	_, err = b.asg.CreateAutoScalingGroup(b.ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String(name),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(1), VPCZoneIdentifier: aws.String(n.Subnets[0]),
		LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")}})
	b.check(err)
	return *lt.LaunchTemplate.LaunchTemplateId
}

// ASGInstances are the IDs of the group's instances.
func (b *Builder) ASGInstances(name string) []string {
	b.t.Helper()
	out, err := b.asg.DescribeAutoScalingGroups(b.ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	b.check(err)
	var ids []string
	for _, g := range out.AutoScalingGroups {
		for _, in := range g.Instances {
			ids = append(ids, *in.InstanceId)
		}
	}
	return ids
}

// Queue creates a queue, sending to dlqARN after three receives when set;
// it returns the queue's ARN.
func (b *Builder) Queue(name, dlqARN string) string {
	b.t.Helper()
	attrs := map[string]string{}
	if dlqARN != "" {
		attrs["RedrivePolicy"] = fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"3"}`, dlqARN)
	}
	q, err := b.sqs.CreateQueue(b.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	b.check(err)
	out, err := b.sqs.GetQueueAttributes(b.ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	b.check(err)
	return out.Attributes["QueueArn"]
}

// Function creates a Python function with the execution role, in the
// network's subnets and security group when n is set, with an alias "live".
func (b *Builder) Function(name, roleARN string, n *Network) string {
	b.t.Helper()
	in := &lambda.CreateFunctionInput{FunctionName: aws.String(name), Role: aws.String(roleARN),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: HandlerZip(b.t)}, Publish: true}
	if n != nil {
		in.VpcConfig = &lambdatypes.VpcConfig{SubnetIds: n.Subnets, SecurityGroupIds: []string{n.SG}}
	}
	fn, err := b.lambda.CreateFunction(b.ctx, in)
	b.check(err)
	_, err = b.lambda.CreateAlias(b.ctx, &lambda.CreateAliasInput{FunctionName: aws.String(name), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	b.check(err)
	return *fn.FunctionArn
}

// HandlerZip is a Python Lambda handler's deployment package.
func HandlerZip(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("index.py")
	if err == nil {
		_, err = w.Write([]byte("def handler(event, context):\n    return 'ok'\n"))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// EventSourceMapping makes function consume sourceARN and returns the mapping's UUID.
func (b *Builder) EventSourceMapping(function, sourceARN string) string {
	b.t.Helper()
	m, err := b.lambda.CreateEventSourceMapping(b.ctx, &lambda.CreateEventSourceMappingInput{FunctionName: aws.String(function),
		EventSourceArn: aws.String(sourceARN), BatchSize: aws.Int32(10)})
	b.check(err)
	return *m.UUID
}

// LoadBalancer creates an application load balancer in the network with its
// security group, an HTTP target group and a listener on port 80 forwarding
// to it, with one rule (priority 10, /api/*); it returns the load
// balancer's and the target group's ARNs.
func (b *Builder) LoadBalancer(name string, n Network) (lbARN, tgARN string) {
	b.t.Helper()
	lb, err := b.elb.CreateLoadBalancer(b.ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name), Subnets: n.Subnets,
		SecurityGroups: []string{n.SG}, Type: elbtypes.LoadBalancerTypeEnumApplication})
	b.check(err)
	tg, err := b.elb.CreateTargetGroup(b.ctx, &elb.CreateTargetGroupInput{Name: aws.String(name + "-tg"), VpcId: aws.String(n.VPC),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), TargetType: elbtypes.TargetTypeEnumInstance})
	b.check(err)
	lbARN, tgARN = *lb.LoadBalancers[0].LoadBalancerArn, *tg.TargetGroups[0].TargetGroupArn
	forward := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgARN)}}
	l, err := b.elb.CreateListener(b.ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(lbARN), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: forward})
	b.check(err)
	_, err = b.elb.CreateRule(b.ctx, &elb.CreateRuleInput{ListenerArn: l.Listeners[0].ListenerArn, Priority: aws.Int32(10), Actions: forward,
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api/*"}}}})
	b.check(err)
	return lbARN, tgARN
}

// RegisterTarget adds an instance to a target group.
func (b *Builder) RegisterTarget(tgARN, instance string) {
	b.t.Helper()
	_, err := b.elb.RegisterTargets(b.ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(tgARN),
		Targets: []elbtypes.TargetDescription{{Id: aws.String(instance), Port: aws.Int32(80)}}})
	b.check(err)
}

// Database creates a parameter group name+"-params" and a Postgres instance
// using it with the security group sg.
func (b *Builder) Database(name, sg string) {
	b.t.Helper()
	_, err := b.rds.CreateDBParameterGroup(b.ctx, &rds.CreateDBParameterGroupInput{DBParameterGroupName: aws.String(name + "-params"),
		DBParameterGroupFamily: aws.String("postgres16"), Description: aws.String("test")})
	b.check(err)
	_, err = b.rds.CreateDBInstance(b.ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(name),
		DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("admin1"), MasterUserPassword: aws.String("password123"),
		DBParameterGroupName: aws.String(name + "-params"), VpcSecurityGroupIds: []string{sg}})
	b.check(err)
}

// Table creates an on-demand-free provisioned table with a stream, and
// target tracking auto scaling of its read capacity.
func (b *Builder) Table(name string) (streamARN string) {
	b.t.Helper()
	out, err := b.dynamo.CreateTable(b.ctx, &dynamodb.CreateTableInput{TableName: aws.String(name),
		AttributeDefinitions:  []dbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:             []dbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: dbtypes.KeyTypeHash}},
		ProvisionedThroughput: &dbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
		StreamSpecification:   &dbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: dbtypes.StreamViewTypeNewImage}})
	b.check(err)
	id := aws.String("table/" + name)
	dim := scalingtypes.ScalableDimensionDynamoDBTableReadCapacityUnits
	_, err = b.scaling.RegisterScalableTarget(b.ctx, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb, ResourceId: id, ScalableDimension: dim,
		MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(100)})
	b.check(err)
	_, err = b.scaling.PutScalingPolicy(b.ctx, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String(name + "-read-scaling"),
		ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb, ResourceId: id, ScalableDimension: dim,
		PolicyType: scalingtypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &scalingtypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(70),
			PredefinedMetricSpecification: &scalingtypes.PredefinedMetricSpecification{PredefinedMetricType: scalingtypes.MetricTypeDynamoDBReadCapacityUtilization}}})
	b.check(err)
	return aws.ToString(out.TableDescription.LatestStreamArn)
}

// ECSService creates a cluster, a Fargate task definition family name with
// the task role, and a service of it behind the target group; it returns
// the task definition's ARN.
func (b *Builder) ECSService(cluster, name, taskRoleARN, tgARN string) string {
	b.t.Helper()
	_, err := b.ecs.CreateCluster(b.ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)})
	b.check(err)
	td, err := b.ecs.RegisterTaskDefinition(b.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(name),
		TaskRoleArn: aws.String(taskRoleARN), ExecutionRoleArn: aws.String(taskRoleARN),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(256),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80)}}}}})
	b.check(err)
	arn := *td.TaskDefinition.TaskDefinitionArn
	_, err = b.ecs.CreateService(b.ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
		TaskDefinition: aws.String(arn), DesiredCount: aws.Int32(1),
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tgARN), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}})
	b.check(err)
	return arn
}
