package awssrc

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/internal/motoserver"
	"watchtrail/sources"
)

// signer stands in for CloudTrail's regional signing key.
type signer struct {
	key         *rsa.PrivateKey
	fingerprint string
}

func newSigner(t *testing.T) signer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(&key.PublicKey))
	return signer{key, hex.EncodeToString(sum[:])}
}

// publicKeyServer serves ListPublicKeys over the JSON 1.1 protocol.
func publicKeyServer(t *testing.T, keys ...signer) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct{ StartTime, EndTime float64 }
		if target := r.Header.Get("X-Amz-Target"); target != "CloudTrail_20131101.ListPublicKeys" || json.Unmarshal(body, &req) != nil || req.StartTime == 0 {
			t.Errorf("unexpected request %s %s", target, body)
		}
		var list []map[string]any
		for _, k := range keys {
			list = append(list, map[string]any{"Value": x509.MarshalPKCS1PublicKey(&k.key.PublicKey), "Fingerprint": k.fingerprint,
				"ValidityStartTime": req.StartTime - 86400, "ValidityEndTime": req.EndTime + 86400})
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"PublicKeyList": list}) // []byte encodes as base64, as blobs do
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// digestTrail is a trail bucket with log files and signed digest files.
type digestTrail struct {
	t      *testing.T
	s      *Source
	bucket string
	signer signer
	logs   map[string]string // log file key → hex SHA-256 of its content
	prev   *digestInfo
}

type digestInfo struct{ key, hash, signature string }

func newDigestTrail(t *testing.T) *digestTrail {
	cfg := testConfig(t)
	sg := newSigner(t)
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

func gzipped(t *testing.T, content []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(content)
	zw.Close()
	return buf.Bytes()
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// log delivers a log file at the given time and returns its key.
func (d *digestTrail) log(at time.Time, id string) string {
	content, _ := json.Marshal(map[string]any{"Records": []any{trailRecord(id, at.Add(-time.Minute), "DescribeInstances", "ec2.amazonaws.com", nil)}})
	key := trailKeyFor("AWSLogs/", "us-east-1", at, strings.ToUpper(id)+"0000000000000000"[len(id):])
	d.put(key, gzipped(d.t, content), nil)
	d.logs[key] = hexSHA(content)
	return key
}

// digest delivers the signed digest of the hour ending at end, listing
// logs, chained to the previous digest; edit may change the document
// before it is signed.
func (d *digestTrail) digest(end time.Time, logs []string, edit func(map[string]any)) digestInfo {
	key := fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/us-east-1/%s/%s_CloudTrail-Digest_us-east-1_mgmt_us-east-1_%s.json.gz",
		trailAccount, end.UTC().Format("2006/01/02"), trailAccount, end.UTC().Format(digestStampLayout))
	var files []map[string]any
	for _, l := range logs {
		files = append(files, map[string]any{"s3Bucket": d.bucket, "s3Object": l, "hashValue": d.logs[l], "hashAlgorithm": "SHA-256"})
	}
	doc := map[string]any{"awsAccountId": trailAccount, "digestStartTime": end.Add(-time.Hour).UTC().Format(time.RFC3339),
		"digestEndTime": end.UTC().Format(time.RFC3339), "digestS3Bucket": d.bucket, "digestS3Object": key,
		"digestPublicKeyFingerprint": d.signer.fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
		"previousDigestS3Bucket": nil, "previousDigestS3Object": nil, "previousDigestHashValue": nil,
		"previousDigestHashAlgorithm": nil, "previousDigestSignature": nil, "logFiles": files}
	previous := "null"
	if d.prev != nil {
		doc["previousDigestS3Bucket"], doc["previousDigestS3Object"] = d.bucket, d.prev.key
		doc["previousDigestHashValue"], doc["previousDigestHashAlgorithm"] = d.prev.hash, "SHA-256"
		doc["previousDigestSignature"], previous = d.prev.signature, d.prev.signature
	}
	if edit != nil {
		edit(doc)
	}
	if p, ok := doc["previousDigestSignature"].(string); ok {
		previous = p
	}
	content, _ := json.Marshal(doc)
	hash := hexSHA(content)
	signed := sha256.Sum256([]byte(doc["digestEndTime"].(string) + "\n" + d.bucket + "/" + key + "\n" + hash + "\n" + previous))
	sig, err := rsa.SignPKCS1v15(rand.Reader, d.signer.key, crypto.SHA256, signed[:])
	if err != nil {
		d.t.Fatal(err)
	}
	info := digestInfo{key, hash, hex.EncodeToString(sig)}
	d.put(key, gzipped(d.t, content), map[string]string{"signature": info.signature, "signature-algorithm": "SHA256withRSA"})
	d.prev = &info
	return info
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
		d1, d2, d3         digestInfo
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
		for _, k := range []string{tr.d1.key, tr.d2.key, tr.d3.key, tr.l1, tr.l2, tr.l3, tr.l4} {
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
		tr.d.put(tr.l2, gzipped(t, content), nil)
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
		want(t, got, tr.d2.key, sources.IntegrityVerified)
	})
	t.Run("not gzip, truncated", func(t *testing.T) {
		tr := build(t, nil)
		tr.d.put(tr.l1, []byte("plain text"), nil)
		good := gzipped(t, []byte(`{"Records":[]}`))
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
		out, _ := tr.d.s.s3trail.client.GetObject(ctxFor(t), &s3.GetObjectInput{Bucket: aws.String(tr.d.bucket), Key: aws.String(tr.d2.key)})
		zr, _ := gzip.NewReader(out.Body)
		json.NewDecoder(zr).Decode(&doc)
		doc["logFiles"] = []any{}
		content, _ := json.Marshal(doc)
		tr.d.put(tr.d2.key, gzipped(t, content), out.Metadata)
		_, got := check(t, tr)
		want(t, got, tr.d2.key, sources.IntegrityModified)
		want(t, got, tr.d1.key, sources.IntegrityVerified)
		want(t, got, tr.l3, sources.IntegrityNotValidated) // no valid digest lists it now
	})
	t.Run("broken chain", func(t *testing.T) {
		// d2 (validly signed) records another hash for d1 than d1 has.
		tr := build(t, func(doc map[string]any) { doc["previousDigestHashValue"] = hexSHA([]byte("another d1")) })
		r, got := check(t, tr)
		want(t, got, tr.d1.key, sources.IntegrityModified)
		want(t, got, tr.d2.key, sources.IntegrityVerified)
		if !strings.Contains(fmt.Sprint(r.Files), "chain is broken") {
			t.Errorf("no word of the broken chain: %+v", r.Files)
		}
	})
	t.Run("deleted digest", func(t *testing.T) {
		tr := build(t, nil)
		tr.d.s.s3trail.client.DeleteObject(ctxFor(t), &s3.DeleteObjectInput{Bucket: aws.String(tr.d.bucket), Key: aws.String(tr.d1.key)})
		_, got := check(t, tr)
		want(t, got, tr.d1.key, sources.IntegrityMissing)
		want(t, got, tr.l1, sources.IntegrityNotValidated)
		want(t, got, tr.d2.key, sources.IntegrityVerified)
	})
	t.Run("unknown key", func(t *testing.T) {
		tr := build(t, func(doc map[string]any) { doc["digestPublicKeyFingerprint"] = "00ff" })
		_, got := check(t, tr)
		want(t, got, tr.d2.key, sources.IntegrityModified)
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
