package panes

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/triage"
)

// Fixtures for the alarms, metrics and detail pane tests.

var fxChanged = time.Date(2024, 3, 5, 19, 35, 0, 0, time.UTC)

func fxCPU() sources.MetricSpec {
	return sources.MetricSpec{Namespace: "AWS/EC2", Metric: "CPUUtilization", Dims: []sources.Dimension{{Name: "InstanceId", Value: "i-0abc"}}, Stat: "Average", Period: time.Minute}
}

func fxLatency() sources.MetricSpec {
	return sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Duration", Dims: []sources.Dimension{{Name: "FunctionName", Value: "checkout"}}, Stat: "p99", Period: time.Minute}
}

func fxErrors() sources.MetricSpec {
	return sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors", Dims: []sources.Dimension{{Name: "FunctionName", Value: "checkout"}}, Stat: "Sum", Period: time.Minute}
}

func fxAlarms() []sources.Alarm {
	return []sources.Alarm{
		{Name: "web-cpu-high", State: sources.StateAlarm, Metric: fxCPU(), Threshold: 80, Comparison: "GreaterThanThreshold", StateChanged: fxChanged,
			Reason: "Threshold Crossed: 1 datapoint [97.5] was greater than the threshold (80.0)."},
		{Name: "checkout-errors", State: sources.StateAlarm, Metric: fxErrors(), Threshold: 5, Comparison: "GreaterThanOrEqualToThreshold", StateChanged: fxChanged.Add(-time.Hour)},
		{Name: "queue-depth", State: sources.StateInsufficient, Metric: sources.MetricSpec{Namespace: "AWS/SQS", Metric: "ApproximateNumberOfMessagesVisible", Dims: []sources.Dimension{{Name: "QueueName", Value: "jobs"}}}, Threshold: 1000, Comparison: "GreaterThanThreshold", StateChanged: fxChanged.Add(-2 * time.Hour)},
		{Name: "checkout-latency", State: sources.StateOK, Metric: fxLatency(), Threshold: 3000, Comparison: "GreaterThanThreshold", StateChanged: fxChanged.Add(-48 * time.Hour)},
	}
}

func fxSeries(spec sources.MetricSpec, unit string, values ...float64) sources.Series {
	s := sources.Series{Spec: spec, Unit: unit}
	for i, v := range values {
		s.Times = append(s.Times, fxChanged.Add(time.Duration(i-len(values)+1)*time.Minute))
		s.Values = append(s.Values, v)
	}
	return s
}

func fxAllSeries() []sources.Series {
	return []sources.Series{
		fxSeries(fxCPU(), "Percent", 12, 14, 13, 15, 40, 75, 91, 97.5, 87.3),
		fxSeries(fxErrors(), "", 0, 0, 1, 3, 8, 1200),
		fxSeries(fxLatency(), "Milliseconds", 800, 900, 2500, 2910),
	}
}

const fxEvil = "\x1b]0;x\x07pwned\x1b[2J"

