package filter

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"watchtrail/sources"
)

func TestParseTrailFilter(t *testing.T) {
	f, err := ParseTrail("user:alice name:Delete* -ro err src:ec2 res:i-0abc ip:10.0.0.0/8 key:AKIAEXAMPLE kind:insight type:AWS::EC2::Instance boom")
	if err != nil {
		t.Fatal(err)
	}
	want := Trail{WriteOnly: true, ErrorsOnly: true, Kind: sources.KindInsight, User: "alice", Name: "Delete*",
		Source: "ec2.amazonaws.com", Resource: "i-0abc", ResourceType: "AWS::EC2::Instance", SourceIP: "10.0.0.0/8",
		AccessKey: "AKIAEXAMPLE", Words: []string{"boom"}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got %+v\nwant %+v", f, want)
	}
	again, err := ParseTrail(f.String())
	if err != nil || !reflect.DeepEqual(again, f) {
		t.Errorf("String %q does not round-trip: %+v, %v", f.String(), again, err)
	}
	if got := f.Describe(); got != `insight events · write-only · errors · user alice · name Delete* · src ec2.amazonaws.com · resource i-0abc · type AWS::EC2::Instance · ip 10.0.0.0/8 · key AKIAEXAMPLE · "boom"` {
		t.Errorf("Describe = %q", got)
	}
	if z, err := ParseTrail("  "); err != nil || !z.IsZero() || z.Describe() != "" {
		t.Errorf("empty query = %+v, %v", z, err)
	}
	for query, want := range map[string]string{"src:s3.amazonaws.com": "s3.amazonaws.com", "SOURCE:Lambda": "lambda.amazonaws.com", "src:ec2*": "ec2*"} {
		if f, err := ParseTrail(query); err != nil || f.Source != want {
			t.Errorf("%q: source %q (%v), want %q", query, f.Source, err, want)
		}
	}
}

func TestParseTrailFilterErrors(t *testing.T) {
	for query, bad := range map[string]string{
		"user:alice usr:bob":  `"usr:bob"`,
		"name:":               `"name:"`,
		"kind:weird":          `"kind:weird"`,
		"user:a principal:b":  `"principal:b"`,
		"ip:10.0.0.0/99":      `"ip:10.0.0.0/99"`,
		"-ro ro":              "-ro",
		"kind:data kind:data": `"kind:data"`,
		"err name:x key:":     `"key:"`,
	} {
		_, err := ParseTrail(query)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTrail(%q) = %v, want an error naming %s", query, err, bad)
		}
	}
}

func sampleEvents() []sources.TrailEvent {
	return []sources.TrailEvent{
		{ID: "1", Name: "DeleteBucket", Source: "s3.amazonaws.com", User: "alice", UserARN: "arn:aws:iam::1:user/alice",
			SourceIP: "10.1.2.3", Resources: []string{"arn:aws:s3:::logs"}, ErrorCode: "AccessDenied", AccessKeyID: "AKIA1"},
		{ID: "2", Name: "DescribeInstances", Source: "ec2.amazonaws.com", User: "bob", SourceIP: "192.0.2.1",
			ReadOnly: true, Resources: []string{"i-0abc"}, ResourceTypes: []string{"AWS::EC2::Instance"}, AccessKeyID: "AKIA2"},
		{ID: "3", Name: "TerminateInstances", Source: "ec2.amazonaws.com", User: "github-actions",
			UserARN: "arn:aws:sts::1:assumed-role/Deployer/github-actions", SourceIP: "ec2.amazonaws.com",
			JSON: `{"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}}}`, AccessKeyID: "ASIA3"},
		{ID: "4", Name: "DeleteBucket", Source: "s3.amazonaws.com", Kind: sources.KindInsight},
		{ID: "5", Name: "GetObject", Source: "s3.amazonaws.com", User: "alice", ReadOnly: true, Kind: sources.KindData, SourceIP: "10.9.9.9"},
	}
}

