package demo

import (
	"context"
	"slices"

	"watchtrail/sources"
)

// The resources around the alarmed ones, for the resource graph.
const (
	checkoutRole = "checkout-api-exec"
	webRole      = "web-instance-role"
	tgName       = "targetgroup/prod-web-tg/6d0ecf831eec9f09"
	sgALB        = "sg-0a1b2c3d4e5f6a7b8"
	sgWeb        = "sg-0c4d5e6f7a8b9c0d1"
	vol1         = "vol-049df61146c4d7901"
	vol2         = "vol-049df61146c4d7902"
	webSubnet    = "subnet-0e1f2a3b4c5d6e7f8"
)

// graphHops is how far the demo's discovery follows relations: far enough
// to reach from the load balancer through its targets to their security
// group.
const graphHops = 3

func arn(service, resource string) string {
	return "arn:aws:" + service + ":" + region + ":" + accountID + ":" + resource
}

// demoResources are the account's resources that relations can reach.
var demoResources = []sources.Resource{
	{Kind: "function", ID: checkoutFn, ARN: arn("lambda", "function:"+checkoutFn)},
	{Kind: "role", ID: checkoutRole, ARN: "arn:aws:iam::" + accountID + ":role/" + checkoutRole},
	{Kind: "alias", ID: checkoutFn + ":live", ARN: arn("lambda", "function:"+checkoutFn+":live")},
	{Kind: "load balancer", ID: albName, ARN: arn("elasticloadbalancing", "loadbalancer/"+albName)},
	{Kind: "target group", ID: tgName, ARN: arn("elasticloadbalancing", tgName)},
	{Kind: "sg", ID: sgALB, ARN: arn("ec2", "security-group/"+sgALB), Names: []string{"prod-web-alb"}},
	{Kind: "instance", ID: web1, ARN: arn("ec2", "instance/"+web1)},
	{Kind: "instance", ID: web2, ARN: arn("ec2", "instance/"+web2)},
	{Kind: "sg", ID: sgWeb, ARN: arn("ec2", "security-group/"+sgWeb), Names: []string{"prod-web-instances"}},
	{Kind: "volume", ID: vol1, ARN: arn("ec2", "volume/"+vol1)},
	{Kind: "volume", ID: vol2, ARN: arn("ec2", "volume/"+vol2)},
	{Kind: "subnet", ID: webSubnet, ARN: arn("ec2", "subnet/"+webSubnet)},
	{Kind: "role", ID: webRole, ARN: "arn:aws:iam::" + accountID + ":role/" + webRole},
	{Kind: "table", ID: ordersTable, ARN: arn("dynamodb", "table/"+ordersTable)},
}

// demoRelations are the edges discovery would find: function → execution
// role and alias; load balancer → its security group and target group →
// the instances registered in it → their security group, volumes, subnet
// and instance profile role.
var demoRelations = [][2]string{
	{checkoutFn, checkoutRole}, {checkoutFn, checkoutFn + ":live"},
	{albName, sgALB}, {albName, tgName}, {tgName, web1}, {tgName, web2},
	{web1, sgWeb}, {web2, sgWeb}, {web1, vol1}, {web2, vol2}, {web1, webSubnet}, {web2, webSubnet},
	{web1, webRole}, {web2, webRole},
}

// DiscoverGraph finds the resources related to the alarm's dimension
// resources, breadth first, up to graphHops away; relations are undirected
// (a target group leads to its instances, an instance to its target group).
func (s *Source) DiscoverGraph(ctx context.Context, a sources.Alarm) sources.ResourceGraph {
	var g sources.ResourceGraph
	if err := checkCtx(ctx); err != nil {
		g.Problems = append(g.Problems, "could not discover related resources: "+err.Error())
		return g
	}
	seen := map[string]bool{}
	var frontier []sources.Related
	for _, d := range a.Metric.Dims {
		if r, ok := demoResource(d.Value); ok && !seen[r.ID] {
			seen[r.ID] = true
			frontier = append(frontier, sources.Related{Resource: r, Path: []string{r.Label()}})
		}
	}
	for hops := 0; len(frontier) > 0; hops++ {
		g.Resources = append(g.Resources, frontier...)
		if hops == graphHops {
			break
		}
		var next []sources.Related
		for _, from := range frontier {
			for _, e := range demoRelations {
				to := e[1]
				if e[1] == from.ID {
					to = e[0]
				} else if e[0] != from.ID {
					continue
				}
				if r, ok := demoResource(to); ok && !seen[to] {
					seen[to] = true
					next = append(next, sources.Related{Resource: r, Hops: hops + 1, Path: append(slices.Clone(from.Path), r.Label())})
				}
			}
		}
		frontier = next
	}
	return g
}

func demoResource(id string) (sources.Resource, bool) {
	i := slices.IndexFunc(demoResources, func(r sources.Resource) bool { return r.ID == id })
	if i < 0 {
		return sources.Resource{}, false
	}
	return demoResources[i], true
}
