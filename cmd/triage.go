package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/filter"
	"watchtrail/notebook"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/triage"
)

// triageFlags are the flags of `watchtrail triage`.
type triageFlags struct {
	outputFlags
	at        string
	logGroups []string
	wait      time.Duration
}

// triageWaitPoll is how often `triage --wait` reads the window again, as
// the trail pane polls the trail; triageWaitDefault is --wait without a
// duration: long enough for CloudTrail's delivery lag after a firing.
const (
	triageWaitPoll    = 30 * time.Second
	triageWaitDefault = 20 * time.Minute
)

func newTriageCmd(g *globals) *cobra.Command {
	f := &triageFlags{}
	cmd := &cobra.Command{
		Use:   "triage ALARM",
		Short: "Rank the changes that could have caused an alarm, without the dashboard",
		Long: `Run the drill-down's analysis for one alarm and print it: the alarm, when its
metric left its baseline (the onset), the window, the related resources, the
changes in the window ranked with a reason and relation path each, the log
lines nearest the onset, and console links. For incident channels
(--format markdown) and scripts (--format json).

The analysis centres on the alarm's latest firing, or on --at. CloudTrail
delivers an event up to 15 minutes after the call: until then the report
says that changes may still be arriving (JSON: "complete": false) and never
"no related change". --wait reads the window again every 30 seconds until it
is complete (or for at most the duration given, default 20m) and prints the
final report. The exit
status is 1 for an unknown alarm, or when part of the analysis failed (the
report is still printed, naming what failed).`,
		Example: `  watchtrail triage checkout-api-errors
  watchtrail triage prod-web-5xx --at 2025-03-01T14:05:00Z --format markdown
  watchtrail triage orders-queue-age --format json | jq '.suspects[0]'
  watchtrail triage checkout-api-errors --wait          # until CloudTrail has delivered the window
  watchtrail triage checkout-api-errors --wait=5m`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(cmd, g, args[0]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.at, "at", "", "analyse this moment instead of the latest firing: a time (2025-03-01T14:05:00Z) or how long ago (90m)")
	fs.Var(newList(&f.logGroups, "group", parseLogGroup), "log-group", "log group to read besides the alarm resource's own (repeatable)")
	fs.DurationVar(&f.wait, "wait", 0, "read the window again until every trail reader has delivered it (or for at most this long; alone: "+triageWaitDefault.String()+"), then print")
	fs.Lookup("wait").NoOptDefVal = triageWaitDefault.String()
	f.outputFlags.addFlags(fs, "text", "markdown", "json")
	return cmd
}

func (f *triageFlags) run(cmd *cobra.Command, g *globals, name string) error {
	now := time.Now()
	var at time.Time
	if f.at != "" {
		var err error
		if at, err = filter.ParseSince(f.at, now); err != nil {
			return fmt.Errorf("--at: %w", err)
		}
		if at.After(now) {
			return fmt.Errorf("--at %s is in the future", at.UTC().Format(time.RFC3339))
		}
	}
	ctx, stop := interruptible(cmd.Context())
	defer stop()
	src, err := g.openSource(ctx, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	progress := newProgress(cmd, f.progress)
	progress.show("finding alarm %s in %s", name, src.Describe())
	alarms, err := src.ListAlarms(ctx)
	if err != nil && len(alarms) == 0 {
		progress.done()
		return fmt.Errorf("listing alarms: %w", err)
	}
	alarm, err := findAlarm(alarms, name)
	if err != nil {
		progress.done()
		return err
	}
	progress.show("analysing %s: related resources, changes, metric, logs", alarm.Name)
	msg := triage.Run(ctx, src, alarm, triage.Options{Now: now, At: at, LogGroups: f.logGroups})
	for deadline := now.Add(f.wait); !msg.Complete && time.Now().Before(deadline); {
		next := min(deadline.Sub(time.Now()), time.Until(msg.CompleteAt), triageWaitPoll)
		progress.show("waiting for changes still arriving (complete at %s): %s", msg.CompleteAt.UTC().Format("15:04:05"), triage.DeliveryText(msg.Deliveries))
		select {
		case <-ctx.Done():
			deadline = time.Time{}
		case <-time.After(max(next, 0)):
			msg = triage.Run(ctx, src, alarm, triage.Options{Now: time.Now(), At: at, LogGroups: f.logGroups})
		}
	}
	progress.done()
	if err := writeTriage(cmd.OutOrStdout(), msg, g.notebookOf(cmd.ErrOrStderr(), msg), f.format); err != nil {
		return err
	}
	if len(msg.Errors) > 0 {
		return fmt.Errorf("the analysis is incomplete: %w", errors.Join(msg.Errors...))
	}
	return nil
}

// findAlarm picks the alarm named name; with several sources the name may
// be prefixed with the source's label ("prod/eu-west-1/name").
func findAlarm(alarms []sources.Alarm, name string) (sources.Alarm, error) {
	var found []sources.Alarm
	names := make([]string, 0, len(alarms))
	for _, a := range alarms {
		if a.Name == name || a.Source != "" && a.Source+"/"+a.Name == name {
			found = append(found, a)
		}
		names = append(names, a.Name)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var close []string
		for _, m := range text.FuzzyFilter(name, names) {
			if close = append(close, m.Item); len(close) == 5 {
				break
			}
		}
		if len(close) == 0 {
			return sources.Alarm{}, fmt.Errorf("no alarm named %q (%d alarms listed)", name, len(alarms))
		}
		return sources.Alarm{}, fmt.Errorf("no alarm named %q; did you mean: %s", name, strings.Join(close, ", "))
	}
	var where []string
	for _, a := range found {
		where = append(where, a.Source+"/"+a.Name)
	}
	return sources.Alarm{}, fmt.Errorf("alarm %q is in %d sources; name one: %s", name, len(found), strings.Join(where, ", "))
}

// notebookOf is what the notebook in --state-dir holds about the incident
// of msg, which it records. Without a notebook (it cannot be opened) the
// report goes without, saying why on notes.
func (g *globals) notebookOf(notes io.Writer, msg triage.Result) *notebook.Entries {
	store, err := g.openNotebook()
	if err == nil {
		defer store.Close()
		inc := notebook.IncidentOf(msg)
		if notebook.Fired(msg) {
			err = store.RecordIncident(inc, notebook.RecoveredAt(msg))
		}
		if err == nil {
			var e notebook.Entries
			if e, err = store.Load(inc); err == nil {
				return &e
			}
		}
	}
	fmt.Fprintf(notes, "watchtrail: the report has no notebook: %v\n", err)
	return nil
}

// writeTriage prints the analysis, with the incident's notebook when there is one.
func writeTriage(w io.Writer, msg triage.Result, book *notebook.Entries, format string) error {
	var out []byte
	switch {
	case format == "json" && book != nil:
		b, err := notebook.FormatJSON(msg, *book)
		if err != nil {
			return err
		}
		out = append(b, '\n')
	case format == "json":
		b, err := triage.FormatJSON(msg)
		if err != nil {
			return err
		}
		out = append(b, '\n')
	case format == "markdown" && book != nil:
		out = []byte(notebook.FormatMarkdown(msg, *book))
	case format == "markdown":
		out = []byte(triage.FormatMarkdown(msg))
	case book != nil:
		out = []byte(notebook.FormatText(msg, *book))
	default:
		out = []byte(triage.FormatText(msg))
	}
	_, err := w.Write(out)
	return err
}
