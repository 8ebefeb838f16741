package triage_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// series builds one point a minute from start, skipping NaN values (gaps).
func series(start time.Time, values ...float64) sources.Series {
	s := sources.Series{Spec: sources.MetricSpec{Period: time.Minute}}
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		s.Times = append(s.Times, start.Add(time.Duration(i)*time.Minute))
		s.Values = append(s.Values, v)
	}
	return s
}

// wave is n noisy points around level: a fixed pseudo-random jitter.
func wave(n int, level, jitter float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = level + jitter*math.Sin(float64(i)*2.3+0.7)
	}
	return out
}

func TestFindOnset(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	anchor := start.Add(30 * time.Minute) // the alarm fired
	at := func(minute int) time.Time { return start.Add(time.Duration(minute) * time.Minute) }
	above := sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 80}
	below := sources.Alarm{Comparison: "LessThanThreshold", Threshold: 5}
	nan := math.NaN()
	ramp := wave(20, 40, 3)
	for i := 0; i < 16; i++ {
		ramp = append(ramp, 40+float64(i)*4)
	}
	withGaps := append(wave(20, 40, 3), nan, 95, nan, 96, 97, 97, 98)
	bumpThenStep := append(append(append(wave(14, 40, 3), 70, 75, 72), wave(9, 40, 3)...), 95, 96, 97, 95, 96, 97)
	blip := append(wave(22, 0, 0), 1, 0, 0, 0, 30, 31, 35, 32, 30)
	for _, tc := range []struct {
		name   string
		alarm  sources.Alarm
		values []float64
		want   time.Time // zero: no onset
	}{
		{"step up", above, append(wave(24, 40, 3), 95, 96, 97, 95, 96, 97, 98), at(24)},
		{"ramp: where it clears the noise", above, ramp, at(23)},
		{"noisy without change", above, wave(36, 40, 6), time.Time{}},
		{"flat", above, wave(36, 12, 0), time.Time{}},
		{"gaps", above, withGaps, at(21)},
		{"one blip is not an onset", sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 5}, blip, at(26)},
		{"drop for a LessThan alarm", below, append(wave(25, 50, 4), 2, 1, 0, 1, 0), at(25)},
		{"a rise does not fire a LessThan alarm", below, append(wave(25, 50, 4), 90, 95, 99, 90, 96), time.Time{}},
		{"a single spike that returns", above, append(wave(25, 40, 3), 99, 40, 41, 40, 39), time.Time{}},
		{"an earlier bump that went back is not the onset", above, bumpThenStep, at(26)},
		{"a blip of a sparse count just before the jump is noise", sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 5},
			[]float64{1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 2, 29, 32, 33, 32, 28}, at(30)},
		{"one point back in does not end the excursion", above, append(wave(22, 40, 3), 95, 96, 41, 97, 98, 96, 97, 99), at(22)},
	} {
		got := triage.FindOnset(series(start, tc.values...), tc.alarm, start, anchor)
		if got.Found != !tc.want.IsZero() || (got.Found && !got.Time.Equal(tc.want)) {
			t.Errorf("%s: onset %+v, want %v", tc.name, got, tc.want)
		}
	}
	newestFirst := series(start, append(wave(24, 40, 3), 95, 96, 97, 95, 96, 97, 98)...)
	slices.Reverse(newestFirst.Times)
	slices.Reverse(newestFirst.Values)
	if got := triage.FindOnset(newestFirst, above, start, anchor); !got.Found || !got.Time.Equal(at(24)) {
		t.Errorf("a series newest first: onset %+v, want %v", got, at(24))
	}
	if got := triage.FindOnset(series(start, 1, 2), above, start, anchor); got.Found {
		t.Errorf("too few points for a baseline, got %+v", got)
	}
}

func TestOnsetFromTheAlarmsReason(t *testing.T) {
	fired := time.Date(2026, 3, 1, 12, 7, 31, 0, time.UTC)
	a := sources.Alarm{State: sources.StateAlarm, StateChanged: fired,
		Reason: "Threshold Crossed: 3 out of the last 3 datapoints [95.0 (01/03/26 12:06:00), 91.5 (01/03/26 12:05:00), 88.0 (01/03/26 12:04:00)] were greater than the threshold (80.0)."}
	if o := triage.OnsetFromReason(a, fired); !o.Found || !o.FromReason || !o.Time.Equal(time.Date(2026, 3, 1, 12, 4, 0, 0, time.UTC)) {
		t.Errorf("onset %+v, want the earliest cited datapoint 12:04", o)
	}
	if o := triage.OnsetFromReason(a, fired.Add(-time.Hour)); o.Found {
		t.Errorf("the reason is about another firing than the one analysed, got %+v", o)
	}
	a.State = sources.StateOK
	if o := triage.OnsetFromReason(a, fired); o.Found {
		t.Errorf("a recovery's reason cites no breach, got %+v", o)
	}
	a.State, a.Reason = sources.StateAlarm, "Insufficient Data: 1 datapoint was unknown."
	if o := triage.OnsetFromReason(a, fired); o.Found {
		t.Errorf("no datapoint cited, got %+v", o)
	}
}

