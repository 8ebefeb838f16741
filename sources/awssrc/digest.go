package awssrc

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"watchtrail/sources"
)

// digestSlack: a digest covers the hour before its end time, so the digests
// of a window's log files end up to this long after it.
const digestSlack = 2 * time.Hour

// digestDoc is the part of a CloudTrail digest file that validation reads.
type digestDoc struct {
	DigestEndTime           string  `json:"digestEndTime"`
	DigestS3Bucket          string  `json:"digestS3Bucket"`
	DigestS3Object          string  `json:"digestS3Object"`
	Fingerprint             string  `json:"digestPublicKeyFingerprint"`
	SignatureAlgorithm      string  `json:"digestSignatureAlgorithm"`
	PreviousDigestS3Object  *string `json:"previousDigestS3Object"`
	PreviousDigestHashValue *string `json:"previousDigestHashValue"`
	PreviousDigestSignature *string `json:"previousDigestSignature"`
	LogFiles                []struct {
		S3Bucket  string `json:"s3Bucket"`
		S3Object  string `json:"s3Object"`
		HashValue string `json:"hashValue"`
	} `json:"logFiles"`
}

// digest is one downloaded digest file.
type digest struct {
	digestKey
	doc       digestDoc
	hash      string // hex SHA-256 of the uncompressed file
	signature string // hex, from the object's x-amz-meta-signature
	check     sources.FileIntegrity
}

// CheckIntegrity validates the trail's S3 log files delivered in
// [start, end] with CloudTrail log file validation: each digest file's RSA
// signature (against the keys from ListPublicKeys), the chain of previous
// digests, and each log file's SHA-256. It needs --trail-bucket (UseTrailBucket)
// and cloudtrail:ListPublicKeys.
func (s *Source) CheckIntegrity(ctx context.Context, start, end time.Time) (sources.IntegrityReport, error) {
	if s.s3trail == nil {
		return sources.IntegrityReport{}, errors.New("log file validation reads the trail's S3 bucket: pass --trail-bucket")
	}
	return s.s3trail.checkIntegrity(ctx, s.trail, start, end)
}

var _ sources.IntegrityChecker = (*Source)(nil)

func (t *S3Trail) checkIntegrity(ctx context.Context, ct *cloudtrail.Client, start, end time.Time) (sources.IntegrityReport, error) {
	report := sources.IntegrityReport{Start: start, End: end}
	if err := t.locateBucket(ctx); err != nil {
		return report, err
	}
	accounts, err := t.accountFolders(ctx)
	if err != nil {
		return report, err
	}
	digestKeys, err := t.listDigests(ctx, accounts, start, end.Add(digestSlack))
	if err != nil {
		return report, err
	}
	logKeys, err := t.listFiles(ctx, accounts, start, end)
	if err != nil {
		return report, err
	}
	keys := map[string]*rsa.PublicKey{}
	if len(digestKeys) > 0 {
		if keys, err = publicKeys(ctx, ct, start, end.Add(digestSlack)); err != nil {
			return report, err
		}
	}
	digests := make([]*digest, len(digestKeys))
	byKey := map[string]*digest{}
	for i, k := range digestKeys {
		digests[i] = t.readDigest(ctx, k, keys)
		byKey[k.key] = digests[i]
	}
	extra := t.checkChain(digests, byKey, start)
	for _, d := range digests {
		report.Files = append(report.Files, d.check)
	}
	report.Files = append(report.Files, extra...)
	report.Files = append(report.Files, t.checkLogs(ctx, digests, logKeys)...)
	return report, ctx.Err()
}

// readDigest downloads a digest file and checks its signature.
func (t *S3Trail) readDigest(ctx context.Context, k digestKey, keys map[string]*rsa.PublicKey) *digest {
	d := &digest{digestKey: k, check: sources.FileIntegrity{File: t.url(k.key), Digest: true, Status: sources.IntegrityModified}}
	sum, content, meta, err := t.hashObject(ctx, t.bucket, k.key, true)
	if err != nil {
		d.check.Detail = err.Error()
		return d
	}
	d.hash, d.signature = sum, meta["signature"]
	if err := json.Unmarshal(content, &d.doc); err != nil {
		d.check.Detail = "not a CloudTrail digest: " + err.Error()
		return d
	}
	if err := verifyDigest(d, keys); err != nil {
		d.check.Detail = err.Error()
		return d
	}
	d.check.Status = sources.IntegrityVerified
	return d
}

