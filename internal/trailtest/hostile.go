package trailtest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Hostile are gzipped log files that someone able to write to the trail's
// bucket could put there, by name: each decompresses to far more than it
// weighs, or nests deeper than any record, and a reader must skip it with
// bounded memory.
func Hostile(at time.Time) map[string][]byte {
	record := fmt.Sprintf(`{"eventVersion":"1.08","eventTime":%q,"eventID":"same","eventName":"RunInstances",`+
		`"eventSource":"ec2.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"mallory"}},`, at.UTC().Format(time.RFC3339))
	const mb = 1 << 20
	return map[string][]byte{
		// 200 MB of one record repeated, as in the issue: about 0.8 MB gzipped.
		"bomb": gzipRepeated(`{"Records":[`, strings.Repeat(record, mb/len(record)), 200, `{}]}`),
		// One record holding a 200 MB string: about 0.2 MB gzipped.
		"huge-record": gzipRepeated(`{"Records":[{"eventTime":"`+at.UTC().Format(time.RFC3339)+`","x":"`, strings.Repeat("A", mb), 200, `"}]}`),
		// 200 MB of blanks between the brackets.
		"blanks": gzipRepeated(`{"Records":[`, strings.Repeat(" ", mb), 200, `]}`),
		// Arrays nested 100,000 deep.
		"deep": gzipRepeated(`{"Records":[`, strings.Repeat("[", 1000), 100, strings.Repeat("]", 100000)+`]}`),
	}
}

// gzipRepeated is head, then block n times, then tail, gzipped: as gzip
// members one after the other, which readers join, so that block is
// compressed once.
func gzipRepeated(head, block string, n int, tail string) []byte {
	member := Gzip([]byte(block))
	return slices.Concat(Gzip([]byte(head)), bytes.Repeat(member, n), Gzip([]byte(tail)))
}
