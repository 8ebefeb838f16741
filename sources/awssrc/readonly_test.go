package awssrc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/feed"
	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/triage"
)

// readOnly is what a read-only action is called: the prefixes of AWS's read
// actions, and the Logs calls that read by starting something that ends by
// itself (a query, a Live Tail session) or stopping a query watchtrail began.
// Athena's StartQueryExecution runs a SELECT (its results are written to the
// results bucket only, see athenaResultsSid) and StopQueryExecution stops
// it; sts:AssumeRole only obtains credentials.
var readOnly = regexp.MustCompile(`^(Describe|Get|List|Lookup|Filter|Head)[A-Z]|^(StartLiveTail|StartQuery|StopQuery|StartQueryExecution|StopQueryExecution|AssumeRole)$`)

// iamPrefixOf maps SigV4 signing names to IAM action prefixes where they differ.
var iamPrefixOf = map[string]string{"monitoring": "cloudwatch"}

// iamNameOf names the S3 calls whose IAM action has another name.
var iamNameOf = map[string]string{
	"s3:ListObjectsV2": "s3:ListBucket", "s3:ListObjects": "s3:ListBucket", "s3:HeadBucket": "s3:ListBucket",
	"s3:HeadObject": "s3:GetObject",
	// API Gateway's IAM actions are the HTTP verbs.
	"apigateway:GetRestApis": "apigateway:GET", "apigateway:GetResources": "apigateway:GET",
}

func iamAction(c faultproxy.Call) string {
	prefix := c.Service
	if p := iamPrefixOf[prefix]; p != "" {
		prefix = p
	}
	name := prefix + ":" + c.Action
	if n := iamNameOf[name]; n != "" {
		name = n
	}
	return name
}

// policyActions reads the actions iam-policy.json at the repository root allows.
func policyActions(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../../iam-policy.json")
	if os.IsNotExist(err) {
		t.Skip("iam-policy.json is not in the repository yet (branch graph)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid    string
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("iam-policy.json: %v", err)
	}
	set := map[string]bool{}
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			t.Errorf("iam-policy.json: statement with effect %q", st.Effect)
		}
		if st.Sid == athenaResultsSid {
			continue // Athena's own calls with the caller's credentials (TestPolicyListsEveryCall)
		}
		for _, a := range st.Action {
			set[a] = true
		}
	}
	return set
}

