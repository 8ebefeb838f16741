package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/offline"
	"watchtrail/ui"
)

func TestMain(m *testing.M) {
	code := offline.Main(m)
	motoserver.Stop()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// noAWS clears every AWS setting a developer machine may have, and points
// the XDG directories at empty temporary ones.
func noAWS(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, ".local", "state"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "NO_COLOR"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// result is one in-process run of the command line.
type result struct {
	cfg            *ui.Config // the dashboard's configuration, when it would have started
	stdout, stderr string
	err            error
}

// run executes the command line in-process; the dashboard is not started,
// its configuration is returned instead.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var r result
	saved := runDashboard
	runDashboard = func(cfg ui.Config) error { r.cfg = &cfg; return nil }
	defer func() { runDashboard = saved }()
	var out, errOut bytes.Buffer
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	r.err = root.ExecuteContext(context.Background())
	r.stdout, r.stderr = out.String(), errOut.String()
	return r
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWithoutCredentialsTheDemoStarts(t *testing.T) {
	noAWS(t)
	r := run(t)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if c := r.cfg; !c.Demo || !strings.HasPrefix(c.Source.Describe(), "demo") || len(c.LogGroups) == 0 || c.Refresh != 2*time.Second {
		t.Fatalf("want the demo with its log groups, got %+v", c)
	}
	if !strings.Contains(r.stderr, "no AWS credentials found, starting the demo") {
		t.Fatalf("stderr %q, want a note about the demo", r.stderr)
	}
}

func TestCredentialsWithoutARegionIsAClearError(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "a")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "b")
	if r := run(t); r.err == nil || !strings.Contains(r.err.Error(), "no AWS region") {
		t.Fatalf("got %v, want the missing region named", r.err)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	r := run(t)
	if r.err != nil || r.cfg.Demo || r.cfg.Source.Describe() != "aws default/eu-west-1" || r.cfg.Refresh != 15*time.Second {
		t.Fatalf("got %v and %+v, want the AWS source", r.err, r.cfg)
	}
}

func TestAnEndpointWithoutCredentialsDoesNotFallBackToTheDemo(t *testing.T) {
	noAWS(t)
	if r := run(t, "--endpoint-url", "http://127.0.0.1:1"); r.err == nil || !strings.Contains(r.err.Error(), "no AWS credentials") {
		t.Fatalf("got %v, want a credentials error rather than a silent demo", r.err)
	}
}

func TestVersion(t *testing.T) {
	noAWS(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := run(t, args...)
		if r.err != nil || r.stdout != "watchtrail "+versionString()+"\n" {
			t.Errorf("%v printed %q, %v", args, r.stdout, r.err)
		}
	}
	saved := version
	version = "v1.2.3"
	defer func() { version = saved }()
	if r := run(t, "version"); r.stdout != "watchtrail v1.2.3\n" {
		t.Errorf("with the version set at build time: %q", r.stdout)
	}
}

func TestHelpListsCommandsFlagsAndExamples(t *testing.T) {
	noAWS(t)
	r := run(t, "--help")
	for _, want := range []string{"Available Commands:", "completion", "version", "config", "Examples:",
		"watchtrail --demo", "--refresh duration", "--metric metric", "--log-file", "--endpoint-url url"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.cfg != nil {
		t.Error("--help started the dashboard")
	}
}

func TestShellCompletion(t *testing.T) {
	noAWS(t)
	for shell, want := range map[string]string{"bash": "__start_watchtrail", "zsh": "#compdef watchtrail", "fish": "complete -c watchtrail"} {
		if r := run(t, "completion", shell); r.err != nil || !strings.Contains(r.stdout, want) {
			t.Errorf("completion %s: %v, output lacks %q", shell, r.err, want)
		}
	}
	// Completion works whatever the config file holds.
	writeFile(t, defaultConfigPath(), "colour: red\n")
	if r := run(t, "completion", "bash"); r.err != nil {
		t.Errorf("completion with a bad config file: %v", r.err)
	}
}

func TestBadInputIsRefusedNamingWhatIsWrong(t *testing.T) {
	noAWS(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--refresh", "0"}, `invalid argument "0" for "--refresh" flag: the minimum is 1s`},
		{[]string{"--refresh=-5s"}, `"--refresh" flag: the minimum is 1s`},
		{[]string{"--refresh", "1ms"}, `"--refresh" flag: the minimum is 1s`},
		{[]string{"--refresh", "15"}, `"15" is not a duration`},
		{[]string{"--metric", "a/b/c="}, `dimension "c" has an empty value`},
		{[]string{"--metric", "AWS/EC2/CPUUtilization/InstanceId=i-1:Bogus"}, `unknown statistic "Bogus"`},
		{[]string{"--metric", "MyApp/Latency/D0=v,D1=v,D2=v,D3=v,D4=v,D5=v,D6=v,D7=v,D8=v,D9=v,D10=v,D11=v,D12=v,D13=v,D14=v,D15=v," +
			"D16=v,D17=v,D18=v,D19=v,D20=v,D21=v,D22=v,D23=v,D24=v,D25=v,D26=v,D27=v,D28=v,D29=v,D30=v"}, "more than 30 dimensions (CloudWatch allows at most 30)"},
		{[]string{"--endpoint-url", "not a url"}, `"not a url" is not an absolute http:// or https:// URL`},
		{[]string{"--endpoint-url", "localhost:4566"}, `is not an absolute http:// or https:// URL`},
		{[]string{"--trail-bucket", "bucket"}, `"--trail-bucket" flag`},
		{[]string{"--log-group", "has space"}, `"has space" is not a log group name`},
		{[]string{"--log-group", "arn:aws:logs:eu-west-1:1:function:x"}, `is not a log group ARN`},
		{[]string{"--filter", strings.Repeat("x", 1025)}, "CloudWatch Logs takes at most 1024"},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"extra"}, `unknown command "extra"`},
	} {
		r := run(t, c.args...)
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%.60q: got %v, want %q", c.args, r.err, c.want)
		}
		if r.cfg != nil {
			t.Errorf("%.60q started the dashboard", c.args)
		}
	}
}

