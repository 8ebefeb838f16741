package awssrc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"watchtrail/sources"
)

const (
	// trailFileSlack: a log file is named for the minute it was delivered and
	// holds records from before then, so files named before q.Start cannot
	// hold events in the window; files named up to this long before it are
	// read all the same, to be safe against clock skew.
	trailFileSlack = 15 * time.Minute
	// trailDeliveryLag: CloudTrail delivers a record about 5 minutes after the
	// call (not guaranteed), so files named up to this long after q.End are
	// read too.
	trailDeliveryLag = 30 * time.Minute
	// defaultS3TrailWindow is the window before q.End when q.Start is unset.
	defaultS3TrailWindow = time.Hour

	maxCachedTrailFiles = 500       // parsed log files kept between calls, at least
	cachedFilesPerAcct  = 40        // or this many per account folder (a 2-hour window's, and more)
	maxCachedTrailBytes = 128 << 20 // and their events (JSON and the rest), at most
	trailDownloads      = 8         // log files downloaded at once
	trailListings       = 16        // day folders listed at once, far below S3's 5,500 reads a second per prefix
	maxListedBadFiles   = 200

	trailStampLayout = "20060102T1504Z"
)

// S3Trail reads CloudTrail events from the log files a trail delivers to its
// S3 bucket, instead of LookupEvents (2 requests a second, management events
// only). The files are gzipped JSON documents {"Records": [...]} under
//
//	<prefix>/AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//	  <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//
// (Insights events under CloudTrail-Insight/, named _CloudTrail-Insight_)
// where the time is when the file was delivered. Every account folder under
// the prefix is read (organisation trails too), for the configured region
// only. A file is downloaded and parsed once and its events are kept (the
// newest maxCachedTrailFiles files, up to maxCachedTrailBytes of JSON), so the
// live feed's polls only download new files.
type S3Trail struct {
	client *s3.Client
	bucket string
	prefix string // the trail's key prefix, without slashes at either end
	region string // whose log files are read
	now    func() time.Time
	// listings is how many day folders are listed at once (trailListings).
	listings int

	mu          sync.Mutex
	regionKnown bool                // HeadBucket said where the bucket is
	bucketOpts  []func(*s3.Options) // the bucket's region when it differs
	accounts    []string            // account folders: ".../AWSLogs/[o-…/]<account>/"
	files       map[string]trailFile
	bigFile     chan struct{}     // held by the one download past largeTrailFile
	badKeys     map[string]bool   // files found unreadable, ever: never read again
	bad         []sources.BadFile // the latest maxListedBadFiles of them
}

// trailFile is one parsed log file.
type trailFile struct {
	at     time.Time // from the name: when it was delivered
	events []sources.TrailEvent
	size   int  // bytes of its events: their JSON and eventSize each
	bad    bool // unreadable: reported once, then skipped
}

var (
	_ sources.TrailFetcher    = (*S3Trail)(nil)
	_ sources.BadFileReporter = (*S3Trail)(nil)
)