// Issue 11, read-only by proof: every feature's calls go through a recording
// proxy in front of moto — dashboard (alarms, metrics, log tail, trail from
// LookupEvents and from S3), drill-down and triage (alarm history, resource
// discovery for each kind of resource), log context, Logs Insights, saved
// dashboards, Live Tail and trail integrity. Every action called must be a
// read, and allowed by iam-policy.json; the policy must allow nothing that
// is never called. Where moto lacks an action (LookupEvents,
// DescribeAlarmHistory, StartLiveTail, ListPublicKeys) its error answer is
// enough: the call was made and recorded.
func TestReadOnlyByProof(t *testing.T) {
	policy := policyActions(t)
	endpoint := motoserver.Shared(t)
	front := startOAM(t, endpoint) // OAM's answers; the rest to moto
	proxy := faultproxy.Start(t, front.URL)
	cfg := testConfig(t)
	src := New(cfg, proxy.URL())
	direct := New(cfg, endpoint)
	b := motoserver.NewBuilder(t, endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	now := time.Now()

	// An account with one resource of each kind discovery follows.
	name := short("ro")
	net := b.Network(name)
	b.Role(name+"-role", "ec2.amazonaws.com")
	b.InstanceProfile(name+"-profile", name+"-role")
	instance := b.Instance(net, name+"-profile")
	fnRole := b.Role(name+"-exec", "lambda.amazonaws.com")
	queue := b.Queue(name+"-q", "")
	b.Function(name, fnRole, &net)
	b.EventSourceMapping(name, queue)
	b.AutoScalingGroup(name+"-asg", net)
	lbARN, tgARN := b.LoadBalancer(name+"-lb", net)
	b.RegisterTarget(tgARN, instance)
	b.Database(name+"-db", net.SG)
	b.Table(name + "-table")
	b.ECSService(name+"-cluster", name+"-svc", fnRole, tgARN)
	group := "/aws/lambda/" + name
	makeGroup(t, direct, group, "s0")
	putEvents(t, direct, group, "s0", 0, 20, func(seq int) time.Time { return now.Add(-time.Minute + time.Duration(seq)*time.Second) })
	if _, err := direct.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name + "-errors"), Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String(name)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatal(err)
	}
	bucket := "ro-trail-" + strings.ToLower(name)
	if err := direct.UseTrailBucket("s3://" + bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := direct.s3trail.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	putObject(t, direct, bucket, trailKeyFor("AWSLogs/", "us-east-1", now.Add(-time.Minute), "a"),
		gzipRecords(t, trailRecord("e1", now.Add(-2*time.Minute), "RunInstances", "ec2.amazonaws.com", nil)))
	digested := now.Add(-30 * time.Minute).UTC()
	putObject(t, direct, bucket, fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/us-east-1/%s/%s_CloudTrail-Digest_us-east-1_mgmt_us-east-1_%s.json.gz",
		trailAccount, digested.Format("2006/01/02"), trailAccount, digested.Format(digestStampLayout)), gzipRecords(t))
	athenaSrc, _ := athenaSource(t, proxy.URL())
	// A monitoring account's alarm on a linked account's instance.
	if _, err := direct.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name + "-linked"), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(90),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		Metrics: []cwtypes.MetricDataQuery{{Id: aws.String(linkedQueryID), AccountId: aws.String(sourceAccount), ReturnData: aws.Bool(true),
			MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Average"), Metric: &cwtypes.Metric{
				Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String("i-0123456789abcdef0")}}}}}},
	}); err != nil {
		t.Fatal(err)
	}
	monitoring := New(cfg, proxy.URL())
	monitoring.UseLinkedAccounts()
	if err := monitoring.UseAssumeRolePattern("arn:aws:iam::{account}:role/watchtrail-read"); err != nil {
		t.Fatal(err)
	}
	if _, err := direct.graph.apigw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String(name + "-api")}); err != nil {
		t.Fatal(err)
	}
	proxy.ResetCalls() // the setup wrote; from here on only watchtrail calls

	// The dashboard.
	alarms, _ := src.ListAlarms(ctx)
	var specs []sources.MetricSpec
	var alarm sources.Alarm
	for _, a := range alarms {
		specs = append(specs, a.Metric)
		if a.Name == name+"-errors" {
			alarm = a
		}
	}
	if alarm.Name == "" {
		t.Fatalf("alarm %s not listed through the proxy", name+"-errors")
	}
	src.FetchMetrics(ctx, specs, now.Add(-time.Hour), now)
	groups, _ := feed.AutoLogGroups([]sources.Alarm{alarm}, 10)
	tail := feed.NewLogTail("")
	b1 := tail.Next(ctx, src, groups, now)
	feed.NewTrailTail().Next(ctx, src, sources.TrailQuery{}, now)
	// Live Tail (falls back to polling against moto).
	if events, errs, err := src.StreamLogs(ctx, []string{group}, ""); err == nil {
		select {
		case <-events:
		case <-errs:
		case <-time.After(2 * time.Second):
		}
	}
	// The drill-down, triage and discovery around each kind of resource.
	triage.Run(ctx, src, alarm, triage.Options{Now: now, LogGroups: groups})
	src.DiscoverGraph(ctx, sources.Alarm{Metric: sources.MetricSpec{Namespace: "AWS/ApiGateway", Metric: "5XXError",
		Dims: []sources.Dimension{{Name: "ApiName", Value: name + "-api"}}}})
	for _, dims := range [][]string{
		{"AWS/EC2", "InstanceId", instance}, {"AWS/EC2", "AutoScalingGroupName", name + "-asg"},
		{"AWS/Lambda", "FunctionName", name, "Resource", name + ":live"}, {"AWS/SQS", "QueueName", name + "-q"},
		{"AWS/ApplicationELB", "LoadBalancer", lbSuffix(lbARN)}, {"AWS/RDS", "DBInstanceIdentifier", name + "-db"},
		{"AWS/DynamoDB", "TableName", name + "-table"}, {"AWS/ECS", "ClusterName", name + "-cluster", "ServiceName", name + "-svc"},
		{"AWS/ECS", "ClusterName", name + "-cluster"}, {"AWS/RDS", "DBClusterIdentifier", name + "-db"},
	} {
		motoGraph(t, src, dims[0], dims[1:]...)
	}
	// The log line viewer, Logs Insights and saved dashboards.
	if len(b1.Events) > 0 {
		src.LogContext(ctx, b1.Events[0], 5, 5)
	}
	src.ListLogGroups(ctx, "/aws/lambda/")
	src.SavedQueries(ctx)
	if id, err := src.StartQuery(ctx, sources.InsightsQuery{Groups: []string{group}, Query: "fields @message, @ptr", Start: now.Add(-time.Hour), End: now}); err == nil {
		if res, err := src.QueryResults(ctx, id); err == nil && len(res.Rows) > 0 {
			for _, f := range res.Rows[0] {
				if f.Name == "@ptr" {
					src.LogRecord(ctx, f.Value)
				}
			}
		}
		src.StopQuery(ctx, id)
	}
	src.ListDashboards(ctx, "")
	src.GetDashboard(ctx, "none")
	// The trail from S3, and its integrity.
	s3src := New(cfg, proxy.URL())
	if err := s3src.UseTrailBucket("s3://" + bucket); err != nil {
		t.Fatal(err)
	}
	s3src.FetchTrail(ctx, sources.TrailQuery{Start: now.Add(-time.Hour), End: now})
	s3src.CheckIntegrity(ctx, now.Add(-time.Hour), now)
	src.AlarmHistory(ctx, alarm.Name, now.Add(-time.Hour), now)
	// The trail with Athena, and a query stopped (Esc, or its timeout).
	queueAthenaResults(t, endpoint, tableColumns(t), trailRecord("a1", now.Add(-time.Minute), "RunInstances", "ec2.amazonaws.com", nil))
	if events, err := athenaSrc.FetchTrail(ctx, sources.TrailQuery{Start: now.Add(-time.Hour), End: now}); err != nil || len(events) != 1 {
		t.Errorf("the trail with Athena through the proxy: %d events, %v", len(events), err)
	}
	athenaSrc.athena.stop(ctx, "00000000-0000-0000-0000-000000000000")
	// A monitoring account: linked accounts' names, alarms and log groups,
	// and discovery in a linked account with the role there.
	linkedAlarms, _ := monitoring.ListAlarms(ctx)
	for _, a := range linkedAlarms {
		if a.Name == name+"-linked" {
			if a.Account != "Payments" {
				t.Errorf("linked alarm through the proxy = %+v", a)
			}
			monitoring.DiscoverGraph(ctx, a)
		}
	}
	monitoring.ListLogGroups(ctx, "/aws/lambda/")

	called := map[string]bool{}
	for _, c := range proxy.Calls() {
		action := iamAction(c)
		if !readOnly.MatchString(c.Action) {
			t.Errorf("%s is not a read-only action", action)
		}
		if !policy[action] {
			t.Errorf("%s is called but not in iam-policy.json", action)
		}
		called[action] = true
	}
	var unused []string
	for a := range policy {
		if !called[a] {
			unused = append(unused, a)
		}
	}
	sort.Strings(unused)
	t.Logf("%d calls, %d distinct actions, all read-only and in the policy", len(proxy.Calls()), len(called))
	if len(unused) > 0 {
		t.Errorf("iam-policy.json allows actions no feature called: %v", unused)
	}
}

// lbSuffix is the LoadBalancer dimension of a load balancer ARN: app/name/id.
func lbSuffix(arn string) string {
	_, suffix, _ := strings.Cut(arn, ":loadbalancer/")
	return suffix
}
