package triage_test

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// The shapes real alarms' metrics have (sparse counts, trends, spiky
// percentiles, drift, missing datapoints, drops, partial first periods,
// ramps, 5-minute periods, anomaly bands, M of N, short histories), each
// drawn from a seeded noise source and swept over many seeds: a rule that
// only works for one draw fails here. For every draw the alarm is simulated
// as CloudWatch evaluates it (M of N, missing data) and writes its state
// reason, a cause is placed seconds to minutes before the metric moves,
// among decoys, and Conclude must find the onset in the period where the
// metric moved and rank the cause first and likely; and, without the
// metric, from the state reason.

// bucket is one period of a generated series.
type bucket struct {
	minute float64 // since the series began, for trends
	clock  float64 // minute of the day, for daily cycles
	share  float64 // part of the period after the change took effect
	since  float64 // minutes of the incident by the period's end (0 before)
}

type shape struct {
	name       string
	stat       string
	comparison string
	threshold  float64
	period     time.Duration
	m, n       int    // DatapointsToAlarm of EvaluationPeriods; 0: 1 of 1
	missing    string // TreatMissingData: "" or notBreaching, breaching, ignore
	partial    bool   // the change lands within a period, often in its last seconds
	slack      int    // periods the onset may land late (a ramp clearing the noise)
	history    time.Duration
	// breach overrides the threshold test (anomaly bands).
	breach func(v float64) bool
	// value is the metric for one period; false: no datapoint.
	value func(r *rand.Rand, b bucket) (float64, bool)
}

func poisson(r *rand.Rand, mean float64) float64 {
	if mean > 50 {
		return math.Max(0, math.Round(mean+math.Sqrt(mean)*r.NormFloat64()))
	}
	n, p, l := 0.0, r.Float64(), math.Exp(-mean)
	for p > l {
		n++
		p *= r.Float64()
	}
	return n
}

// mix is the level of a period partly after the change.
func mix(before, after, share float64) float64 { return before + (after-before)*share }

