package awssrc

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// motoBuilder is a Source and a resource Builder on the shared moto server.
func motoBuilder(t *testing.T) (*Source, *motoserver.Builder) {
	t.Helper()
	s, _ := motoSource(t)
	return s, motoserver.NewBuilder(t, motoserver.Shared(t))
}

// motoGraph discovers the graph around an alarm with the given dimensions
// (name, value pairs) on the shared moto server.
func motoGraph(t *testing.T, s *Source, namespace string, dims ...string) sources.ResourceGraph {
	t.Helper()
	a := sources.Alarm{Name: "test", ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:test",
		Metric: sources.MetricSpec{Namespace: namespace}}
	for i := 0; i+1 < len(dims); i += 2 {
		a.Metric.Dims = append(a.Metric.Dims, sources.Dimension{Name: dims[i], Value: dims[i+1]})
	}
	return s.DiscoverGraph(context.Background(), a)
}

// wantRelated asserts the graph holds a resource of kind with id, reached
// through path, known also by each of names.
func wantRelated(t *testing.T, g sources.ResourceGraph, kind, id string, path []string, names ...string) {
	t.Helper()
	for _, r := range g.Resources {
		if r.Kind != kind || r.ID != id {
			continue
		}
		if strings.Join(r.Path, " → ") != strings.Join(path, " → ") || r.Hops != len(path)-1 {
			t.Errorf("%s: path %q (hops %d), want %q", r.Label(), r.PathText(), r.Hops, strings.Join(path, " → "))
		}
		for _, n := range names {
			if !slices.Contains(r.Identifiers(), n) {
				t.Errorf("%s: identifiers %q lack %q", r.Label(), r.Identifiers(), n)
			}
		}
		return
	}
	t.Errorf("no %s %s in the graph:\n%s", kind, id, graphText(g))
}

// wantKind asserts the graph holds a resource of kind at hops.
func wantKind(t *testing.T, g sources.ResourceGraph, kind string, hops int) {
	t.Helper()
	for _, r := range g.Resources {
		if r.Kind == kind && r.Hops == hops {
			return
		}
	}
	t.Errorf("no %s at %d hops:\n%s", kind, hops, graphText(g))
}

func graphText(g sources.ResourceGraph) string {
	var b strings.Builder
	for _, r := range g.Resources {
		b.WriteString("  " + r.PathText() + "  " + strings.Join(r.Identifiers(), " ") + "\n")
	}
	for _, p := range g.Problems {
		b.WriteString("  problem: " + p + "\n")
	}
	return b.String()
}

// short is a unique lower-case name that fits every service's limits
// (load balancers take 32 characters, with room left for suffixes).
func short(prefix string) string {
	return fmt.Sprintf("%s-%08x", prefix, uint32(time.Now().UnixNano()))
}

func noProblems(t *testing.T, g sources.ResourceGraph) {
	t.Helper()
	if len(g.Problems) > 0 {
		t.Errorf("problems: %q", g.Problems)
	}
}

func TestGraphInstance(t *testing.T) {
	s, calls := motoSource(t)
	b := motoserver.NewBuilder(t, motoserver.Shared(t))
	name := short("web")
	net := b.Network(name)
	b.Role(name+"-role", "ec2.amazonaws.com")
	b.InstanceProfile(name+"-profile", name+"-role")
	id := b.Instance(net, name+"-profile")

	g := motoGraph(t, s, "AWS/EC2", "InstanceId", id)
	noProblems(t, g)
	root := "instance " + id
	wantRelated(t, g, kindInstance, id, []string{root})
	wantRelated(t, g, kindSG, net.SG, []string{root, "sg " + net.SG}, name)
	wantRelated(t, g, kindSubnet, net.Subnets[0], []string{root, "subnet " + net.Subnets[0]})
	wantKind(t, g, kindNACL, 2)
	if n := calls.get("DescribeRouteTables"); n != 2 {
		t.Errorf("DescribeRouteTables called %d times, want 2: the subnet's own (none), then the VPC's main one", n)
	}
	wantKind(t, g, kindRouteTable, 2)
	wantRelated(t, g, kindRole, name+"-role", []string{root, "role " + name + "-role"}, "arn:aws:iam::123456789012:role/"+name+"-role")
	wantRelated(t, g, kindPolicy, name+"-role-policy", []string{root, "role " + name + "-role", "policy " + name + "-role-policy"})
}