func TestTrailFilterMatch(t *testing.T) {
	events := sampleEvents()
	for query, want := range map[string]string{
		"":                            "1 2 3 4 5",
		"-ro":                         "1 3 4",
		"ro":                          "2 5",
		"err":                         "1",
		"user:alice":                  "1 5",
		"user:*Deployer*":             "3",
		"name:Delete*":                "1 4",
		"name:Describe?nstances":      "2",
		"src:ec2":                     "2 3",
		"res:i-0abc":                  "2 3", // a resource, or a request parameter
		"res:arn:aws:s3:::*":          "1",
		"type:AWS::EC2::*":            "2",
		"ip:10.0.0.0/8":               "1 5",
		"ip:192.0.2.*":                "2",
		"key:ASIA*":                   "3",
		"kind:insight":                "4",
		"kind:data":                   "5",
		"kind:management":             "1 2 3",
		"-ro user:alice name:Delete*": "1",
		"terminate":                   "3",
		"accessdenied s3":             "1",
	} {
		checkKept(t, query, events, want)
	}
}

// checkKept parses query and checks which events it keeps, by ID.
func checkKept(t *testing.T, query string, events []sources.TrailEvent, want string) Trail {
	t.Helper()
	f, err := ParseTrail(query)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	var ids []string
	for _, e := range f.Filter(events) {
		ids = append(ids, e.ID)
	}
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("%q kept %q, want %q", query, got, want)
	}
	return f
}

// A qualified ARN (version or alias after the name) is the same function.
func TestTrailFilterResourceMatchesQualifiedARN(t *testing.T) {
	events := []sources.TrailEvent{
		{ID: "version", Resources: []string{"arn:aws:lambda:eu-west-1:1:function:web:7"}},
		{ID: "alias", JSON: `{"requestParameters":{"functionName":"arn:aws:lambda:eu-west-1:1:function:web:prod"}}`},
		{ID: "plain", Resources: []string{"arn:aws:lambda:eu-west-1:1:function:web"}},
		{ID: "other", Resources: []string{"arn:aws:lambda:eu-west-1:1:function:web-canary:7"}},
		{ID: "prefix", Resources: []string{"arn:aws:lambda:eu-west-1:1:function:my-web"}},
	}
	for query, want := range map[string]string{
		"res:web": "version alias plain",
		"res:arn:aws:lambda:eu-west-1:1:function:web":   "plain", // an ARN is taken as written
		"res:arn:aws:lambda:eu-west-1:1:function:web:7": "version",
	} {
		f := checkKept(t, query, events, want)
		if sources.MatchesQuery(sources.TrailQuery{Lookup: f.Lookup()}, events[0]) != strings.HasPrefix(want, "version") {
			t.Errorf("%q: the LookupEvents attribute applied client-side disagrees on the versioned ARN", query)
		}
	}
}

func TestTrailFilterLookup(t *testing.T) {
	for query, want := range map[string]sources.LookupAttr{
		"":                                {},
		"name:Delete*":                    {},
		"ip:10.0.0.1 err":                 {},
		"-ro":                             {Key: sources.AttrReadOnly, Value: "false"},
		"ro":                              {Key: sources.AttrReadOnly, Value: "true"},
		"-ro src:ec2":                     {Key: sources.AttrEventSource, Value: "ec2.amazonaws.com"},
		"src:ec2 type:AWS::EC2::Instance": {Key: sources.AttrResourceType, Value: "AWS::EC2::Instance"},
		"type:X name:RunInstances":        {Key: sources.AttrEventName, Value: "RunInstances"},
		"name:RunInstances user:alice":    {Key: sources.AttrUsername, Value: "alice"},
		"user:arn:aws:iam::1:user/alice":  {},
		"user:alice res:i-0abc":           {Key: sources.AttrResourceName, Value: "i-0abc"},
		"res:i-0abc key:AKIAEXAMPLE -ro":  {Key: sources.AttrAccessKeyID, Value: "AKIAEXAMPLE"},
		"res:i-* user:alice":              {Key: sources.AttrUsername, Value: "alice"},
	} {
		f, err := ParseTrail(query)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Lookup(); got != want {
			t.Errorf("%q: Lookup = %+v, want %+v", query, got, want)
		}
	}
	// Whatever goes to the server, the events it returns still pass Match
	// only when they meet everything.
	f, _ := ParseTrail("kind:insight name:DeleteBucket")
	q := f.Query(sources.TrailQuery{Limit: 5})
	if !q.Insights || q.Lookup != (sources.LookupAttr{Key: sources.AttrEventName, Value: "DeleteBucket"}) || q.Limit != 5 {
		t.Errorf("Query = %+v", q)
	}
}