// verifyDigest checks d's SHA256withRSA signature over the signing string
// CloudTrail documents: the digest end time, its S3 path, the hex SHA-256 of
// its uncompressed content and the previous digest's signature ("null" for
// the first digest of a trail).
func verifyDigest(d *digest, keys map[string]*rsa.PublicKey) error {
	if d.doc.DigestS3Object != d.key {
		return fmt.Errorf("says it is %s/%s: moved or copied", d.doc.DigestS3Bucket, d.doc.DigestS3Object)
	}
	if d.doc.SignatureAlgorithm != "SHA256withRSA" {
		return fmt.Errorf("unknown signature algorithm %q", d.doc.SignatureAlgorithm)
	}
	key := keys[d.doc.Fingerprint]
	if key == nil {
		return fmt.Errorf("signed with a key CloudTrail does not list (fingerprint %q)", d.doc.Fingerprint)
	}
	sig, err := hex.DecodeString(d.signature)
	if err != nil || len(sig) == 0 {
		return errors.New("no valid signature in its x-amz-meta-signature metadata")
	}
	previous := "null"
	if d.doc.PreviousDigestSignature != nil {
		previous = *d.doc.PreviousDigestSignature
	}
	signed := d.doc.DigestEndTime + "\n" + d.doc.DigestS3Bucket + "/" + d.doc.DigestS3Object + "\n" + d.hash + "\n" + previous
	sum := sha256.Sum256([]byte(signed))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return errors.New("signature does not match its content: the digest was changed")
	}
	return nil
}

// checkChain compares each digest's record of the previous digest with that
// digest. A previous digest missing from the bucket is reported (as an extra
// file) when it falls after start; older ones are outside the window.
func (t *S3Trail) checkChain(digests []*digest, byKey map[string]*digest, start time.Time) []sources.FileIntegrity {
	var extra []sources.FileIntegrity
	for _, d := range digests {
		if d.check.Status != sources.IntegrityVerified || d.doc.PreviousDigestS3Object == nil {
			continue
		}
		prevKey := *d.doc.PreviousDigestS3Object
		prev := byKey[prevKey]
		if prev == nil {
			if at, ok := digestFileTime(prevKey); ok && !at.Before(start) {
				extra = append(extra, sources.FileIntegrity{File: t.url(prevKey), Digest: true, Status: sources.IntegrityMissing,
					Detail: "the chain of digests names it, after " + path.Base(d.key)})
			}
			continue
		}
		if prev.hash != "" && (prev.hash != aws.ToString(d.doc.PreviousDigestHashValue) ||
			prev.signature != aws.ToString(d.doc.PreviousDigestSignature)) {
			prev.check.Status = sources.IntegrityModified
			prev.check.Detail = "does not match the hash and signature the next digest recorded for it: the chain is broken"
		}
	}
	return extra
}

// publicKeys lists CloudTrail's digest signing keys valid in [start, end],
// by fingerprint.
func publicKeys(ctx context.Context, ct *cloudtrail.Client, start, end time.Time) (map[string]*rsa.PublicKey, error) {
	keys := map[string]*rsa.PublicKey{}
	p := cloudtrail.NewListPublicKeysPaginator(ct, &cloudtrail.ListPublicKeysInput{StartTime: aws.Time(start), EndTime: aws.Time(end)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing CloudTrail's public keys: %w", err)
		}
		for _, k := range page.PublicKeyList {
			pub, err := x509.ParsePKCS1PublicKey(k.Value)
			if err != nil {
				return nil, fmt.Errorf("CloudTrail public key %s: %w", aws.ToString(k.Fingerprint), err)
			}
			keys[aws.ToString(k.Fingerprint)] = pub
		}
	}
	return keys, nil
}

func (t *S3Trail) url(key string) string { return "s3://" + t.bucket + "/" + key }