func TestGraphAutoScalingGroup(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("asg")
	lt := b.AutoScalingGroup(name, b.Network(name))
	instances := b.ASGInstances(name)
	if len(instances) == 0 {
		t.Fatal("moto launched no instance for the group")
	}

	g := motoGraph(t, s, "AWS/EC2", "AutoScalingGroupName", name)
	noProblems(t, g)
	wantRelated(t, g, kindLaunchTpl, lt, []string{"asg " + name, "launch template " + lt}, name+"-lt")
	wantRelated(t, g, kindInstance, instances[0], []string{"asg " + name, "instance " + instances[0]})

	g = motoGraph(t, s, "AWS/EC2", "InstanceId", instances[0])
	wantRelated(t, g, kindASG, name, []string{"instance " + instances[0], "asg " + name})
}

func TestGraphFunction(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("orders")
	net := b.Network(name)
	role := b.Role(name+"-exec", "lambda.amazonaws.com")
	queue := b.Queue(name+"-q", "")
	fnARN := b.Function(name, role, &net)
	mapping := b.EventSourceMapping(name, queue)

	g := motoGraph(t, s, "AWS/Lambda", "FunctionName", name, "Resource", name+":live")
	noProblems(t, g)
	root := "function " + name
	wantRelated(t, g, kindFunction, name, []string{root}, fnARN)
	wantRelated(t, g, kindAlias, name+":live", []string{"alias " + name + ":live"})
	wantRelated(t, g, kindRole, name+"-exec", []string{root, "role " + name + "-exec"}, role)
	wantRelated(t, g, kindSG, net.SG, []string{root, "sg " + net.SG})
	wantRelated(t, g, kindMapping, mapping, []string{root, "mapping " + mapping})
	wantRelated(t, g, kindQueue, name+"-q", []string{root, "queue " + name + "-q"}, queue,
		"https://sqs.us-east-1.amazonaws.com/123456789012/"+name+"-q")
}

func TestGraphQueue(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("jobs")
	dlq := b.Queue(name+"-dlq", "")
	queue := b.Queue(name, dlq)
	role := b.Role(name+"-exec", "lambda.amazonaws.com")
	b.Function(name+"-worker", role, nil)
	mapping := b.EventSourceMapping(name+"-worker", queue)

	g := motoGraph(t, s, "AWS/SQS", "QueueName", name)
	noProblems(t, g)
	root := "queue " + name
	wantRelated(t, g, kindQueue, name, []string{root}, queue)
	wantRelated(t, g, kindQueue, name+"-dlq", []string{root, "queue " + name + "-dlq"}, dlq)
	wantRelated(t, g, kindMapping, mapping, []string{root, "mapping " + mapping})
	wantRelated(t, g, kindFunction, name+"-worker", []string{root, "function " + name + "-worker"})
	wantRelated(t, g, kindRole, name+"-exec", []string{root, "function " + name + "-worker", "role " + name + "-exec"})
}

func TestGraphLoadBalancer(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("lb")
	net := b.Network(name)
	lbARN, tgARN := b.LoadBalancer(name, net)
	instSG := b.SecurityGroup(net.VPC, name+"-inst")
	instance := b.Instance(motoserver.Network{VPC: net.VPC, Subnets: net.Subnets, SG: instSG}, "")
	b.RegisterTarget(tgARN, instance)
	lbDim := strings.TrimPrefix(arnOf(lbARN).resource, "loadbalancer/")
	tgDim := arnOf(tgARN).resource

	g := motoGraph(t, s, "AWS/ApplicationELB", "LoadBalancer", lbDim)
	noProblems(t, g)
	root := "lb " + name
	wantRelated(t, g, kindLB, name, []string{root}, lbARN, lbDim)
	wantRelated(t, g, kindSG, net.SG, []string{root, "sg " + net.SG})
	wantRelated(t, g, kindTargetGroup, name+"-tg", []string{root, "target group " + name + "-tg"}, tgARN, tgDim)
	wantRelated(t, g, kindListener, name+":80", []string{root, "listener " + name + ":80"})
	wantRelated(t, g, kindRule, name+":80 10", []string{root, "listener " + name + ":80", "listener rule " + name + ":80 10"})
	wantRelated(t, g, kindInstance, instance, []string{root, "instance " + instance})
	wantRelated(t, g, kindSG, instSG, []string{root, "instance " + instance, "sg " + instSG}, name+"-inst")

	g = motoGraph(t, s, "AWS/ApplicationELB", "TargetGroup", tgDim, "LoadBalancer", lbDim)
	noProblems(t, g)
	wantRelated(t, g, kindSG, instSG, []string{"target group " + name + "-tg", "instance " + instance, "sg " + instSG}, name+"-inst")
}

