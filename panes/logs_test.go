package panes

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
)

var feedTestStart = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// logsTestEvents makes n events msg-<from>..msg-<from+n-1>, one second apart.
func logsTestEvents(from, n int) []sources.LogEvent {
	events := make([]sources.LogEvent, n)
	for i := range events {
		k := from + i
		events[i] = sources.LogEvent{
			ID:      fmt.Sprintf("id-%d", k),
			Group:   "/aws/lambda/checkout-api",
			Stream:  "2025/03/14/[$LATEST]abc",
			Time:    feedTestStart.Add(time.Duration(k) * time.Second),
			Message: fmt.Sprintf("msg-%d", k),
		}
	}
	return events
}

// feedTestLines renders a pane and checks it is exactly w x h cells.
func feedTestLines(t *testing.T, p interface {
	SetSize(int, int)
	View(bool) string
}, w, h int) []string {
	t.Helper()
	out := fxDrawPane(p, w, h, true)
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: got %d lines:\n%s", w, h, len(lines), out)
	}
	for _, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Fatalf("%dx%d: line %q is %d wide", w, h, ansi.Strip(l), lw)
		}
	}
	for i := range lines {
		lines[i] = ansi.Strip(lines[i])
	}
	return lines
}

// feedTestBody is the text of the body rows, borders trimmed.
func feedTestBody(lines []string) []string {
	var body []string
	for _, l := range lines[1 : len(lines)-1] {
		r := []rune(l)
		body = append(body, strings.TrimSpace(string(r[1:len(r)-1])))
	}
	return body
}

func TestLogsRowShowsClockGroupAndMessage(t *testing.T) {
	l := NewLogs(100)
	e := logsTestEvents(0, 1)[0]
	e.Time = time.Date(2025, 3, 14, 10, 30, 5, 0, time.FixedZone("CET", 3600))
	l.Append([]sources.LogEvent{e})
	body := feedTestBody(feedTestLines(t, l, 80, 12))
	if !strings.HasPrefix(body[0], "09:30:05 checkout-api msg-0") {
		t.Fatalf("row %q, want UTC clock, short group, message", body[0])
	}
	if strings.Contains(strings.Join(body, ""), "/aws/lambda") {
		t.Fatal("group column should show only the last path element")
	}
}

func TestLogsEmptyState(t *testing.T) {
	l := NewLogs(10)
	lines := feedTestLines(t, l, 80, 12)
	if !strings.Contains(lines[1], "waiting for log events…") {
		t.Fatalf("empty pane shows %q", lines[1])
	}
	if _, ok := l.Selected(); ok {
		t.Fatal("Selected on an empty pane should be false")
	}
	l.Move(-5)
	l.Home()
	l.End()
	l.SetFilter("x")
	feedTestLines(t, l, 10, 3)
}

func TestLogsDropsDuplicatesByGroupAndID(t *testing.T) {
	l := NewLogs(100)
	l.Append(logsTestEvents(0, 10))
	l.Append(logsTestEvents(5, 10)) // 5..9 already held
	if l.Len() != 15 {
		t.Fatalf("Len %d, want 15", l.Len())
	}
	other := logsTestEvents(0, 1)
	other[0].Group = "/aws/lambda/payments"
	l.Append(other)
	if l.Len() != 16 {
		t.Fatalf("same eventId in another group must be kept: Len %d", l.Len())
	}
	noID := sources.LogEvent{Message: "no id"}
	l.Append([]sources.LogEvent{noID, noID})
	if l.Len() != 18 {
		t.Fatalf("events without an ID are never deduplicated: Len %d", l.Len())
	}
}

func TestLogsSeenSetFollowsTheRing(t *testing.T) {
	l := NewLogs(5)
	l.Append(logsTestEvents(0, 20))
	if l.Len() != 5 || len(l.feed.seen) != 5 {
		t.Fatalf("Len %d, seen %d, want 5 and 5", l.Len(), len(l.feed.seen))
	}
	if e, _ := l.Selected(); e.Message != "msg-19" {
		t.Fatalf("newest is %q", e.Message)
	}
	l.Append(logsTestEvents(0, 1)) // evicted long ago: new again
	if e, _ := l.Selected(); e.Message != "msg-0" || l.Len() != 5 {
		t.Fatalf("re-sent evicted event not appended: %q len %d", e.Message, l.Len())
	}
	l.Append(logsTestEvents(19, 1)) // still held: dropped
	if e, _ := l.Selected(); e.Message != "msg-0" {
		t.Fatalf("held event appended twice: newest %q", e.Message)
	}
}