func TestGoodInputIsAccepted(t *testing.T) {
	noAWS(t)
	r := run(t, "--demo", "--refresh", "1s", "--log-group", "/aws/lambda/x", "--log-group", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*",
		"--filter", "?ERROR ?timeout",
		"--metric", "AWS/ApplicationELB/TargetResponseTime/LoadBalancer=app/prod-web/50dc6c495c0c9188:p99")
	if r.err != nil {
		t.Fatal(r.err)
	}
	last := r.cfg.Metrics[len(r.cfg.Metrics)-1]
	if r.cfg.Refresh != time.Second || fmt.Sprint(r.cfg.LogGroups) != "[/aws/lambda/x arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*]" || r.cfg.LogFilter != "?ERROR ?timeout" ||
		last.Dims[0].Value != "app/prod-web/50dc6c495c0c9188" || last.Stat != "p99" {
		t.Fatalf("got %+v", r.cfg)
	}
}

func TestYAMLConfigSetsFlagsAndFlagsWin(t *testing.T) {
	noAWS(t)
	writeFile(t, defaultConfigPath(), `# every key is a flag's name
demo: true
refresh: 5s
filter: ERROR
log-group:
  - /aws/lambda/a
  - /aws/lambda/b
metric:
  - AWS/EC2/CPUUtilization/InstanceId=i-1:Maximum
live-tail: true
`)
	r := run(t)
	if r.err != nil {
		t.Fatal(r.err)
	}
	c := r.cfg
	if !c.Demo || c.Refresh != 5*time.Second || c.LogFilter != "ERROR" || fmt.Sprint(c.LogGroups) != "[/aws/lambda/a /aws/lambda/b]" ||
		c.Metrics[len(c.Metrics)-1].Key() != "AWS/EC2/CPUUtilization/InstanceId=i-1:Maximum" || !c.LiveTail {
		t.Fatalf("the config file was not applied: %+v", c)
	}
	r = run(t, "--refresh", "3s", "--log-group", "/cli", "--filter", "WARN")
	if r.err != nil || r.cfg.Refresh != 3*time.Second || fmt.Sprint(r.cfg.LogGroups) != "[/cli]" || r.cfg.LogFilter != "WARN" {
		t.Fatalf("flags must win over the file: %v %+v", r.err, r.cfg)
	}
}

func TestEveryFlagCanBeSetInTheConfigFile(t *testing.T) {
	noAWS(t)
	flags := configurableFlags(newRoot())
	for _, name := range []string{"demo", "profile", "region", "endpoint-url", "trail-bucket", "refresh", "metric",
		"log-group", "filter", "live-tail", "no-color", "log-file", "demo-incident-after"} {
		if flags[name] == nil {
			t.Errorf("flag %q cannot be set in the config file", name)
		}
	}
	for name := range flags {
		writeFile(t, defaultConfigPath(), name+": x\n")
		if r := run(t, "--help"); r.err != nil && strings.Contains(r.err.Error(), "unknown key") {
			t.Errorf("%s: %v", name, r.err)
		}
	}
}

