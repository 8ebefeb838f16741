package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// The template `setup changes-feed` prints is YAML CloudFormation takes: a
// rule on the default bus for "AWS API Call via CloudTrail" targeting the
// log group, the group with its retention, and the group's resource policy
// letting EventBridge write to it; the header says how to deploy it.
func TestSetupChangesFeedTemplate(t *testing.T) {
	r := run(t, "setup", "changes-feed", "--log-group", "/ops/changes", "--retention-days", "14", "--stack-name", "ops-feed")
	if r.err != nil {
		t.Fatal(r.err, r.stderr)
	}
	var tpl struct {
		AWSTemplateFormatVersion string `yaml:"AWSTemplateFormatVersion"`
		Resources                map[string]struct {
			Type       string         `yaml:"Type"`
			DependsOn  string         `yaml:"DependsOn"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
		Outputs map[string]any `yaml:"Outputs"`
	}
	if err := yaml.Unmarshal([]byte(r.stdout), &tpl); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, r.stdout)
	}
	group, policy, rule := tpl.Resources["ChangesLogGroup"], tpl.Resources["ChangesLogGroupPolicy"], tpl.Resources["ChangesRule"]
	if tpl.AWSTemplateFormatVersion != "2010-09-09" || group.Type != "AWS::Logs::LogGroup" || policy.Type != "AWS::Logs::ResourcePolicy" ||
		rule.Type != "AWS::Events::Rule" || len(tpl.Resources) != 3 {
		t.Fatalf("resources %+v", tpl.Resources)
	}
	if group.Properties["LogGroupName"] != "/ops/changes" || group.Properties["RetentionInDays"] != uint64(14) {
		t.Errorf("log group %v", group.Properties)
	}
	pattern, _ := json.Marshal(rule.Properties["EventPattern"])
	targets, _ := json.Marshal(rule.Properties["Targets"])
	if rule.Properties["EventBusName"] != "default" || rule.Properties["State"] != "ENABLED" ||
		string(pattern) != `{"detail-type":["AWS API Call via CloudTrail"]}` || !strings.Contains(string(targets), `{"Fn::GetAtt":["ChangesLogGroup","Arn"]}`) {
		t.Errorf("rule %v, pattern %s, targets %s", rule.Properties, pattern, targets)
	}
	sub, _ := policy.Properties["PolicyDocument"].(map[string]any)
	var doc struct {
		Statement []struct {
			Effect    string
			Principal struct{ Service []string }
			Action    []string
			Resource  string
		}
	}
	if err := json.Unmarshal([]byte(sub["Fn::Sub"].(string)), &doc); err != nil || len(doc.Statement) != 1 {
		t.Fatalf("policy document %v: %v", sub, err)
	}
	st := doc.Statement[0]
	if st.Effect != "Allow" || !strings.Contains(strings.Join(st.Principal.Service, ","), "events.amazonaws.com") ||
		strings.Join(st.Action, ",") != "logs:CreateLogStream,logs:PutLogEvents" || st.Resource != "${ChangesLogGroup.Arn}" {
		t.Errorf("policy statement %+v", st)
	}
	if rule.DependsOn != "ChangesLogGroupPolicy" {
		t.Errorf("the rule must wait for the policy: %q", rule.DependsOn)
	}
	for _, want := range []string{"aws cloudformation deploy --stack-name ops-feed --template-file changes-feed.yaml",
		"watchtrail --changes-log-group /ops/changes", "us-east-1", "read-only"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the header lacks %q", want)
		}
	}
	for _, bad := range [][]string{{"--log-group", "no spaces"}, {"--retention-days", "8"}, {"--stack-name", "1x"}} {
		if r := run(t, append([]string{"setup", "changes-feed"}, bad...)...); r.err == nil || r.stdout != "" {
			t.Errorf("%v: accepted", bad)
		}
	}
}
