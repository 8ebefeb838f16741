package awssrc

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

const (
	sourceAccount = "222222222222"
	linkedQueryID = "linkedcpu" // the alarm's metric query
)

// oamServer answers OAM's REST-JSON ListSinks and ListAttachedLinks (moto
// has no OAM: a monitoring account's sink, with one source account linked
// under the label Payments) and passes every other call to moto, keeping
// the bodies of what it passed.
type oamServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func startOAM(t *testing.T, moto string) *oamServer {
	target, _ := url.Parse(moto)
	forward := httputil.NewSingleHostReverseProxy(target)
	o := &oamServer{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/ListSinks":
			json.NewEncoder(w).Encode(map[string]any{"Items": []map[string]any{
				{"Arn": "arn:aws:oam:us-east-1:123456789012:sink/s-1", "Id": "s-1", "Name": "monitoring"}}})
		case "/ListAttachedLinks":
			var in struct{ SinkIdentifier string }
			if json.Unmarshal(body, &in) != nil || in.SinkIdentifier != "arn:aws:oam:us-east-1:123456789012:sink/s-1" {
				t.Errorf("ListAttachedLinks %s", body)
			}
			json.NewEncoder(w).Encode(map[string]any{"Items": []map[string]any{
				{"Label": "Payments", "LinkArn": "arn:aws:oam:us-east-1:" + sourceAccount + ":link/l-1", "ResourceTypes": []string{"AWS::CloudWatch::Metric"}}}})
		case "/":
			o.mu.Lock()
			o.bodies = append(o.bodies, string(body))
			o.mu.Unlock()
			if !strings.Contains(string(body), "Action=DescribeAlarms") {
				forward.ServeHTTP(w, r)
				return
			}
			// moto keeps an alarm's metric queries but drops their
			// AccountId: put it back, where CloudWatch's answer has it.
			rec := httptest.NewRecorder()
			forward.ServeHTTP(rec, r)
			out := strings.ReplaceAll(rec.Body.String(), "<Id>"+linkedQueryID+"</Id>", "<Id>"+linkedQueryID+"</Id><AccountId>"+sourceAccount+"</AccountId>")
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			w.WriteHeader(rec.Code)
			io.WriteString(w, out)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *oamServer) sent(part string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, b := range o.bodies {
		if strings.Contains(b, part) {
			return true
		}
	}
	return false
}

// A monitoring account: an alarm on a linked account's metric is named
// with its OAM label, its metric asked for with the AccountId, its log
// group named by ARN; the log groups listed include the linked accounts';
// the drill-down's discovery reads the linked account with the role the
// pattern names there, or says it cannot.
func TestMotoLinkedAccounts(t *testing.T) {
	endpoint := motoserver.Shared(t)
	proxy := startOAM(t, endpoint)
	cfg := testConfig(t)
	ctx := ctxFor(t)
	s := New(cfg, proxy.URL)
	s.UseLinkedAccounts()

	// The source account's instance, made with a role assumed there.
	assumed := assumeIn(t, cfg, endpoint, sourceAccount)
	ec2c := ec2.NewFromConfig(assumed, func(o *ec2.Options) { o.BaseEndpoint = aws.String(endpoint) })
	run, err := ec2c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro})
	if err != nil {
		t.Fatal(err)
	}
	instance := aws.ToString(run.Instances[0].InstanceId)
	name := unique(t, "linked-cpu")
	if _, err := s.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(90),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		Metrics: []cwtypes.MetricDataQuery{{Id: aws.String(linkedQueryID), AccountId: aws.String(sourceAccount), ReturnData: aws.Bool(true),
			MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Average"), Metric: &cwtypes.Metric{
				Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String(instance)}}}}}},
	}); err != nil {
		t.Fatal(err)
	}

	alarms, err := s.ListAlarms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var alarm sources.Alarm
	for _, a := range alarms {
		if a.Name == name {
			alarm = a
		}
	}
	if alarm.Metric.Account != sourceAccount || alarm.Account != "Payments" || !strings.HasPrefix(alarm.Metric.Key(), sourceAccount+":AWS/EC2/") {
		t.Fatalf("alarm on the linked account's metric = %+v", alarm)
	}
	if _, err := s.FetchMetrics(ctx, []sources.MetricSpec{alarm.Metric}, time.Now().Add(-time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	if !proxy.sent("AccountId=" + sourceAccount) {
		t.Error("GetMetricData did not ask for the linked account's metric by AccountId")
	}
	fn := alarm
	fn.Metric.Dims = []sources.Dimension{{Name: "FunctionName", Value: "pay"}}
	if got := sources.RelatedLogGroups(fn, nil); len(got) != 1 || got[0] != "arn:aws:logs:us-east-1:"+sourceAccount+":log-group:/aws/lambda/pay" {
		t.Errorf("a linked function's log group = %v, want its ARN", got)
	}

	group := unique(t, "/linked/own")
	if _, err := s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	groups, err := s.ListLogGroups(ctx, group)
	if err != nil || len(groups) != 1 || groups[0] != "arn:aws:logs:us-east-1:123456789012:log-group:"+group {
		t.Errorf("log groups = %v, %v; want them by ARN", groups, err)
	}
	if !proxy.sent(`"includeLinkedAccounts":true`) {
		t.Error("DescribeLogGroups did not include the linked accounts")
	}

	// Discovery: without a role it says why it stops at the alarmed instance.
	graph := s.DiscoverGraph(ctx, alarm)
	if len(graph.Problems) != 1 || !strings.Contains(graph.Problems[0], "account Payments") || !strings.Contains(graph.Problems[0], "--assume-role-pattern") {
		t.Errorf("problems without a role = %q", graph.Problems)
	}
	if err := s.UseAssumeRolePattern("arn:aws:iam::{account}:role/watchtrail-read"); err != nil {
		t.Fatal(err)
	}
	graph = s.DiscoverGraph(ctx, alarm)
	if len(graph.Problems) != 0 || !hasKind(graph, "subnet") {
		t.Errorf("with the role: problems %q, resources %v; want the instance's subnet found in %s", graph.Problems, graph.Resources, sourceAccount)
	}
	for _, bad := range []string{"", "watchtrail-read", "arn:aws:iam::111111111111:role/x", "arn:aws:iam::{account}:user/x"} {
		if err := CheckAssumeRolePattern(bad); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

func hasKind(g sources.ResourceGraph, kind string) bool {
	for _, r := range g.Resources {
		if r.Kind == kind {
			return true
		}
	}
	return false
}

// assumeIn is cfg with a role assumed in account (moto then acts there).
func assumeIn(t *testing.T, cfg aws.Config, endpoint, account string) aws.Config {
	t.Helper()
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(endpoint) }).AssumeRole(context.Background(),
		&sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/setup"), RoleSessionName: aws.String("setup")})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Copy()
	cr := out.Credentials
	c.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	return c
}
