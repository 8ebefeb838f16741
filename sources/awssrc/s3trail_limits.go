package awssrc

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// A trail log file comes from a bucket others can write to, so reading one
// is bounded whatever it holds: a gzip bomb, one record of a gigabyte, or
// JSON nested past any real record's depth is a bad file, found before its
// bytes are in memory.
const (
	// Decompressed, per file: any file may reach maxTrailFileBytes; a larger
	// one only while it stays under maxTrailFileRatio times the compressed
	// bytes read so far (CloudTrail's JSON compresses 10–20×, a bomb hundreds
	// of times), and never past maxTrailFileCeiling. So a busy trail's 50 MB
	// file is read and 200 MB that compress to 1 MB are not.
	maxTrailFileBytes   = 32 << 20
	maxTrailFileRatio   = 64
	maxTrailFileCeiling = 256 << 20
	maxTrailRecordBytes = 1 << 20 // one record; CloudTrail cuts its events to 256 KB
	maxTrailJSONDepth   = 100     // nesting, the {"Records":[…]} levels included
	// Values in the top two levels (records, and the document's other
	// keys and their list items): each costs its decoding and a slot however
	// small, and 10 million "{}" compress to 28 KB (25 s and 1.1 GB to read).
	// The ceiling's 256 MiB hold under a million of the smallest real records.
	maxTrailRecords = 1_000_000
	// Of the files downloaded at once, one at a time may grow past this
	// (decompressed): the others wait, so together they hold a bounded
	// amount whatever the bucket holds.
	largeTrailFile = 4 << 20
)

var (
	errTrailTooBig = fmt.Errorf("over %d MiB uncompressed and over %d× its compressed size, or over %d MiB (the caps per log file)",
		maxTrailFileBytes>>20, maxTrailFileRatio, maxTrailFileCeiling>>20)
	errTrailRecordBig = fmt.Errorf("a record over %d MiB (the cap per record)", maxTrailRecordBytes>>20)
	errTrailTooDeep   = fmt.Errorf("JSON nested over %d levels deep (the cap)", maxTrailJSONDepth)
	errTrailTooMany   = fmt.Errorf("over %d records (the cap per log file)", maxTrailRecords)
)

// countingReader counts the bytes read through it: the compressed size so far.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// capped reads r, the decompression of compressed, failing with
// errTrailTooBig past the caps above instead of cutting the content short.
func capped(r io.Reader, compressed *countingReader) io.Reader {
	return &cappedReader{r: r, compressed: compressed}
}

type cappedReader struct {
	r          io.Reader
	compressed *countingReader
	n          int64
}

// allowed is how many decompressed bytes may be read so far.
func (c *cappedReader) allowed() int64 {
	return min(maxTrailFileCeiling, max(maxTrailFileBytes, maxTrailFileRatio*c.compressed.n))
}

func (c *cappedReader) Read(p []byte) (int, error) {
	left := c.allowed() - c.n
	if left <= 0 {
		// One byte more tells a file of exactly the cap from a longer one.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n == 0 {
			return 0, err
		}
		if c.n++; c.n > c.allowed() {
			return 0, errTrailTooBig
		}
		p[0] = one[0]
		return 1, err
	}
	n, err := c.r.Read(p[:min(int64(len(p)), left)])
	c.n += int64(n)
	return n, err
}

// recordGuard passes a {"Records":[…]} document through to a json.Decoder,
// watching its structure on the way: it fails the read once the nesting
// passes maxTrailJSONDepth, the records maxTrailRecords, or one run of bytes between the separators of the
// top two levels (a record, a top-level value, whitespace) passes
// maxTrailRecordBytes. The decoder buffers one value at a time, so it never
// holds more than that.
type recordGuard struct {
	r                io.Reader
	depth, run       int
	values           int // separators in the top two levels: about the records
	failed           error
	inString, escape bool
}

// Read fails for good once a cap is passed: json.Decoder's More drops a
// read error, and the next read would see the end of the file instead.
func (g *recordGuard) Read(p []byte) (int, error) {
	if g.failed != nil {
		return 0, g.failed
	}
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if g.failed = g.step(c); g.failed != nil {
			return 0, g.failed
		}
	}
	return n, err
}

func (g *recordGuard) step(c byte) error {
	g.run++
	switch {
	case g.inString:
		g.inString = g.escape || c != '"'
		g.escape = !g.escape && c == '\\'
	case c == '"':
		g.inString = true
	case c == '{' || c == '[':
		if g.depth++; g.depth > maxTrailJSONDepth {
			return errTrailTooDeep
		}
		g.boundary()
	case c == '}' || c == ']':
		g.depth--
		g.boundary()
	case c == ',':
		if g.depth <= 2 {
			if g.values++; g.values >= maxTrailRecords {
				return errTrailTooMany
			}
		}
		g.boundary()
	}
	if g.run > maxTrailRecordBytes {
		return errTrailRecordBig
	}
	return nil
}

// boundary: a separator between records or top-level values starts a new run.
func (g *recordGuard) boundary() {
	if g.depth <= 2 {
		g.run = 0
	}
}

// bigFileGate passes a file's decompressed content through, taking the
// bucket's one slot for large files (S3Trail.bigFile) before it grows past
// largeTrailFile. A holder never waits for anything but its own body, so the
// slot is always released.
type bigFileGate struct {
	r       io.Reader
	slot    chan struct{}
	ctx     context.Context
	n       int
	holding bool
}

func (g *bigFileGate) Read(p []byte) (int, error) {
	if !g.holding && g.slot != nil && g.n+len(p) > largeTrailFile {
		select {
		case g.slot <- struct{}{}:
			g.holding = true
		case <-g.ctx.Done():
			return 0, readError{g.ctx.Err()} // not the file's fault
		}
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

func (g *bigFileGate) release() {
	if g.holding {
		<-g.slot
	}
}

// isLimit reports whether err is one of the caps above.
func isLimit(err error) bool {
	return errors.Is(err, errTrailTooBig) || errors.Is(err, errTrailRecordBig) || errors.Is(err, errTrailTooDeep) || errors.Is(err, errTrailTooMany)
}
