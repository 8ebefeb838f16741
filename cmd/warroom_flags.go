package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"watchtrail/feed"
	"watchtrail/ui"
)

// warRoomFlags are the dashboard's flags for shared screens: kiosk mode,
// time zone, and the cost estimate.
type warRoomFlags struct {
	kiosk  bool
	rotate time.Duration
	tz     zoneValue
	dryRun bool
}

func (w *warRoomFlags) addFlags(fs *pflag.FlagSet) {
	w.tz = zoneValue{name: "UTC", loc: time.UTC}
	fs.BoolVar(&w.kiosk, "kiosk", false, "wall-screen mode: a large ALL CLEAR / N FIRING, firing alarms' drill-downs in turn; any key leaves it")
	fs.Var(durationAtLeast{&w.rotate, time.Second}, "rotate", "kiosk: how long each firing alarm's drill-down is shown (default 20s)")
	fs.Var(&w.tz, "tz", "time zone of every time shown: local, UTC or an Area/City name (t toggles local/UTC)")
	fs.BoolVar(&w.dryRun, "dry-run", false, "print the estimated CloudWatch API cost of this configuration and exit")
}

// apply copies the flags into the dashboard's configuration.
func (w *warRoomFlags) apply(cfg *ui.Config, g *globals) {
	cfg.Kiosk, cfg.Rotate, cfg.Zone = w.kiosk, w.rotate, w.tz.loc
	cfg.Region, cfg.TrailBucket = first(g.regions), g.trailBucket != ""
	cfg.OpenLinks, cfg.Environ = true, os.Environ()
}

// zoneValue is a --tz flag: local, UTC or an IANA zone name.
type zoneValue struct {
	name string
	loc  *time.Location
}

func (z *zoneValue) String() string { return z.name }
func (z *zoneValue) Type() string   { return "zone" }
func (z *zoneValue) Set(s string) error {
	loc, err := parseZone(s)
	if err != nil {
		return err
	}
	z.name, z.loc = s, loc
	return nil
}

func parseZone(s string) (*time.Location, error) {
	switch strings.ToLower(s) {
	case "local":
		return time.Local, nil
	case "utc":
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return nil, fmt.Errorf("%q is not a time zone: use local, UTC or an Area/City name such as Europe/Berlin", s)
	}
	return loc, nil
}

// printCostEstimate is --dry-run: what the configuration costs a day and a
// month, counting the alarms the source lists now.
func printCostEstimate(cmd *cobra.Command, cfg ui.Config) error {
	alarms, err := cfg.Source.ListAlarms(cmd.Context())
	if err != nil {
		return fmt.Errorf("listing the alarms to estimate their cost: %w", err)
	}
	w := cmd.OutOrStdout()
	c := ui.CostConfig(cfg, alarms)
	e := feed.EstimateCost(c)
	fmt.Fprintf(w, "watchtrail: estimated CloudWatch API cost of this configuration (prices as of %s)\n", feed.PricesAsOf)
	if cfg.Demo {
		fmt.Fprintln(w, "  (the demo account makes no AWS calls: this is what the same polling would cost on AWS)")
	}
	fmt.Fprintf(w, "  per day:    $%.2f\n  per month:  $%.2f (30 days)\n", e.PerDay, e.PerMonth())
	fmt.Fprintf(w, "  alarms: %d, metrics charted: %d, refresh: %s, metrics fetched once per period: %v\n",
		c.Alarms, len(c.Metrics), c.Refresh, c.CostAware)
	fmt.Fprintf(w, "  GetMetricData: %.0f metrics requested a day in %.0f calls\n", e.MetricsRequested, e.GetMetricDataCalls)
	if n := feed.OneMetricCall.Queries; len(c.Metrics) > n {
		fmt.Fprintf(w, "  (more metrics than one call takes: at most %d a poll, firing alarms' and those on screen first, the rest in turn)\n", n)
	}
	if e.LiveTailMinutes > 0 {
		fmt.Fprintf(w, "  Live Tail: %.0f session minutes a day\n", e.LiveTailMinutes)
	}
	if e.S3Requests > 0 {
		fmt.Fprintf(w, "  S3 (trail bucket): %.0f requests a day\n", e.S3Requests)
	}
	for _, name := range []string{"DescribeAlarms", "FilterLogEvents", "LookupEvents"} {
		n, ok := e.FreeCalls[name]
		switch {
		case !ok:
		case name == "FilterLogEvents" && e.LogCallsMost > 0:
			fmt.Fprintf(w, "  %s: %.0f calls a day while the groups are quiet, at most %.0f while they are busy "+
				"(the 5 a second quota, shared by all %d groups; not billed)\n", name, n, e.LogCallsMost, c.LogGroups)
		default:
			fmt.Fprintf(w, "  %s: %.0f calls a day (not billed)\n", name, n)
		}
	}
	return nil
}
