// Package trailtest generates what CloudTrail writes to a trail's S3 bucket
// with log file validation on: gzipped log files, signed digest files, and
// the ListPublicKeys answer with the signing keys. Tests of any package use
// it with a real S3 (moto) and a real HTTP server.
package trailtest

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
	"testing"
	"time"
)

// ListPublicKeysTarget is the X-Amz-Target of a ListPublicKeys request.
const ListPublicKeysTarget = "CloudTrail_20131101.ListPublicKeys"

// Signer stands in for CloudTrail's regional signing key.
type Signer struct {
	Key         *rsa.PrivateKey
	Fingerprint string
}

func NewSigner(t testing.TB) Signer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(&key.PublicKey))
	return Signer{key, hex.EncodeToString(sum[:])}
}

// PublicKeys serves ListPublicKeys over the JSON 1.1 protocol, each key
// valid a day either side of the asked range.
func PublicKeys(t testing.TB, keys ...Signer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct{ StartTime, EndTime float64 }
		if target := r.Header.Get("X-Amz-Target"); target != ListPublicKeysTarget || json.Unmarshal(body, &req) != nil || req.StartTime == 0 {
			t.Errorf("unexpected request %s %s", target, body)
		}
		var list []map[string]any
		for _, k := range keys {
			list = append(list, map[string]any{"Value": x509.MarshalPKCS1PublicKey(&k.Key.PublicKey), "Fingerprint": k.Fingerprint,
				"ValidityStartTime": req.StartTime - 86400, "ValidityEndTime": req.EndTime + 86400})
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"PublicKeyList": list}) // []byte encodes as base64, as blobs do
	}
}

func Gzip(content []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(content)
	zw.Close()
	return buf.Bytes()
}

// HexSHA is the hex SHA-256, as digests record hashes.
func HexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// LogKey is where CloudTrail delivers a log file: folder is the trail's
// prefix and AWSLogs/ ("AWSLogs/", "prod/AWSLogs/", "AWSLogs/o-org/").
func LogKey(folder, account, region string, delivered time.Time, unique string) string {
	d := delivered.UTC()
	return fmt.Sprintf("%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz", folder, account, region,
		d.Format("2006/01/02"), account, region, d.Format("20060102T1504Z"), unique)
}

// LogFile is a log file a digest lists.
type LogFile struct{ Key, Hash string }

// Digest describes a digest file to sign.
type Digest struct {
	Folder, Account, Region, Bucket string    // Folder as for LogKey
	End                             time.Time // the hour it covers ends here
	Logs                            []LogFile
	Previous                        *Signed              // the digest before it, if any
	Edit                            func(map[string]any) // changes the document before signing
}

// Signed is a signed digest file, ready to put at Key with Meta.
type Signed struct {
	Key, Hash, Signature string
	Body                 []byte // gzipped
	Meta                 map[string]string
}

// Sign writes and signs d as CloudTrail does: the signature covers the end
// time, the bucket/key, the document's hash and the previous signature.
func (s Signer) Sign(t testing.TB, d Digest) Signed {
	key := fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_mgmt_%s_%s.json.gz", d.Folder,
		d.Account, d.Region, d.End.UTC().Format("2006/01/02"), d.Account, d.Region, d.Region, d.End.UTC().Format("20060102T150405Z"))
	files := []map[string]any{}
	for _, l := range d.Logs {
		files = append(files, map[string]any{"s3Bucket": d.Bucket, "s3Object": l.Key, "hashValue": l.Hash, "hashAlgorithm": "SHA-256"})
	}
	doc := map[string]any{"awsAccountId": d.Account, "digestStartTime": d.End.Add(-time.Hour).UTC().Format(time.RFC3339),
		"digestEndTime": d.End.UTC().Format(time.RFC3339), "digestS3Bucket": d.Bucket, "digestS3Object": key,
		"digestPublicKeyFingerprint": s.Fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
		"previousDigestS3Bucket": nil, "previousDigestS3Object": nil, "previousDigestHashValue": nil,
		"previousDigestHashAlgorithm": nil, "previousDigestSignature": nil, "logFiles": files}
	previous := "null"
	if p := d.Previous; p != nil {
		doc["previousDigestS3Bucket"], doc["previousDigestS3Object"] = d.Bucket, p.Key
		doc["previousDigestHashValue"], doc["previousDigestHashAlgorithm"] = p.Hash, "SHA-256"
		doc["previousDigestSignature"], previous = p.Signature, p.Signature
	}
	if d.Edit != nil {
		d.Edit(doc)
	}
	if p, ok := doc["previousDigestSignature"].(string); ok {
		previous = p
	}
	content, _ := json.Marshal(doc)
	hash := HexSHA(content)
	signed := sha256.Sum256([]byte(doc["digestEndTime"].(string) + "\n" + d.Bucket + "/" + key + "\n" + hash + "\n" + previous))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.Key, crypto.SHA256, signed[:])
	if err != nil {
		t.Fatal(err)
	}
	signature := hex.EncodeToString(sig)
	return Signed{Key: key, Hash: hash, Signature: signature, Body: Gzip(content),
		Meta: map[string]string{"signature": signature, "signature-algorithm": "SHA256withRSA"}}
}
