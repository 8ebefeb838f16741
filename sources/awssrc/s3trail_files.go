package awssrc

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/sources"
	"watchtrail/text"
)

// load returns the parsed files for keys, from the cache or downloaded
// (several at once), and the errors of those that could not be downloaded,
// to be tried again next time. Files that are not CloudTrail logs are
// remembered as bad (never read again) and listed in t.bad, once.
func (t *S3Trail) load(ctx context.Context, keys []trailKey) (map[string]trailFile, []error) {
	files := make(map[string]trailFile, len(keys))
	var todo []trailKey
	t.mu.Lock()
	for _, k := range keys {
		if f, ok := t.files[k.key]; ok {
			files[k.key] = f
		} else if !t.badKeys[k.key] {
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
		if results[i].bad {
			if t.badKeys[k.key] { // a call at the same time found it too
				continue
			}
			t.badKeys[k.key] = true
			t.bad = append(t.bad, sources.BadFile{Name: text.Sanitize("s3://" + t.bucket + "/" + k.key), Err: text.Sanitize(errs[i].Error()), Found: t.now()})
			t.bad = t.bad[max(0, len(t.bad)-maxListedBadFiles):]
		} else if errs[i] != nil {
			problems = append(problems, errs[i])
			continue
		}
		files[k.key] = results[i]
		if !results[i].bad {
			t.files[k.key] = results[i]
		}
	}
	t.evict()
	return files, problems
}

// evict drops the files named longest ago until at most
// maxCachedTrailFiles files (more with many accounts: cachedFilesPerAcct
// each) with maxCachedTrailBytes of JSON are cached. The
// live feed reads the newest files; a drill-down into an old incident may
// read its files again. t.mu is held.
func (t *S3Trail) evict() {
	size, most := 0, max(maxCachedTrailFiles, cachedFilesPerAcct*len(t.accounts))
	keys := make([]string, 0, len(t.files))
	for k, f := range t.files {
		keys = append(keys, k)
		size += f.size
	}
	if len(keys) <= most && size <= maxCachedTrailBytes {
		return
	}
	sort.Slice(keys, func(i, j int) bool { return t.files[keys[i]].at.Before(t.files[keys[j]].at) })
	for _, k := range keys {
		if len(t.files) <= most && size <= maxCachedTrailBytes {
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
	gate := &bigFileGate{slot: t.bigFile, ctx: ctx}
	defer gate.release()
	f.events, err = readTrailFile(out.Body, gate)
	if err != nil {
		var read readError
		if errors.As(err, &read) { // the connection, not the file: worth retrying
			return f, fmt.Errorf("reading %s: %w", where, read.err)
		}
		f.bad = true
		return f, err
	}
	for _, e := range f.events {
		f.size += len(e.JSON) + eventSize
	}
	return f, nil
}

// eventSize is what an event holds besides its JSON: small records cost
// this more than their bytes, so the cache counts it too.
const eventSize = int(unsafe.Sizeof(sources.TrailEvent{}))

// readError is a failure to read the object's body, as opposed to content
// that is not a CloudTrail log.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }

// bodyReader marks the errors of the underlying body as readErrors.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}

// readTrailFile stream-parses a gzipped {"Records": [...]} document, one
// record at a time, so memory holds the events kept and one record, never the
// whole file (see recordGuard for the caps; gate, when set, holds back a
// file growing large while another large one is read). Records without a readable
// eventTime cannot be placed in a window and are dropped, and so are repeats
// of an event ID the file already had.
func readTrailFile(body io.Reader, gate *bigFileGate) ([]sources.TrailEvent, error) {
	compressed := &countingReader{r: bodyReader{body}}
	zr, err := gzip.NewReader(compressed)
	if err != nil {
		var read readError
		if errors.As(err, &read) {
			return nil, err
		}
		return nil, fmt.Errorf("not gzipped: %w", err)
	}
	var content io.Reader = zr
	if gate != nil {
		gate.r, content = zr, gate
	}
	events, err := decodeRecords(json.NewDecoder(&recordGuard{r: capped(content, compressed)}))
	var read readError
	if err != nil && !errors.As(err, &read) && !isLimit(err) {
		err = fmt.Errorf("not CloudTrail JSON: %w", err)
	}
	return events, err
}

// decodeRecords reads the whole document first, keeping each record's JSON,
// and makes events of them only once it is read: a file refused half way
// (see recordGuard) costs its bytes, not its events (several times more).
func decodeRecords(dec *json.Decoder) ([]sources.TrailEvent, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var records []json.RawMessage
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key != "Records" {
			if err := skipValue(dec); err != nil {
				return nil, err
			}
			continue
		}
		found = true
		if err := expectDelim(dec, '['); err != nil {
			return nil, err
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			records = append(records, raw)
		}
		if err := expectDelim(dec, ']'); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	// Read to the end: what follows the document (a second gzip member, a
	// second document, junk) would be lost without a word, and gzip checks
	// its checksum, and finds a cut file, only at the end.
	if tok, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("%v after the document", tok)
		}
		return nil, err
	}
	if !found {
		return nil, errors.New(`no "Records"`)
	}
	var events []sources.TrailEvent
	seen := map[string]bool{}
	for i, raw := range records {
		records[i] = nil // recordEvent copies what it keeps
		if ev, _, _ := recordEvent(raw); !ev.Time.IsZero() && (ev.ID == "" || !seen[ev.ID]) {
			seen[ev.ID] = true
			events = append(events, ev)
		}
	}
	return events, nil
}

// skipValue reads past the next value token by token, so a large value that
// is not the records is never held whole.
func skipValue(dec *json.Decoder) error {
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("want %q, found %v", want, tok)
	}
	return nil
}
