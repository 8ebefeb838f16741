package awssrc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

func publicKeyServer(t *testing.T, keys ...trailtest.Signer) string {
	srv := httptest.NewServer(trailtest.PublicKeys(t, keys...))
	t.Cleanup(srv.Close)
	return srv.URL
}

// digestTrail is a trail bucket with log files and signed digest files.
type digestTrail struct {
	t      *testing.T
	s      *Source
	bucket string
	signer trailtest.Signer
	logs   map[string]string // log file key → hex SHA-256 of its content
	prev   *trailtest.Signed
}

func newDigestTrail(t *testing.T) *digestTrail {
	cfg := testConfig(t)
	sg := trailtest.NewSigner(t)
	s := New(cfg, publicKeyServer(t, sg))
	bucket := fmt.Sprintf("digests-%d", time.Now().UnixNano())
	var err error
	if s.s3trail, err = NewS3Trail(cfg, motoserver.Shared(t), "s3://"+bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := s.s3trail.client.CreateBucket(ctxFor(t), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return &digestTrail{t: t, s: s, bucket: bucket, signer: sg, logs: map[string]string{}}
}

func (d *digestTrail) put(key string, body []byte, meta map[string]string) {
	d.t.Helper()
	if _, err := d.s.s3trail.client.PutObject(ctxFor(d.t), &s3.PutObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), Metadata: meta}); err != nil {
		d.t.Fatal(err)
	}
}

// log delivers a log file at the given time and returns its key.
func (d *digestTrail) log(at time.Time, id string) string {
	content, _ := json.Marshal(map[string]any{"Records": []any{trailRecord(id, at.Add(-time.Minute), "DescribeInstances", "ec2.amazonaws.com", nil)}})
	key := trailKeyFor("AWSLogs/", "us-east-1", at, strings.ToUpper(id)+"0000000000000000"[len(id):])
	d.put(key, trailtest.Gzip(content), nil)
	d.logs[key] = trailtest.HexSHA(content)
	return key
}

// digest delivers the signed digest of the hour ending at end, listing
// logs, chained to the previous digest; edit may change the document
// before it is signed.
func (d *digestTrail) digest(end time.Time, logs []string, edit func(map[string]any)) trailtest.Signed {
	var files []trailtest.LogFile
	for _, l := range logs {
		files = append(files, trailtest.LogFile{Key: l, Hash: d.logs[l]})
	}
	signed := d.signer.Sign(d.t, trailtest.Digest{Folder: "AWSLogs/", Account: trailAccount, Region: "us-east-1", Bucket: d.bucket,
		End: end, Logs: files, Previous: d.prev, Edit: edit})
	d.put(signed.Key, signed.Body, signed.Meta)
	d.prev = &signed
	return signed
}

// statuses maps each file's base name to its status.
func statuses(r sources.IntegrityReport) map[string]sources.Integrity {
	out := map[string]sources.Integrity{}
	for _, f := range r.Files {
		out[f.File[strings.LastIndex(f.File, "/")+1:]] = f.Status
	}
	return out
}

func base(key string) string { return key[strings.LastIndex(key, "/")+1:] }

