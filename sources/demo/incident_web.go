package demo

import (
	"fmt"
	"time"
)

// webCalls are the second incident's calls (see timeline): erin's revoke
// that causes it, frank's fix, and around them what a real account does: a
// tagging bot touching the same group and instances just before the errors,
// a backup snapshot of an instance's volume, a look-alike staging group
// opened up, reads, and a health check tweak made after the errors began.
func (s *Source) webCalls() []call {
	tl := s.story
	ingress := func(group, peer string) map[string]any {
		return map[string]any{"groupId": group, "ipPermissions": map[string]any{"items": []any{map[string]any{
			"ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080,
			"groups": map[string]any{"items": []any{map[string]any{"groupId": peer, "description": "from prod-web-alb"}}}}}}}
	}
	ok := func(at time.Time) map[string]any {
		return map[string]any{"requestId": uuid("web/request", at.Unix()), "_return": true}
	}
	at := func(d time.Duration) time.Time { return tl.revoke.Add(d) }
	id := func(what string) string { return uuid("web/"+what, tl.revoke.Unix()) }
	const stagingSG = "sg-0c4d5e6f7a8b9c0d9"
	tgARN := arn("elasticloadbalancing", tgName)
	return []call{
		{at: at(-4 * time.Minute), id: id("snapshot"), who: awsBackup, source: "ec2.amazonaws.com", name: "CreateSnapshot", resources: []string{vol1},
			request:  map[string]any{"volumeId": vol1, "description": "AWS Backup daily-35d"},
			response: map[string]any{"snapshotId": fmt.Sprintf("snap-0%016x", hash("web/snap", tl.revoke.Unix())), "volumeId": vol1, "status": "pending", "volumeSize": 30}},
		{at: at(-2 * time.Minute), id: id("staging"), who: carol, source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress",
			resources: []string{stagingSG}, request: ingress(stagingSG, "sg-0f0e0d0c0b0a09087"), response: ok(at(-2 * time.Minute))},
		{at: at(0), id: id("revoke"), who: erin, source: "ec2.amazonaws.com", name: "RevokeSecurityGroupIngress", resources: []string{sgWeb},
			request: ingress(sgWeb, sgALB), response: ok(at(0))},
		{at: at(10 * time.Second), id: id("tags"), who: tagBot, source: "ec2.amazonaws.com", name: "CreateTags", resources: []string{sgWeb, web1, web2},
			request: map[string]any{
				"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": sgWeb}, map[string]any{"resourceId": web1}, map[string]any{"resourceId": web2}}},
				"tagSet":       map[string]any{"items": []any{map[string]any{"key": "cost-center", "value": "web"}}}},
			response: ok(at(10 * time.Second))},
		{at: at(90 * time.Second), id: id("health"), who: frank, source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth",
			resources: []string{tgARN}, request: map[string]any{"targetGroupArn": tgARN}, readOnly: true},
		{at: at(150 * time.Second), id: id("tweak"), who: frank, source: "elasticloadbalancing.amazonaws.com", name: "ModifyTargetGroup",
			resources: []string{tgARN}, request: map[string]any{"targetGroupArn": tgARN, "healthCheckIntervalSeconds": 10, "unhealthyThresholdCount": 5}},
		{at: tl.restore, id: id("restore"), who: frank, source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", resources: []string{sgWeb},
			request: ingress(sgWeb, sgALB), response: ok(tl.restore)},
	}
}