// A byte order mark, as some editors write, is no part of the first key.
func TestConfigWithAByteOrderMarkIsRead(t *testing.T) {
	noAWS(t)
	for _, text := range []string{"\ufeffrefresh: 7s\n", "\ufeffrefresh = 7s\n"} {
		writeFile(t, defaultConfigPath(), text)
		if r := run(t); r.err != nil || r.cfg == nil || r.cfg.Refresh != 7*time.Second {
			t.Errorf("config %q: %v", text, r.err)
		}
	}
}

// An error is printed without the escape sequences of what was given: the
// SDK echoes a profile or region name as it is.
func TestErrorsArePrintedTerminalSafe(t *testing.T) {
	noAWS(t)
	r := run(t, "--profile", "p\x1b]0;pwned\x07\x1b[2J\u009b31m", "--dry-run")
	if r.err == nil || !strings.Contains(r.err.Error(), "\x1b") {
		t.Fatalf("want an error echoing the profile, got %v", r.err)
	}
	if got := errorText(r.err); strings.ContainsAny(got, "\x1b\x07\u009b") || !strings.Contains(got, "profile, p") {
		t.Fatalf("printed %q", got)
	}
	if got := errorText(errors.New("config.yaml: [1:7] bad\n>  1 | x\n       ^")); got != "config.yaml: [1:7] bad\n>  1 | x\n       ^" {
		t.Fatalf("a multi-line error became %q", got)
	}
}

func TestConfigErrorsNameFileLineAndKey(t *testing.T) {
	noAWS(t)
	path := defaultConfigPath()
	for text, want := range map[string]string{
		"demo: true\ncolour: red\n":                     path + `:2:1: unknown key "colour"`,
		"demo: true\n  refresh: 0s\n":                   path + ":",
		"refresh: 0s\n":                                 path + ":1:1: refresh: the minimum is 1s",
		"metric:\n  - NS/M/D=x:Bogus\n":                 path + `:1:1: metric: metric "NS/M/D=x:Bogus": unknown statistic "Bogus"`,
		"endpoint-url: [a, b]\n":                        path + ":1:1: endpoint-url: takes one value, not a list",
		"filter:\n":                                     path + ":1:1: filter: no value",
		"endpoint-url: not a url\n":                     path + `:1:1: endpoint-url: "not a url" is not an absolute`,
		"log-group:\n  nested: map\n":                   path + ":1:1: log-group: want a value or a list of values",
		"- just\n- a list\n":                            path + `:1:1: want "flag-name: value" lines`,
		"demo: true\n\nrefresh: 2s\nrefresh: 3s\n":      path + ":",
		"config: /elsewhere.yaml\n":                     path + `:1:1: unknown key "config"`,
		"region: &r us-east-1\nprofile: *r\n":           path + ":1:1: region: anchors (&) and aliases (*) are not read",
		"log-group: [a, *x]\n":                          path + ":1:1: log-group: anchors (&) and aliases (*) are not read",
		"&k demo: true\n":                               path + ":1:1: anchors (&) and aliases (*) are not read",
		"region: !!str us-east-1\n":                     path + ":1:1: region: tags (!) are not read",
		"filter: " + strings.Repeat("x", 70<<10) + "\n": path + ":1:1: filter: the filter pattern is 71680 bytes long",
		"profile: " + strings.Repeat("x", 1<<20) + "\n": path + ": over 256 KB, the most a config file may have",
	} {
		writeFile(t, path, text)
		r := run(t)
		if r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("config %.40q: got %v, want %q", text, r.err, want)
		}
	}
	if r := run(t, "--config", filepath.Join(t.TempDir(), "missing.yaml")); r.err == nil {
		t.Error("a missing --config file must be an error")
	}
	os.Remove(path)
	if r := run(t); r.err != nil {
		t.Errorf("a missing default config is not an error: %v", r.err)
	}
}

