package awssrc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

func TestMotoMultiRegion(t *testing.T) {
	endpoint := motoserver.Shared(t)
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	regions := []string{"eu-west-1", "ap-southeast-2"}
	m, err := NewMulti(ctxFor(t), Options{EndpointURL: endpoint}, nil, regions)
	if err != nil {
		t.Fatal(err)
	}
	if m.Describe() != "2 sources: default/eu-west-1, default/ap-southeast-2" {
		t.Errorf("Describe = %q", m.Describe())
	}
	name := unique(t, "cpu")
	for i, r := range regions {
		member, _ := m.Member("default/" + r)
		cw := member.(*Source).cw
		_, err := cw.PutMetricAlarm(ctxFor(t), &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name + "-" + r),
			Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"), Statistic: cwtypes.StatisticAverage,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(80),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold})
		if err != nil {
			t.Fatal(err)
		}
		state := []cwtypes.StateValue{cwtypes.StateValueAlarm, cwtypes.StateValueOk}[i]
		if _, err := cw.SetAlarmState(ctxFor(t), &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name + "-" + r),
			StateValue: state, StateReason: aws.String("test")}); err != nil {
			t.Fatal(err)
		}
	}
	alarms, err := m.ListAlarms(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, a := range alarms {
		if strings.HasPrefix(a.Name, name) {
			found[a.Name] = a.Source
		}
	}
	if len(found) != 2 || found[name+"-eu-west-1"] != "default/eu-west-1" || found[name+"-ap-southeast-2"] != "default/ap-southeast-2" {
		t.Errorf("alarms by source %v: each region's alarm must be listed once, labelled with its region", found)
	}

	// One region down: the other's alarms still come, the failure is named.
	down, err := NewMulti(ctxFor(t), Options{EndpointURL: "http://127.0.0.1:1"}, nil, []string{"eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	both, _ := sources.NewMulti(append(m.Members()[:1], sources.Member{Label: "down/eu-west-1", Source: down.Members()[0].Source})...)
	alarms, err = both.ListAlarms(ctxFor(t))
	var partial *sources.PartialError
	if !errors.As(err, &partial) || len(partial.Failed) != 1 || partial.Failed[0].Label != "down/eu-west-1" || len(alarms) == 0 {
		t.Errorf("with one endpoint down: %d alarms, err %v", len(alarms), err)
	}
	if p := sources.Classify(partial.Failed[0].Err); p != sources.ProblemUnreachable {
		t.Errorf("down source classified %q", p)
	}
}

func TestLabelNamesTheProfile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	os.WriteFile(cfgFile, []byte("[profile audit]\nregion = eu-central-1\naws_access_key_id = a\naws_secret_access_key = b\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	m, err := NewMulti(ctxFor(t), Options{EndpointURL: "http://127.0.0.1:1"}, []string{"audit"}, []string{"eu-central-1", "us-west-2"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Describe() != "2 sources: audit/eu-central-1, audit/us-west-2" {
		t.Errorf("Describe = %q", m.Describe())
	}
}