func TestLogsFollowsNewestWhileAtBottom(t *testing.T) {
	l := NewLogs(1000)
	l.Append(logsTestEvents(0, 30))
	body := feedTestBody(feedTestLines(t, l, 80, 12))
	if !strings.HasSuffix(body[9], "msg-29") || !strings.HasSuffix(body[0], "msg-20") {
		t.Fatalf("want msg-20..msg-29 on screen, got %q .. %q", body[0], body[9])
	}
	l.Append(logsTestEvents(30, 5))
	lines := feedTestLines(t, l, 80, 12)
	if body := feedTestBody(lines); !strings.HasSuffix(body[9], "msg-34") {
		t.Fatalf("following pane did not pin to the newest: %q", body[9])
	}
	if strings.Contains(lines[0], "paused") || !strings.Contains(lines[0], "35 lines") {
		t.Fatalf("note %q", lines[0])
	}
}

func TestLogsPausedKeepsViewAndCountsNew(t *testing.T) {
	l := NewLogs(1000)
	l.Append(logsTestEvents(0, 30))
	fxDrawPane(l, 80, 12, true)
	l.Move(-3)
	before := feedTestBody(feedTestLines(t, l, 80, 12))
	if e, _ := l.Selected(); e.Message != "msg-26" {
		t.Fatalf("selected %q, want msg-26", e.Message)
	}
	l.Append(logsTestEvents(30, 12))
	lines := feedTestLines(t, l, 80, 12)
	if after := feedTestBody(lines); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("new events moved a paused view:\nbefore %q\nafter  %q", before, after)
	}
	if e, _ := l.Selected(); e.Message != "msg-26" {
		t.Fatalf("selection moved to %q", e.Message)
	}
	if !strings.Contains(lines[0], "paused · 12 new ↓") {
		t.Fatalf("note %q lacks the paused count", lines[0])
	}

	l.End()
	lines = feedTestLines(t, l, 80, 12)
	if body := feedTestBody(lines); !strings.HasSuffix(body[9], "msg-41") || strings.Contains(lines[0], "paused") {
		t.Fatalf("End did not resume following: %q / %q", lines[0], body[9])
	}
}

func TestLogsMovingBackToBottomResumes(t *testing.T) {
	l := NewLogs(1000)
	l.Append(logsTestEvents(0, 30))
	l.Move(-2)
	l.Append(logsTestEvents(30, 1))
	l.Move(1 << 30) // the UI's "End" key
	l.Append(logsTestEvents(31, 1))
	if e, _ := l.Selected(); e.Message != "msg-31" {
		t.Fatalf("after moving to the bottom the newest should be selected, got %q", e.Message)
	}
	l.Home()
	if e, _ := l.Selected(); e.Message != "msg-0" {
		t.Fatalf("Home selected %q", e.Message)
	}
	body := feedTestBody(feedTestLines(t, l, 80, 12))
	if !strings.HasSuffix(body[0], "msg-0") {
		t.Fatalf("Home should scroll to the top, first row %q", body[0])
	}
	l.Move(-1 << 30)
	if e, _ := l.Selected(); e.Message != "msg-0" {
		t.Fatalf("Move clamps at the top, got %q", e.Message)
	}
}

func TestLogsPausedSurvivesEviction(t *testing.T) {
	l := NewLogs(20)
	l.Append(logsTestEvents(0, 20))
	l.Move(-15) // msg-4
	l.Append(logsTestEvents(20, 3))
	if e, _ := l.Selected(); e.Message != "msg-4" {
		t.Fatalf("selection moved to %q", e.Message)
	}
	l.Append(logsTestEvents(23, 10)) // msg-4 is evicted
	if e, ok := l.Selected(); !ok || e.Message != "msg-13" {
		t.Fatalf("evicted selection should land on the oldest row, got %q", e.Message)
	}
	feedTestLines(t, l, 80, 12)
}

func TestLogsFilter(t *testing.T) {
	l := NewLogs(5000)
	events := logsTestEvents(0, 100)
	for i := range events {
		if i%10 == 3 {
			events[i].Message = fmt.Sprintf("Task timed out after 3.00 seconds (%d)", i)
		}
	}
	l.Append(events)
	l.SetFilter("TIMED OUT")
	lines := feedTestLines(t, l, 80, 14)
	if !strings.Contains(lines[0], "10/100 · /TIMED OUT") {
		t.Fatalf("note %q", lines[0])
	}
	for _, row := range feedTestBody(lines)[:10] {
		if !strings.Contains(row, "timed out") {
			t.Fatalf("row %q does not match the filter", row)
		}
	}
	l.Append(logsTestEvents(100, 5))
	l.Append([]sources.LogEvent{{ID: "late", Group: "g", Time: feedTestStart, Message: "another timed out"}})
	if e, _ := l.Selected(); e.Message != "another timed out" {
		t.Fatalf("filtered follow should select the newest match, got %q", e.Message)
	}
	l.SetFilter("checkout-API") // the group column is searchable too
	if lines := feedTestLines(t, l, 80, 14); !strings.Contains(lines[0], "105/106") {
		t.Fatalf("note %q", lines[0])
	}
	l.SetFilter("no such text")
	if lines := feedTestLines(t, l, 80, 14); !strings.Contains(lines[1], "no rows match") {
		t.Fatalf("empty filter result shows %q", lines[1])
	}
	l.SetFilter("")
	if lines := feedTestLines(t, l, 80, 14); !strings.Contains(lines[0], "106 lines") || strings.Contains(lines[0], "/") {
		t.Fatalf("note %q", lines[0])
	}
}

