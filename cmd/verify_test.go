package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
)

// trailAndKeys is one endpoint for the whole SDK: CloudTrail's
// ListPublicKeys answered with keys (moto lacks it), the rest (S3) proxied
// to moto.
func trailAndKeys(t *testing.T, moto string, keys ...trailtest.Signer) string {
	target, err := url.Parse(moto)
	if err != nil {
		t.Fatal(err)
	}
	proxy, publicKeys := httputil.NewSingleHostReverseProxy(target), trailtest.PublicKeys(t, keys...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "CloudTrail_") {
			publicKeys(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTrailVerifyAgainstMoto(t *testing.T) {
	moto := motoCredentials(t)
	signer := trailtest.NewSigner(t)
	endpoint := trailAndKeys(t, moto, signer)
	s3c := s3.NewFromConfig(motoserver.Config(), func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(moto), true })
	ctx := context.Background()
	bucket := fmt.Sprintf("verify-%d", time.Now().UnixNano())
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, body []byte, meta map[string]string) {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), Metadata: meta}); err != nil {
			t.Fatal(err)
		}
	}
	const account = "123456789012"
	hour := time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)
	records := func(name string) []byte {
		b, _ := json.Marshal(map[string]any{"Records": []any{map[string]any{"eventID": "e1", "eventName": name,
			"eventTime": hour.Add(9 * time.Minute).Format(time.RFC3339), "eventSource": "ec2.amazonaws.com"}}})
		return b
	}
	logKey := trailtest.LogKey("AWSLogs/", account, "us-east-1", hour.Add(10*time.Minute), "A000000000000000")
	put(logKey, trailtest.Gzip(records("RunInstances")), nil)
	digest := signer.Sign(t, trailtest.Digest{Folder: "AWSLogs/", Account: account, Region: "us-east-1", Bucket: bucket,
		End: hour.Add(time.Hour), Logs: []trailtest.LogFile{{Key: logKey, Hash: trailtest.HexSHA(records("RunInstances"))}}})
	put(digest.Key, digest.Body, digest.Meta)

	verify := func() result {
		return run(t, "trail", "verify", "--endpoint-url", endpoint, "--trail-bucket", "s3://"+bucket, "--since", "6h")
	}
	r := verify()
	if r.err != nil || !strings.Contains(r.stdout, "verified  digest") || !strings.Contains(r.stdout, "verified  log") ||
		!strings.Contains(r.stdout, "2 verified, 0 modified, 0 missing, 0 not validated") {
		t.Fatalf("an intact trail: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
	put(logKey, trailtest.Gzip(records("DeleteTrail")), nil) // changed after delivery
	r = verify()
	if r.err == nil || !strings.Contains(r.stdout, "MODIFIED  log") || !strings.Contains(r.stderr, "TAMPERED") ||
		!strings.Contains(r.stdout, "1 verified, 1 modified") {
		t.Fatalf("a changed log file must fail loudly: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
}

func TestTrailVerifyNeedsTheTrailBucket(t *testing.T) {
	moto := motoCredentials(t)
	if r := run(t, "trail", "verify", "--endpoint-url", moto); r.err == nil || !strings.Contains(r.err.Error(), "pass --trail-bucket") {
		t.Errorf("without --trail-bucket: %v", r.err)
	}
	if r := run(t, "trail", "verify", "--demo"); r.err == nil || !strings.Contains(r.err.Error(), "--trail-bucket") {
		t.Errorf("the demo: %v", r.err)
	}
}
