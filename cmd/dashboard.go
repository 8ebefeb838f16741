package cmd

import (
	"context"
	"io"
	"log"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"watchtrail/sources"
	"watchtrail/sources/demo"
	"watchtrail/ui"
)

// dashboardFlags are the flags of the dashboard (watchtrail with no
// subcommand).
type dashboardFlags struct {
	refresh   time.Duration
	metrics   []sources.MetricSpec
	logGroups []string
	filter    string
	liveTail  bool
	dashboard string
	warRoomFlags
}

func (d *dashboardFlags) addFlags(fs *pflag.FlagSet) {
	fs.Var(durationAtLeast{&d.refresh, minRefresh}, "refresh", "poll interval, at least 1s (default 15s for AWS, 2s for the demo)")
	fs.Var(newList(&d.metrics, "metric", sources.ParseMetricSpec), "metric",
		"extra metric to chart, namespace/metric/dim=value[,dim=value][:stat] (repeatable)")
	fs.Var(newList(&d.logGroups, "group", parseLogGroup), "log-group", "log group to tail (repeatable)")
	fs.Var(checkedString{&d.filter, "pattern", checkFilter}, "filter", "CloudWatch Logs filter pattern for the tailed groups")
	fs.BoolVar(&d.liveTail, "live-tail", false, "stream log groups with CloudWatch Logs Live Tail (StartLiveTail; billed per minute) "+
		"instead of polling; falls back to polling if unavailable")
	fs.StringVar(&d.dashboard, "dashboard", "", "open this CloudWatch dashboard (GetDashboard) over the panes; d picks one in the app")
	d.warRoomFlags.addFlags(fs)
}

// runDashboard runs the TUI; tests replace it to see the configuration.
var runDashboard = func(cfg ui.Config) error {
	_, err := tea.NewProgram(ui.New(cfg), tea.WithAltScreen(), tea.WithFPS(ui.FrameRate),
		tea.WithOutput(ui.ScrollingOutput(os.Stdout))).Run()
	return err
}

func (d *dashboardFlags) run(cmd *cobra.Command, g *globals) error {
	cfg, err := d.uiConfig(cmd.Context(), g, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	// Anything logged through the standard logger while the screen is
	// drawn would scroll it: send it to the log file as well.
	if d.dryRun {
		return printCostEstimate(cmd, cfg)
	}
	defer log.SetOutput(log.Writer())
	log.SetOutput(g.sdkLog())
	cfg.Book = g.book(osUser())
	if cfg.Notebook != nil {
		defer cfg.Notebook.Close()
	}
	return runDashboard(cfg)
}

// uiConfig opens the source and fills in the defaults that depend on it;
// any command that shows the dashboard (e.g. over SSH) starts from it.
func (d *dashboardFlags) uiConfig(ctx context.Context, g *globals, notes io.Writer) (ui.Config, error) {
	src, err := g.openSource(ctx, notes)
	if err != nil {
		return ui.Config{}, err
	}
	cfg := ui.Config{
		Source:    src,
		Refresh:   d.refresh,
		Metrics:   d.metrics,
		LogGroups: d.logGroups,
		LogFilter: d.filter,
		LiveTail:  d.liveTail,
		Dashboard: d.dashboard,
	}
	if dm, ok := src.(*demo.Source); ok {
		cfg.Demo = true
		if len(cfg.LogGroups) == 0 {
			cfg.LogGroups = dm.LogGroups()
		}
		cfg.Metrics = append(dm.WatchedMetrics(), cfg.Metrics...)
	}
	if checker, ok := src.(sources.IntegrityChecker); ok && g.trailBucket != "" {
		cfg.Integrity = checker // log file validation reads the bucket's digest files
	}
	cfg = cfg.WithDefaults()
	d.warRoomFlags.apply(&cfg, g)
	return cfg, nil
}