func TestGraphFanOut(t *testing.T) {
	s, calls := motoSource(t)
	b := motoserver.NewBuilder(t, motoserver.Shared(t))
	name := short("fleet")
	net := b.Network(name)
	_, tgARN := b.LoadBalancer(name, net)
	for _, id := range b.Instances(net, "", graphFanOut+2) {
		b.RegisterTarget(tgARN, id)
	}
	g := motoGraph(t, s, "AWS/ApplicationELB", "TargetGroup", arnOf(tgARN).resource)
	instances := 0
	for _, r := range g.Resources {
		if r.Kind == kindInstance {
			instances++
		}
	}
	want := fmt.Sprintf("saw the relations of only %d of target group %s-tg's %d instances", graphFanOut, name, graphFanOut+2)
	if instances != graphFanOut+2 || len(g.Problems) != 1 || g.Problems[0] != want || calls.get("DescribeInstances") != graphFanOut {
		t.Errorf("%d instances, %d DescribeInstances calls, problems %q; want all %d listed, %d expanded and %q",
			instances, calls.get("DescribeInstances"), g.Problems, graphFanOut+2, graphFanOut, want)
	}
}

func TestGraphDatabase(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("db")
	net := b.Network(name)
	b.Database(name, net.SG)

	g := motoGraph(t, s, "AWS/RDS", "DBInstanceIdentifier", name)
	noProblems(t, g)
	root := "db " + name
	wantRelated(t, g, kindDB, name, []string{root}, "arn:aws:rds:us-east-1:123456789012:db:"+name)
	wantRelated(t, g, kindDBParams, name+"-params", []string{root, "db parameter group " + name + "-params"})
	wantRelated(t, g, kindSG, net.SG, []string{root, "sg " + net.SG})
}

func TestGraphTable(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("orders")
	stream := b.Table(name)
	role := b.Role(name+"-exec", "lambda.amazonaws.com")
	b.Function(name+"-projector", role, nil)
	b.EventSourceMapping(name+"-projector", stream)

	g := motoGraph(t, s, "AWS/DynamoDB", "TableName", name, "Operation", "GetItem")
	noProblems(t, g)
	root := "table " + name
	wantRelated(t, g, kindTable, name, []string{root}, "arn:aws:dynamodb:us-east-1:123456789012:table/"+name)
	wantRelated(t, g, kindScalable, "table/"+name+" ReadCapacityUnits", []string{root, "scalable target table/" + name + " ReadCapacityUnits"}, "table/"+name)
	wantRelated(t, g, kindScalingPolicy, name+"-read-scaling", []string{root, "scaling policy " + name + "-read-scaling"})
	wantRelated(t, g, kindFunction, name+"-projector", []string{root, "function " + name + "-projector"})
	if len(g.Resources) > 0 && g.Resources[0].Kind != kindTable {
		t.Errorf("the Operation dimension became a resource: %s", graphText(g))
	}
}

func TestGraphECSService(t *testing.T) {
	s, b := motoBuilder(t)
	name := short("api")
	net := b.Network(name)
	_, tgARN := b.LoadBalancer(name, net)
	role := b.Role(name+"-task", "ecs-tasks.amazonaws.com")
	td := b.ECSService(name+"-cluster", name, role, tgARN)

	g := motoGraph(t, s, "AWS/ECS", "ClusterName", name+"-cluster", "ServiceName", name)
	noProblems(t, g)
	root := "ecs service " + name + "-cluster/" + name
	tdID := strings.TrimPrefix(arnOf(td).resource, "task-definition/")
	wantRelated(t, g, kindECSService, name+"-cluster/"+name, []string{root}, name)
	wantRelated(t, g, kindECSCluster, name+"-cluster", []string{root, "ecs cluster " + name + "-cluster"})
	wantRelated(t, g, kindTaskDef, tdID, []string{root, "task definition " + tdID}, td, name)
	wantRelated(t, g, kindRole, name+"-task", []string{root, "task definition " + tdID, "role " + name + "-task"}, role)
	wantRelated(t, g, kindTargetGroup, name+"-tg", []string{root, "target group " + name + "-tg"}, tgARN)
}

