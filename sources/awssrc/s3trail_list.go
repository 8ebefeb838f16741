package awssrc

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
)

// logsFolder is the folder CloudTrail writes under the trail's prefix.
const logsFolder = "AWSLogs"

// layout reads where the prefix points: the trail's own prefix (AWSLogs/ is
// under it), or a folder inside AWSLogs/ that the user copied from the
// console: AWSLogs/, an organisation's AWSLogs/o-…/, or one account's
// AWSLogs/[o-…/]<account>/. root is the folder whose subfolders are read;
// account, when the prefix names one, is the only account folder.
func (t *S3Trail) layout() (root, account string, err error) {
	parts := strings.Split(t.prefix, "/")
	at := slices.Index(parts, logsFolder)
	if t.prefix == "" || at < 0 {
		return strings.TrimPrefix(t.prefix+"/"+logsFolder+"/", "/"), "", nil
	}
	root = strings.Join(parts[:at+1], "/") + "/"
	rest := parts[at+1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		root, rest = root+rest[0]+"/", rest[1:]
	}
	switch {
	case len(rest) == 0:
		return root, "", nil
	case len(rest) == 1 && isAccountID(rest[0]):
		return root, root + rest[0] + "/", nil
	}
	return "", "", fmt.Errorf("%s: want the trail's bucket and prefix, or a folder AWSLogs/[o-…/][<account>/] in it, not a folder below an account", t.URL())
}

func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// accountFolders lists the account folders under AWSLogs/ once (and again
// while there are none), looking one level deeper into organisation folders.
func (t *S3Trail) accountFolders(ctx context.Context) ([]string, error) {
	t.mu.Lock()
	accounts := t.accounts
	t.mu.Unlock()
	if accounts != nil {
		return accounts, nil
	}
	root, only, err := t.layout()
	if err != nil {
		return nil, err
	}
	if only != "" {
		accounts = []string{only}
	} else {
		top, err := t.folders(ctx, root)
		if err != nil {
			return nil, err
		}
		for _, folder := range top {
			if strings.HasPrefix(strings.TrimPrefix(folder, root), "o-") {
				inner, err := t.folders(ctx, folder)
				if err != nil {
					return nil, err
				}
				accounts = append(accounts, inner...)
			} else {
				accounts = append(accounts, folder)
			}
		}
	}
	if len(accounts) == 0 {
		return nil, fmt.Errorf("no CloudTrail logs under s3://%s/%s: is %s the trail's bucket and prefix?", t.bucket, root, t.URL())
	}
	t.mu.Lock()
	t.accounts = accounts
	t.mu.Unlock()
	return accounts, nil
}

// folders lists the "subfolders" (common prefixes) directly under prefix.
func (t *S3Trail) folders(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(t.bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	}, func(o *s3.ListObjectsV2PaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, t.opts()...)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", t.bucket, prefix, err)
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, aws.ToString(cp.Prefix))
		}
	}
	return out, nil
}

// trailKey is a log file's key and the time in its name.
type trailKey struct {
	key string
	at  time.Time
}

// The folders (and file name parts) of a trail's log files: management and
// data events, and Insights events, delivered apart.
const (
	eventsFolder   = "CloudTrail"
	insightsFolder = "CloudTrail-Insight"
)

// listFiles lists, in key order, the log files of management and data
// events that may hold events in [start, end] (see listKind).
func (t *S3Trail) listFiles(ctx context.Context, accounts []string, start, end time.Time) ([]trailKey, error) {
	return t.listKind(ctx, accounts, eventsFolder, start, end)
}

// listKind lists, in key order, the log files of one kind (eventsFolder or
// insightsFolder) that may hold events in [start, end]: those named from
// trailFileSlack before start to trailDeliveryLag after end, in the day
// folders of that span. The folders (an account's day) are listed several
// at once, as an organisation has hundreds of accounts.
func (t *S3Trail) listKind(ctx context.Context, accounts []string, kind string, start, end time.Time) ([]trailKey, error) {
	from := start.Add(-trailFileSlack).UTC()
	to := end.Add(trailDeliveryLag).UTC()
	firstDay := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	type folder struct {
		path, account string
		first         bool
	}
	var folders []folder
	for _, account := range accounts {
		for day := firstDay; !day.After(to); day = day.AddDate(0, 0, 1) {
			folders = append(folders, folder{account + kind + "/" + t.region + "/" + day.Format("2006/01/02") + "/", path.Base(account), day.Equal(firstDay)})
		}
	}
	found := make([][]trailKey, len(folders))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(t.listings)
	for i, f := range folders {
		g.Go(func() error {
			var startAfter string
			if f.first { // names sort by time within a day: skip the older files
				startAfter = f.path + f.account + "_" + kind + "_" + t.region + "_" + from.Format(trailStampLayout)
			}
			var err error
			found[i], err = t.listFolder(ctx, f.path, startAfter, from, to)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var keys []trailKey
	for _, f := range found {
		keys = append(keys, f...)
	}
	return keys, nil
}

// listFolder lists the log files in one day folder named in [from, to].
func (t *S3Trail) listFolder(ctx context.Context, folder, startAfter string, from, to time.Time) ([]trailKey, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(t.bucket), Prefix: aws.String(folder)}
	if startAfter != "" {
		in.StartAfter = aws.String(startAfter)
	}
	p := s3.NewListObjectsV2Paginator(t.client, in, func(o *s3.ListObjectsV2PaginatorOptions) { o.StopOnDuplicateToken = true })
	var keys []trailKey
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, t.opts()...)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", t.bucket, folder, err)
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			at, ok := trailFileTime(key)
			switch {
			case !ok || at.Before(from):
				continue // not a CloudTrail log file, or too old
			case at.After(to):
				return keys, nil // the rest of the day is newer still
			}
			keys = append(keys, trailKey{key, at})
		}
	}
	return keys, nil
}

// trailFileTime reads the delivery time from a log file's name,
// <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz (or
// _CloudTrail-Insight_ for Insights events).
func trailFileTime(key string) (time.Time, bool) {
	parts := strings.Split(path.Base(key), "_")
	if len(parts) < 5 || parts[1] != eventsFolder && parts[1] != insightsFolder {
		return time.Time{}, false
	}
	at, err := time.Parse(trailStampLayout, parts[3])
	return at, err == nil
}
