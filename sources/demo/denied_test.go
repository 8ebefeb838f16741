package demo

import (
	"context"
	"testing"
	"time"

	"watchtrail/filter"
	"watchtrail/sources"
)

func TestDeniedBurstAndInsights(t *testing.T) {
	s, c := newDemo(t)
	ctx := context.Background()
	c.t = s.ChangeTime().Add(2 * time.Minute) // mid-burst
	early, _ := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t})
	var mid sources.DeniedTally
	mid.Add(early)

	c.t = s.ChangeTime().Add(10 * time.Minute)
	events, err := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t})
	if err != nil {
		t.Fatal(err)
	}
	var tally sources.DeniedTally
	tally.Add(events)
	if mid.Total() == 0 || mid.Total() >= tally.Total() {
		t.Errorf("denied calls mid-burst %d, after %d: want the burst to grow", mid.Total(), tally.Total())
	}
	top := tally.ByPrincipal()[0]
	if top.Key != "svc-reports" || top.Count != deniedCalls || len(top.Others) < 3 {
		t.Errorf("top principal %+v, want svc-reports with %d denied calls from several IPs", top, deniedCalls)
	}
	var logins int
	for _, g := range tally.ByPrincipal() {
		if g.Key == "admin" {
			logins = g.Count
		}
	}
	if logins != failedLogin {
		t.Errorf("%d failed console logins for admin, want %d", logins, failedLogin)
	}
	if ips := tally.ByIP(); len(ips) < len(attackerIPs) || ips[0].Count < ips[len(ips)-1].Count {
		t.Errorf("by IP %+v: want every attacker address, most first", ips)
	}
	for _, e := range events {
		if e.Kind == sources.KindInsight {
			t.Errorf("Insights event %s among management events", e.ID)
		}
	}

	// The demo applies the one lookup attribute like LookupEvents; the
	// filter's Match does the rest.
	svc, _ := filter.ParseTrail("user:svc-reports -ro")
	only, _ := s.FetchTrail(ctx, svc.Query(sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t}))
	writes := svc.Filter(only)
	if len(only) != deniedCalls || len(writes) == 0 || len(writes) == len(only) {
		t.Errorf("user lookup returned %d events, %d writes", len(only), len(writes))
	}
	key := only[0].AccessKeyID
	byKey, _ := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t,
		Lookup: sources.LookupAttr{Key: sources.AttrAccessKeyID, Value: key}})
	if key == "" || len(byKey) != deniedCalls {
		t.Errorf("access key %q: %d events", key, len(byKey))
	}

	insights, err := s.FetchTrail(ctx, sources.TrailQuery{Start: c.t.Add(-time.Hour), End: c.t, Insights: true})
	if err != nil || len(insights) != 2 {
		t.Fatalf("Insights: %+v, %v; want start and end", insights, err)
	}
	for _, e := range insights {
		if e.Kind != sources.KindInsight || e.Name != "GetSecretValue" || e.Failed() || sources.Denied(e) {
			t.Errorf("insight event %+v", e)
		}
	}
	other, _ := s.FetchTrail(ctx, sources.TrailQuery{End: c.t, Insights: true,
		Lookup: sources.LookupAttr{Key: sources.AttrEventName, Value: "RunInstances"}})
	if len(other) != 0 {
		t.Errorf("Insights events for another API: %+v", other)
	}
	c.t = s.ChangeTime().Add(deniedAfter + 90*time.Second)
	if started, _ := s.FetchTrail(ctx, sources.TrailQuery{End: c.t, Insights: true}); len(started) != 1 {
		t.Errorf("%d Insights events while the burst goes on, want the start only", len(started))
	}
}
