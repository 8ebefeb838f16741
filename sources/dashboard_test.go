package sources

import (
	"strings"
	"testing"
	"time"
)

const sampleBody = `{
  "start": "-PT3H",
  "widgets": [
    {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
      "title": "Lambda errors", "view": "timeSeries", "stat": "Sum", "period": 60, "region": "eu-west-1",
      "metrics": [
        ["AWS/Lambda", "Errors", "FunctionName", "checkout-api"],
        ["...", "image-resizer", {"stat": "Maximum", "label": "resizer", "period": 300}],
        [".", "Duration", ".", ".", {"region": "us-east-1"}],
        [{"expression": "m1 + m2", "label": "total", "id": "e1"}],
        ["AWS/EC2", "CPUUtilization", {"visible": false, "id": "m9"}]
      ]}},
    {"type": "alarm", "x": 12, "y": 0, "width": 12, "height": 3, "properties": {
      "title": "Alarms", "alarms": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-errors", "plain-name"]}},
    {"type": "log", "x": 12, "y": 3, "width": 12, "height": 3, "properties": {
      "title": "Errors", "query": "SOURCE '/aws/lambda/checkout-api' | SOURCE \"/ecs/web\" | fields @timestamp, @message | limit 20"}},
    {"type": "text", "x": 0, "y": 6, "width": 24, "height": 2, "properties": {"markdown": "# Runbook\nsee wiki"}},
    {"type": "metric", "x": 8, "y": 8, "width": 8, "height": 4, "properties": {
      "title": "checkout-api-errors", "annotations": {"alarms": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-errors"]}}},
    {"type": "explorer", "x": 0, "y": 8, "width": 8, "height": 4, "properties": {"title": "Explorer \u001b[31mred"}}
  ]}`

func TestParseDashboard(t *testing.T) {
	d, err := ParseDashboard("prod", sampleBody)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "prod" || d.Range != 3*time.Hour || len(d.Widgets) != 6 {
		t.Fatalf("dashboard %q range %v with %d widgets", d.Name, d.Range, len(d.Widgets))
	}
	m := d.Widgets[0]
	if m.Type != WidgetMetric || m.Title != "Lambda errors" || m.View != "timeSeries" || m.Unsupported != "" || len(m.Metrics) != 5 {
		t.Fatalf("metric widget = %+v", m)
	}
	want := []struct{ key, label, region string }{
		{"AWS/Lambda/Errors/FunctionName=checkout-api:Sum", "Errors checkout-api (Sum)", "eu-west-1"},
		{"AWS/Lambda/Errors/FunctionName=image-resizer:Maximum", "resizer", "eu-west-1"},
		{"AWS/Lambda/Duration/FunctionName=image-resizer:Sum", "Duration image-resizer (Sum)", "us-east-1"},
	}
	for i, w := range want {
		got := m.Metrics[i]
		if got.Spec.Key() != w.key || got.Label != w.label || got.Region != w.region {
			t.Errorf("metric %d = %s %q %s, want %s %q %s", i, got.Spec.Key(), got.Label, got.Region, w.key, w.label, w.region)
		}
	}
	if m.Metrics[0].Spec.Period != time.Minute || m.Metrics[1].Spec.Period != 5*time.Minute {
		t.Errorf("periods %v, %v; want the widget's 1m and the row's 5m", m.Metrics[0].Spec.Period, m.Metrics[1].Spec.Period)
	}
	if e := m.Metrics[3]; e.Expression != "m1 + m2" || e.Label != "total" || e.ID != "e1" {
		t.Errorf("expression row = %+v", e)
	}
	if h := m.Metrics[4]; !h.Hidden || h.ID != "m9" || h.Spec.Key() != "AWS/EC2/CPUUtilization/:Sum" {
		t.Errorf("hidden row = %+v", h)
	}
	if a := d.Widgets[1]; strings.Join(a.Alarms, ",") != "checkout-api-errors,plain-name" {
		t.Errorf("alarm widget = %+v", a)
	}
	if l := d.Widgets[2]; strings.Join(l.Groups, ",") != "/aws/lambda/checkout-api,/ecs/web" || l.Query != "fields @timestamp, @message | limit 20" {
		t.Errorf("log widget groups %q query %q", l.Groups, l.Query)
	}
	if txt := d.Widgets[3]; txt.Text != "# Runbook⏎see wiki" {
		t.Errorf("text widget = %q", txt.Text)
	}
	if aw := d.Widgets[4]; aw.Type != WidgetMetric || len(aw.Metrics) != 0 || strings.Join(aw.Alarms, ",") != "checkout-api-errors" || aw.Unsupported != "" {
		t.Errorf("alarm graph widget = %+v", aw)
	}
	if x := d.Widgets[5]; x.Unsupported != NotSupported || x.Title != "Explorer red" {
		t.Errorf("explorer widget = %+v, want title kept and %q", x, NotSupported)
	}
}

