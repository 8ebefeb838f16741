package cmd

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/internal/faultproxy"
	"watchtrail/internal/motoserver"
	"watchtrail/internal/tmuxtest"
	"watchtrail/sources/awssrc"
)

// scaleAlarms is how many alarms the scale run puts in moto; every fifth
// watches a Lambda function.
const scaleAlarms = 10_000

// TestScaleTenThousandAlarms runs the built binary in tmux against moto
// holding 10,000 alarms, behind a recording proxy, and reports the time to
// the first alarms on screen, the API calls per minute by action and the
// process's RSS. It takes minutes: it runs only with WATCHTRAIL_SCALE=1.
func TestScaleTenThousandAlarms(t *testing.T) {
	if os.Getenv("WATCHTRAIL_SCALE") == "" {
		t.Skip("set WATCHTRAIL_SCALE=1 to run the 10,000-alarm scale test (minutes)")
	}
	tmuxtest.Require(t, "tmux")
	endpoint := motoserver.Start(t)
	seedStart := time.Now()
	seedAlarms(t, endpoint, scaleAlarms)
	t.Logf("seeded %d alarms in %s", scaleAlarms, time.Since(seedStart).Round(time.Second))

	listStart := time.Now()
	direct, err := awssrc.New(motoserver.Config(), endpoint).ListAlarms(context.Background())
	t.Logf("moto lists the %d alarms (one DescribeAlarms answer: moto does not page) in %s, without the dashboard's 10 s response timeout",
		len(direct), time.Since(listStart).Round(10*time.Millisecond))
	if err != nil {
		t.Fatalf("listing the alarms directly: %v", err)
	}

	proxy := faultproxy.Start(t, endpoint)
	bin := buildBinary(t)
	command := cleanEnv(t, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1") +
		fmt.Sprintf(" %s --endpoint-url %s", bin, proxy.URL())
	const width, height = 160, 45
	started := time.Now()
	s := tmuxtest.Start(t, width, height, command)
	for !strings.Contains(s.Screen(), "-errors") {
		if time.Since(started) > 90*time.Second {
			t.Errorf("no alarm on screen after 90 s:\n%s", s.Screen())
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("first alarms on screen after %s", time.Since(started).Round(10*time.Millisecond))

	time.Sleep(time.Until(started.Add(20 * time.Second))) // past the start-up burst, if not already
	proxy.ResetCalls()
	minute := time.Now()
	time.Sleep(time.Minute)
	calls := proxy.Calls()
	t.Logf("API calls in the minute after start-up (%s): %d\n%s", time.Since(minute).Round(time.Second), len(calls), byAction(calls))

	status := processStatus(t, strings.TrimSpace(s.Run("display-message", "-p", "#{pane_pid}")))
	for _, line := range strings.Split(status, "\n") {
		if strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "VmHWM") {
			t.Log(line)
		}
	}
	screen := s.Screen()
	rows := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	t.Logf("status line at the end (a listing that failed shows here): %s", strings.TrimSpace(rows[len(rows)-1]))
	checkFrameRows(t, screen, width, height)
	s.Keys("q")
	s.WaitExit(10 * time.Second)
}

// processStatus is /proc/PID/status of the watchtrail process: pid itself or
// its child (when tmux's shell did not exec it).
func processStatus(t *testing.T, pid string) string {
	for range 3 {
		status, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			t.Fatalf("reading the process status: %v", err)
		}
		if strings.Contains(string(status), "Name:\twatchtrail") {
			return string(status)
		}
		children, _ := os.ReadFile("/proc/" + pid + "/task/" + pid + "/children")
		pid, _, _ = strings.Cut(strings.TrimSpace(string(children)), " ")
	}
	t.Fatal("no watchtrail process under the tmux pane")
	return ""
}

// A log line with a skin-tone emoji, a ZWJ family, a flag, a keycap and
// VS16 leaves every row of the built binary's frame intact in real tmux, in
// the dashboard, zoomed and in the line viewer.
func TestEndToEndEmojiLogLineKeepsRowsIntact(t *testing.T) {
	tmuxtest.Require(t, "tmux")
	endpoint := motoserver.Start(t)
	seed := motoserver.NewSeeder(t, endpoint)
	seed.Logs("/e2e/emoji", time.Now().UTC(), "INFO ok", "ERROR 👍🏽 payment 👩‍👩‍👧 declined 日本語 🇩🇪 #️⃣ ❤️ e\u0301 done")
	bin := buildBinary(t)
	command := cleanEnv(t, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1") +
		fmt.Sprintf(" %s --endpoint-url %s --log-group /e2e/emoji --refresh 1s", bin, endpoint)
	const width, height = 120, 36
	s := tmuxtest.Start(t, width, height, command)
	checkFrameRows(t, s.WaitFor(20*time.Second, "payment", "declined", "done"), width, height)
	s.Keys("Tab", "Tab")
	s.Keys("z")
	checkFrameRows(t, s.WaitFor(5*time.Second, "payment", "done"), width, height)
	s.Keys("Enter")
	time.Sleep(time.Second)
	screen := s.Screen()
	if rows := strings.Split(strings.TrimSuffix(screen, "\n"), "\n"); len(rows) != height {
		t.Fatalf("the line viewer has %d rows, want %d:\n%s", len(rows), height, screen)
	}
	checkFrameRows(t, screen, width, height)
	s.Keys("q")
	s.WaitExit(10 * time.Second)
}

// seedAlarms puts n alarms into moto, eight at a time.
func seedAlarms(t *testing.T, endpoint string, n int) {
	cw := cloudwatch.NewFromConfig(motoserver.Config(), func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) // moto speaks no CBOR
	})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if err := putAlarm(cw, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("seeding alarms: %v", err)
	}
}

