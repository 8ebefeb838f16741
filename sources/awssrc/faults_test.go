package awssrc

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"watchtrail/feed"
	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// faultySource is a Source whose calls go through a fault proxy in front of
// the shared moto server, and a second one that talks to moto directly (for
// writing test data while the proxy fails).
func faultySource(t *testing.T) (through, direct *Source, proxy *faultproxy.Proxy) {
	t.Helper()
	endpoint := motoserver.Shared(t)
	proxy = faultproxy.Start(t, endpoint)
	cfg := testConfig(t)
	return New(cfg, proxy.URL()), New(cfg, endpoint), proxy
}

// Issue 11, the fault suite: while events are written to four streams, some
// of them late (timestamps up to 2.5 s in the past, within the tail's
// overlap), the tail is polled through every fault the proxy has —
// throttling, 500, 503, resets, truncated bodies, 2–5 s latency, expired and
// invalid credentials, the endpoint down. Nothing is lost or repeated, and
// the tail and the other sources answer again within two polls after the
// faults end.
func TestFaultsTailLosesNothingAndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: about 40 s")
	}
	through, direct, proxy := faultySource(t)
	group := "/watchtrail/" + unique(t, "faults")
	streams := []string{"s0", "s1", "s2", "s3"}
	makeGroup(t, direct, group, streams...)

	// Each fault for 2 s, then 2 s without: the tail backs a failing group
	// off for 2 s after its first failure.
	over := proxy.Storm("", 2*time.Second, 2*time.Second) // every service: the alarms and metrics calls below get them too

	var written atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a batch of 5 per stream every 100 ms until the faults are over
		defer wg.Done()
		r := rand.New(rand.NewPCG(1, 2))
		for b := 0; time.Now().Before(over) && b < 300; b++ {
			for _, st := range streams {
				late := time.Duration(r.IntN(2500)) * time.Millisecond
				base := time.Now().Add(-late)
				putEvents(t, direct, group, st, b*5, 5, func(seq int) time.Time {
					return base.Add(time.Duration(seq-b*5) * time.Millisecond)
				})
			}
			written.Store(int64(b+1) * 5)
			time.Sleep(100 * time.Millisecond)
		}
	}()

	count := map[string]int{}
	tail := feed.NewLogTail("")
	problems := map[sources.Problem]int{}
	polls, pollsAfter, recoveredAfter := 0, 0, 0
	var recoveredIn time.Duration
	deadline := time.Now().Add(90 * time.Second)
	for ; polls < 10000; polls++ {
		if time.Now().After(deadline) {
			t.Fatalf("not caught up within 90 s (%d polls)", polls)
		}
		before := len(proxy.Calls())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		b := tail.Next(ctx, through, []string{group}, time.Now())
		cancel()
		for _, e := range b.Events {
			count[e.Stream+" "+e.Message]++
		}
		if b.Err != nil {
			problems[sources.Classify(b.Err)]++
		}
		if time.Now().After(over) {
			called := len(proxy.Calls()) > before
			if called {
				pollsAfter++
			}
			if recoveredAfter == 0 && called && len(b.Problems) == 0 && b.Err == nil {
				recoveredAfter, recoveredIn = pollsAfter, time.Since(over)
			}
			wg.Wait()
			if recoveredAfter > 0 && !b.Again && time.Since(over) > 2*time.Second {
				break
			}
		}
		if !b.Again {
			time.Sleep(100 * time.Millisecond)
		}
	}

	lost, dup := 0, 0
	perStream := int(written.Load())
	for _, st := range streams {
		for seq := range perStream {
			switch n := count[st+" "+st+" "+strconv.Itoa(seq)]; {
			case n == 0:
				lost++
			case n > 1:
				dup++
			}
		}
	}
	injected := map[faultproxy.Fault]int{}
	for _, c := range proxy.Calls() {
		if c.Fault != faultproxy.Pass {
			injected[c.Fault]++
		}
	}
	t.Logf("%d events in %d streams, %d polls; faults injected %v; polls failed %v; lost %d, duplicated %d; tail clean on poll %d after the faults (%v)",
		perStream*len(streams), len(streams), polls, injected, problems, lost, dup, recoveredAfter, recoveredIn.Round(time.Millisecond))
	if lost > 0 || dup > 0 || len(count) != perStream*len(streams) {
		t.Errorf("of %d events %d lost, %d duplicated, %d distinct delivered", perStream*len(streams), lost, dup, len(count))
	}
	if recoveredAfter == 0 || recoveredAfter > 2 {
		t.Errorf("the tail answered without problems on poll %d after the faults (want 1 or 2)", recoveredAfter)
	}
	if len(injected) < 6 {
		t.Errorf("the faults hardly reached the tail: %v", injected)
	}

	// The other sources answer at once too.
	ctx := ctxFor(t)
	if _, err := through.ListAlarms(ctx); err != nil {
		t.Errorf("alarms after the faults: %v", err)
	}
	spec := sources.MetricSpec{Namespace: "AWS/Lambda", Metric: "Errors", Stat: "Sum", Period: time.Minute}
	if _, err := through.FetchMetrics(ctx, []sources.MetricSpec{spec}, time.Now().Add(-time.Hour), time.Now()); err != nil {
		t.Errorf("metrics after the faults: %v", err)
	}
}

// Each injected fault reaches the status line as its Problem, whatever the
// service's protocol.
func TestFaultsClassified(t *testing.T) {
	through, _, proxy := faultySource(t)
	calls := map[string]func(context.Context) error{
		"monitoring": func(ctx context.Context) error { _, err := through.ListAlarms(ctx); return err },
		"logs": func(ctx context.Context) error {
			_, _, err := through.FetchLogPage(ctx, sources.LogQuery{Group: "/watchtrail/none"}, "")
			return err
		},
	}
	for _, tc := range []struct {
		fault faultproxy.Fault
		want  sources.Problem
	}{
		{faultproxy.Throttle, sources.ProblemThrottled},
		{faultproxy.ExpiredToken, sources.ProblemCredentials},
		{faultproxy.InvalidToken, sources.ProblemCredentials},
		{faultproxy.ServerError, sources.ProblemService},
		{faultproxy.Unavailable, sources.ProblemService},
		{faultproxy.Reset, sources.ProblemUnreachable},
	} {
		proxy.SetRules(faultproxy.Rule{Fault: tc.fault})
		for service, call := range calls {
			if got := sources.Classify(call(ctxFor(t))); got != tc.want {
				t.Errorf("%s %s: %q, want %q", service, tc.fault, got, tc.want)
			}
		}
	}
	proxy.Down()
	if got := sources.Classify(calls["logs"](ctxFor(t))); got != sources.ProblemUnreachable {
		t.Errorf("endpoint down: %q, want %q", got, sources.ProblemUnreachable)
	}
}