func TestLookupAttrMatchesAgreesWithFilter(t *testing.T) {
	for _, query := range []string{"-ro", "ro", "src:ec2", "type:AWS::EC2::Instance", "name:DeleteBucket",
		"user:alice", "res:i-0abc", "key:AKIA2"} {
		f, _ := ParseTrail(query)
		for _, e := range sampleEvents() {
			if e.Kind == sources.KindInsight {
				continue
			}
			if got, want := f.Lookup().Matches(e), f.Match(e); got != want {
				t.Errorf("%q on event %s: LookupAttr says %v, filter %v", query, e.ID, got, want)
			}
		}
	}
}

func TestMatchesQuery(t *testing.T) {
	events := sampleEvents()
	events[0].Account, events[1].Account = "111111111111", "222222222222" // the others' unknown: kept
	keep := func(q sources.TrailQuery) string {
		var ids []string
		for _, e := range events {
			if sources.MatchesQuery(q, e) {
				ids = append(ids, e.ID)
			}
		}
		return strings.Join(ids, " ")
	}
	for _, tc := range []struct {
		q    sources.TrailQuery
		want string
	}{
		{sources.TrailQuery{}, "1 2 3 5"},
		{sources.TrailQuery{Insights: true}, "4"},
		{sources.TrailQuery{WriteOnly: true}, "1 3"},
		{sources.TrailQuery{ResourceName: "i-0abc"}, "2 3"},
		{sources.TrailQuery{ResourceName: "i-0abc", Lookup: sources.LookupAttr{Key: sources.AttrReadOnly, Value: "false"}}, "3"},
		{sources.TrailQuery{Lookup: sources.LookupAttr{Key: "Bogus", Value: "x"}}, ""},
		{sources.TrailQuery{Account: "222222222222"}, "2 3 5"},
	} {
		if got := keep(tc.q); got != tc.want {
			t.Errorf("%+v kept %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestCompleteTrailFilter(t *testing.T) {
	seen := sampleEvents()
	terms := func(cs []Completion) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Term)
		}
		return strings.Join(out, " ")
	}
	for query, want := range map[string]string{
		"-ro user:":   "user:alice user:bob user:github-actions",
		"-ro user:AL": "user:alice",
		"name:De":     "name:DeleteBucket name:DescribeInstances",
		"src:":        "src:s3 src:ec2", // most frequent first
		"kind:i":      "kind:insight",
		"us":          "user:",
		"e":           "err",
		"user:alice":  "",
		"nope:x":      "",
	} {
		if got := terms(CompleteTrail(query, seen)); got != want {
			t.Errorf("complete %q = %q, want %q", query, got, want)
		}
	}
	cs := CompleteTrail("-ro name:Del", seen)
	if len(cs) != 1 || cs[0].Line != "-ro name:DeleteBucket" || cs[0].Count != 2 {
		t.Errorf("completions %+v", cs)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		ok   bool
	}{
		{"*", "", true}, {"a*b*c", "axxbyyc", true}, {"a*b", "a/b/c/b", true}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"*x", "abc", false}, {"abc", "abcd", false}, {"**a", "ba", true},
	} {
		if glob(tc.p, tc.s) != tc.ok {
			t.Errorf("glob(%q, %q) != %v", tc.p, tc.s, tc.ok)
		}
	}
}

// BenchmarkTrailFilter: one filter over a pane's worth of events.
func BenchmarkTrailFilter(b *testing.B) {
	events := make([]sources.TrailEvent, 0, 10_000)
	for len(events) < cap(events) {
		events = append(events, sampleEvents()...)
	}
	f, _ := ParseTrail("user:*a* name:De* -ro ip:10.0.0.0/8 res:i-0abc s3")
	b.ResetTimer()
	for range b.N {
		f.Filter(events)
	}
}

func BenchmarkDeniedTally(b *testing.B) {
	events := make([]sources.TrailEvent, 10_000)
	for i := range events {
		events[i] = sources.TrailEvent{ID: fmt.Sprint(i), User: fmt.Sprint("u", i%50), SourceIP: fmt.Sprint("10.0.0.", i%200), ErrorCode: "AccessDenied", Name: "ListBuckets"}
	}
	b.ResetTimer()
	for range b.N {
		var t sources.DeniedTally
		t.Add(events)
		t.ByIP()
	}
}
