package awssrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/trailtest"
	"watchtrail/sources"
)

// Issue 18 items 8 and 9: a gzip bomb, a record of 200 MB, 200 MB of blanks
// and JSON nested 100,000 deep in the trail bucket are each skipped and named
// once with why, the good file beside them is read, and memory stays bounded.
func TestMotoS3TrailSkipsHostileFilesInBoundedMemory(t *testing.T) {
	s, calls, bucket := motoTrail(t, "hostile")
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Minute)
	folder := "hostile/AWSLogs/"
	putObject(t, s, bucket, trailKeyFor(folder, "us-east-1", base.Add(5*time.Minute), "GOOD000000000000"), gzipRecords(t,
		trailRecord("good", base.Add(time.Minute), "DeleteBucket", "s3.amazonaws.com", nil)))
	want := map[string]string{ // key → the reason named
		"bomb":        "over 32 MiB uncompressed",
		"huge-record": "a record over 1 MiB",
		"blanks":      "a record over 1 MiB",
		"deep":        "JSON nested over 100 levels deep",
	}
	keys := map[string]string{}
	i := 0
	for name, body := range trailtest.Hostile(base.Add(2 * time.Minute)) {
		i++
		key := trailKeyFor(folder, "us-east-1", base.Add(time.Duration(5+i)*time.Minute), strings.ToUpper(strings.ReplaceAll(name, "-", ""))+"0000000")
		putObject(t, s, bucket, key, body)
		keys["s3://"+bucket+"/"+key] = want[name]
	}

	runtime.GC()
	peak := watchHeap()
	q := sources.TrailQuery{Start: base, End: base.Add(30 * time.Minute)}
	events, err := s.FetchTrail(ctxFor(t), q)
	heap := peak()
	t.Logf("peak heap while reading the hostile files: %d MB", heap>>20)
	if heap > 300<<20 {
		t.Errorf("peak heap %d MB reading the hostile files; the caps should keep it far under 300 MB", heap>>20)
	}
	if err != nil || !slices.Equal(ids(events), []string{"good"}) {
		t.Fatalf("events %v, %v; want the good file's event and no error", ids(events), err)
	}
	for range 2 { // the second call reads no bad file again and names none twice
		count, bad := s.BadTrailFiles()
		if count != len(keys) || len(bad) != len(keys) {
			t.Fatalf("%d bad files listed (%d counted), want %d: %+v", len(bad), count, len(keys), bad)
		}
		for _, f := range bad {
			if reason, ok := keys[f.Name]; !ok || !strings.Contains(f.Err, reason) {
				t.Errorf("bad file %s: %q, want %q", f.Name, f.Err, reason)
			}
		}
		if _, err := s.FetchTrail(ctxFor(t), q); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.get("GetObject"); n != 1+len(keys) {
		t.Errorf("GetObject called %d times, want %d: each file once", n, 1+len(keys))
	}
}

// The guard reads JSON's structure, not its text: brackets and escaped
// quotes inside strings neither nest nor end a record.
func TestTrailDepthCapCountsStructureOnly(t *testing.T) {
	record := func(value string) []byte {
		return trailtest.Gzip([]byte(`{"Records":[{"eventID":"a","eventTime":"2026-11-25T19:00:00Z","x":` + value + `}]}`))
	}
	inString := `"` + strings.Repeat(`[{\"\\`, 500) + `"`
	for value, wantErr := range map[string]string{
		inString: "",
		strings.Repeat("[", maxTrailJSONDepth-3) + strings.Repeat("]", maxTrailJSONDepth-3): "",
		strings.Repeat("[", maxTrailJSONDepth-2) + strings.Repeat("]", maxTrailJSONDepth-2): "nested over 100 levels",
	} {
		events, err := readTrailFile(bytes.NewReader(record(value)), nil)
		if wantErr == "" && (err != nil || len(events) != 1) || wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%.40s…: %d events, %v; want error %q", value, len(events), err, wantErr)
		}
	}
}

// Millions of tiny values compress to almost nothing yet cost their decoding
// and a slot each: past maxTrailRecords in the top two levels the file is
// bad, whether they are records or another key's list; records' own lists
// do not count.
func TestTrailRecordCountIsCapped(t *testing.T) {
	many := func(doc string, n int) []byte {
		return trailtest.Gzip([]byte(fmt.Sprintf(doc, strings.TrimSuffix(strings.Repeat("{},", n), ","))))
	}
	inRecord := `{"eventID":"a","eventTime":"2026-11-25T19:00:00Z","x":[` + strings.TrimSuffix(strings.Repeat("1,", 200_000), ",") + `]}`
	for name, c := range map[string]struct {
		file []byte
		err  error
	}{
		"records at the cap": {many(`{"Records":[%s]}`, maxTrailRecords), nil},
		"records past it":    {many(`{"Records":[%s]}`, maxTrailRecords+1), errTrailTooMany},
		"another key's list": {many(`{"Other":[%s],"Records":[]}`, maxTrailRecords+1), errTrailTooMany},
		"a record's list":    {trailtest.Gzip([]byte(`{"Records":[` + inRecord + `]}`)), nil},
	} {
		if _, err := readTrailFile(bytes.NewReader(c.file), nil); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", name, err, c.err)
		}
	}
}