func TestLogsExactSizes(t *testing.T) {
	l := NewLogs(5000)
	for _, fill := range []int{0, 3, 5000} {
		l.Append(logsTestEvents(0, fill))
		long := logsTestEvents(fill, 1)
		long[0].Message = strings.Repeat("wide 界 text ", 500)
		l.Append(long)
		for _, size := range [][2]int{{80, 12}, {200, 40}, {10, 3}, {4, 2}} {
			feedTestLines(t, l, size[0], size[1])
		}
		l.Move(-2)
		feedTestLines(t, l, 80, 12)
	}
	for _, size := range [][2]int{{3, 1}, {1, 4}, {2, 2}} {
		feedTestLines(t, l, size[0], size[1])
	}
	if out := fxDrawPane(l, 0, 0, false) + fxDrawPane(l, -1, 5, true) + fxDrawPane(l, 5, 0, true); out != "" {
		t.Fatalf("zero or negative sizes should render nothing, got %q", out)
	}
}

func TestLogsNeverPrintsControlCharacters(t *testing.T) {
	panetest.UseProfile(t, termenv.Ascii) // styling emits no ESC: any ESC came from data

	evil := "boom \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J cleared\r over\x00nul \xff\xfe bad \x9b31m ERROR"
	l := NewLogs(10)
	// Sources sanitise text where it enters; the pane must add nothing.
	l.Append([]sources.LogEvent{{ID: "1", Group: text.Sanitize("/aws/\x1b[2Jlambda/x\x1b]0;t\x07"), Time: feedTestStart, Message: text.Sanitize(evil)}})
	l.SetFilter(text.Sanitize("boom\x1b[5m"))
	l.SetFilter("boom")
	for _, focused := range []bool{false, true} {
		out := fxDrawPane(l, 200, 6, focused)
		if i := strings.IndexAny(out, "\x1b\x07\r\x00\u009b"); i >= 0 {
			t.Fatalf("control byte %q at %d in %q", out[i], i, out)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 in %q", out)
		}
		if !strings.Contains(out, "red") || !strings.Contains(out, "cleared") || strings.Contains(out, "pwned") {
			t.Fatalf("escape sequences should vanish whole, text stay: %q", out)
		}
	}
}

func TestLogsSeverityStyles(t *testing.T) {
	for msg, want := range map[string]lipgloss.TerminalColor{
		"[ERROR] payment declined":    theme.Red,
		"WARN retrying":               theme.Amber,
		"INFO request served in 12ms": lipgloss.NoColor{},
	} {
		if got := logStyle(msg).GetForeground(); got != want {
			t.Errorf("%q: foreground %v, want %v", msg, got, want)
		}
	}
}

func BenchmarkLogsAppend(b *testing.B) {
	events := logsTestEvents(0, 20_000)
	l := NewLogs(5000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 50 {
		from := i % len(events)
		batch := events[from:min(from+50, len(events))]
		if i%len(events) == 0 && i > 0 {
			l = NewLogs(5000) // all IDs seen: start over so events are not dropped as duplicates
		}
		l.Append(batch)
	}
}

func BenchmarkLogsView(b *testing.B) {
	l := NewLogs(5000)
	events := logsTestEvents(0, 5000)
	for i := range events {
		events[i].Message = fmt.Sprintf("%d ERROR a fairly ordinary log line with some detail %s", i, strings.Repeat("x", i%300))
	}
	l.Append(events)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		fxDrawPane(l, 200, 50, true)
	}
}

// Each pane shows times in the zone its program set: two sessions in
// different zones draw side by side, sharing no zone.
func TestPanesShowTimesInTheirOwnZone(t *testing.T) {
	utc, cet := NewLogs(100), NewLogs(100)
	cet.SetZone(time.FixedZone("CET", 3600))
	e := logsTestEvents(0, 1)[0]
	e.Time = time.Date(2025, 3, 14, 10, 30, 5, 0, time.UTC)
	utc.Append([]sources.LogEvent{e})
	cet.Append([]sources.LogEvent{e})
	if body := feedTestBody(feedTestLines(t, cet, 80, 12)); !strings.HasPrefix(body[0], "11:30:05 ") {
		t.Fatalf("CET pane row %q", body[0])
	}
	if body := feedTestBody(feedTestLines(t, utc, 80, 12)); !strings.HasPrefix(body[0], "10:30:05 ") {
		t.Fatalf("UTC pane row %q", body[0])
	}
	cet.SetFilter("11:30:05")
	if _, ok := cet.Selected(); !ok {
		t.Fatal("the filter should match the time as the pane shows it")
	}
}
