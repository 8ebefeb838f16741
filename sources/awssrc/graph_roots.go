package awssrc

import (
	"fmt"
	"slices"
	"strings"

	"watchtrail/sources"
	"watchtrail/text"
)

// Resource kinds, as shown in relation paths ("role svc-ord-exec").
const (
	kindInstance      = "instance"
	kindSG            = "sg"
	kindSubnet        = "subnet"
	kindNACL          = "network acl"
	kindRouteTable    = "route table"
	kindVolume        = "volume"
	kindProfile       = "instance profile"
	kindRole          = "role"
	kindPolicy        = "policy"
	kindASG           = "asg"
	kindLaunchTpl     = "launch template"
	kindLaunchConfig  = "launch config"
	kindFunction      = "function"
	kindAlias         = "alias"
	kindMapping       = "mapping"
	kindQueue         = "queue"
	kindStream        = "stream"
	kindTable         = "table"
	kindScalable      = "scalable target"
	kindScalingPolicy = "scaling policy"
	kindLB            = "lb"
	kindListener      = "listener"
	kindRule          = "listener rule"
	kindTargetGroup   = "target group"
	kindDB            = "db"
	kindDBCluster     = "db cluster"
	kindDBParams      = "db parameter group"
	kindOptionGroup   = "option group"
	kindDBSubnets     = "db subnet group"
	kindECSService    = "ecs service"
	kindECSCluster    = "ecs cluster"
	kindTaskDef       = "task definition"
	kindKMSKey        = "kms key"
	kindAPI           = "api"
)

// dimensionKinds maps the CloudWatch dimensions that name a resource to its kind.
var dimensionKinds = map[string]string{
	"InstanceId": kindInstance, "AutoScalingGroupName": kindASG, "FunctionName": kindFunction,
	"LoadBalancer": kindLB, "TargetGroup": kindTargetGroup, "DBInstanceIdentifier": kindDB,
	"DBClusterIdentifier": kindDBCluster, "TableName": kindTable, "QueueName": kindQueue,
	"StreamName": kindStream, "ApiName": kindAPI, "ApiId": kindAPI,
}

// roots are the alarmed resources, from the alarm's dimensions. region and
// account come from the alarm's ARN, region falling back to defaultRegion.
func roots(a sources.Alarm, defaultRegion string) []sources.Resource {
	at := arnOf(a.ARN)
	if at.region == "" {
		at.region = defaultRegion
	}
	dims := map[string]string{}
	for _, d := range a.Metric.Dims {
		dims[d.Name] = d.Value
	}
	ecs := strings.Contains(a.Metric.Namespace, "ECS") && dims["ClusterName"] != ""
	var out []sources.Resource
	for _, d := range a.Metric.Dims {
		if d.Value == "" || sources.QualifierDimension(d.Name) || (ecs && d.Name == "ServiceName") { // the service goes with its cluster
			continue
		}
		switch kind := dimensionKinds[d.Name]; {
		case ecs && d.Name == "ClusterName":
			if svc := dims["ServiceName"]; svc != "" {
				out = append(out, resource(kindECSService, d.Value+"/"+svc, "", svc))
			} else {
				out = append(out, resource(kindECSCluster, d.Value, ""))
			}
		case d.Name == "Resource" && dims["FunctionName"] != "":
			if strings.Contains(d.Value, ":") { // "fn:alias"; plain "fn" is the function itself
				out = append(out, resource(kindAlias, d.Value, ""))
			}
		case kind == kindLB || kind == kindTargetGroup:
			out = append(out, elbRoot(kind, d.Value, at))
		case kind == kindStream && at.account != "":
			out = append(out, resource(kind, d.Value, at.build("kinesis", "stream/"+d.Value)))
		case kind != "":
			out = append(out, resource(kind, d.Value, ""))
		default:
			out = append(out, resource(d.Name, d.Value, ""))
		}
	}
	return out
}

// elbRoot is the load balancer or target group a dimension names
// ("app/web/50dc6c495c0c9188", "targetgroup/web/73e2d6bc24d8a067"), known by
// its name, the dimension value and, when the account is known, its ARN.
func elbRoot(kind, value string, at arnInfo) sources.Resource {
	name := value
	if parts := strings.Split(value, "/"); len(parts) == 3 {
		name = parts[1]
	}
	arn := ""
	if at.account != "" {
		prefix := "loadbalancer/"
		if kind == kindTargetGroup {
			prefix = ""
		}
		arn = at.build("elasticloadbalancing", prefix+value)
	}
	return resource(kind, name, arn, value)
}

// elbResource is a load balancer or target group known by its ARN
// (…:loadbalancer/app/web/50dc…, …:targetgroup/web/73e2…), with the ID its
// CloudWatch dimension uses as a name.
func elbResource(kind, arn string) sources.Resource {
	dim := strings.TrimPrefix(arnOf(arn).resource, "loadbalancer/")
	r := elbRoot(kind, dim, arnInfo{})
	r.ARN = text.Sanitize(arn)
	return r
}

// resource builds a Resource from text AWS returned, sanitised.
func resource(kind, id, arn string, names ...string) sources.Resource {
	r := sources.Resource{Kind: kind, ID: text.Sanitize(id), ARN: text.Sanitize(arn)}
	for _, n := range names {
		if n = text.Sanitize(n); n != "" && n != r.ID && n != r.ARN && !slices.Contains(r.Names, n) {
			r.Names = append(r.Names, n)
		}
	}
	return r
}

// fromARN builds a resource known by its ARN, its ID being the last part of
// the ARN's resource ("role/service-role/x" → "x", "function:f" → "f").
func fromARN(kind, arn string, names ...string) sources.Resource {
	return resource(kind, arnOf(arn).name(), arn, names...)
}

// arnInfo is an ARN's parts: arn:partition:service:region:account:resource.
type arnInfo struct{ partition, service, region, account, resource string }

func arnOf(arn string) arnInfo {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return arnInfo{}
	}
	return arnInfo{p[1], p[2], p[3], p[4], p[5]}
}

// name is the last segment of the resource part, after "/" or ":".
func (a arnInfo) name() string {
	return a.resource[strings.LastIndexAny(a.resource, "/:")+1:]
}

// build makes an ARN for another service in the same partition, region and account.
func (a arnInfo) build(service, resource string) string {
	partition := a.partition
	if partition == "" {
		partition = "aws"
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partition, service, a.region, a.account, resource)
}