// ParseTrailBucket splits "s3://bucket/prefix" into the bucket and the key
// prefix (without slashes at either end; empty for "s3://bucket").
func ParseTrailBucket(url string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(url, "s3://")
	if !ok {
		return "", "", fmt.Errorf("trail bucket %q: want s3://bucket or s3://bucket/prefix", url)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if len(bucket) < 3 || len(bucket) > 63 || strings.Trim(bucket, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != "" {
		return "", "", fmt.Errorf("trail bucket %q: %q is not an S3 bucket name", url, bucket)
	}
	return bucket, strings.Trim(prefix, "/"), nil
}

// NewS3Trail reads the trail whose bucket and prefix url names
// ("s3://bucket/prefix"), for cfg's region. endpointURL, when set, overrides
// the S3 endpoint and selects path-style addressing (for emulators).
func NewS3Trail(cfg aws.Config, endpointURL, url string) (*S3Trail, error) {
	bucket, prefix, err := ParseTrailBucket(url)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, errors.New("reading the trail from S3 needs a region (--region or AWS_REGION): the log files are kept per region")
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
		if o.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != "" {
			o.UsePathStyle = true // emulators rarely serve bucket subdomains
		}
		o.RetryMaxAttempts = capAttempts(o.RetryMaxAttempts)
		// The SDK logs to stderr, under the dashboard, when an object has
		// no checksum to validate, as emulators' objects (and maybe the
		// trail's) do not.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &S3Trail{client: client, bucket: bucket, prefix: prefix, region: cfg.Region,
		now: time.Now, files: map[string]trailFile{}, badKeys: map[string]bool{}, bigFile: make(chan struct{}, 1), listings: trailListings}, nil
}

// URL is the trail location as given: s3://bucket[/prefix].
func (t *S3Trail) URL() string {
	if t.prefix == "" {
		return "s3://" + t.bucket
	}
	return "s3://" + t.bucket + "/" + t.prefix
}

// FetchTrail returns the events in [q.Start, q.End] (an unset Start is an
// hour before End; an unset End is now), oldest first, at most q.Limit
// (default 200) of them: the newest, as the live feed wants the latest.
//
// With q.ResourceName set, an event is kept when one of its resources' ARNs
// is the name or ends in "/name" or ":name", or when a string anywhere in its
// requestParameters does (so "checkout-api" matches both
// arn:aws:lambda:…:function:checkout-api and {"functionName":"checkout-api"}).
// q.Lookup and q.WriteOnly are applied the same way (sources.MatchesQuery).
// Insights events are delivered apart, under CloudTrail-Insight/ instead of
// CloudTrail/: q.Insights reads those files instead, as LookupEvents' Insights
// category returns only Insights events.
//
// A log file that is not gzipped CloudTrail JSON does not stop the others:
// it is added to BadTrailFiles, once, and skipped. A file that could not be
// downloaded makes the call fail, to be repeated.
func (t *S3Trail) FetchTrail(ctx context.Context, q sources.TrailQuery) ([]sources.TrailEvent, error) {
	keep := newWindowEvents(q, t.now())
	if err := t.locateBucket(ctx); err != nil {
		return nil, err
	}
	accounts, err := t.accountFolders(ctx)
	if err != nil {
		return nil, err
	}
	if q.Account != "" { // one account's folder, not the organisation's
		accounts = slices.DeleteFunc(slices.Clone(accounts), func(f string) bool { return path.Base(f) != q.Account })
	}
	kind := eventsFolder
	if q.Insights {
		kind = insightsFolder
	}
	keys, err := t.listKind(ctx, accounts, kind, keep.start, keep.end)
	if err != nil {
		return nil, err
	}
	files, problems := t.load(ctx, keys)

	for _, k := range keys {
		for _, e := range files[k.key].events {
			keep.add(e)
		}
	}
	return keep.events(), errors.Join(problems...)
}

// BadTrailFiles returns how many log files were skipped as unreadable, and
// the latest of them.
func (t *S3Trail) BadTrailFiles() (int, []sources.BadFile) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.badKeys), append([]sources.BadFile(nil), t.bad...)
}

// opts are the per-call options: the bucket's region when it is not cfg's.
func (t *S3Trail) opts() []func(*s3.Options) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bucketOpts
}

// locateBucket asks once where the bucket is, so that a central logging
// bucket in another region than the one watched still works.
func (t *S3Trail) locateBucket(ctx context.Context) error {
	t.mu.Lock()
	known := t.regionKnown
	t.mu.Unlock()
	if known {
		return nil
	}
	var region string
	out, err := t.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(t.bucket)})
	if err == nil {
		region = aws.ToString(out.BucketRegion)
	} else {
		// A bucket in another region answers 301 and names its region.
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) || re.Response == nil || re.Response.Header.Get("X-Amz-Bucket-Region") == "" {
			return fmt.Errorf("trail bucket s3://%s: %w", t.bucket, err)
		}
		region = re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.regionKnown = true
	if region != "" && region != t.client.Options().Region {
		t.bucketOpts = []func(*s3.Options){func(o *s3.Options) { o.Region = region }}
	}
	return nil
}
