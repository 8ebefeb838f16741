package sources

import (
	"context"
	"time"
)

// Integrity is what log file validation found for one trail file.
type Integrity string

const (
	IntegrityVerified Integrity = "verified"
	// IntegrityModified: the file's hash or signature does not match what
	// CloudTrail recorded: it was changed after delivery (or forged).
	IntegrityModified Integrity = "modified"
	// IntegrityMissing: a digest lists the file but it is not in the bucket.
	IntegrityMissing Integrity = "missing"
	// IntegrityNotValidated: no valid digest covers the file (validation
	// off, the digest not delivered yet, or the digest itself invalid).
	IntegrityNotValidated Integrity = "not validated"
)

// FileIntegrity is one file's validation result.
type FileIntegrity struct {
	File   string // s3://bucket/key
	Digest bool   // a digest file, not a log file
	Status Integrity
	Detail string // why, when not verified
}

// IntegrityReport is the validation of a trail's files over a window, in
// file order: digests (oldest first), then log files.
type IntegrityReport struct {
	Start, End time.Time
	Files      []FileIntegrity
}

// Count is how many files have status s.
func (r IntegrityReport) Count(s Integrity) int {
	n := 0
	for _, f := range r.Files {
		if f.Status == s {
			n++
		}
	}
	return n
}

// Tampered reports whether any file was modified or is missing: the report
// to show loudly.
func (r IntegrityReport) Tampered() bool {
	return r.Count(IntegrityModified)+r.Count(IntegrityMissing) > 0
}

// IntegrityChecker is implemented by sources that can validate the trail's
// log files (the AWS source reading --trail-bucket).
type IntegrityChecker interface {
	CheckIntegrity(ctx context.Context, start, end time.Time) (IntegrityReport, error)
}
