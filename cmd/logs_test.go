package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/motoserver"
	"watchtrail/internal/syncbuf"
)

// seedStreams puts perStream events into each of streams of group, one a
// millisecond apart per stream, the streams interleaved in time and some
// events of different streams in the same millisecond; message "stream#n".
func seedStreams(t *testing.T, endpoint, group string, start time.Time, perStream int, streams ...string) {
	t.Helper()
	seed := motoserver.NewSeeder(t, endpoint)
	for si, st := range streams {
		events := make([]motoserver.LogEvent, perStream)
		for n := range events {
			events[n] = motoserver.LogEvent{At: start.Add(time.Duration(n*2+si%2) * time.Millisecond), Message: fmt.Sprintf("%s#%d", st, n)}
		}
		seed.LogEvents(group, st, events)
	}
}

type jsonLogLine struct {
	Time      string
	Timestamp int64
	Group     string
	Stream    string
	ID        string
	Message   string
}

func parseLogLines(t *testing.T, stdout string) []jsonLogLine {
	t.Helper()
	var out []jsonLogLine
	for _, line := range lines(stdout) {
		var l jsonLogLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		out = append(out, l)
	}
	return out
}

// checkOnceInOrder fails unless every line is there once, oldest first.
func checkOnceInOrder(t *testing.T, got []jsonLogLine, want int) {
	t.Helper()
	seen := map[string]bool{}
	for i, l := range got {
		key := l.Group + " " + l.Message
		if seen[key] {
			t.Fatalf("%s printed twice", key)
		}
		seen[key] = true
		if i > 0 && l.Timestamp < got[i-1].Timestamp {
			t.Fatalf("line %d (%s) is older than the one before it", i, key)
		}
	}
	if len(got) != want {
		t.Fatalf("%d lines, want %d", len(got), want)
	}
}

func TestLogsPrintsEveryEventOnceInOrderAcrossStreamsAndPages(t *testing.T) {
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("/cli/logs-%d", time.Now().UnixNano())
	start := time.Now().Add(-5 * time.Minute).Truncate(time.Second)
	// 12,000 events: more than one FilterLogEvents page (10,000) of moto.
	seedStreams(t, endpoint, group, start, 4000, "a", "b", "c")
	r := run(t, "logs", group, "--endpoint-url", endpoint, "--since", "10m", "--format", "json")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := parseLogLines(t, r.stdout)
	checkOnceInOrder(t, got, 12000)
	if got[0].Group != group || got[0].ID == "" || !strings.HasPrefix(got[0].Message, "a#0") && !strings.HasPrefix(got[0].Message, "c#0") {
		t.Fatalf("first line: %+v", got[0])
	}

	// --since as a date and time, --until, text lines in UTC.
	r = run(t, "logs", group, "--endpoint-url", endpoint, "--tz", "UTC",
		"--since", start.UTC().Format(time.RFC3339), "--until", start.Add(10*time.Millisecond).UTC().Format(time.RFC3339Nano))
	if r.err != nil {
		t.Fatal(r.err)
	}
	text := lines(r.stdout)
	first := start.UTC().Format(logTimeLayout) + " " + group + " a a#0"
	if len(text) != 15 || text[0] != first {
		t.Fatalf("want the 15 events of the first 10 ms, from %q, got %d:\n%s", first, len(text), r.stdout)
	}
}

func TestLogsFiltersAndMergesGroups(t *testing.T) {
	endpoint := motoCredentials(t)
	prefix := fmt.Sprintf("/cli/merge-%d/", time.Now().UnixNano())
	start := time.Now().Add(-time.Minute).Truncate(time.Second)
	seed := motoserver.NewSeeder(t, endpoint)
	for gi, g := range []string{"web", "api"} {
		var events []motoserver.LogEvent
		for n := range 50 {
			level := []string{"INFO", "ERROR"}[n%5/4]
			events = append(events, motoserver.LogEvent{At: start.Add(time.Duration(n*100+gi*50) * time.Millisecond),
				Message: fmt.Sprintf("%s %s request %d", level, g, n)})
		}
		seed.LogEvents(prefix+g, "s", events)
	}
	r := run(t, "logs", prefix+"web", prefix+"api", "--endpoint-url", endpoint, "--format", "json")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := parseLogLines(t, r.stdout)
	checkOnceInOrder(t, got, 100)
	if got[0].Group != prefix+"web" || got[1].Group != prefix+"api" {
		t.Fatalf("the groups are not merged in time order: %+v, %+v", got[0], got[1])
	}
	r = run(t, "logs", "--group-pattern", prefix, "--endpoint-url", endpoint, "--filter", "ERROR", "--format", "json")
	if r.err != nil {
		t.Fatal(r.err)
	}
	got = parseLogLines(t, r.stdout)
	checkOnceInOrder(t, got, 20)
	for _, l := range got {
		if !strings.HasPrefix(l.Message, "ERROR") {
			t.Fatalf("--filter ERROR printed %q", l.Message)
		}
	}
}