// denyService is a proxy to moto that answers every request signed for the
// named service (as in the credential scope ".../us-east-1/iam/aws4_request")
// with AccessDenied in the service's XML: EC2's own, or the query
// protocol's (IAM, Auto Scaling, ...).
func denyService(t *testing.T, endpoint, service string) string {
	t.Helper()
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "/"+service+"/aws4_request") {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			const denied = `<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ops is not authorized to perform this action</Message>`
			if service == "ec2" {
				fmt.Fprint(w, `<Response><Errors><Error>`+denied+`</Error></Errors><RequestID>1</RequestID></Response>`)
			} else {
				fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type>`+denied+`</Error><RequestId>1</RequestId></ErrorResponse>`)
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestGraphDeniedCallIsAProblem(t *testing.T) {
	endpoint := motoserver.Shared(t)
	b := motoserver.NewBuilder(t, endpoint)
	name := short("denied")
	net := b.Network(name)
	b.Role(name+"-role", "ec2.amazonaws.com")
	b.InstanceProfile(name+"-profile", name+"-role")
	id := b.Instance(net, name+"-profile")
	s := New(testConfig(t), denyService(t, endpoint, "iam"))

	g := motoGraph(t, s, "AWS/EC2", "InstanceId", id)
	if len(g.Problems) != 1 || !strings.HasPrefix(g.Problems[0], "could not see instance "+id+"'s relations: access denied") ||
		!strings.Contains(g.Problems[0], "GetInstanceProfile") {
		t.Errorf("problems %q, want one naming the denied GetInstanceProfile", g.Problems)
	}
	wantRelated(t, g, kindSG, net.SG, []string{"instance " + id, "sg " + net.SG})
	wantRelated(t, g, kindSubnet, net.Subnets[0], []string{"instance " + id, "subnet " + net.Subnets[0]})
	wantRelated(t, g, kindProfile, name+"-profile", []string{"instance " + id, "instance profile " + name + "-profile"})
}

func TestGraphKeepsTheAlarmedResourcesWhenNothingAnswers(t *testing.T) {
	s := New(testConfig(t), "http://127.0.0.1:1")
	g := motoGraph(t, s, "AWS/Lambda", "FunctionName", "orders-fn")
	wantRelated(t, g, kindFunction, "orders-fn", []string{"function orders-fn"})
	if len(g.Resources) != 1 || len(g.Problems) == 0 || !strings.Contains(g.Problems[0], "could not see function orders-fn's relations: endpoint unreachable") {
		t.Errorf("graph:\n%s", graphText(g))
	}
}

func TestGraphMissingResource(t *testing.T) {
	s, _ := motoSource(t)
	g := motoGraph(t, s, "AWS/RDS", "DBInstanceIdentifier", "gone-db", "AvailabilityZone", "us-east-1a")
	wantRelated(t, g, kindDB, "gone-db", []string{"db gone-db"})
	if len(g.Resources) != 1 || len(g.Problems) != 1 || !strings.Contains(g.Problems[0], "DBInstanceNotFound") {
		t.Errorf("graph:\n%s", graphText(g))
	}
}

func TestGraphCachesCalls(t *testing.T) {
	s, calls := motoSource(t)
	b := motoserver.NewBuilder(t, motoserver.Shared(t))
	name := short("cached")
	dlq := b.Queue(name+"-dlq", "")
	b.Queue(name, dlq)
	first := motoGraph(t, s, "AWS/SQS", "QueueName", name)
	before := calls.get("GetQueueAttributes")
	second := motoGraph(t, s, "AWS/SQS", "QueueName", name)
	if calls.get("GetQueueAttributes") != before || before != 2 {
		t.Errorf("GetQueueAttributes called %d times, then %d: want 2 (queue and DLQ), then no more", before, calls.get("GetQueueAttributes"))
	}
	if graphText(first) != graphText(second) {
		t.Errorf("cached graph differs:\n%s\nvs\n%s", graphText(first), graphText(second))
	}
}

func TestGraphRootsOfECSAndOtherServices(t *testing.T) {
	for _, tc := range []struct {
		namespace string
		dims      []sources.Dimension
		want      string
	}{
		{"AWS/ECS", []sources.Dimension{{Name: "ServiceName", Value: "api"}, {Name: "ClusterName", Value: "prod"}}, "ecs service prod/api"},
		{"ECS/ContainerInsights", []sources.Dimension{{Name: "ClusterName", Value: "prod"}}, "ecs cluster prod"},
		{"AWS/Usage", []sources.Dimension{{Name: "ServiceName", Value: "api"}}, "ServiceName api"},
		{"AWS/Lambda", []sources.Dimension{{Name: "FunctionName", Value: "f"}, {Name: "Resource", Value: "f"}}, "function f"},
	} {
		var got []string
		for _, r := range roots(sources.Alarm{Metric: sources.MetricSpec{Namespace: tc.namespace, Dims: tc.dims}}, "us-east-1") {
			got = append(got, r.Label())
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("%s %v: roots %q, want %q", tc.namespace, tc.dims, got, tc.want)
		}
	}
}

func TestGraphRoots(t *testing.T) {
	a := sources.Alarm{ARN: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x", Metric: sources.MetricSpec{Namespace: "AWS/ApplicationELB",
		Dims: []sources.Dimension{{Name: "TargetGroup", Value: "targetgroup/web/73e2"}, {Name: "LoadBalancer", Value: "app/web/50dc"},
			{Name: "AvailabilityZone", Value: "eu-west-1a"}, {Name: "ApiName", Value: "orders-api"}}}}
	var got []string
	for _, r := range roots(a, "us-east-1") {
		got = append(got, r.Label()+" "+strings.Join(r.Identifiers(), ","))
	}
	want := []string{
		"target group web web,arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/73e2,targetgroup/web/73e2",
		"lb web web,arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc,app/web/50dc",
		"api orders-api orders-api",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("roots:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// BenchmarkDiscoverGraph measures a discovery without the cache, around a
// load balancer with a target instance, against moto.
func BenchmarkDiscoverGraph(b *testing.B) {
	endpoint := motoserver.Shared(b)
	build := motoserver.NewBuilder(b, endpoint)
	name := short("bench")
	net := build.Network(name)
	lbARN, tgARN := build.LoadBalancer(name, net)
	build.RegisterTarget(tgARN, build.Instance(net, ""))
	b.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	a := sources.Alarm{Metric: sources.MetricSpec{Namespace: "AWS/ApplicationELB", Dims: []sources.Dimension{
		{Name: "LoadBalancer", Value: strings.TrimPrefix(arnOf(lbARN).resource, "loadbalancer/")}}}}
	b.ResetTimer()
	for range b.N {
		g := New(motoserver.Config(), endpoint).DiscoverGraph(context.Background(), a)
		if len(g.Problems) > 0 || len(g.Resources) < 5 {
			b.Fatalf("graph:\n%s", graphText(g))
		}
	}
}

func TestGraphGroupsLikeProblems(t *testing.T) {
	_, b := motoBuilder(t)
	name := short("blind")
	net := b.Network(name)
	_, tgARN := b.LoadBalancer(name, net)
	for _, id := range b.Instances(net, "", 3) {
		b.RegisterTarget(tgARN, id)
	}
	// Without EC2 permissions the group's three instances fail alike.
	s := New(testConfig(t), denyService(t, motoserver.Shared(t), "ec2"))
	g := motoGraph(t, s, "AWS/ApplicationELB", "TargetGroup", arnOf(tgARN).resource)
	if len(g.Problems) != 1 || !strings.HasPrefix(g.Problems[0], "could not see instance i-") ||
		!strings.Contains(g.Problems[0], "'s relations (and 2 more): access denied — EC2 DescribeInstances: AccessDenied") {
		t.Errorf("problems %q, want one line for the three instances", g.Problems)
	}
	wantKind(t, g, kindLB, 1)
}

func TestCallCacheExpires(t *testing.T) {
	var c callCache
	fetches := 0
	fetch := func(context.Context) (int, error) { fetches++; return fetches, nil }
	ctx := context.Background()
	if v, _ := cached(ctx, &c, "k", fetch); v != 1 {
		t.Fatalf("first answer %d", v)
	}
	if v, _ := cached(ctx, &c, "k", fetch); v != 1 {
		t.Errorf("fresh answer fetched again: %d", v)
	}
	c.answers["k"] = cachedAnswer{value: 1, at: time.Now().Add(-graphCacheTTL)}
	c.answers["old"] = cachedAnswer{value: 0, at: time.Now().Add(-graphCacheTTL)}
	if v, _ := cached(ctx, &c, "k", fetch); v != 2 {
		t.Errorf("stale answer reused: %d", v)
	}
	if _, ok := c.answers["old"]; ok {
		t.Error("a stale answer was kept")
	}
	failing := func(context.Context) (int, error) { return 0, fmt.Errorf("throttled") }
	if _, err := cached(ctx, &c, "f", failing); err == nil {
		t.Error("no error")
	}
	if _, ok := c.answers["f"]; ok {
		t.Error("a failure was cached")
	}
}