func TestMotoCheckIntegrity(t *testing.T) {
	hour := time.Now().UTC().Truncate(time.Hour).Add(-4 * time.Hour)
	at := func(m int) time.Time { return hour.Add(time.Duration(m) * time.Minute) }
	// Three hours of a trail: digests at +1h, +2h, +3h; a last log file no
	// digest covers yet.
	type trail struct {
		d                  *digestTrail
		l1, l2, l3, l4, l5 string
		d1, d2, d3         trailtest.Signed
	}
	build := func(t *testing.T, editD2 func(map[string]any)) trail {
		d := newDigestTrail(t)
		tr := trail{d: d, l1: d.log(at(10), "l1"), l2: d.log(at(20), "l2"), l3: d.log(at(70), "l3"), l4: d.log(at(130), "l4"), l5: d.log(at(190), "l5")}
		tr.d1 = d.digest(at(60), []string{tr.l1, tr.l2}, nil)
		tr.d2 = d.digest(at(120), []string{tr.l3}, editD2)
		tr.d3 = d.digest(at(180), []string{tr.l4}, nil)
		return tr
	}
	check := func(t *testing.T, tr trail) (sources.IntegrityReport, map[string]sources.Integrity) {
		t.Helper()
		r, err := tr.d.s.CheckIntegrity(ctxFor(t), at(0), at(200))
		if err != nil {
			t.Fatal(err)
		}
		return r, statuses(r)
	}
	want := func(t *testing.T, got map[string]sources.Integrity, key string, s sources.Integrity) {
		t.Helper()
		if got[base(key)] != s {
			t.Errorf("%s: %q, want %q (all: %v)", base(key), got[base(key)], s, got)
		}
	}

	t.Run("intact", func(t *testing.T) {
		tr := build(t, nil)
		r, got := check(t, tr)
		for _, k := range []string{tr.d1.Key, tr.d2.Key, tr.d3.Key, tr.l1, tr.l2, tr.l3, tr.l4} {
			want(t, got, k, sources.IntegrityVerified)
		}
		want(t, got, tr.l5, sources.IntegrityNotValidated)
		if len(r.Files) != 8 || r.Tampered() {
			t.Errorf("report %+v", r)
		}
	})
	t.Run("tampered log file", func(t *testing.T) {
		tr := build(t, nil)
		content, _ := json.Marshal(map[string]any{"Records": []any{trailRecord("l2", at(19), "DeleteTrail", "cloudtrail.amazonaws.com", nil)}})
		tr.d.put(tr.l2, trailtest.Gzip(content), nil)
		r, got := check(t, tr)
		want(t, got, tr.l2, sources.IntegrityModified)
		want(t, got, tr.l1, sources.IntegrityVerified)
		if !r.Tampered() || r.Count(sources.IntegrityModified) != 1 {
			t.Errorf("report %+v", r)
		}
	})
	t.Run("deleted log file", func(t *testing.T) {
		tr := build(t, nil)
		tr.d.s.s3trail.client.DeleteObject(ctxFor(t), &s3.DeleteObjectInput{Bucket: aws.String(tr.d.bucket), Key: aws.String(tr.l3)})
		_, got := check(t, tr)
		want(t, got, tr.l3, sources.IntegrityMissing)
		want(t, got, tr.d2.Key, sources.IntegrityVerified)
	})
	t.Run("not gzip, truncated", func(t *testing.T) {
		tr := build(t, nil)
		tr.d.put(tr.l1, []byte("plain text"), nil)
		good := trailtest.Gzip([]byte(`{"Records":[]}`))
		tr.d.put(tr.l4, good[:len(good)-6], nil)
		r, got := check(t, tr)
		want(t, got, tr.l1, sources.IntegrityModified)
		want(t, got, tr.l4, sources.IntegrityModified)
		want(t, got, tr.l2, sources.IntegrityVerified)
		for _, f := range r.Files {
			if f.Status == sources.IntegrityModified && !strings.Contains(f.Detail, f.File[len("s3://"+tr.d.bucket+"/"):]) {
				t.Errorf("detail %q does not name the file", f.Detail)
			}
		}
	})
	t.Run("tampered digest", func(t *testing.T) {
		tr := build(t, nil)
		// Drop l3 from d2 and put it back with the old signature.
		doc := map[string]any{}
		out, _ := tr.d.s.s3trail.client.GetObject(ctxFor(t), &s3.GetObjectInput{Bucket: aws.String(tr.d.bucket), Key: aws.String(tr.d2.Key)})
		zr, _ := gzip.NewReader(out.Body)
		json.NewDecoder(zr).Decode(&doc)
		doc["logFiles"] = []any{}
		content, _ := json.Marshal(doc)
		tr.d.put(tr.d2.Key, trailtest.Gzip(content), out.Metadata)
		_, got := check(t, tr)
		want(t, got, tr.d2.Key, sources.IntegrityModified)
		want(t, got, tr.d1.Key, sources.IntegrityVerified)
		want(t, got, tr.l3, sources.IntegrityNotValidated) // no valid digest lists it now
	})
	t.Run("broken chain", func(t *testing.T) {
		// d2 (validly signed) records another hash for d1 than d1 has.
		tr := build(t, func(doc map[string]any) { doc["previousDigestHashValue"] = trailtest.HexSHA([]byte("another d1")) })
		r, got := check(t, tr)
		want(t, got, tr.d1.Key, sources.IntegrityModified)
		want(t, got, tr.d2.Key, sources.IntegrityVerified)
		if !strings.Contains(fmt.Sprint(r.Files), "chain is broken") {
			t.Errorf("no word of the broken chain: %+v", r.Files)
		}
	})
	t.Run("deleted digest", func(t *testing.T) {
		tr := build(t, nil)
		tr.d.s.s3trail.client.DeleteObject(ctxFor(t), &s3.DeleteObjectInput{Bucket: aws.String(tr.d.bucket), Key: aws.String(tr.d1.Key)})
		_, got := check(t, tr)
		want(t, got, tr.d1.Key, sources.IntegrityMissing)
		want(t, got, tr.l1, sources.IntegrityNotValidated)
		want(t, got, tr.d2.Key, sources.IntegrityVerified)
	})
	t.Run("unknown key", func(t *testing.T) {
		tr := build(t, func(doc map[string]any) { doc["digestPublicKeyFingerprint"] = "00ff" })
		_, got := check(t, tr)
		want(t, got, tr.d2.Key, sources.IntegrityModified)
	})
	t.Run("validation off", func(t *testing.T) {
		d := newDigestTrail(t)
		l := d.log(at(10), "l1")
		r, err := d.s.CheckIntegrity(ctxFor(t), at(0), at(200))
		if err != nil || len(r.Files) != 1 || statuses(r)[base(l)] != sources.IntegrityNotValidated {
			t.Errorf("report %+v, %v", r, err)
		}
	})
}

func TestCheckIntegrityNeedsBucket(t *testing.T) {
	if _, err := New(testConfig(t), "http://127.0.0.1:1").CheckIntegrity(ctxFor(t), time.Now().Add(-time.Hour), time.Now()); err == nil ||
		!strings.Contains(err.Error(), "--trail-bucket") {
		t.Errorf("CheckIntegrity without a bucket: %v", err)
	}
}

func TestDigestFileTime(t *testing.T) {
	at, ok := digestFileTime("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz")
	if !ok || !at.Equal(time.Date(2015, 8, 17, 15, 1, 31, 0, time.UTC)) {
		t.Errorf("got %v %v", at, ok)
	}
	if at, ok := digestFileTime("x/1_CloudTrail-Digest_r_t_r_20150817T150131Z_backfill.json.gz"); !ok || at.Hour() != 15 {
		t.Errorf("backfill: %v %v", at, ok)
	}
	if _, ok := digestFileTime("x/1_CloudTrail_r_20150817T1501Z_abc.json.gz"); ok {
		t.Error("a log file read as a digest")
	}
}
