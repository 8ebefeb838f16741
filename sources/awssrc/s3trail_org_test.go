package awssrc

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"watchtrail/filter"
	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

func TestTrailBucketLayout(t *testing.T) {
	for _, tc := range []struct{ prefix, root, account, bad string }{
		{prefix: "", root: "AWSLogs/"},
		{prefix: "org-logs", root: "org-logs/AWSLogs/"},
		{prefix: "AWSLogs", root: "AWSLogs/"},
		{prefix: "AWSLogs/o-abc123def4", root: "AWSLogs/o-abc123def4/"},
		{prefix: "logs/AWSLogs/o-abc123def4", root: "logs/AWSLogs/o-abc123def4/"},
		{prefix: "AWSLogs/o-abc123def4/123456789012", root: "AWSLogs/o-abc123def4/", account: "AWSLogs/o-abc123def4/123456789012/"},
		{prefix: "AWSLogs/123456789012", root: "AWSLogs/", account: "AWSLogs/123456789012/"},
		{prefix: "AWSLogs/123456789012/CloudTrail", bad: "below an account"},
		{prefix: "AWSLogs/o-abc123def4/not-an-account", bad: "below an account"},
	} {
		tr := &S3Trail{bucket: "b", prefix: tc.prefix}
		root, account, err := tr.layout()
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("prefix %q: %v, want an error saying %q", tc.prefix, err, tc.bad)
			}
			continue
		}
		if err != nil || root != tc.root || account != tc.account {
			t.Errorf("prefix %q = %q, %q, %v; want %q, %q", tc.prefix, root, account, err, tc.root, tc.account)
		}
	}
}

// An organisation trail's bucket given as the console shows it,
// s3://bucket/AWSLogs/o-…/, reads every member account (it used to look
// for AWSLogs/ under it and found nothing); one account's folder reads that
// account only; every event says whose account it is.
func TestMotoS3TrailOrgPrefix(t *testing.T) {
	s, _, bucket := motoTrail(t, "")
	ctx := ctxFor(t)
	org := "AWSLogs/o-abc123def4/"
	at := time.Now().UTC().Add(-20 * time.Minute).Truncate(time.Minute)
	accounts := []string{"111111111111", "222222222222", "333333333333"}
	for i, account := range accounts {
		rec := trailRecord("ev-"+account, at.Add(time.Duration(i)*time.Minute), "RunInstances", "ec2.amazonaws.com",
			map[string]any{"recipientAccountId": account, "readOnly": false})
		putObject(t, s, bucket, trailtest.LogKey(org, account, "us-east-1", at.Add(5*time.Minute), "U"+account), gzipRecords(t, rec))
	}
	window := sources.TrailQuery{Start: at.Add(-time.Minute), End: at.Add(10 * time.Minute)}
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{"s3://" + bucket + "/" + org, accounts},
		{"s3://" + bucket + "/AWSLogs/o-abc123def4", accounts},
		{"s3://" + bucket + "/AWSLogs/", accounts},
		{"s3://" + bucket, accounts},
		{"s3://" + bucket + "/" + org + "222222222222/", accounts[1:2]},
	} {
		reader := New(testConfig(t), motoserver.Shared(t))
		if err := reader.UseTrailBucket(tc.url); err != nil {
			t.Fatal(err)
		}
		events, err := reader.FetchTrail(ctx, window)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Account)
			if want := "ev-" + e.Account; e.ID != want {
				t.Errorf("%s: event %s labelled with account %s", tc.url, e.ID, e.Account)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: accounts %v, want %v", tc.url, got, tc.want)
		}
		if n := reader.TrailFolders(); n != len(tc.want) { // what a poll lists, for the cost estimate
			t.Errorf("%s: %d folders listed a poll, want %d", tc.url, n, len(tc.want))
		}
		if json := string(filter.TrailJSON(events[0])); !strings.Contains(json, `"recipientAccountId":"`+tc.want[0]+`"`) {
			t.Errorf("%s: JSON %s does not name the account", tc.url, json)
		}
	}

	// The drill-down asks for its resource's account: one folder is listed.
	cfg := testConfig(t)
	calls := countOps(&cfg)
	reader := New(cfg, motoserver.Shared(t))
	if err := reader.UseTrailBucket("s3://" + bucket + "/" + org); err != nil {
		t.Fatal(err)
	}
	one := window
	one.Account = "333333333333"
	events, err := reader.FetchTrail(ctx, one)
	if err != nil || len(events) != 1 || events[0].Account != "333333333333" {
		t.Fatalf("one account's events = %v, %v", events, err)
	}
	// The organisation folder, then that account's day folders (two when
	// the window and its slack cross midnight).
	from, to := one.Start.Add(-trailFileSlack).UTC().Truncate(24*time.Hour), one.End.Add(trailDeliveryLag).UTC().Truncate(24*time.Hour)
	if n, want := calls.get("ListObjectsV2"), 2+int(to.Sub(from)/(24*time.Hour)); n != want {
		t.Errorf("%d LIST calls for one account's window, want %d", n, want)
	}
}