func TestTheOldConfigFormatIsReadWithANoteAndConverts(t *testing.T) {
	noAWS(t)
	old := writeFile(t, legacyConfigPath(), "# comment\nmetric = AWS/EC2/CPUUtilization/InstanceId=i-1:Maximum\n"+
		"log-group = /aws/lambda/x\nlog-group = /aws/lambda/y\nfilter = ERROR\ndemo = true\n")
	r := run(t)
	if r.err != nil || fmt.Sprint(r.cfg.LogGroups) != "[/aws/lambda/x /aws/lambda/y]" || r.cfg.LogFilter != "ERROR" {
		t.Fatalf("read %v, %+v", r.err, r.cfg)
	}
	if want := "watchtrail config convert " + old + " > " + defaultConfigPath(); !strings.Contains(r.stderr, want) {
		t.Fatalf("stderr %q, want the note %q", r.stderr, want)
	}
	conv := run(t, "config", "convert")
	if conv.err != nil {
		t.Fatal(conv.err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(conv.stdout), &doc); err != nil || fmt.Sprint(doc["log-group"]) != "[/aws/lambda/x /aws/lambda/y]" ||
		doc["filter"] != "ERROR" || doc["demo"] != "true" {
		t.Fatalf("converted %q, %v", conv.stdout, err)
	}
	writeFile(t, defaultConfigPath(), conv.stdout)
	os.Remove(old)
	if again := run(t); again.err != nil || fmt.Sprint(again.cfg.LogGroups) != fmt.Sprint(r.cfg.LogGroups) ||
		again.cfg.LogFilter != "ERROR" || len(again.cfg.Metrics) != len(r.cfg.Metrics) || again.stderr != "" {
		t.Fatalf("the converted file reads differently: %v %+v %q", again.err, again.cfg, again.stderr)
	}
}

func TestOldConfigErrorsNameFileAndLine(t *testing.T) {
	noAWS(t)
	path := legacyConfigPath()
	for text, want := range map[string]string{
		"metric = NS/M\ncolour = red\n":                           path + `:2: unknown key "colour"`,
		"metric = NS/M\nno equals sign\n":                         path + ":2: want name = value",
		"filter = ERROR\nmetric = " + strings.Repeat("x", 70<<10): path + ":2: line longer than 64 KB",
		"refresh = 1ms\n":                                         path + ":1: refresh: the minimum is 1s",
	} {
		writeFile(t, path, text)
		if r := run(t); r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("config %.40q: got %v, want %q", text, r.err, want)
		}
	}
}

// A subcommand added the way other files add theirs gets the config file
// applied to its own flags and opens the same source as the dashboard.
func TestSubcommandsShareConfigAndSource(t *testing.T) {
	noAWS(t)
	var limit int
	var described string
	saved := commands
	defer func() { commands = saved }()
	commands = append(commands, func(g *globals) *cobra.Command {
		cmd := &cobra.Command{Use: "probe", RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := g.openSource(cmd.Context(), cmd.ErrOrStderr())
			if err == nil {
				described = src.Describe()
			}
			return err
		}}
		cmd.Flags().IntVar(&limit, "probe-limit", 1, "")
		return cmd
	})
	writeFile(t, defaultConfigPath(), "probe-limit: 7\ndemo: true\n")
	if r := run(t, "probe"); r.err != nil || limit != 7 || !strings.HasPrefix(described, "demo") {
		t.Fatalf("probe: %v, limit %d, source %q", r.err, limit, described)
	}
	if r := run(t, "probe", "--probe-limit", "3"); r.err != nil || limit != 3 {
		t.Fatalf("the flag must win: %v, limit %d", r.err, limit)
	}
}

// Issue 18 item 12: with 5,000 log groups, --dry-run counts the
// FilterLogEvents calls the pacing makes, within the 5 a second quota.
func TestDryRunLogCallsFollowThePacing(t *testing.T) {
	noAWS(t)
	args := []string{"--demo", "--dry-run", "--refresh", "3s"}
	for i := range 5000 {
		args = append(args, "--log-group", fmt.Sprintf("/aws/lambda/f%04d", i))
	}
	r := run(t, args...)
	want := "FilterLogEvents: 172869 calls a day while the groups are quiet, at most 432000 while they are busy (the 5 a second quota, shared by all 5000 groups; not billed)"
	if r.err != nil || !strings.Contains(r.stdout, want) {
		t.Fatalf("%v, want %q in\n%s", r.err, want, r.stdout)
	}
}

// --dry-run prints the estimate; with more metrics than one GetMetricData
// call takes, it says they are refreshed in turn.
func TestDryRunSaysWhenMetricsAreRefreshedInTurn(t *testing.T) {
	noAWS(t)
	r := run(t, "--demo", "--dry-run")
	if r.err != nil || !strings.Contains(r.stdout, "per month:") || strings.Contains(r.stdout, "in turn") {
		t.Fatalf("13 metrics: %v\n%s", r.err, r.stdout)
	}
	args := []string{"--demo", "--dry-run"}
	for i := range 501 {
		args = append(args, "--metric", fmt.Sprintf("AWS/EC2/CPUUtilization/InstanceId=i-%04d", i))
	}
	r = run(t, args...)
	if r.err != nil || !strings.Contains(r.stdout, "at most 500 a poll, firing alarms' and those on screen first, the rest in turn") {
		t.Fatalf("514 metrics: %v\n%s", r.err, r.stdout)
	}
}