func TestLogsRefusesBadInputNamingIt(t *testing.T) {
	endpoint := motoCredentials(t)
	missing := fmt.Sprintf("/cli/missing-%d", time.Now().UnixNano())
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"logs"}, "name at least one log group, or --group-pattern PREFIX"},
		{[]string{"logs", "bad group"}, `"bad group" is not a log group name`},
		{[]string{"logs", "/a", "--since", "yesterday"}, `since`},
		{[]string{"logs", "/a", "--since", "1h", "--until", "2h"}, "is not before until"},
		{[]string{"logs", "/a", "--format", "xml"}, `"xml": want one of text, json`},
		{[]string{"logs", "/a", "--follow", "--until", "1h"}, "leave out --until"},
		{[]string{"logs", "/a", "--tz", "Mars/Olympus"}, "is not a time zone"},
		{[]string{"logs", missing, "--endpoint-url", endpoint}, "log group " + missing + ": "},
		{[]string{"logs", "--group-pattern", missing, "--endpoint-url", endpoint}, "no log group's name starts with it"},
	} {
		if r := run(t, c.args...); r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.args, r.err, c.want)
		}
	}
}

func TestLogsFollowPrintsNewEventsOnceUntilInterrupted(t *testing.T) {
	followOnce(t)
}

// moto has no StartLiveTail: --live-tail says so and polls.
func TestLogsLiveTailFallsBackToPolling(t *testing.T) {
	if stderr := followOnce(t, "--live-tail"); !strings.Contains(stderr, "live tail unavailable") || !strings.Contains(stderr, "polling instead") {
		t.Fatalf("stderr %q: want the fallback named", stderr)
	}
}

// followOnce runs logs --follow (with more args) over events written before
// and while it runs, checks each is printed once, and returns stderr.
func followOnce(t *testing.T, args ...string) string {
	t.Helper()
	endpoint := motoCredentials(t)
	group := fmt.Sprintf("/cli/follow-%d", time.Now().UnixNano())
	seed := motoserver.NewSeeder(t, endpoint)
	// Events of the last seconds, which the tail re-reads after the backfill.
	seed.LogEvents(group, "s", []motoserver.LogEvent{{At: time.Now().Add(-20 * time.Second), Message: "before 1"}, {At: time.Now().Add(-time.Second), Message: "before 2"}})
	var out, errOut syncbuf.Buffer
	root := newRoot()
	root.SetArgs(append([]string{"logs", group, "--endpoint-url", endpoint, "--follow"}, args...))
	root.SetOut(&out)
	root.SetErr(&errOut)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- root.ExecuteContext(ctx) }()
	waitFor := func(text string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !strings.Contains(out.String(), text); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("%q not printed in 15 s; stdout:\n%s\nstderr:\n%s", text, out.String(), errOut.String())
			}
		}
	}
	waitFor("before 2")
	seed.LogEvents(group, "s", []motoserver.LogEvent{{At: time.Now(), Message: "after 1"}})
	seed.LogEvents(group, "t", []motoserver.LogEvent{{At: time.Now(), Message: "after 2"}})
	waitFor("after 2")
	waitFor("after 1")
	time.Sleep(1500 * time.Millisecond) // a few more polls
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Ctrl-C ends --follow without an error, got %v", err)
	}
	for _, msg := range []string{"before 1", "before 2", "after 1", "after 2"} {
		if n := strings.Count(out.String(), msg); n != 1 {
			t.Errorf("%q printed %d times:\n%s", msg, n, out.String())
		}
	}
	return errOut.String()
}