func shapes() []shape {
	sparse := func(r *rand.Rand) float64 { // mostly 0, blips of 1–3
		if x := r.Float64(); x < 0.06 {
			return 1 + math.Floor(x/0.06*1.35) // 1–3, mostly 1
		}
		return poisson(r, 0.15)
	}
	return []shape{
		{name: "sparse error count", stat: "Sum", comparison: "GreaterThanOrEqualToThreshold", threshold: 5,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				if b.share > 0 {
					return sparse(r) + poisson(r, 12), true
				}
				return sparse(r), true
			}},
		{name: "5XX count with a daily trend", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 80, m: 3, n: 3,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				base := 20 + 15*math.Sin(2*math.Pi*b.clock/(24*60)) + 3*math.Sin(2*math.Pi*b.minute/90)
				return poisson(r, mix(base, base+90, b.share)), true
			}},
		{name: "requests with a steep morning ramp", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 260, m: 2, n: 2,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				base := 60 + 0.8*b.minute // doubles over the lookback
				return poisson(r, mix(base, base+180, b.share)), true
			}},
		{name: "p99 latency, spiky and heavy-tailed", stat: "p99", comparison: "GreaterThanThreshold", threshold: 900, m: 3, n: 5,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				v := 250 * math.Exp(0.25*r.NormFloat64())
				if r.Float64() < 0.08 {
					v *= 1.5 + 1.5*r.Float64() // GC pauses, cold starts
				}
				return mix(v, v+1400, b.share), true
			}},
		{name: "CPU with slow drift", stat: "Average", comparison: "GreaterThanThreshold", threshold: 70, m: 2, n: 2,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				v := 35 + 10*math.Sin(2*math.Pi*b.clock/(24*60)) + 2*r.NormFloat64()
				return math.Min(100, mix(v, v+50, b.share)), true
			}},
		{name: "Lambda errors, nothing emitted when idle", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 3, m: 2, n: 3,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				if b.share == 0 && r.Float64() < 0.5 {
					return 0, false
				}
				return mix(sparse(r), 10+poisson(r, 10), b.share), true
			}},
		{name: "ALB 5XX, absent without traffic", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 10, missing: "notBreaching",
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				v := mix(sparse(r), poisson(r, 30), b.share)
				return v, v > 0
			}},
		{name: "healthy hosts drop (LessThan)", stat: "Minimum", comparison: "LessThanThreshold", threshold: 2, m: 2, n: 3,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				v := 6.0
				if r.Float64() < 0.1 { // a host cycling
					v = 5
				}
				if b.share > 0 {
					v = float64(r.Intn(2))
				}
				return v, true
			}},
		{name: "throughput drop (LessThan)", stat: "Sum", comparison: "LessThanThreshold", threshold: 250,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return poisson(r, mix(600+60*math.Sin(b.minute/7), 80, b.share)), true
			}},
		{name: "change in the last seconds of a minute", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 40, partial: true,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return poisson(r, mix(3, 150, b.share)), true
			}},
		{name: "memory leak ramp", stat: "Average", comparison: "GreaterThanThreshold", threshold: 85, slack: 4,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return math.Min(100, 45+1.5*r.NormFloat64()+2.5*b.since), true
			}},
		{name: "5-minute basic monitoring", stat: "Average", comparison: "GreaterThanThreshold", threshold: 70, period: 5 * time.Minute,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return math.Min(100, mix(25+3*r.NormFloat64(), 95, b.share)), true
			}},
		{name: "5-minute metric, change mid-period", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 400, period: 5 * time.Minute, partial: true,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return poisson(r, mix(60, 900, b.share)), true
			}},
		{name: "invocations stop, missing data breaching", stat: "Sum", comparison: "LessThanThreshold", threshold: 1, m: 3, n: 3, missing: "breaching",
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return poisson(r, 40), b.share == 0
			}},
		{name: "anomaly band", stat: "Average", comparison: "LessThanLowerOrGreaterThanUpperThreshold", m: 2, n: 3,
			breach: func(v float64) bool { return v < 150 || v > 260 },
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return mix(200+15*r.NormFloat64(), 330+20*r.NormFloat64(), b.share), true
			}},
		{name: "M of N with gaps in the excursion", stat: "Sum", comparison: "GreaterThanThreshold", threshold: 8, m: 3, n: 5, missing: "ignore",
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				if b.share > 0 && (b.since <= 1 || r.Float64() < 0.75) {
					return poisson(r, 25), true
				}
				if r.Float64() < 0.2 {
					return 0, false
				}
				return sparse(r), true
			}},
		{name: "memory leak on an instance started 25 minutes ago", stat: "Average", comparison: "GreaterThanThreshold", threshold: 85, slack: 4, history: 25 * time.Minute,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return math.Min(100, 45+1.5*r.NormFloat64()+2.5*b.since), true
			}},
		{name: "alarm created minutes ago: short baseline", stat: "Average", comparison: "GreaterThanThreshold", threshold: 80, history: 9 * time.Minute,
			value: func(r *rand.Rand, b bucket) (float64, bool) {
				return mix(40+4*r.NormFloat64(), 97, b.share), true
			}},
	}
}

// incident is one draw of a shape: the series, the alarm as it fired and
// the true onset (start of the period the change first moved).
type incident struct {
	series         sources.Series
	alarm          sources.Alarm
	start, anchor  time.Time
	effect, onset  time.Time
	period         time.Duration
	breachingTimes []time.Time
}

