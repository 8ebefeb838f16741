package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"watchtrail/filter"
	"watchtrail/notebook"
	"watchtrail/ui"
)

// defaultStateDir is $XDG_STATE_HOME/watchtrail, by default under
// ~/.local/state: where the incident notebook is kept.
func defaultStateDir() string {
	return filepath.Join(xdgDir("XDG_STATE_HOME", ".local", "state"), "watchtrail")
}

// openNotebook opens the notebook in --state-dir.
func (g *globals) openNotebook() (*notebook.Store, error) {
	return notebook.Open(g.stateDir)
}

// book is the notebook for a dashboard: one that cannot be opened leaves
// the dashboard without it, saying why in its status line.
func (g *globals) book(who string) ui.Book {
	store, err := g.openNotebook()
	return ui.Book{Notebook: store, NotebookErr: err, User: notebook.CleanWho(who)}
}

// osUser is who a verdict given at this terminal is from.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

// checkTime wants an RFC 3339 time.
func checkTime(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Errorf("%q is not a time like 2025-03-01T14:00:00Z", s)
	}
	return nil
}

// incidentsFlags are the flags of `watchtrail incidents`.
type incidentsFlags struct {
	outputFlags
	since string
}

func newIncidentsCmd(g *globals) *cobra.Command {
	f := &incidentsFlags{}
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "List recent incidents from the war room's notebook",
		Long: `List the incidents the notebook in --state-dir knows: each alarm firing that
someone drilled into, triaged or wrote about, newest first, with when it
fired and recovered, the cause people confirmed and how many notes and pins
it has. watchtrail triage ALARM prints one incident's whole report.`,
		Example: `  watchtrail incidents
  watchtrail incidents --since 7d --format json | jq '.[] | select(.causes == [])'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, g) },
	}
	cmd.Flags().StringVar(&f.since, "since", "24h", "incidents that fired since: how long ago (7d, 90m) or a time (2025-03-01T14:00:00Z)")
	f.outputFlags.addFlags(cmd.Flags(), "text", "json")
	return cmd
}

func (f *incidentsFlags) run(cmd *cobra.Command, g *globals) error {
	since, err := filter.ParseSince(f.since, time.Now())
	if err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	store, err := g.openNotebook()
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := store.Incidents(since)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return writeIncidentsJSON(cmd.OutOrStdout(), list)
	}
	return writeIncidentsText(cmd.OutOrStdout(), list, since)
}

// incidentJSON is one incident in `incidents --format json`.
type incidentJSON struct {
	Alarm     string     `json:"alarm"`
	Fired     time.Time  `json:"firedAt"`
	Recovered *time.Time `json:"recoveredAt,omitempty"`
	Causes    []string   `json:"causes"`
	Dismissed int        `json:"dismissed"`
	Notes     int        `json:"notes"`
	Pins      int        `json:"pins"`
}

func writeIncidentsJSON(w io.Writer, list []notebook.Summary) error {
	out := []incidentJSON{}
	for _, s := range list {
		j := incidentJSON{Alarm: s.Alarm, Fired: s.Fired, Causes: append([]string{}, s.Causes...), Dismissed: s.Dismissed, Notes: s.Notes, Pins: s.Pins}
		if !s.Recovered.IsZero() {
			j.Recovered = &s.Recovered
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func writeIncidentsText(w io.Writer, list []notebook.Summary, since time.Time) error {
	if len(list) == 0 {
		_, err := fmt.Fprintf(w, "no incidents since %s\n", since.UTC().Format("2006-01-02 15:04Z"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ALARM\tFIRED (UTC)\tRECOVERED\tCAUSE\tNOTES\tPINS")
	for _, s := range list {
		recovered, cause := "-", "unconfirmed"
		if !s.Recovered.IsZero() {
			recovered = s.Recovered.UTC().Format("15:04:05") + " (" + s.Recovered.Sub(s.Fired).Round(time.Second).String() + ")"
		}
		if len(s.Causes) > 0 {
			cause = strings.Join(s.Causes, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", s.Alarm, s.Fired.UTC().Format("2006-01-02 15:04:05"), recovered, cause, s.Notes, s.Pins)
	}
	return tw.Flush()
}
