package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"watchtrail/sources"
	"watchtrail/sources/awssrc"
	"watchtrail/sources/demo"
)

// openSource is where every command gets its data: AWS when credentials (or
// an endpoint) are there, the demo when asked or when there is nothing to
// connect to. Several profiles or regions are merged into one source. Notes
// for the user go to notes, before any screen is drawn.
func (g *globals) openSource(ctx context.Context, notes io.Writer) (sources.Source, error) {
	if g.trailReaders() > 1 {
		return nil, errors.New("--trail-bucket, --trail-log-group and --trail-athena each say where to read CloudTrail from: pass one of them")
	}
	if a := g.org.athena; a.Table == "" && (a.Workgroup != "" || a.Output != "" || a.Region != "") {
		return nil, errors.New("--athena-workgroup, --athena-output and --athena-region go with --trail-athena")
	}
	if g.demo {
		return g.newDemo(), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if len(g.profiles) > 1 || len(g.regions) > 1 {
		return g.openMulti(ctx)
	}
	profile, region := first(g.profiles), first(g.regions)
	awsCfg, err := awssrc.LoadConfig(ctx, awssrc.Options{Profile: profile, Region: region,
		EndpointURL: g.endpointURL, Log: g.sdkLog()})
	asked := profile != "" || g.endpointURL != "" || g.trailReaders() > 0
	if err != nil && (asked || region != "") {
		return nil, fmt.Errorf("loading AWS config: %w", err)
	}
	if err == nil && awssrc.HasCredentials(ctx, awsCfg) {
		if awsCfg.Region == "" {
			return nil, fmt.Errorf("no AWS region: pass --region, set AWS_REGION, or set region in the profile")
		}
		src := awssrc.New(awsCfg, g.endpointURL)
		return src, g.useTrail(src)
	}
	if asked {
		return nil, fmt.Errorf("no AWS credentials found (profile %q); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "+
			"(any values work for a local emulator), or run with --demo", profile)
	}
	fmt.Fprintln(notes, "watchtrail: no AWS credentials found, starting the demo (use --profile or AWS_PROFILE for a real account)")
	return g.newDemo(), nil
}

// newDemo is the demo account, its story starting at --demo-start.
func (g *globals) newDemo() *demo.Source {
	start, _ := time.Parse(time.RFC3339, g.demoStart) // checked as the flag was set
	return demo.New(demo.Options{Start: start, IncidentAfter: g.incidentAfter, Composite: true})
}

// openMulti is one source per profile × region, merged.
func (g *globals) openMulti(ctx context.Context) (sources.Source, error) {
	m, err := awssrc.NewMulti(ctx, awssrc.Options{EndpointURL: g.endpointURL, Log: g.sdkLog()}, g.profiles, g.regions)
	if err != nil {
		return nil, err
	}
	for _, mb := range m.Members() {
		if err := g.useTrail(mb.Source.(*awssrc.Source)); err != nil {
			return nil, fmt.Errorf("%s: %w", mb.Label, err)
		}
	}
	return m, nil
}

// useTrail points src at the trail's bucket, log group or Athena table,
// when given, and applies the monitoring account's flags.
func (g *globals) useTrail(src *awssrc.Source) error {
	if err := g.org.useOrg(src); err != nil {
		return err
	}
	switch {
	case g.trailBucket != "":
		if err := src.UseTrailBucket(g.trailBucket); err != nil {
			return fmt.Errorf("--trail-bucket: %w", err)
		}
	case g.trailLogGroup != "":
		if err := src.UseTrailLogGroup(g.trailLogGroup); err != nil {
			return fmt.Errorf("--trail-log-group: %w", err)
		}
	case g.org.athena.Table != "":
		if err := src.UseTrailAthena(g.org.athena); err != nil {
			return fmt.Errorf("--trail-athena: %w", err)
		}
	}
	if g.changesGroup != "" {
		if err := src.UseChangesLogGroup(g.changesGroup); err != nil {
			return fmt.Errorf("--changes-log-group: %w", err)
		}
	}
	return nil
}

func first(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// sdkLog is the log file as a writer; it is created on the first line.
func (g *globals) sdkLog() io.Writer {
	if g.logFile == "" {
		return io.Discard
	}
	return &lazyFile{path: g.logFile}
}

// defaultLogPath is $XDG_STATE_HOME/watchtrail/watchtrail.log, by default
// under ~/.local/state.
func defaultLogPath() string {
	return filepath.Join(xdgDir("XDG_STATE_HOME", ".local", "state"), "watchtrail", "watchtrail.log")
}

// xdgDir is the XDG base directory named by env, else ~/<fallback...>.
func xdgDir(env string, fallback ...string) string {
	if dir := os.Getenv(env); filepath.IsAbs(dir) {
		return dir
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(append([]string{home}, fallback...)...)
}

// lazyFile appends to a file it creates on the first write, so that runs
// that log nothing leave nothing behind. When the file cannot be opened the
// lines are dropped: they must never fall back to the terminal.
type lazyFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	err  error
}

func (l *lazyFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil && l.err == nil {
		if l.err = os.MkdirAll(filepath.Dir(l.path), 0o700); l.err == nil {
			l.f, l.err = os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		}
	}
	if l.f == nil {
		return len(p), nil
	}
	return l.f.Write(p)
}
