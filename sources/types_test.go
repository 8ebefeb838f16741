package sources

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseMetricSpec(t *testing.T) {
	spec, err := ParseMetricSpec("AWS/EC2/CPUUtilization/InstanceId=i-0abc:Maximum")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Namespace != "AWS/EC2" || spec.Metric != "CPUUtilization" || spec.Stat != "Maximum" ||
		len(spec.Dims) != 1 || spec.Dims[0] != (Dimension{"InstanceId", "i-0abc"}) || spec.Period != time.Minute {
		t.Fatalf("parsed %+v", spec)
	}
	spec, err = ParseMetricSpec("MyApp/Latency/Service=api,Stage=prod")
	if err != nil || spec.Stat != "Average" || len(spec.Dims) != 2 || spec.Namespace != "MyApp" {
		t.Fatalf("parsed %+v, %v", spec, err)
	}
	if spec.Key() != "MyApp/Latency/Service=api,Stage=prod:Average" {
		t.Fatalf("key %q", spec.Key())
	}
	for _, bad := range []string{"", "justone", "NS/Metric/=x:Sum", "/Metric"} {
		if _, err := ParseMetricSpec(bad); err == nil {
			t.Errorf("ParseMetricSpec(%q) accepted", bad)
		}
	}
}

func TestParseMetricSpecKeepsSlashesAndColonsInValues(t *testing.T) {
	cases := []struct {
		text, namespace, metric, stat string
		dims                          []Dimension
	}{
		{"AWS/ApplicationELB/TargetResponseTime/LoadBalancer=app/prod-web/50dc6c495c0c9188:p99",
			"AWS/ApplicationELB", "TargetResponseTime", "p99", []Dimension{{"LoadBalancer", "app/prod-web/50dc6c495c0c9188"}}},
		{"AWS/ApplicationELB/HTTPCode_Target_5XX_Count/LoadBalancer=app/web/1,TargetGroup=targetgroup/tg/2:Sum",
			"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum",
			[]Dimension{{"LoadBalancer", "app/web/1"}, {"TargetGroup", "targetgroup/tg/2"}}},
		{"AWS/States/ExecutionsFailed/StateMachineArn=arn:aws:states:eu-west-1:123456789012:stateMachine:orders",
			"AWS/States", "ExecutionsFailed", "Average",
			[]Dimension{{"StateMachineArn", "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"}}},
		{"AWS/States/ExecutionsFailed/StateMachineArn=arn:aws:states:eu-west-1:1:stateMachine:orders:Maximum",
			"AWS/States", "ExecutionsFailed", "Maximum",
			[]Dimension{{"StateMachineArn", "arn:aws:states:eu-west-1:1:stateMachine:orders"}}},
		{"MyApp/Latency:TM(10%:90%)", "MyApp", "Latency", "TM(10%:90%)", nil},
		{"MyApp/Latency/Query=a=b,c:maximum", "MyApp", "Latency", "Maximum", []Dimension{{"Query", "a=b,c"}}},
	}
	for _, c := range cases {
		spec, err := ParseMetricSpec(c.text)
		if err != nil {
			t.Errorf("ParseMetricSpec(%q): %v", c.text, err)
			continue
		}
		if spec.Namespace != c.namespace || spec.Metric != c.metric || spec.Stat != c.stat || fmt.Sprint(spec.Dims) != fmt.Sprint(c.dims) {
			t.Errorf("ParseMetricSpec(%q) = %+v", c.text, spec)
		}
	}
}

