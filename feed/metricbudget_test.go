package feed

import (
	"math"
	"testing"
	"time"

	"watchtrail/sources"
)

const testWindow = 2 * time.Hour

// budgetRun is what runBudget saw: per poll, the specs requested, and for
// each spec the most polls it waited while due.
type budgetRun struct {
	requested [][]sources.MetricSpec
	maxWait   map[string]int
}

// runBudget polls all every 15 s of a fixed clock, each poll requesting
// what Pick chooses within OneMetricCall, and checks each poll fits one
// GetMetricData call.
func runBudget(t *testing.T, all []sources.MetricSpec, urgent map[string]int, polls int) budgetRun {
	t.Helper()
	sched := NewMetricSchedule(time.Minute)
	run := budgetRun{maxWait: map[string]int{}}
	waiting := map[string]int{} // polls each due spec has waited so far
	// Just after 5-minute periods settle: the first ceil(M/500) polls are
	// one period, so no firing metric is due twice in them.
	now := time.Date(2026, 3, 2, 9, 1, 7, 0, time.UTC)
	for range polls {
		due := sched.Due(all, now)
		pick := sched.Pick(due, testWindow, OneMetricCall, urgent)
		if len(pick) > OneMetricCall.Queries || datapoints(pick, testWindow) > OneMetricCall.Datapoints {
			t.Fatalf("at %s: %d metrics, %d datapoints: more than one GetMetricData call", now, len(pick), datapoints(pick, testWindow))
		}
		picked := map[string]bool{}
		for _, spec := range pick {
			if picked[spec.Key()] {
				t.Fatalf("at %s: %s requested twice in one poll", now, spec.Key())
			}
			picked[spec.Key()] = true
			run.maxWait[spec.Key()] = max(run.maxWait[spec.Key()], waiting[spec.Key()])
			delete(waiting, spec.Key())
		}
		for _, spec := range due {
			if !picked[spec.Key()] {
				waiting[spec.Key()]++
			}
		}
		sched.Fetched(pick, now)
		run.requested = append(run.requested, pick)
		now = now.Add(15 * time.Second)
	}
	for key, n := range waiting { // still waiting at the end counts too
		run.maxWait[key] = max(run.maxWait[key], n)
	}
	return run
}

func TestPickBoundsEveryPollAndServesFiringAndVisibleFirst(t *testing.T) {
	all := specs(10000, 5*time.Minute)
	urgent := map[string]int{}
	for i := 0; i < len(all); i += 100 { // 100 firing alarms spread over the list
		urgent[all[i].Key()] = RankFiring
	}
	for i := 7000; i < 7030; i++ { // 30 rows on screen, far down the list
		urgent[all[i].Key()] = RankVisible
	}
	polls := 80 // 20 minutes at 15 s: four periods
	run := runBudget(t, all, urgent, polls)

	first := map[string]bool{}
	for _, spec := range run.requested[0] {
		first[spec.Key()] = true
	}
	for key := range urgent {
		if !first[key] {
			t.Fatalf("firing or visible metric %s not in the first poll", key)
		}
		if run.maxWait[key] != 0 {
			t.Fatalf("firing or visible metric %s waited %d polls while due", key, run.maxWait[key])
		}
	}
	// The first ceil(M/500) polls request every metric once.
	bound := int(math.Ceil(float64(len(all)) / float64(OneMetricCall.Queries)))
	seen := map[string]bool{}
	for _, pick := range run.requested[:bound] {
		for _, spec := range pick {
			seen[spec.Key()] = true
		}
	}
	if len(seen) != len(all) {
		t.Fatalf("the first %d polls requested %d of %d metrics", bound, len(seen), len(all))
	}
	// And none ever waits longer than that while due.
	worst := 0
	for _, spec := range all {
		worst = max(worst, run.maxWait[spec.Key()])
	}
	if worst >= bound {
		t.Fatalf("a metric waited %d polls while due, want fewer than %d", worst, bound)
	}
	t.Logf("10,000 five-minute metrics over %d polls: at most 500 a poll, longest wait %d polls", polls, worst)
}

func TestPickStarvesNothingWhenMostAlarmsFire(t *testing.T) {
	all := specs(2000, time.Minute)
	urgent := map[string]int{}
	for _, spec := range all[:1600] { // due 1,600 a minute: more than their share of 4 polls
		urgent[spec.Key()] = RankFiring
	}
	run := runBudget(t, all, urgent, 80)
	// The others get at least a quarter of each poll.
	bound := int(math.Ceil(float64(len(all)) / (float64(OneMetricCall.Queries) * (1 - urgentShare))))
	for _, spec := range all {
		if w := run.maxWait[spec.Key()]; w >= bound {
			t.Fatalf("%s waited %d polls while due, want fewer than %d", spec.Key(), w, bound)
		}
	}
}

func TestPickKeepsToTheDatapointLimit(t *testing.T) {
	highRes := specs(1000, 10*time.Second) // 721 datapoints each in two hours
	sched := NewMetricSchedule(0)
	now := time.Date(2026, 3, 2, 9, 0, 7, 0, time.UTC)
	pick := sched.Pick(sched.Due(highRes, now), testWindow, OneMetricCall, nil)
	if want := OneMetricCall.Datapoints / 721; len(pick) != want {
		t.Fatalf("%d high-resolution metrics in one call, want %d (100,800 datapoints)", len(pick), want)
	}
}

func TestPickRequestsEveryDueMetricWhenTheyFit(t *testing.T) {
	all := specs(500, time.Minute)
	pick := NewMetricSchedule(0).Pick(all, testWindow, OneMetricCall, nil)
	if len(pick) != len(all) || pick[0].Key() != all[0].Key() {
		t.Fatalf("%d of 500 metrics requested, want all in the order given", len(pick))
	}
}

func TestEstimateKeepsToTheBudget(t *testing.T) {
	all := specs(10000, time.Minute)
	unbounded := EstimateCost(CostConfig{Metrics: all, Refresh: 15 * time.Second, CostAware: true})
	bounded := EstimateCost(CostConfig{Metrics: all, Refresh: 15 * time.Second, CostAware: true, Budget: OneMetricCall})
	if unbounded.GetMetricDataCalls != 1440*20 || unbounded.MetricsRequested != 1440*10000 {
		t.Fatalf("unbounded: %v calls, %v metrics a day", unbounded.GetMetricDataCalls, unbounded.MetricsRequested)
	}
	// One call of 500 metrics each 15 s poll.
	if bounded.GetMetricDataCalls != 5760 || bounded.MetricsRequested != 5760*500 {
		t.Fatalf("bounded: %v calls, %v metrics a day, want 5760 calls of 500", bounded.GetMetricDataCalls, bounded.MetricsRequested)
	}
	small := specs(100, 5*time.Minute)
	if a, b := EstimateCost(CostConfig{Metrics: small, Refresh: 15 * time.Second, CostAware: true}),
		EstimateCost(CostConfig{Metrics: small, Refresh: 15 * time.Second, CostAware: true, Budget: OneMetricCall}); a.PerDay != b.PerDay {
		t.Fatalf("a budget the metrics fit changed the estimate: $%v → $%v", a.PerDay, b.PerDay)
	}
}

// BenchmarkPick10k is one poll's choice among 10,000 due metrics.
func BenchmarkPick10k(b *testing.B) {
	all := specs(10000, time.Minute)
	sched := NewMetricSchedule(time.Minute)
	now := time.Date(2026, 3, 2, 9, 1, 7, 0, time.UTC)
	for b.Loop() {
		sched.Pick(sched.Due(all, now), testWindow, OneMetricCall, nil)
	}
}