func (sh shape) draw(r *rand.Rand) (incident, error) {
	a, _ := lambdaGraph()
	a.Comparison, a.Threshold = sh.comparison, sh.threshold
	a.Metric.Stat, a.Metric.Period = sh.stat, sh.period
	p := a.Metric.WithDefaults().Period
	m, n := max(sh.m, 1), max(sh.n, 1)
	epoch := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// The incident starts somewhere in the day, aligned to the period.
	onset := epoch.Add(time.Duration(r.Intn(20*60))*time.Minute + 4*time.Hour).Truncate(p)
	effect := onset
	if sh.partial { // anywhere in the period, often in its last seconds
		effect = onset.Add(p - time.Duration(2+r.Intn(13))*time.Second)
		if r.Intn(2) == 0 {
			effect = onset.Add(time.Duration(r.Int63n(int64(p))))
		}
	}
	first := onset.Add(-3 * time.Hour)
	if sh.history > 0 {
		first = time.Time{} // set once the alarm fired
	}
	breaches := func(v float64) bool {
		if sh.breach != nil {
			return sh.breach(v)
		}
		if strings.HasPrefix(sh.comparison, "Less") {
			return v < sh.threshold
		}
		return v > sh.threshold || (strings.Contains(sh.comparison, "OrEqual") && v == sh.threshold)
	}
	type point struct {
		at      time.Time
		v       float64
		present bool
	}
	var points []point
	var anchor time.Time
	trigger := 0
	var recent []bool // the evaluation window's datapoints, breaching or not
	for at := onset.Add(-3 * time.Hour); at.Before(onset.Add(90 * time.Minute)); at = at.Add(p) {
		b := bucket{minute: at.Sub(onset.Add(-3 * time.Hour)).Minutes(), clock: float64(at.Hour()*60 + at.Minute())}
		if end := at.Add(p); end.After(effect) {
			b.since = end.Sub(effect).Minutes()
			b.share = math.Min(1, float64(end.Sub(effect))/float64(p))
		}
		v, ok := sh.value(r, b)
		points = append(points, point{at, v, ok})
		switch {
		case ok:
			recent = append(recent, breaches(v))
		case sh.missing == "breaching":
			recent = append(recent, true)
		case sh.missing == "ignore":
		default:
			recent = append(recent, false)
		}
		if len(recent) > n {
			recent = recent[len(recent)-n:]
		}
		count := 0
		for _, b := range recent {
			if b {
				count++
			}
		}
		// A blip that fired it before the change was a firing of its own.
		if count >= m && anchor.IsZero() && !at.Before(onset) {
			anchor, trigger = at.Add(p+time.Duration(10+r.Intn(80))*time.Second), len(points)-1
		}
	}
	if anchor.IsZero() {
		return incident{}, fmt.Errorf("the alarm never fired")
	}
	if sh.history > 0 {
		first = anchor.Add(-sh.history)
	}
	start, end := triage.Window(anchor, anchor.Add(triage.After))
	in := incident{alarm: a, start: start, anchor: anchor, effect: effect, onset: onset, period: p}
	in.series.Spec = a.Metric
	var cited []string
	for i, pt := range points {
		if pt.at.Before(first) || pt.at.Before(anchor.Add(-triage.OnsetLookback)) || pt.at.After(end) || !pt.present {
			continue
		}
		in.series.Times = append(in.series.Times, pt.at)
		in.series.Values = append(in.series.Values, pt.v)
		if i <= trigger && i > trigger-n && breaches(pt.v) {
			cited = append([]string{fmt.Sprintf("%.1f (%s)", pt.v, pt.at.Format("02/01/06 15:04:05"))}, cited...)
			in.breachingTimes = append(in.breachingTimes, pt.at)
		}
	}
	in.alarm.State, in.alarm.StateChanged = sources.StateAlarm, anchor
	if len(cited) == 0 {
		in.alarm.Reason = fmt.Sprintf("Threshold Crossed: no datapoints were received for %d periods and %d missing datapoints were treated as [Breaching].", n, n)
	} else {
		in.alarm.Reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] were greater than the threshold (%.1f) (minimum %d datapoints for OK -> ALARM transition).",
			len(cited), n, strings.Join(cited, ", "), sh.threshold, m)
	}
	return in, nil
}

