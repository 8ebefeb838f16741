package awssrc

import (
	"context"
	"errors"
	"path"
	"sort"
	"sync"

	"watchtrail/sources"
)

// checkLogs hashes the log files the digests list (several at once), and
// reports the window's other log files as not validated.
func (t *S3Trail) checkLogs(ctx context.Context, digests []*digest, logKeys []trailKey) []sources.FileIntegrity {
	type job struct {
		bucket, key, want string
		digest            *digest
	}
	var jobs []job
	listed := map[string]bool{}
	for _, d := range digests {
		for _, lf := range d.doc.LogFiles {
			bucket := lf.S3Bucket
			if bucket == "" {
				bucket = t.bucket
			}
			jobs = append(jobs, job{bucket, lf.S3Object, lf.HashValue, d})
			listed[lf.S3Object] = true
		}
	}
	checks := make([]sources.FileIntegrity, len(jobs))
	slots := make(chan struct{}, trailDownloads)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			checks[i] = t.checkLog(ctx, j.bucket, j.key, j.want, j.digest)
		}()
	}
	wg.Wait()
	for _, k := range logKeys {
		if !listed[k.key] {
			checks = append(checks, sources.FileIntegrity{File: t.url(k.key), Status: sources.IntegrityNotValidated,
				Detail: "no digest lists it: log file validation is off, or its digest is not delivered yet"})
		}
	}
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].File < checks[j].File })
	return checks
}

func (t *S3Trail) checkLog(ctx context.Context, bucket, key, want string, d *digest) sources.FileIntegrity {
	c := sources.FileIntegrity{File: "s3://" + bucket + "/" + key}
	if d.check.Status != sources.IntegrityVerified {
		c.Status, c.Detail = sources.IntegrityNotValidated, "its digest "+path.Base(d.key)+" is not valid"
		return c
	}
	sum, _, _, err := t.hashObject(ctx, bucket, key, false)
	switch {
	case errors.Is(err, errNoSuchFile):
		c.Status, c.Detail = sources.IntegrityMissing, "listed in "+path.Base(d.key)+" but deleted"
	case err != nil && !errors.Is(err, errBadContent):
		c.Status, c.Detail = sources.IntegrityNotValidated, err.Error() // could not read it: try again later
	case err != nil:
		c.Status, c.Detail = sources.IntegrityModified, err.Error()
	case sum != want:
		c.Status, c.Detail = sources.IntegrityModified, "SHA-256 differs from "+path.Base(d.key)+": the file was changed"
	default:
		c.Status = sources.IntegrityVerified
	}
	return c
}