func fxDrill() triage.Result {
	a := fxAlarms()[0]
	start, end := fxChanged.Add(-30*time.Minute), fxChanged.Add(10*time.Minute)
	var series sources.Series
	series.Spec, series.Unit = a.Metric, "Percent"
	for t := start; !t.After(end); t = t.Add(time.Minute) {
		v := 20.0
		if t.After(fxChanged.Add(-5 * time.Minute)) {
			v = 99
		}
		series.Times, series.Values = append(series.Times, t), append(series.Values, v)
	}
	msg := triage.Result{
		Alarm: a, Start: start, End: end, Series: series,
		Trail: []sources.TrailEvent{
			{ID: "e1", Time: fxChanged.Add(-25 * time.Minute), Name: "DescribeInstances", Source: "ec2.amazonaws.com", User: "bob", SourceIP: "10.0.0.1", ReadOnly: true, JSON: `{"eventName":"DescribeInstances"}`},
			{ID: "e2", Time: fxChanged.Add(-12 * time.Minute), Name: "ModifyInstanceAttribute", Source: "ec2.amazonaws.com", User: "alice", SourceIP: "203.0.113.7",
				Resources: []string{"arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"}, JSON: `{"eventName":"ModifyInstanceAttribute","userIdentity":{"userName":"alice"},"note":"` + "\\u001b]0;x\\u0007 \\u001b[2J" + `"}`},
			{ID: "e3", Time: fxChanged.Add(-8 * time.Minute), Name: "StopInstances", User: "mallory", SourceIP: "198.51.100.9", ErrorCode: "AccessDenied", JSON: `{"eventName":"StopInstances"}`},
			{ID: "e4", Time: fxChanged.Add(5 * time.Minute), Name: "RebootInstances", User: "alice", JSON: "not json " + fxEvil},
		},
		Logs: []sources.LogEvent{
			{ID: "l1", Group: "/app/web", Time: fxChanged.Add(-3 * time.Minute), Message: "GET /health 200"},
			{ID: "l2", Group: "/app/web", Time: fxChanged.Add(-time.Minute), Message: "ERROR worker pool exhausted " + text.Sanitize(fxEvil)},
			{ID: "l3", Group: "/app/web", Time: fxChanged, Message: "request timed out after 30s"},
		},
		Errors: []error{errors.New("logs: AccessDeniedException on /app/secret")},
	}
	return fxTriage(msg)
}

// fxTriage ranks the drill's trail as the triage engine does, against its
// graph (the alarmed resource alone when it has none).
func fxTriage(msg triage.Result) triage.Result {
	msg.Onset = triage.FindOnset(msg.Series, msg.Alarm, msg.Start, fxChanged)
	cutoff := msg.Onset.Time.Add(msg.Alarm.Metric.Period)
	if len(msg.Graph.Resources) == 0 {
		msg.Graph.Resources = triage.AlarmResources(msg.Alarm)
	}
	msg.Suspects = triage.RankSuspects(msg.Trail, msg.Graph, msg.Alarm, msg.Onset.Time, cutoff)
	msg.Verdict = triage.Verdict(msg.Suspects, len(msg.Trail))
	msg.Cause = ""
	if len(msg.Suspects) > 0 && msg.Suspects[0].Likely {
		msg.Cause = msg.Suspects[0].Event.ID
	}
	return msg
}

// fxPlainColors makes styles render without escape codes for the test.
func fxPlainColors(t *testing.T) { panetest.UseProfile(t, termenv.Ascii) }

// fxCheckSize fails unless out is exactly width x height cells.
func fxCheckSize(t *testing.T, out string, width, height int) {
	t.Helper()
	panetest.CheckSize(t, out, width, height)
}

// fxSizes are the sizes every pane is checked at.
var fxSizes = [][2]int{{80, 24}, {40, 9}, {200, 60}, {10, 3}, {3, 1}, {0, 0}, {1, 5}, {4, 2}}

// fxNoInjectedEscapes fails if escape sequences from the fixture data made
// it into out.
func fxNoInjectedEscapes(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"\x07", "]0;x", "[2J", "\x1b]"} {
		if strings.Contains(out, bad) {
			t.Fatalf("output contains %q from the data:\n%q", bad, out)
		}
	}
}

// fxDraw sizes a view and draws it, as the root model does.
func fxDraw(v interface {
	SetSize(int, int)
	View() string
}, width, height int) string {
	v.SetSize(width, height)
	return v.View()
}

// fxDrawPane sizes a dashboard pane and draws it.
func fxDrawPane(p interface {
	SetSize(int, int)
	View(bool) string
}, width, height int, focused bool) string {
	p.SetSize(width, height)
	return p.View(focused)
}

// fxOpen opens the drill-down's selection in a viewer, sanitised as the
// dashboard does it.
func fxOpen(p *Detail) (*Viewer, bool) {
	title, record, ok := p.Open()
	return NewViewer(text.Sanitize(title), text.SanitizeDocument(record)), ok
}
