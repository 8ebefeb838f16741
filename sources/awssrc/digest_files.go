package awssrc

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const digestStampLayout = "20060102T150405Z"

// digestKey is a digest file's key and the end of the hour it covers.
type digestKey struct {
	key string
	end time.Time
}

// listDigests lists the digest files whose hour ends in [from, to], of every
// account folder, for the trail's region, oldest first:
//
//	<account folder>CloudTrail-Digest/<region>/YYYY/MM/DD/
//	  <account>_CloudTrail-Digest_<region>_<trail>_<region>_YYYYMMDDTHHmmssZ[_backfill].json.gz
func (t *S3Trail) listDigests(ctx context.Context, accounts []string, from, to time.Time) ([]digestKey, error) {
	from, to = from.UTC(), to.UTC()
	var keys []digestKey
	for _, account := range accounts {
		for day := from.Truncate(24 * time.Hour); !day.After(to); day = day.AddDate(0, 0, 1) {
			folder := account + "CloudTrail-Digest/" + t.region + "/" + day.Format("2006/01/02") + "/"
			p := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: aws.String(t.bucket), Prefix: aws.String(folder)},
				func(o *s3.ListObjectsV2PaginatorOptions) { o.StopOnDuplicateToken = true })
			for p.HasMorePages() {
				page, err := p.NextPage(ctx, t.opts()...)
				if err != nil {
					return nil, fmt.Errorf("listing s3://%s/%s: %w", t.bucket, folder, err)
				}
				for _, obj := range page.Contents {
					key := aws.ToString(obj.Key)
					if end, ok := digestFileTime(key); ok && !end.Before(from) && !end.After(to) {
						keys = append(keys, digestKey{key, end})
					}
				}
			}
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].end.Before(keys[j].end) })
	return keys, nil
}

// digestFileTime reads the end time from a digest file's name.
func digestFileTime(key string) (time.Time, bool) {
	name := strings.TrimSuffix(strings.TrimSuffix(path.Base(key), ".json.gz"), "_backfill")
	parts := strings.Split(name, "_")
	if len(parts) < 4 || parts[1] != "CloudTrail-Digest" {
		return time.Time{}, false
	}
	at, err := time.Parse(digestStampLayout, parts[len(parts)-1])
	return at, err == nil
}

var (
	errNoSuchFile = errors.New("not in the bucket")
	errBadContent = errors.New("not the gzipped file CloudTrail wrote")
)

// hashObject downloads a gzipped object and returns the hex SHA-256 of its
// uncompressed content, the content itself when keep is set, and its user
// metadata. A missing object is errNoSuchFile; content that is not gzip,
// or is cut short, is errBadContent; either error names the object.
func (t *S3Trail) hashObject(ctx context.Context, bucket, key string, keep bool) (sum string, content []byte, meta map[string]string, err error) {
	where := "s3://" + bucket + "/" + key
	out, err := t.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, t.opts()...)
	if err != nil {
		var missing *s3types.NoSuchKey
		if errors.As(err, &missing) {
			return "", nil, nil, fmt.Errorf("%s: %w", where, errNoSuchFile)
		}
		return "", nil, nil, fmt.Errorf("reading %s: %w", where, err)
	}
	defer out.Body.Close()
	compressed := &countingReader{r: out.Body}
	zr, err := gzip.NewReader(compressed)
	if err != nil {
		return "", nil, out.Metadata, fmt.Errorf("%s: %w: %w", where, errBadContent, err)
	}
	h := sha256.New()
	var w io.Writer = h
	var buf strings.Builder
	if keep {
		w = io.MultiWriter(h, &buf)
	}
	if _, err := io.Copy(w, capped(zr, compressed)); err != nil {
		return "", nil, out.Metadata, fmt.Errorf("%s: %w: %w", where, errBadContent, err)
	}
	return hex.EncodeToString(h.Sum(nil)), []byte(buf.String()), out.Metadata, nil
}
