package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"watchtrail/text"
	"watchtrail/theme"
)

// commands are the subcommands, each defined in its own file. A constructor
// gets the global flags; it reads its data through g.openSource, so every
// subcommand honours --profile, --demo, ... alike. cobra adds "completion".
var commands = []func(g *globals) *cobra.Command{
	newConfigCmd, newIncidentsCmd, newLogsCmd, newQueryCmd, newServeCmd, newSetupCmd, newTrailCmd, newTriageCmd, newVersionCmd,
}

// skipConfig is the annotation of commands that must work whatever the
// config file says (version, completion).
const skipConfig = "watchtrail/skip-config"

// globals are the flags every subcommand shares: where the data comes from,
// the config and log files, colours.
type globals struct {
	demo          bool
	incidentAfter time.Duration
	demoStart     string // RFC 3339; "" is now
	stateDir      string // where the incident notebook is kept
	profiles      []string
	regions       []string
	endpointURL   string
	trailBucket   string
	trailLogGroup string
	changesGroup  string // the change feed's log group (--changes-log-group)
	org           orgFlags
	configPath    string
	logFile       string
	noColor       bool
}

func (g *globals) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&g.demo, "demo", false, "use the embedded demo account (the default when no AWS credentials are found)")
	fs.DurationVar(&g.incidentAfter, "demo-incident-after", 20*time.Second, "demo: when the scripted incident starts")
	fs.Var(checkedString{&g.demoStart, "time", checkTime}, "demo-start",
		"demo: when its story begins (default: now); the same time replays the same incidents and event IDs")
	fs.StringVar(&g.stateDir, "state-dir", defaultStateDir(), "where the war room's incident notebook (verdicts, notes, pins) is kept")
	fs.Var(newNames(&g.profiles, "profiles"), "profile",
		"AWS shared config profile; several (a,b or repeated) are merged into one view (default: the standard credential chain)")
	fs.Var(newNames(&g.regions, "regions"), "region",
		"AWS region; several (us-east-1,eu-west-1 or repeated) are merged into one view (default: from the profile or AWS_REGION)")
	fs.Var(checkedString{&g.endpointURL, "url", checkEndpoint}, "endpoint-url", "send every AWS call to this endpoint, e.g. a local emulator")
	fs.Var(checkedString{&g.trailBucket, "s3-url", checkTrailBucket}, "trail-bucket",
		"read CloudTrail from the trail's S3 bucket, s3://bucket/prefix, instead of LookupEvents")
	fs.Var(checkedString{&g.trailLogGroup, "group", checkLogGroup}, "trail-log-group",
		"read CloudTrail from the CloudWatch Logs group the trail delivers to (name or ARN), instead of LookupEvents")
	fs.Var(checkedString{&g.changesGroup, "group", checkLogGroup}, "changes-log-group",
		"also read the CloudTrail management events an EventBridge rule writes into this log group (seconds old; see `watchtrail setup changes-feed`)")
	g.org.addFlags(fs)
	fs.StringVar(&g.configPath, "config", "", "config file (default "+defaultConfigPath()+")")
	fs.StringVar(&g.logFile, "log-file", defaultLogPath(), "where the AWS SDK's own log lines go (never the terminal)")
	fs.BoolVar(&g.noColor, "no-color", !theme.ColorWanted(), "draw without colours (also when NO_COLOR is set)")
}

// Execute runs the command line; an error is printed and ends the process
// with status 1.
func Execute() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "watchtrail:", errorText(err))
		os.Exit(1)
	}
}

// errorText is err's message made safe for the terminal line by line: the
// AWS SDK echoes a region or profile name as given, escape sequences and all.
func errorText(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		lines[i] = text.Sanitize(line)
	}
	return strings.Join(lines, "\n")
}

func newRoot() *cobra.Command {
	// A subcommand's own PersistentPreRun must not replace the root's,
	// which applies the config file.
	cobra.EnableTraverseRunHooks = true
	g := &globals{}
	d := &dashboardFlags{}
	root := &cobra.Command{
		Use:   "watchtrail",
		Short: "A terminal dashboard for AWS observability",
		Long: `watchtrail polls CloudWatch alarms and metrics, tails CloudWatch Logs and
CloudTrail into live panes, and drills down from a firing alarm to the API
calls and log lines on the same resource around the moment it fired.

Without AWS credentials it starts a demo account. Every flag can also be set
in the config file (` + defaultConfigPath() + `), under the
flag's name; flags given on the command line win.`,
		Example: `  # the demo account: no AWS needed
  watchtrail --demo

  # a real account, with log groups to tail and an extra metric
  watchtrail --profile prod --region eu-west-1 --log-group /aws/lambda/checkout-api \
    --metric 'AWS/ApplicationELB/TargetResponseTime/LoadBalancer=app/web/50dc6c495c0c9188:p99'

  # a local emulator
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    watchtrail --endpoint-url http://127.0.0.1:5000 --region us-east-1

  # shell completion
  source <(watchtrail completion bash)`,
		Version:           versionString(),
		Args:              cobra.NoArgs,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return g.prepare(cmd) },
		RunE:              func(cmd *cobra.Command, _ []string) error { return d.run(cmd, g) },
	}
	root.SetVersionTemplate("watchtrail {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w (see watchtrail --help)", err)
	})
	g.addFlags(root.PersistentFlags())
	d.addFlags(root.Flags())
	for _, newCmd := range commands {
		root.AddCommand(newCmd(g))
	}
	return root
}

// prepare runs before any command: it applies the config file to the flags
// not given on the command line.
func (g *globals) prepare(cmd *cobra.Command) error {
	if skipsConfig(cmd) {
		return nil
	}
	if err := loadConfig(cmd, g.configPath); err != nil {
		return err
	}
	theme.UseColor(!g.noColor)
	return nil
}

// skipsConfig: cmd, or a command above it, must work whatever the config
// file says.
func skipsConfig(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		// cobra adds "completion" itself, when the command line runs.
		if c.Annotations[skipConfig] != "" || c.Name() == "completion" && c.Parent() == cmd.Root() {
			return true
		}
	}
	return false
}
