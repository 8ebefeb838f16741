package cmd

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/offline"
	"watchtrail/internal/tmuxtest"
)

// builds are the binaries built for this package's tests, one per set of
// build flags: linking is the slow part of an end-to-end test. TestMain
// removes dir.
var builds struct {
	sync.Mutex
	dir  string
	bins map[string]string
}

// buildBinary builds the watchtrail binary with flags, once for all tests.
func buildBinary(t *testing.T, flags ...string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	key := strings.Join(flags, "\x00")
	if bin, ok := builds.bins[key]; ok {
		return bin
	}
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "watchtrail-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		builds.dir, builds.bins = dir, map[string]string{}
	}
	bin := filepath.Join(builds.dir, fmt.Sprint(len(builds.bins)), "watchtrail")
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, flags...), "watchtrail")...)
	// The go command may fetch modules: it is not the program under test.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasSuffix(strings.ToLower(k), "_proxy") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	builds.bins[key] = bin
	return bin
}

// cleanEnv is the whole environment of a binary under test: an empty home,
// no AWS settings but extra, no instance-metadata probing, and any request
// beyond 127.0.0.1 refused and reported.
func cleanEnv(t *testing.T, extra ...string) string {
	home := t.TempDir()
	env := append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home + "/.config", "XDG_STATE_HOME=" + home + "/.local/state",
		"TERM=xterm-256color", "PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}, offline.Env()...)
	return "env -i " + strings.Join(append(env, extra...), " ")
}

func TestVersionOfTheBuiltBinary(t *testing.T) {
	bin := buildBinary(t, "-ldflags", "-X watchtrail/cmd.version=v9.8.7")
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil || string(out) != "watchtrail v9.8.7\n" {
			t.Errorf("watchtrail %s: %q, %v", arg, out, err)
		}
	}
}

func TestEndToEndDemoIncidentDrillDown(t *testing.T) {
	bin := buildBinary(t)
	// HOME is emptied so no real AWS config or credentials are picked up.
	command := cleanEnv(t) + " " + bin + " --demo-incident-after=3s --refresh=1s"
	s := tmuxtest.Start(t, 120, 40, command)

	s.WaitFor(15*time.Second, "DEMO", "Alarms", "Metrics", "Logs", "CloudTrail", "all clear")
	s.WaitFor(60*time.Second, "firing", "ALARM")
	s.Keys("Enter")
	drill := s.WaitFor(15*time.Second, "Drill-down", "▸ Suspects", "likely cause: UpdateFunctionConfiguration by alice")
	// The rank column widens with ten or more suspects ("›  1.").
	if first := regexp.MustCompile(`›\s+1\. .*`).FindString(drill); !strings.Contains(first, "UpdateFunctionConfigu") || !strings.Contains(first, "alice") {
		t.Fatalf("the first suspect should be alice's change:\n%s", drill)
	}
	s.Keys("Enter") // the focused top suspect's CloudTrail record
	s.WaitFor(5*time.Second, "CloudTrail event · UpdateFunctionConfiguration", `"memorySize": 128`)
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "▸ Suspects")
	s.Keys("Escape")
	s.WaitFor(5*time.Second, "Alarms", "CloudTrail")
	s.Resize(80, 24)
	screen := s.WaitFor(5*time.Second, "firing", "Alarms", "Metrics", "Logs", "CloudTrail")
	if lines := strings.Split(strings.TrimRight(screen, "\n"), "\n"); len(lines) != 24 {
		t.Fatalf("after resizing to 80x24 the screen has %d lines:\n%s", len(lines), screen)
	}
	s.Keys("?")
	s.WaitFor(5*time.Second, "Keys")
	s.Keys("q")
	s.WaitExit(5 * time.Second)
}

func TestEndToEndAgainstMoto(t *testing.T) {
	endpoint := motoserver.Start(t)
	now := time.Now().UTC()
	seed := motoserver.NewSeeder(t, endpoint)
	dims := []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String("i-0e2e")}}
	seed.Metric("AWS/EC2", "CPUUtilization", dims, now, 20, 25, 90, 97)
	seed.Alarm("e2e-cpu-high", "AWS/EC2", "CPUUtilization", dims, 80, cwtypes.StateValueAlarm)
	seed.Logs("/e2e/app", now, "ERROR disk full on /var (i-0e2e)", "INFO retrying")

	bin := buildBinary(t)
	command := cleanEnv(t, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1") +
		fmt.Sprintf(" %s --endpoint-url %s --log-group /e2e/app --refresh 1s", bin, endpoint)
	s := tmuxtest.Start(t, 140, 40, command)
	s.WaitFor(20*time.Second, "aws us-east-1 @ "+endpoint, "1 firing", "e2e-cpu-high", "CPUUtilization i-0e2e", "disk full on /var")
	s.Keys("Enter")
	s.WaitFor(15*time.Second, "Drill-down · e2e-cpu-high", "disk full")
	s.Keys("Escape") // alone: ESC followed at once by q would read as alt+q
	s.WaitFor(5*time.Second, "Alarms", "Logs")
	s.Keys("q")
	s.WaitExit(5 * time.Second)
}

// An endpoint that accepts connections and never answers is named as timed
// out on the screen after the SDK's response timeout (10 s), not left blank
// until the poll's own deadline.
func TestEndToEndSilentEndpointTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // never answered, closed with the listener's test
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	bin := buildBinary(t)
	command := cleanEnv(t, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1") +
		fmt.Sprintf(" %s --endpoint-url http://%s --log-group /app", bin, ln.Addr())
	s := tmuxtest.Start(t, 160, 30, command)
	s.WaitFor(30*time.Second, "timed out", "CloudWatch DescribeAlarms: the endpoint accepted the connection but sent no answer in time")
	s.Keys("q")
	s.WaitExit(5 * time.Second)
}
