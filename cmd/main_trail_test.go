package cmd

import "testing"

// --trail-bucket turns log file validation on in the dashboard.
func TestTrailBucketTurnsIntegrityCheckingOn(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "a")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "b")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	if r := run(t); r.err != nil || r.cfg.Integrity != nil {
		t.Fatalf("without --trail-bucket: %v, checker %v", r.err, r.cfg.Integrity)
	}
	if r := run(t, "--trail-bucket", "s3://trail-logs/AWSLogs"); r.err != nil || r.cfg.Integrity == nil {
		t.Fatalf("with --trail-bucket: %v, no checker", r.err)
	}
}