// Without an onset in the metric, Conclude judges changes against the first
// breaching datapoint the state reason cites, else against the firing.
func TestAnalyseWithoutAnOnsetInTheMetric(t *testing.T) {
	a, g := lambdaGraph()
	fired := time.Date(2026, 3, 1, 12, 7, 31, 0, time.UTC)
	a.State, a.StateChanged, a.Metric.Period = sources.StateAlarm, fired, time.Minute
	a.Reason = "Threshold Crossed: 2 out of the last 3 datapoints [9.0 (01/03/26 12:06:00), 7.0 (01/03/26 12:04:00)] were greater than the threshold (5.0)."
	cause := call{at: fired.Add(-5 * time.Minute), name: "DetachRolePolicy", source: "iam.amazonaws.com", user: "bob",
		request: map[string]any{"roleName": "svc-ord-exec", "policyArn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}}.event()
	fix := call{at: fired.Add(-2 * time.Minute), name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "oncall",
		request: map[string]any{"functionName": "orders-fn", "timeout": 30}}.event()
	empty := sources.Series{Spec: a.Metric}
	for _, tc := range []struct {
		name   string
		reason string
		onset  time.Time // zero: not found
		late   bool      // the fix is after the onset's period
	}{
		{"from the state reason", a.Reason, time.Date(2026, 3, 1, 12, 4, 0, 0, time.UTC), true},
		{"nothing cited: against the firing", "Threshold Crossed: no datapoints were received", time.Time{}, false},
	} {
		a.Reason = tc.reason
		onset, suspects, verdict := triage.Conclude(empty, a, []sources.TrailEvent{cause, fix}, g, fired.Add(-30*time.Minute), fired)
		if onset.Found != !tc.onset.IsZero() || !onset.Time.Equal(tc.onset) {
			t.Errorf("%s: onset %+v, want %v", tc.name, onset, tc.onset)
		}
		var fixLate bool
		for _, s := range suspects {
			if s.Event.ID == fix.ID {
				fixLate = s.Late
			}
		}
		if tc.late && (len(suspects) == 0 || suspects[0].Event.ID != cause.ID || !suspects[0].Likely || !fixLate ||
			!strings.HasPrefix(verdict, "likely cause: DetachRolePolicy")) {
			t.Errorf("%s: verdict %q, fix late %v:\n%s", tc.name, verdict, fixLate, describe(suspects))
		}
		// Against the firing both changes come before it and both stay
		// suspects: only the metric or the reason can tell them apart.
		if !tc.late && (fixLate || len(suspects) != 2 || strings.HasPrefix(verdict, "no related change")) {
			t.Errorf("%s: verdict %q:\n%s", tc.name, verdict, describe(suspects))
		}
	}
}

// Across points back in, the excursion reaches back over the alarm's
// evaluation window: its EvaluationPeriods setting, which holds for any
// firing, while the state reason's "M out of N" only tells about the latest.
func TestFindOnsetEvaluationWindow(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	anchor := start.Add(30 * time.Minute) // an earlier firing than the alarm's latest change
	at := func(minute int) time.Time { return start.Add(time.Duration(minute) * time.Minute) }
	values := append(append(wave(20, 40, 3), 95, 40, 41, 40), 96, 97, 98, 96, 97, 98, 97)
	reason := "Threshold Crossed: 3 out of the last 5 datapoints [97.0 (01/03/26 12:30:00)] were greater than the threshold (80.0)."
	for _, tc := range []struct {
		name  string
		alarm sources.Alarm
		want  time.Time
	}{
		{"3 out of 5 from the setting", sources.Alarm{EvaluationPeriods: 5, DatapointsToAlarm: 3, StateChanged: anchor.Add(2 * time.Hour)}, at(20)},
		{"the reason is about a later change", sources.Alarm{Reason: reason, StateChanged: anchor.Add(2 * time.Hour)}, at(24)},
		{"the reason is about this firing", sources.Alarm{Reason: reason, StateChanged: anchor}, at(20)},
		{"1 out of 1 from the setting", sources.Alarm{EvaluationPeriods: 1, DatapointsToAlarm: 1, Reason: reason, StateChanged: anchor}, at(24)},
	} {
		tc.alarm.State, tc.alarm.Comparison, tc.alarm.Threshold = sources.StateAlarm, "GreaterThanThreshold", 80
		if got := triage.FindOnset(series(start, values...), tc.alarm, start, anchor); !got.Found || !got.Time.Equal(tc.want) {
			t.Errorf("%s: onset %+v, want %v", tc.name, got, tc.want)
		}
	}
}

// A metric that stopped reporting is the onset only for an alarm that
// counts missing data as breaching, or whose setting is unknown.
func TestFindOnsetSilence(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	anchor := start.Add(30 * time.Minute)
	stopped := series(start, wave(20, 40, 3)...)
	for _, tc := range []struct {
		missing string
		silent  bool
	}{{"", true}, {"breaching", true}, {"notBreaching", false}, {"missing", false}, {"ignore", false}} {
		a := sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 80, TreatMissingData: tc.missing}
		got := triage.FindOnset(stopped, a, start, anchor)
		if got.Found != tc.silent || got.Silent != tc.silent || (tc.silent && !got.Time.Equal(start.Add(20*time.Minute))) {
			t.Errorf("TreatMissingData %q: onset %+v, want silent %v from 12:20", tc.missing, got, tc.silent)
		}
	}
}

// A 1-second metric read over the lookback: 5,400 points.
func BenchmarkFindOnsetHighResolution(b *testing.B) {
	anchor := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := sources.Series{Spec: sources.MetricSpec{Period: time.Second}}
	for at := anchor.Add(-triage.OnsetLookback); at.Before(anchor); at = at.Add(time.Second) {
		v := 40 + 3*math.Sin(float64(at.Unix())*2.3)
		if at.After(anchor.Add(-2 * time.Minute)) {
			v += 50
		}
		s.Times, s.Values = append(s.Times, at), append(s.Values, v)
	}
	a := sources.Alarm{Comparison: "GreaterThanThreshold", Threshold: 80}
	for i := 0; i < b.N; i++ {
		triage.FindOnset(s, a, anchor.Add(-triage.Before), anchor)
	}
}
