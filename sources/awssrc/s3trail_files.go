package awssrc

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/sources"
)

// load returns the parsed files for keys, from the cache or downloaded
// (several at once), and the errors of those that could not be read. Files
// that failed to download are tried again next time; files that are not
// CloudTrail logs are remembered as bad.
func (t *S3Trail) load(ctx context.Context, keys []trailKey) (map[string]trailFile, []error) {
	files := make(map[string]trailFile, len(keys))
	var todo []trailKey
	t.mu.Lock()
	for _, k := range keys {
		if f, ok := t.files[k.key]; ok {
			files[k.key] = f
		} else {
			todo = append(todo, k)
		}
	}
	t.mu.Unlock()

	results := make([]trailFile, len(todo))
	errs := make([]error, len(todo))
	slots := make(chan struct{}, trailDownloads)
	var wg sync.WaitGroup
	for i, k := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			results[i], errs[i] = t.download(ctx, k)
		}()
	}
	wg.Wait()

	var problems []error
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, k := range todo {
		if errs[i] != nil {
			problems = append(problems, errs[i])
			if !results[i].bad {
				continue
			}
		}
		files[k.key] = results[i]
		t.files[k.key] = results[i]
	}
	t.evict()
	return files, problems
}

// evict drops the files named longest ago until at most
// maxCachedTrailFiles files with maxCachedTrailBytes of JSON are cached. The
// live feed reads the newest files; a drill-down into an old incident may
// read its files again. t.mu is held.
func (t *S3Trail) evict() {
	size := 0
	keys := make([]string, 0, len(t.files))
	for k, f := range t.files {
		keys = append(keys, k)
		size += f.size
	}
	if len(keys) <= maxCachedTrailFiles && size <= maxCachedTrailBytes {
		return
	}
	sort.Slice(keys, func(i, j int) bool { return t.files[keys[i]].at.Before(t.files[keys[j]].at) })
	for _, k := range keys {
		if len(t.files) <= maxCachedTrailFiles && size <= maxCachedTrailBytes {
			break
		}
		size -= t.files[k].size
		delete(t.files, k)
	}
}

// download reads and parses one log file. A failed request is an error with
// bad unset (worth retrying); content that is not a CloudTrail log sets bad.
func (t *S3Trail) download(ctx context.Context, k trailKey) (trailFile, error) {
	f := trailFile{at: k.at}
	where := "CloudTrail log s3://" + t.bucket + "/" + k.key
	out, err := t.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(t.bucket), Key: aws.String(k.key)}, t.opts()...)
	if err != nil {
		return f, fmt.Errorf("reading %s: %w", where, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxTrailFileBytes))
	if err != nil {
		return f, fmt.Errorf("reading %s: %w", where, err)
	}
	f.events, err = parseTrailFile(data)
	if err != nil {
		f.bad = true
		return f, fmt.Errorf("skipping %s: %w", where, err)
	}
	for _, e := range f.events {
		f.size += len(e.JSON)
	}
	return f, nil
}

// parseTrailFile reads a gzipped {"Records": [...]} document. Records
// without a readable eventTime cannot be placed in a window and are dropped.
func parseTrailFile(data []byte) ([]sources.TrailEvent, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not gzipped: %w", err)
	}
	var doc struct {
		Records *[]json.RawMessage `json:"Records"`
	}
	if err := json.NewDecoder(io.LimitReader(zr, maxTrailFileBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("not CloudTrail JSON: %w", err)
	}
	if doc.Records == nil {
		return nil, errors.New(`not CloudTrail JSON: no "Records"`)
	}
	events := make([]sources.TrailEvent, 0, len(*doc.Records))
	for _, raw := range *doc.Records {
		if ev, _, _ := recordEvent(raw); !ev.Time.IsZero() {
			events = append(events, ev)
		}
	}
	return events, nil
}
