package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/motoserver"
)

// lines are the non-empty lines of out.
func lines(out string) []string {
	return strings.FieldsFunc(out, func(r rune) bool { return r == '\n' })
}

func TestTrailSearchesTheDemoHistory(t *testing.T) {
	noAWS(t)
	r := run(t, "trail", "--demo", "--since", "1h", "--name", "Describe*")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := lines(r.stdout)
	if len(got) == 0 {
		t.Fatalf("no events; stderr %q", r.stderr)
	}
	for _, l := range got {
		if _, err := time.Parse(time.RFC3339, strings.Fields(l)[0]); err != nil || !strings.Contains(l, "  Describe") {
			t.Fatalf("line %q: want a time and a Describe* call", l)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal, yet it got %q", r.stderr)
	}
	// The background noise holds few failed calls (as few as two in some
	// hours of the wall clock): the incident's burst of denied calls, ten
	// minutes ago, makes sure there are more than the limit.
	r = run(t, "trail", "--demo", "--demo-incident-after=-10m", "--since", "1h", "--filter", "err", "--limit", "2", "--progress")
	if r.err != nil || len(lines(r.stdout)) != 2 || !strings.Contains(r.stderr, "searching demo") || !strings.Contains(r.stderr, "--limit 2") {
		t.Fatalf("err --limit 2 --progress: %v\n%s\n%s", r.err, r.stdout, r.stderr)
	}
	for _, l := range lines(r.stdout) {
		if strings.Fields(l)[len(strings.Fields(l))-2] == "-" && !strings.Contains(l, "Denied") {
			t.Errorf("err kept a call without an error: %q", l)
		}
	}
}

func TestTrailJSONIsOneRecordALine(t *testing.T) {
	noAWS(t)
	r := run(t, "trail", "--demo", "--since", "1h", "--format", "json", "--filter", "-ro")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(lines(r.stdout)) == 0 {
		t.Fatal("no events")
	}
	for _, l := range lines(r.stdout) {
		var rec struct {
			EventName string `json:"eventName"`
			ReadOnly  *bool  `json:"readOnly"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.EventName == "" || rec.ReadOnly != nil && *rec.ReadOnly {
			t.Fatalf("line %q: %v, want a write call's CloudTrail record", l, err)
		}
	}
}

func TestTrailBadInputIsRefusedNamingIt(t *testing.T) {
	noAWS(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--filter", "user:alice colour:red"}, `"colour:red": unknown field "colour"`},
		{[]string{"--filter", "user:bob", "--user", "alice"}, `user: given twice`},
		{[]string{"--filter", "ip:10.0.0.0/99"}, `"ip:10.0.0.0/99": not an address block`},
		{[]string{"--since", "yesterday"}, `since "yesterday": want a duration`},
		{[]string{"--since", "1h", "--until", "soon"}, `until "soon": want a duration`},
		{[]string{"--since", "1h", "--until", "2h"}, `is not before until`},
		{[]string{"--format", "yaml"}, `"yaml": want one of text, json`},
		{[]string{"--limit", "0"}, `--limit 0: want at least 1`},
		{[]string{"--user", "al ice"}, `--user "al ice": a name has no spaces`},
		{[]string{"--trail-bucket", "s3://org-trail", "--trail-log-group", "g"}, "--trail-bucket, --trail-log-group and --trail-athena"},
		{[]string{"--trail-bucket", "s3://org-trail", "--trail-athena", "trails.org"}, "each say where to read CloudTrail from"},
		{[]string{"--trail-athena", "trails"}, `"trails": want DATABASE.TABLE`},
		{[]string{"--trail-athena", "a.b", "--athena-output", "https://x"}, "want s3://bucket/prefix/"},
		{[]string{"--athena-workgroup", "ops"}, "go with --trail-athena"},
		{[]string{"--athena-region", "us-east-1"}, "go with --trail-athena"},
		{[]string{"--trail-log-group", "has space"}, `"has space" is not a log group name`},
	} {
		r := run(t, append([]string{"trail", "--demo"}, c.args...)...)
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.args, r.err, c.want)
		}
		if r.stdout != "" {
			t.Errorf("%q printed %q", c.args, r.stdout)
		}
	}
}

// The config file's filter is the dashboard's log pattern: trail leaves it.
func TestTrailIgnoresTheDashboardsFilterInTheConfigFile(t *testing.T) {
	noAWS(t)
	writeFile(t, defaultConfigPath(), "demo: true\nfilter: '?ERROR ?timeout'\n")
	if r := run(t, "trail", "--since", "1h"); r.err != nil || len(lines(r.stdout)) == 0 {
		t.Fatalf("%v: %q", r.err, r.stdout)
	}
}

// cloudTrailRecord is a CloudTrail record as a trail delivers it to
// CloudWatch Logs.
func cloudTrailRecord(t *testing.T, id, name, user string, readOnly bool, at time.Time) string {
	raw, err := json.Marshal(map[string]any{"eventVersion": "1.09", "eventID": id, "eventTime": at.UTC().Format(time.RFC3339),
		"eventName": name, "eventSource": "ec2.amazonaws.com", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.9",
		"userIdentity": map[string]any{"type": "IAMUser", "userName": user, "arn": "arn:aws:iam::123456789012:user/" + user},
		"readOnly":     readOnly, "eventType": "AwsApiCall", "managementEvent": true, "eventCategory": "Management"})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// motoCredentials makes the SDK find credentials and a region, as for a
// real account.
func motoCredentials(t *testing.T) string {
	t.Helper()
	endpoint := motoserver.Shared(t)
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	return endpoint
}

func TestTrailFromALogGroupInMoto(t *testing.T) {
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("CloudTrail/cli-%d", time.Now().UnixNano())
	now := time.Now()
	motoserver.NewSeeder(t, endpoint).Logs(group, now,
		cloudTrailRecord(t, "e1", "TerminateInstances", "alice", false, now.Add(-3*time.Second)),
		cloudTrailRecord(t, "e2", "DescribeInstances", "alice", true, now.Add(-2*time.Second)),
		"not a record",
		cloudTrailRecord(t, "e3", "StopInstances", "bob", false, now.Add(-time.Second)))

	r := run(t, "trail", "--endpoint-url", endpoint, "--trail-log-group", group, "--since", "10m", "--user", "alice")
	got := lines(r.stdout)
	if len(got) != 2 || !strings.Contains(got[0], "TerminateInstances") || !strings.Contains(got[1], "DescribeInstances") {
		t.Fatalf("alice's calls, oldest first: got %q", r.stdout)
	}
	// The bad record is named, the rest still printed, and the status says so.
	if r.err == nil || !strings.Contains(r.err.Error(), "not a CloudTrail record") || !strings.Contains(r.err.Error(), group) {
		t.Fatalf("want the bad record named, got %v", r.err)
	}
	r = run(t, "trail", "--endpoint-url", endpoint, "--trail-log-group", group, "--since", "10m", "--filter", "-ro", "--format", "json")
	if got := lines(r.stdout); len(got) != 2 || !strings.Contains(got[0], `"eventID":"e1"`) || !strings.Contains(got[1], `"eventID":"e3"`) {
		t.Fatalf("write calls as JSON: got %q (%v)", r.stdout, r.err)
	}
}

// Two regions, each with the trail's log group: one search covers both.
func TestTrailAcrossTwoRegionsInMoto(t *testing.T) {
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("CloudTrail/multi-%d", time.Now().UnixNano())
	now := time.Now()
	for i, region := range []string{"us-east-1", "eu-west-1"} {
		motoserver.NewSeederIn(t, endpoint, region).Logs(group, now,
			cloudTrailRecord(t, "r"+region, "RebootInstances", "alice", false, now.Add(-time.Duration(i+1)*time.Second)))
	}
	r := run(t, "trail", "--endpoint-url", endpoint, "--region", "us-east-1,eu-west-1", "--trail-log-group", group, "--since", "10m")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := lines(r.stdout); len(got) != 2 || !strings.Contains(r.stdout, "RebootInstances") {
		t.Fatalf("want one event from each region, got %q", r.stdout)
	}
	d := run(t, "--endpoint-url", endpoint, "--region", "us-east-1", "--region", "eu-west-1")
	if d.err != nil || d.cfg.Source.Describe() != "2 sources: default/us-east-1, default/eu-west-1" {
		t.Fatalf("dashboard over two regions: %v %v", d.err, d.cfg)
	}
}

func TestRegionAndProfileListsAreChecked(t *testing.T) {
	noAWS(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--region", "us-east-1,,eu-west-1"}, "an empty name in the list"},
		{[]string{"--region", "us-east-1", "--region", "us-east-1"}, `"us-east-1" is given twice`},
		{[]string{"--profile", "a,b", "--region", "eu-west-1"}, `profile "a"`},
	} {
		if r := run(t, c.args...); r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.args, r.err, c.want)
		}
	}
	writeFile(t, defaultConfigPath(), "demo: true\nregion:\n  - us-east-1\n  - eu-west-1\n")
	if r := run(t); r.err != nil || !r.cfg.Demo {
		t.Fatalf("a list of regions in the config file: %v", r.err)
	}
}
