// Command watchtrail is a terminal dashboard for AWS observability: CloudWatch
// alarms and metrics, live CloudWatch Logs and CloudTrail, and a drill-down
// from a firing alarm to the API calls and log lines around it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources/awssrc"
	"watchtrail/sources/demo"
	"watchtrail/theme"
	"watchtrail/ui"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "watchtrail:", err)
		os.Exit(1)
	}
}

type options struct {
	demo          bool
	profile       string
	region        string
	endpointURL   string
	trailBucket   string
	refresh       time.Duration
	configPath    string
	metrics       listFlag
	logGroups     listFlag
	filter        string
	liveTail      bool
	incidentAfter time.Duration
	noColor       bool
}

func parseFlags() options {
	var o options
	flag.BoolVar(&o.demo, "demo", false, "use the embedded demo account (the default when no AWS credentials are found)")
	flag.StringVar(&o.profile, "profile", "", "AWS shared config profile (default: the standard credential chain)")
	flag.StringVar(&o.region, "region", "", "AWS region (default: from the profile or AWS_REGION)")
	flag.StringVar(&o.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (e.g. a local emulator)")
	flag.StringVar(&o.trailBucket, "trail-bucket", "", "read CloudTrail from the trail's S3 bucket, s3://bucket/prefix, instead of LookupEvents")
	flag.DurationVar(&o.refresh, "refresh", 0, "poll interval (default 15s for AWS, 2s for the demo)")
	flag.StringVar(&o.configPath, "config", "", "config file (default "+defaultConfigPath()+" if it exists)")
	flag.Var(&o.metrics, "metric", "extra metric to chart, namespace/metric/dim=value:stat (repeatable)")
	flag.Var(&o.logGroups, "log-group", "log group to tail (repeatable)")
	flag.StringVar(&o.filter, "filter", "", "CloudWatch Logs filter pattern for the tailed groups")
	flag.BoolVar(&o.liveTail, "live-tail", false, "stream log groups with CloudWatch Logs Live Tail (StartLiveTail; billed per minute) instead of polling; falls back to polling if unavailable")
	flag.BoolVar(&o.noColor, "no-color", !theme.ColorWanted(), "draw without colours (also when NO_COLOR is set)")
	flag.DurationVar(&o.incidentAfter, "demo-incident-after", 20*time.Second, "demo: when the scripted incident starts")
	flag.Parse()
	return o
}

func run() error {
	o := parseFlags()
	theme.UseColor(!o.noColor)
	path, explicit := o.configPath, o.configPath != ""
	if !explicit {
		path = defaultConfigPath()
	}
	fc, err := readConfig(path, explicit)
	if err != nil {
		return err
	}
	metrics, err := parseMetrics(append(fc.Metrics, o.metrics...))
	if err != nil {
		return err
	}
	cfg := ui.Config{
		Refresh:   o.refresh,
		Metrics:   metrics,
		LogGroups: append(fc.LogGroups, o.logGroups...),
		LogFilter: o.filter,
		LiveTail:  o.liveTail,
	}
	if cfg.LogFilter == "" {
		cfg.LogFilter = fc.Filter
	}
	if err := chooseSource(&cfg, o); err != nil {
		return err
	}
	_, err = tea.NewProgram(ui.New(cfg), tea.WithAltScreen()).Run()
	return err
}

// chooseSource uses AWS when credentials (or an endpoint) are there, and the
// demo when asked or when there is nothing to connect to.
func chooseSource(cfg *ui.Config, o options) error {
	if !o.demo {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		awsCfg, err := awssrc.LoadConfig(ctx, awssrc.Options{Profile: o.profile, Region: o.region, EndpointURL: o.endpointURL})
		asked := o.profile != "" || o.endpointURL != "" || o.trailBucket != ""
		if err != nil && (asked || o.region != "") {
			return fmt.Errorf("loading AWS config: %w", err)
		}
		if err == nil && awssrc.HasCredentials(ctx, awsCfg) {
			if awsCfg.Region == "" {
				return fmt.Errorf("no AWS region: pass --region, set AWS_REGION, or set region in the profile")
			}
			src := awssrc.New(awsCfg, o.endpointURL)
			if o.trailBucket != "" {
				if err := src.UseTrailBucket(o.trailBucket); err != nil {
					return fmt.Errorf("--trail-bucket: %w", err)
				}
			}
			cfg.Source = src
			cfg.Refresh = orDefault(cfg.Refresh, 15*time.Second)
			return nil
		}
		if asked {
			return fmt.Errorf("no AWS credentials found (profile %q); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "+
				"(any values work for a local emulator), or run with --demo", o.profile)
		}
		fmt.Fprintln(os.Stderr, "watchtrail: no AWS credentials found, starting the demo (use --profile or AWS_PROFILE for a real account)")
	}
	d := demo.New(demo.Options{IncidentAfter: o.incidentAfter})
	cfg.Source, cfg.Demo = d, true
	cfg.Refresh = orDefault(cfg.Refresh, 2*time.Second)
	if len(cfg.LogGroups) == 0 {
		cfg.LogGroups = d.LogGroups()
	}
	cfg.Metrics = append(d.WatchedMetrics(), cfg.Metrics...)
	return nil
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}
