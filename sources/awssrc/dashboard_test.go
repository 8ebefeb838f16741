package awssrc

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"watchtrail/sources"
)

func TestMotoDashboards(t *testing.T) {
	s, calls := motoSource(t)
	name := unique(t, "ops")
	body := `{"start":"-PT6H","widgets":[
		{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"title":"CPU","stat":"Maximum","period":60,
			"metrics":[["AWS/EC2","CPUUtilization","InstanceId","i-1"],["...","i-2",{"label":"second"}]]}},
		{"type":"alarm","x":12,"y":0,"width":12,"height":6,"properties":{"title":"Alarms","alarms":["arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high"]}},
		{"type":"metric","x":0,"y":6,"width":6,"height":6,"properties":{"title":"broken","metrics":[["AWS/EC2"]]}}]}`
	for _, n := range []string{name, name + "-other"} {
		if _, err := s.cw.PutDashboard(ctxFor(t), &cloudwatch.PutDashboardInput{DashboardName: aws.String(n), DashboardBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	names, err := s.ListDashboards(ctxFor(t), name)
	if err != nil || strings.Join(names, ",") != name+","+name+"-other" {
		t.Fatalf("ListDashboards = %v, %v", names, err)
	}
	d, err := s.GetDashboard(ctxFor(t), name)
	if err == nil || !strings.Contains(err.Error(), `widget 3 (metric "broken")`) {
		t.Errorf("err = %v, want the broken widget named", err)
	}
	if d.Name != name || len(d.Widgets) != 3 || len(d.Widgets[0].Metrics) != 2 {
		t.Fatalf("dashboard = %+v", d)
	}
	if m := d.Widgets[0].Metrics[1]; m.Label != "second" || m.Spec.Key() != "AWS/EC2/CPUUtilization/InstanceId=i-2:Maximum" {
		t.Errorf("second metric = %+v", m)
	}
	if a := d.Widgets[1].Alarms; len(a) != 1 || a[0] != "cpu-high" {
		t.Errorf("alarms = %v", a)
	}
	if _, err := s.GetDashboard(ctxFor(t), name+"-missing"); err == nil || !strings.Contains(sources.Summary(err), "ResourceNotFound") {
		t.Errorf("missing dashboard: err = %v", err)
	}
	if calls.get("GetDashboard") != 2 || calls.get("ListDashboards") != 1 {
		t.Errorf("calls %v", calls.calls)
	}
}
