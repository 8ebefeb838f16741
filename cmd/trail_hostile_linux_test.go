package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/offline"
	"watchtrail/internal/trailtest"
)

// Issue 18 items 8 and 9, on the built binary: `watchtrail trail` over a
// bucket holding a gzip bomb, a 200 MB record, 200 MB of blanks and JSON
// nested 100,000 deep prints the good file's event, names each skipped file
// once on stderr with why, exits 0 (1 with --strict), and its peak RSS stays
// bounded.
func TestTrailCommandNamesHostileFilesAndStaysSmall(t *testing.T) {
	endpoint := motoserver.Shared(t)
	bin := buildBinary(t)
	now := time.Now().UTC().Truncate(time.Minute)
	bucket := fmt.Sprintf("hostile-%d", time.Now().UnixNano())
	s3c := s3.NewFromConfig(motoserver.Config(), func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true })
	put := func(key string, body []byte) {
		if _, err := s3c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s3c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put(trailtest.LogKey("AWSLogs/", "123456789012", "us-east-1", now.Add(-10*time.Minute), "GOOD000000000000"),
		trailtest.Gzip([]byte(`{"Records":[`+cloudTrailRecord(t, "good", "DeleteBucket", "alice", false, now.Add(-15*time.Minute))+`]}`)))
	var names []string
	i := 0
	for name, body := range trailtest.Hostile(now.Add(-20 * time.Minute)) {
		i++
		put(trailtest.LogKey("AWSLogs/", "123456789012", "us-east-1", now.Add(-time.Duration(20+i)*time.Minute), fmt.Sprintf("BAD%013d", i)), body)
		names = append(names, name)
	}
	sort.Strings(names)

	trail := func(extra ...string) (stdout, stderr string, exit int) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"trail", "--trail-bucket", "s3://" + bucket, "--since", "2h", "--endpoint-url", endpoint}, extra...)...)
		home := t.TempDir()
		cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true",
			"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"}, offline.Env()...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if _, exited := err.(*exec.ExitError); err != nil && !exited {
			t.Fatal(err)
		}
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10 // KB on Linux
		t.Logf("watchtrail trail %s: peak RSS %d MB over %d hostile files (%s)", strings.Join(extra, " "), rss, len(names), strings.Join(names, ", "))
		if rss > 300 {
			t.Errorf("peak RSS %d MB: the caps should keep it far under 300 MB", rss)
		}
		return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
	}

	stdout, stderr, exit := trail()
	if exit != 0 || !strings.Contains(stdout, "DeleteBucket") {
		t.Fatalf("exit %d, stdout %q: want the good file's event and exit 0\n%s", exit, stdout, stderr)
	}
	for _, reason := range []string{"over 32 MiB uncompressed", "a record over 1 MiB", "JSON nested over 100 levels deep"} {
		if !strings.Contains(stderr, reason) {
			t.Errorf("stderr does not say %q:\n%s", reason, stderr)
		}
	}
	for i := range names {
		if n := strings.Count(stderr, fmt.Sprintf("BAD%013d", i+1)); n != 1 {
			t.Errorf("bad file %d named %d times on stderr:\n%s", i+1, n, stderr)
		}
	}
	if _, stderr, exit = trail("--strict"); exit != 1 || !strings.Contains(stderr, "--strict: 4 trail log files skipped") {
		t.Errorf("--strict: exit %d, want 1 and the count:\n%s", exit, stderr)
	}
}