func TestDashboardLayoutScalesTheGrid(t *testing.T) {
	d, err := ParseDashboard("prod", sampleBody)
	if err != nil {
		t.Fatal(err)
	}
	// 12 grid rows on 24 terminal rows: 2 rows a unit; 24 columns on 120: 5 a column.
	got := d.Layout(120, 24)
	want := []Rect{{0, 0, 60, 12}, {60, 0, 60, 6}, {60, 6, 60, 6}, {0, 12, 120, 4}, {40, 16, 40, 8}, {0, 16, 40, 8}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("widget %d at %+v, want %+v", i, got[i], want[i])
		}
	}
	// Odd widths: neighbours share an edge, no gaps, nothing past the width.
	got = d.Layout(77, 6)
	if got[0].X+got[0].W != got[1].X || got[1].X+got[1].W != 77 {
		t.Errorf("77 columns: %+v, %+v", got[0], got[1])
	}
	if got[0].H != 3 { // at least half a row per grid unit
		t.Errorf("short terminal: metric widget %d rows, want 3", got[0].H)
	}
}

func TestParseDashboardFlowsUnplacedWidgets(t *testing.T) {
	d, err := ParseDashboard("flow", `{"widgets":[{"type":"text","width":18,"properties":{"markdown":"a"}},
		{"type":"text","width":12,"height":3,"properties":{"markdown":"b"}},{"type":"text","properties":{"markdown":"c"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	pos := [][2]int{{0, 0}, {0, 6}, {12, 6}}
	for i, p := range pos {
		if w := d.Widgets[i]; w.X != p[0] || w.Y != p[1] {
			t.Errorf("widget %d at %d,%d, want %v", i, w.X, w.Y, p)
		}
	}
}

func TestParseDashboardMalformed(t *testing.T) {
	for _, body := range []string{``, `not json`, `[1,2]`, `{"widgets": 3}`} {
		if _, err := ParseDashboard("bad", body); err == nil || !strings.Contains(err.Error(), `dashboard "bad"`) {
			t.Errorf("body %q: err = %v", body, err)
		}
	}
	body := `{"widgets":[
		{"type":"metric","x":0,"y":0,"width":6,"height":6,"properties":{"title":"ok","metrics":[["AWS/EC2","CPUUtilization"]]}},
		{"type":"metric","x":6,"y":0,"width":6,"height":6,"properties":{"title":"broken","metrics":[["...","x"]]}},
		{"type":"metric","x":12,"y":0,"properties":{"title":"odd","metrics":[["AWS/EC2","CPUUtilization","InstanceId"]]}},
		{"type":"metric","x":18,"y":0,"properties":{"title":"num","metrics":[["AWS/EC2",42]]}},
		{"type":"log","x":0,"y":6,"properties":"oops"}
	]}`
	d, err := ParseDashboard("bad", body)
	if err == nil {
		t.Fatal("want an error for the malformed widgets")
	}
	for _, want := range []string{`widget 2 (metric "broken"): metrics row 1: "..." with no previous metric`,
		`widget 3 (metric "odd"): metrics row 1: want namespace, metric name and dimension name/value pairs`,
		`widget 4 (metric "num"): metrics row 1: item 2 is neither a string`, `widget 5 (log ""): properties:`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if len(d.Widgets) != 5 || d.Widgets[0].Unsupported != "" || len(d.Widgets[0].Metrics) != 1 || !strings.Contains(d.Widgets[1].Unsupported, "broken") {
		t.Errorf("widgets kept: %+v", d.Widgets)
	}
	if _, err := ParseDashboard("abs", `{"start":"2026-01-01T00:00:00Z","widgets":[]}`); err != nil {
		t.Errorf("absolute start: %v", err)
	}
	if _, err := ParseDashboard("rel", `{"start":"-PTxH","widgets":[]}`); err == nil {
		t.Error("bad relative start: want an error")
	}
}

func TestParseISODuration(t *testing.T) {
	for text, want := range map[string]time.Duration{"-PT3H": -3 * time.Hour, "-P7D": -7 * 24 * time.Hour, "-PT15M": -15 * time.Minute,
		"-P1DT12H": -36 * time.Hour, "-P2W": -14 * 24 * time.Hour, "PT30S": 30 * time.Second} {
		if got, err := parseISODuration(text); err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, bad := range []string{"-P", "-PT", "-P1M2", "3h", "-P1Y"} {
		if _, err := parseISODuration(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
