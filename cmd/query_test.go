package cmd

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/motoserver"
)

func TestQueryTheDemo(t *testing.T) {
	noAWS(t)
	q := "fields @timestamp, @message | limit 3"
	r := run(t, "query", q, "--demo", "--group", "/aws/lambda/checkout-api", "--since", "1h")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := lines(r.stdout)
	if len(got) != 5 || !strings.HasPrefix(got[0], "@timestamp") || !strings.HasPrefix(got[4], "Complete · 3 rows") {
		t.Fatalf("want a header, 3 rows and the statistics, got:\n%s", r.stdout)
	}
	r = run(t, "query", q, "--demo", "--group", "/aws/lambda/checkout-api", "--format", "csv")
	records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.err != nil || err != nil || len(records) != 4 || strings.Join(records[0], ",") != "@timestamp,@message" {
		t.Fatalf("csv: %v %v %q", r.err, err, r.stdout)
	}
	r = run(t, "query", q, "--demo", "--group", "/aws/lambda/checkout-api", "--format", "json")
	var doc struct {
		Status  string
		Results []map[string]string
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); r.err != nil || err != nil || doc.Status != "Complete" || len(doc.Results) != 3 {
		t.Fatalf("json: %v %v %q", r.err, err, r.stdout)
	}
}

func TestQueryBadInputIsRefused(t *testing.T) {
	noAWS(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "fields @message", "--demo"}, "name at least one log group with --group"},
		{[]string{"query", "--demo", "--group", "/a"}, "accepts 1 arg(s), received 0"},
		{[]string{"query", "fields @message", "--demo", "--group", "/a", "--format", "xml"}, `"xml": want one of text, json, csv`},
		{[]string{"query", "fields @message", "--demo", "--group", "bad group"}, `"bad group" is not a log group name`},
		{[]string{"query", "fields @message", "--demo", "--group", "/a", "--limit", "20000"}, "1 to 10000 rows"},
		{[]string{"query", " ", "--demo", "--group", "/a"}, "the query is empty"},
	} {
		if r := run(t, c.args...); r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.args, r.err, c.want)
		}
	}
}

func TestQueryAgainstMoto(t *testing.T) {
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("/cli/query-%d", time.Now().UnixNano())
	motoserver.NewSeeder(t, endpoint).Logs(group, time.Now(), "INFO started", "ERROR disk full", "INFO done")
	r := run(t, "query", "fields @timestamp, @message", "--endpoint-url", endpoint, "--group", group, "--since", "10m", "--format", "csv")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, "ERROR disk full") || !strings.Contains(r.stdout, "INFO started") {
		t.Fatalf("want the group's lines, got:\n%s", r.stdout)
	}
	// Several regions: the query runs where the group is (us-east-1), not
	// in eu-west-1, which lacks it.
	r = run(t, "query", "fields @message", "--endpoint-url", endpoint, "--region", "us-east-1,eu-west-1", "--group", group, "--format", "csv")
	if r.err != nil || strings.Count(r.stdout, "ERROR disk full") != 1 || !strings.Contains(r.stdout, "INFO started") {
		t.Fatalf("several regions: %v, want the group's lines once:\n%s", r.err, r.stdout)
	}
}

// Issue 19: moto ignores the limit (as it ignores StartQuery's); the
// command keeps to it: --limit, else the query's own, else 1,000.
func TestQueryKeepsToTheLimitItself(t *testing.T) {
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("/cli/query-limit-%d", time.Now().UnixNano())
	var msgs []string
	for i := range 1200 {
		msgs = append(msgs, fmt.Sprintf("line %d", i))
	}
	motoserver.NewSeeder(t, endpoint).Logs(group, time.Now(), msgs...)
	for _, c := range []struct {
		query string
		args  []string
		want  int
	}{
		{"fields @message", []string{"--limit", "5"}, 5},
		{"fields @message | limit 7", nil, 7},
		{"fields @message", nil, 1000},
	} {
		args := append([]string{"query", c.query, "--endpoint-url", endpoint, "--group", group, "--since", "1h", "--format", "csv"}, c.args...)
		r := run(t, args...)
		if r.err != nil {
			t.Fatal(r.err)
		}
		if got := len(lines(r.stdout)) - 1; got != c.want {
			t.Errorf("%q %v: %d rows, want %d", c.query, c.args, got, c.want)
		}
	}
	r := run(t, "query", "fields @message", "--endpoint-url", endpoint, "--group", group, "--since", "1h", "--limit", "3", "--format", "json")
	var doc struct{ Results []map[string]string }
	if err := json.Unmarshal([]byte(r.stdout), &doc); r.err != nil || err != nil || len(doc.Results) != 3 || doc.Results[0]["@message"] == "" {
		t.Fatalf("json: %v %v %q", r.err, err, r.stdout)
	}
}
