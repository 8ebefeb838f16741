package sources

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestDenied(t *testing.T) {
	for _, tc := range []struct {
		e    TrailEvent
		want bool
	}{
		{TrailEvent{ErrorCode: "AccessDenied"}, true},
		{TrailEvent{ErrorCode: "AccessDeniedException"}, true},
		{TrailEvent{ErrorCode: "UnauthorizedOperation"}, true},
		{TrailEvent{ErrorCode: "Client.UnauthorizedOperation"}, true},
		{TrailEvent{ErrorCode: "ThrottlingException"}, false},
		{TrailEvent{ErrorCode: "NoSuchBucket"}, false},
		{TrailEvent{}, false},
		{TrailEvent{Name: "ConsoleLogin", ErrorMessage: "Failed authentication",
			JSON: `{"responseElements":{"ConsoleLogin":"Failure"}}`}, true},
		{TrailEvent{Name: "ConsoleLogin", JSON: `{"responseElements":{"ConsoleLogin":"Success"}}`}, false},
		{TrailEvent{Name: "ConsoleLogin", JSON: `{not json`}, false},
	} {
		if got := Denied(tc.e); got != tc.want {
			t.Errorf("Denied(%+v) = %v", tc.e, got)
		}
	}
}

func TestDeniedTally(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2025, 3, 1, 12, m, 0, 0, time.UTC) }
	login := `{"responseElements":{"ConsoleLogin":"Failure"}}`
	events := []TrailEvent{
		{ID: "1", Time: at(1), User: "mallory", SourceIP: "203.0.113.1", Name: "ListBuckets", ErrorCode: "AccessDenied"},
		{ID: "2", Time: at(5), User: "mallory", SourceIP: "203.0.113.2", Name: "GetSecretValue", ErrorCode: "AccessDeniedException"},
		{ID: "3", Time: at(3), User: "mallory", SourceIP: "203.0.113.1", Name: "ListBuckets", ErrorCode: "AccessDenied"},
		{ID: "4", Time: at(2), User: "root", SourceIP: "198.51.100.9", Name: "ConsoleLogin", JSON: login},
		{ID: "5", Time: at(4), SourceIP: "203.0.113.1", UserARN: "arn:aws:iam::1:user/x", Name: "RunInstances", ErrorCode: "Client.UnauthorizedOperation"},
		{ID: "6", Time: at(6), User: "alice", SourceIP: "10.0.0.1", Name: "ListBuckets"},    // succeeded
		{ID: "7", Time: at(7), User: "alice", Name: "PutObject", ErrorCode: "NoSuchBucket"}, // failed, not denied
	}
	var tally DeniedTally
	tally.Add(events[:3])
	tally.Add(events) // the first three again: counted once
	if tally.Total() != 5 {
		t.Errorf("Total = %d, want 5", tally.Total())
	}
	want := []DeniedGroup{
		{Key: "mallory", Count: 3, First: at(1), Last: at(5), Others: []string{"203.0.113.1", "203.0.113.2"}, Names: []string{"ListBuckets", "GetSecretValue"}},
		{Key: "arn:aws:iam::1:user/x", Count: 1, First: at(4), Last: at(4), Others: []string{"203.0.113.1"}, Names: []string{"RunInstances"}},
		{Key: "root", Count: 1, First: at(2), Last: at(2), Others: []string{"198.51.100.9"}, Names: []string{"ConsoleLogin"}},
	}
	if got := tally.ByPrincipal(); !reflect.DeepEqual(got, want) {
		t.Errorf("ByPrincipal:\n got %+v\nwant %+v", got, want)
	}
	byIP := tally.ByIP()
	if len(byIP) != 3 || byIP[0].Key != "203.0.113.1" || byIP[0].Count != 3 || !byIP[0].First.Equal(at(1)) || !byIP[0].Last.Equal(at(4)) ||
		!reflect.DeepEqual(byIP[0].Others, []string{"mallory", "arn:aws:iam::1:user/x"}) {
		t.Errorf("ByIP = %+v", byIP)
	}
	var empty DeniedTally
	if empty.Total() != 0 || len(empty.ByIP()) != 0 {
		t.Error("the zero tally is not empty")
	}
}

// TestDeniedTallyStaysBounded: a denied call from each of many addresses
// keeps the groups and remembered IDs bounded; what no longer fits is
// counted under "(others)", and nothing is lost from the total.
func TestDeniedTallyStaysBounded(t *testing.T) {
	var tally DeniedTally
	const n = maxDeniedSeen + 500
	batch := make([]TrailEvent, 0, n)
	for i := range n {
		batch = append(batch, TrailEvent{ID: fmt.Sprint(i), Time: time.Unix(int64(i), 0), User: "botnet",
			SourceIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Name: "ListBuckets", ErrorCode: "AccessDenied"})
	}
	tally.Add(batch)
	if tally.Total() != n || len(tally.seen) != maxDeniedSeen || len(tally.byIP) != maxDeniedGroups+1 {
		t.Fatalf("total %d, %d IDs, %d IP groups; want %d, %d, %d", tally.Total(), len(tally.seen), len(tally.byIP), n, maxDeniedSeen, maxDeniedGroups+1)
	}
	ips := tally.ByIP()
	if ips[0].Key != deniedOthers || ips[0].Count != n-maxDeniedGroups {
		t.Errorf("first IP group %q × %d, want %q × %d", ips[0].Key, ips[0].Count, deniedOthers, n-maxDeniedGroups)
	}
	if p := tally.ByPrincipal(); len(p) != 1 || p[0].Count != n || len(p[0].Others) != maxDeniedGroups+1 {
		t.Errorf("principal groups %+v", p)
	}
}