// trail is the cause, seconds to minutes before the metric moved, among
// decoys: a tagging bot and a failed call on the alarmed function, a backup
// service's version, a person's change to a look-alike function of the same
// service, a fix after the onset, and reads.
func (in incident) trail(r *rand.Rand, slack int) (sources.TrailEvent, []sources.TrailEvent) {
	fnARN := "arn:aws:lambda:eu-west-1:" + acct + ":function:orders-fn"
	around := func(from, to time.Duration) time.Time {
		return in.effect.Add(from + time.Duration(r.Int63n(int64(to-from))))
	}
	lead := time.Duration(5+r.Intn(235)) * time.Second
	causes := []call{
		{name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "dev",
			request: map[string]any{"functionName": "orders-fn", "memorySize": 128}},
		{name: "DetachRolePolicy", source: "iam.amazonaws.com", user: "dev",
			request: map[string]any{"roleName": "svc-ord-exec", "policyArn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}},
		{name: "UpdateEventSourceMapping20150331", source: "lambda.amazonaws.com", user: "dev",
			request:  map[string]any{"uUID": "6a1b2c3d", "batchSize": 1},
			response: map[string]any{"uUID": "6a1b2c3d", "eventSourceArn": "arn:aws:sqs:eu-west-1:" + acct + ":orders-q"}},
	}
	c := causes[r.Intn(len(causes))]
	c.at = in.effect.Add(-lead)
	cause := c.event()
	// The fix comes after the latest period the onset may land in.
	late := in.onset.Add(time.Duration(slack+2)*in.period + time.Duration(r.Intn(180))*time.Second)
	calls := []call{
		{at: around(-3*time.Minute, time.Minute), name: "TagResource20170331", source: "lambda.amazonaws.com", user: "tag-bot", identity: role("auto-tagger", "tag-bot"),
			request: map[string]any{"resource": fnARN, "tags": map[string]any{"cost-center": "orders"}}},
		{at: around(-5*time.Minute, 0), name: "PublishVersion20150331", source: "lambda.amazonaws.com", user: "backup", identity: map[string]any{"type": "AWSService", "invokedBy": "backup.amazonaws.com"},
			request: map[string]any{"functionName": "orders-fn", "description": "nightly snapshot"}},
		{at: around(-4*time.Minute, time.Minute), name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "mallory",
			request: map[string]any{"functionName": "orders-fn-canary", "memorySize": 128}},
		{at: around(-3*time.Minute, time.Minute), name: "PutFunctionConcurrency20171031", source: "lambda.amazonaws.com", user: "erin", errorCode: "AccessDenied",
			request: map[string]any{"functionName": "orders-fn", "reservedConcurrentExecutions": 0}},
		{at: late, name: "UpdateFunctionConfiguration20150331v2", source: "lambda.amazonaws.com", user: "oncall",
			request: map[string]any{"functionName": "orders-fn", "timeout": 30}},
	}
	events := []sources.TrailEvent{cause}
	for _, c := range calls {
		events = append(events, c.event())
	}
	for i := 0; i < 40; i++ {
		events = append(events, call{at: around(-20*time.Minute, 5*time.Minute), name: "GetFunction20150331v2", source: "lambda.amazonaws.com", user: "grafana",
			identity: role("monitoring", "grafana"), readOnly: true, request: map[string]any{"functionName": "orders-fn"}}.event())
	}
	return cause, events
}

// unseen is 1 when the change's first period barely moved: within the
// range of the points before it, or less than a third of the way from
// their median to the incident's (a Poisson draw of 3 where the incident
// averages 12). The onset may then land a period later.
func (in incident) unseen() int {
	var before, after []float64
	first := math.NaN()
	for i, at := range in.series.Times {
		switch v := in.series.Values[i]; {
		case at.Before(in.onset):
			before = append(before, v)
		case at.Equal(in.onset):
			first = v
		default:
			after = append(after, v)
		}
	}
	if math.IsNaN(first) || len(before) == 0 || len(after) == 0 {
		return 0
	}
	lo, hi := slices.Min(before), slices.Max(before)
	from, to := median(before), median(after)
	if (first >= lo && first <= hi) || math.Abs(first-from) < math.Abs(to-from)/3 {
		return 1
	}
	return 0
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	return s[len(s)/2]
}

// blames reports whether cause ranks first and is called the likely cause.
func blames(suspects []triage.Suspect, cause sources.TrailEvent) bool {
	return len(suspects) > 0 && suspects[0].Event.ID == cause.ID && suspects[0].Likely
}

const shapeSeeds = 200

func TestOnsetAndRankingAcrossMetricShapes(t *testing.T) {
	_, graph := lambdaGraph()
	for _, sh := range shapes() {
		failed, first := 0, ""
		for seed := 0; seed < shapeSeeds; seed++ {
			r := rand.New(rand.NewSource(int64(seed)))
			in, err := sh.draw(r)
			if err != nil {
				t.Fatalf("%s, seed %d: %v (the shape is wrong)", sh.name, seed, err)
			}
			late := sh.slack
			if sh.partial {
				late++
			}
			cause, events := in.trail(r, late)
			onset, suspects, verdict := triage.Conclude(in.series, in.alarm, events, graph, in.start, in.anchor)
			var problem string
			switch {
			case !onset.Found:
				problem = "no onset"
			case onset.Time.Before(in.onset) || onset.Time.After(in.onset.Add(time.Duration(late+in.unseen())*in.period)):
				problem = fmt.Sprintf("onset %s (%v), want %s", onset.Time.Format(time.TimeOnly), onset, in.onset.Format(time.TimeOnly))
			case !blames(suspects, cause):
				problem = fmt.Sprintf("verdict %q, cause %s at %s:\n%s", verdict, cause.Name, cause.Time.Format(time.TimeOnly), describe(suspects))
			}
			// Opened as the alarm fires: nothing after it yet.
			live := in.series
			live.Times, live.Values = nil, nil
			for i, at := range in.series.Times {
				if at.Before(in.anchor) {
					live.Times, live.Values = append(live.Times, at), append(live.Values, in.series.Values[i])
				}
			}
			if onset, suspects, verdict := triage.Conclude(live, in.alarm, events, graph, in.start, in.anchor); problem == "" &&
				(!onset.Found || onset.Time.Before(in.onset) || onset.Time.After(in.onset.Add(time.Duration(late+in.unseen())*in.period)) || !blames(suspects, cause)) {
				problem = fmt.Sprintf("as it fires: onset %v at %s, want %s, verdict %q:\n%s", onset, onset.Time.Format(time.TimeOnly), in.onset.Format(time.TimeOnly), verdict, describe(suspects))
			}
			// Without the metric (not readable, no datapoints yet) the onset
			// is the first breaching datapoint the state reason cites (else
			// the firing): never
			// before the real one, but it may be later (a ramp crosses the
			// threshold late; the reason cites only the last N datapoints),
			// so the fix after the onset is left out here.
			var early []sources.TrailEvent
			for _, e := range events {
				if e.User != "oncall" {
					early = append(early, e)
				}
			}
			blind := sources.Series{Spec: in.series.Spec}
			if onset, suspects, verdict := triage.Conclude(blind, in.alarm, early, graph, in.start, in.anchor); problem == "" &&
				(onset.FromReason != strings.Contains(in.alarm.Reason, "datapoints [") || (onset.Found && onset.Time.Before(in.onset)) || !blames(suspects, cause)) {
				problem = fmt.Sprintf("without the metric: onset %v at %s, verdict %q, cause %s at %s:\n%s", onset, onset.Time.Format(time.TimeOnly), verdict, cause.Name, cause.Time.Format(time.TimeOnly), describe(suspects))
			}
			if problem != "" {
				if testing.Verbose() {
					t.Logf("%s seed %d: %s", sh.name, seed, strings.SplitN(problem, "\n", 2)[0])
				}
				if failed++; failed == 1 {
					first = fmt.Sprintf("seed %d: %s\nseries from %s: %v", seed, problem, in.series.Times[0].Format(time.TimeOnly), in.series.Values)
				}
			}
		}
		if failed > 0 {
			t.Errorf("%s: %d of %d draws failed; first %s", sh.name, failed, shapeSeeds, first)
		}
	}
}