func putAlarm(cw *cloudwatch.Client, i int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in := &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(fmt.Sprintf("scale-%05d-cpu", i)),
		Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"), Statistic: cwtypes.StatisticAverage,
		Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String(fmt.Sprintf("i-%05d", i))}},
		Period:     aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(80),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}
	if i%5 == 0 {
		fn := fmt.Sprintf("fn-%d", i/5)
		in.AlarmName, in.Namespace, in.MetricName = aws.String(fn+"-errors"), aws.String("AWS/Lambda"), aws.String("Errors")
		in.Dimensions = []cwtypes.Dimension{{Name: aws.String("FunctionName"), Value: aws.String(fn)}}
	}
	if _, err := cw.PutMetricAlarm(ctx, in); err != nil {
		return err
	}
	if i%100 != 0 { // one in a hundred fires, fn-0's among them
		return nil
	}
	_, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: in.AlarmName,
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("scale test")})
	return err
}

// byAction counts calls by service and action, most first.
func byAction(calls []faultproxy.Call) string {
	counts := map[string]int{}
	for _, c := range calls {
		counts[c.Service+" "+c.Action]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %6d %s\n", counts[k], k)
	}
	return b.String()
}

// checkFrameRows fails unless the captured screen has height rows and every
// row drawn inside a pane frame ends with the frame's border at the last
// column: a row the terminal wrapped or a stale row breaks that.
func checkFrameRows(t *testing.T, screen string, width, height int) {
	t.Helper()
	rows := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	if len(rows) != height {
		t.Fatalf("the screen has %d rows, want %d:\n%s", len(rows), height, screen)
	}
	for i, row := range rows {
		if w := ansi.StringWidth(row); w > width {
			t.Fatalf("row %d is %d wide:\n%s", i, w, screen)
		}
		if strings.ContainsAny(row, "│┃") {
			if w := ansi.StringWidth(row); w != width || !strings.ContainsAny(row[len(row)-3:], "│┃┐┘┓┛╮╯") {
				t.Fatalf("row %d (%d wide) does not end with the frame's border:\n%s", i, w, screen)
			}
		}
	}
}
