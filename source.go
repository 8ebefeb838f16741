package main

import (
	"context"
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
// connect to. Notes for the user go to notes, before any screen is drawn.
func (g *globals) openSource(ctx context.Context, notes io.Writer) (sources.Source, error) {
	if g.demo {
		return demo.New(demo.Options{IncidentAfter: g.incidentAfter}), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	awsCfg, err := awssrc.LoadConfig(ctx, awssrc.Options{Profile: g.profile, Region: g.region,
		EndpointURL: g.endpointURL, Log: g.sdkLog()})
	asked := g.profile != "" || g.endpointURL != "" || g.trailBucket != ""
	if err != nil && (asked || g.region != "") {
		return nil, fmt.Errorf("loading AWS config: %w", err)
	}
	if err == nil && awssrc.HasCredentials(ctx, awsCfg) {
		if awsCfg.Region == "" {
			return nil, fmt.Errorf("no AWS region: pass --region, set AWS_REGION, or set region in the profile")
		}
		src := awssrc.New(awsCfg, g.endpointURL)
		if g.trailBucket != "" {
			if err := src.UseTrailBucket(g.trailBucket); err != nil {
				return nil, fmt.Errorf("--trail-bucket: %w", err)
			}
		}
		return src, nil
	}
	if asked {
		return nil, fmt.Errorf("no AWS credentials found (profile %q); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "+
			"(any values work for a local emulator), or run with --demo", g.profile)
	}
	fmt.Fprintln(notes, "watchtrail: no AWS credentials found, starting the demo (use --profile or AWS_PROFILE for a real account)")
	return demo.New(demo.Options{IncidentAfter: g.incidentAfter}), nil
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