func TestParseMetricSpecNamesWhatIsWrong(t *testing.T) {
	dims := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("D%d=v", i)
		}
		return strings.Join(parts, ",")
	}
	if _, err := ParseMetricSpec("MyApp/Latency/" + dims(MaxDimensions)); err != nil {
		t.Errorf("%d dimensions: %v", MaxDimensions, err)
	}
	for text, want := range map[string]string{
		"MyApp/Latency/" + dims(MaxDimensions+1):      "more than 30 dimensions (CloudWatch allows at most 30)",
		"MyApp/Latency/" + dims(10000):                "more than 30 dimensions",
		"a/b/c=":                                      `dimension "c" has an empty value`,
		"AWS/EC2/CPUUtilization/InstanceId=i-1:Bogus": `unknown statistic "Bogus"`,
		"MyApp/Latency:Bogus":                         `unknown statistic "Bogus"`,
		"MyApp/Latency/A=1,A=2":                       `dimension "A" given twice`,
	} {
		if _, err := ParseMetricSpec(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMetricSpec(%q) = %v, want %s", text, err, want)
		}
	}
}

func TestParseStatKnowsCloudWatchStatistics(t *testing.T) {
	for in, want := range map[string]string{
		"Average": "Average", "sum": "Sum", "SampleCount": "SampleCount", "IQM": "IQM", "p99": "p99", "P99.9": "p99.9",
		"p0.0": "p0.0", "p100": "p100", "tm90": "tm90", "wm98": "wm98", "tc90": "tc90", "ts90": "ts90",
		"TM(2%:98%)": "TM(2%:98%)", "TM(150:1000)": "TM(150:1000)", "tc(0.005:0.030)": "TC(0.005:0.030)",
		"TS(80%:)": "TS(80%:)", "PR(:300)": "PR(:300)", "PR(100:2000)": "PR(100:2000)",
	} {
		if got, ok := ParseStat(in); !ok || got != want {
			t.Errorf("ParseStat(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "Bogus", "Max", "p101", "p", "p-1", "TM()", "TM(:)", "TM(10%:190%)", "PR(10%:)", "x99", "p99.12345678901"} {
		if got, ok := ParseStat(bad); ok {
			t.Errorf("ParseStat(%q) accepted as %q", bad, got)
		}
	}
}

func TestSortAlarmsPutsFiringFirst(t *testing.T) {
	now := time.Now()
	alarms := []Alarm{
		{Name: "ok-old", State: StateOK, StateChanged: now.Add(-time.Hour)},
		{Name: "insufficient", State: StateInsufficient},
		{Name: "firing-old", State: StateAlarm, StateChanged: now.Add(-time.Hour)},
		{Name: "firing-new", State: StateAlarm, StateChanged: now},
	}
	SortAlarms(alarms)
	want := []string{"firing-new", "firing-old", "insufficient", "ok-old"}
	for i, a := range alarms {
		if a.Name != want[i] {
			t.Fatalf("order %v, want %v", alarms, want)
		}
	}
}

func TestAccountOf(t *testing.T) {
	for _, tc := range []struct {
		a    Alarm
		want string
	}{
		{Alarm{ARN: "arn:aws:cloudwatch:us-east-1:111111111111:alarm:x"}, "111111111111"},
		{Alarm{ARN: "arn:aws:cloudwatch:us-east-1:111111111111:alarm:x", Metric: MetricSpec{Account: "222222222222"}}, "222222222222"},
		{Alarm{}, ""},
	} {
		if got := AccountOf(tc.a); got != tc.want {
			t.Errorf("AccountOf(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

// A linked account's metric: its id first, as Key writes it; Key and
// ParseMetricSpec agree.
func TestParseMetricSpecOfALinkedAccount(t *testing.T) {
	spec, err := ParseMetricSpec("222222222222:AWS/EC2/CPUUtilization/InstanceId=i-1:p99")
	if err != nil || spec.Account != "222222222222" || spec.Namespace != "AWS/EC2" || spec.Stat != "p99" {
		t.Fatalf("spec = %+v, %v", spec, err)
	}
	if again, err := ParseMetricSpec(spec.Key()); err != nil || again.Key() != spec.Key() {
		t.Errorf("Key %q reads back as %+v, %v", spec.Key(), again, err)
	}
	if own, _ := ParseMetricSpec("Custom:App/Latency"); own.Account != "" || own.Namespace != "Custom:App" {
		t.Errorf("a namespace with a colon = %+v", own)
	}
}