// A log file is read to its end: what follows the document would be lost
// without a word, and gzip finds a cut or corrupted file only there.
func TestTrailFileIsReadToItsEnd(t *testing.T) {
	doc := `{"Records":[{"eventID":"a","eventTime":"2026-11-25T19:00:00Z"}]}`
	gz := trailtest.Gzip([]byte(doc))
	corrupt := bytes.Clone(gz)
	corrupt[len(corrupt)-8] ^= 0xff // the CRC-32
	for name, c := range map[string]struct {
		file []byte
		err  string
	}{
		"whole":              {gz, ""},
		"trailing blanks":    {trailtest.Gzip([]byte(doc + "\n\n  ")), ""},
		"two gzip members":   {append(bytes.Clone(gz), trailtest.Gzip([]byte(doc))...), "{ after the document"},
		"two documents":      {trailtest.Gzip([]byte(doc + doc)), "{ after the document"},
		"junk after":         {trailtest.Gzip([]byte(doc + " junk")), "invalid character 'j'"},
		"cut short":          {gz[:len(gz)-6], "unexpected EOF"},
		"bad checksum":       {corrupt, "checksum"},
		"garbage after gzip": {append(bytes.Clone(gz), "garbage!"...), "not CloudTrail JSON"},
	} {
		events, err := readTrailFile(bytes.NewReader(c.file), nil)
		if c.err == "" && (err != nil || len(events) != 1) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: %d events, %v; want error %q", name, len(events), err, c.err)
		}
	}
}

// Of the files read at once, one at a time grows past largeTrailFile: the
// next waits for it (or for its context), so hostile files read together
// hold a bounded amount.
func TestOneLargeTrailFileAtATime(t *testing.T) {
	slot := make(chan struct{}, 1)
	zeros := func() io.Reader { return io.LimitReader(zeroReader{}, 2*largeTrailFile) }
	first := &bigFileGate{r: zeros(), slot: slot, ctx: context.Background()}
	if _, err := io.Copy(io.Discard, first); err != nil || !first.holding {
		t.Fatalf("the first large file: %v, holding %v", err, first.holding)
	}
	ctx, cancel := context.WithCancel(context.Background())
	second := &bigFileGate{r: zeros(), slot: slot, ctx: ctx}
	done := make(chan int64)
	go func() { n, _ := io.Copy(io.Discard, second); done <- n }()
	time.Sleep(50 * time.Millisecond) // the second reaches the threshold and waits
	select {
	case n := <-done:
		t.Fatalf("the second file read %d bytes while the first held the slot", n)
	default:
	}
	first.release()
	if n := <-done; n != 2*largeTrailFile {
		t.Fatalf("after the release the second read %d bytes, want all", n)
	}
	second.release()
	third := &bigFileGate{r: zeros(), slot: slot, ctx: ctx}
	slot <- struct{}{} // someone else holds it
	cancel()
	var read readError
	if _, err := io.Copy(io.Discard, third); !errors.As(err, &read) {
		t.Fatalf("a cancelled wait: %v, want a read error (retried, not a bad file)", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// A busy trail's log file past maxTrailFileBytes is still read when it
// compresses like real CloudTrail JSON; the same size compressed hundreds of
// times over (a bomb) is not.
func TestLargeTrailFileIsReadUnlessItIsABomb(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var real, bomb bytes.Buffer
	real.WriteString(`{"Records":[`)
	bomb.WriteString(`{"Records":[`)
	n := 0
	for ; real.Len() < maxTrailFileBytes+8<<20; n++ {
		if n > 0 {
			real.WriteByte(',')
			bomb.WriteByte(',')
		}
		fmt.Fprintf(&real, `{"eventID":"%016x-%d","eventTime":"2026-11-25T19:%02d:%02dZ","eventName":"PutObject","sourceIPAddress":"10.%d.%d.%d",`+
			`"requestID":"%016x","userIdentity":{"arn":"arn:aws:sts::123456789012:assumed-role/app/%x"},"requestParameters":{"key":"data/%x/%x.json"}}`,
			rng.Uint64(), n, n/60%60, n%60, rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.Uint64(), rng.Uint32(), rng.Uint32(), rng.Uint64())
		fmt.Fprintf(&bomb, `{"eventID":"%d","eventTime":"2026-11-25T19:00:00Z","eventName":"PutObject","requestParameters":{"key":"%s"}}`,
			n, strings.Repeat("a", 300))
	}
	real.WriteString(`]}`)
	bomb.WriteString(`]}`)
	gzReal, gzBomb := trailtest.Gzip(real.Bytes()), trailtest.Gzip(bomb.Bytes())
	t.Logf("real-like file: %d MB, %.1f× compressed; bomb: %d MB, %.0f×", real.Len()>>20,
		float64(real.Len())/float64(len(gzReal)), bomb.Len()>>20, float64(bomb.Len())/float64(len(gzBomb)))
	if events, err := readTrailFile(bytes.NewReader(gzReal), nil); err != nil || len(events) != n {
		t.Errorf("real-like file: %d of %d events, %v", len(events), n, err)
	}
	if _, err := readTrailFile(bytes.NewReader(gzBomb), nil); !errors.Is(err, errTrailTooBig) {
		t.Errorf("bomb: %v, want %v", err, errTrailTooBig)
	}
}
