package panes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"watchtrail/filter"
	"watchtrail/panes/panetest"
	"watchtrail/sources"
	"watchtrail/text"
	"watchtrail/theme"
)

func trailTestEvents(from, n int) []sources.TrailEvent {
	events := make([]sources.TrailEvent, n)
	for i := range events {
		k := from + i
		events[i] = sources.TrailEvent{
			ID:        fmt.Sprintf("ev-%d", k),
			Time:      feedTestStart.Add(time.Duration(k) * time.Second),
			Name:      "GetFunction",
			Source:    "lambda.amazonaws.com",
			User:      "deploy-bot",
			SourceIP:  "10.0.0.1",
			Resources: []string{fmt.Sprintf("fn-%d", k)},
			ReadOnly:  true,
			JSON:      fmt.Sprintf(`{"eventID":"ev-%d"}`, k),
		}
	}
	return events
}

func TestTrailRowColumnsAndStyles(t *testing.T) {
	tr := NewTrail(100)
	events := trailTestEvents(0, 3)
	events[1].Name, events[1].ReadOnly, events[1].User = "UpdateFunctionConfiguration", false, "alice"
	events[1].Resources = []string{"checkout-api", "arn:aws:iam::123:role/exec"}
	events[2].Name, events[2].ReadOnly = "DeleteBucket", false
	events[2].ErrorCode, events[2].ErrorMessage = "AccessDenied", "not authorized"
	tr.Append(events)

	body := feedTestBody(feedTestLines(t, tr, 200, 8))
	for i, want := range [][]string{
		{"09:00:00", "deploy-bot", "GetFunction", "10.0.0.1", "fn-0"},
		{"09:00:01", "✎", "alice", "UpdateFunctionConfiguration", "checkout-api, arn:aws:iam::123:role/exec"},
		{"09:00:02", "✗", "DeleteBucket", "[AccessDenied]", "fn-2"},
	} {
		for _, part := range want {
			if !strings.Contains(body[i], part) {
				t.Errorf("row %d %q lacks %q", i, body[i], part)
			}
		}
	}
	if strings.Contains(body[0], "✎") || strings.Contains(body[0], "[") {
		t.Errorf("read-only success row %q should carry no mark", body[0])
	}
	// Columns line up whatever the name length.
	ipColumn := func(row string) int { return lipgloss.Width(row[:strings.Index(row, "10.0.0.1")]) }
	if ipColumn(body[0]) != ipColumn(body[1]) {
		t.Errorf("source IP column not aligned:\n%q\n%q", body[0], body[1])
	}

	for i, want := range []lipgloss.TerminalColor{theme.Muted, lipgloss.NoColor{}, theme.Red} {
		if _, style := tr.row(events[i]); style.GetForeground() != want {
			t.Errorf("row %d foreground %v, want %v", i, style.GetForeground(), want)
		}
	}
}

func TestTrailNoteCountsErrors(t *testing.T) {
	tr := NewTrail(100)
	events := trailTestEvents(0, 10)
	events[3].ErrorCode = "ThrottlingException"
	events[7].ErrorCode = "AccessDenied"
	tr.Append(events)
	lines := feedTestLines(t, tr, 80, 12)
	if !strings.Contains(lines[0], "10 events · 2 errors") {
		t.Fatalf("note %q", lines[0])
	}
	tr.SetFilter("accessdenied")
	lines = feedTestLines(t, tr, 80, 12)
	if !strings.Contains(lines[0], "1/10 · 2 errors · /accessdenied") {
		t.Fatalf("filtered note %q", lines[0])
	}
	if e, ok := tr.Selected(); !ok || e.ID != "ev-7" {
		t.Fatalf("selected %q", e.ID)
	}
}

func TestTrailSelectedAndDedupe(t *testing.T) {
	tr := NewTrail(3)
	if _, ok := tr.Selected(); ok {
		t.Fatal("Selected on an empty pane should be false")
	}
	if lines := feedTestLines(t, tr, 80, 12); !strings.Contains(lines[1], "waiting for CloudTrail events…") {
		t.Fatalf("empty pane shows %q", lines[1])
	}
	tr.Append(trailTestEvents(0, 2))
	tr.Append(trailTestEvents(0, 2))
	if tr.Len() != 2 {
		t.Fatalf("duplicates kept: Len %d", tr.Len())
	}
	tr.Append(trailTestEvents(2, 3))
	if tr.Len() != 3 {
		t.Fatalf("capacity not enforced: Len %d", tr.Len())
	}
	e, ok := tr.Selected()
	if !ok || e.ID != "ev-4" || e.JSON != `{"eventID":"ev-4"}` {
		t.Fatalf("selected %+v", e)
	}
	tr.Move(-1)
	tr.Append(trailTestEvents(5, 1))
	if e, _ := tr.Selected(); e.ID != "ev-3" {
		t.Fatalf("paused selection moved to %q", e.ID)
	}
	if lines := feedTestLines(t, tr, 80, 12); !strings.Contains(lines[0], "paused · 1 new ↓") {
		t.Fatalf("note %q", lines[0])
	}
	tr.End()
	if e, _ := tr.Selected(); e.ID != "ev-5" {
		t.Fatalf("End selected %q", e.ID)
	}
	tr.Home()
	if e, _ := tr.Selected(); e.ID != "ev-3" {
		t.Fatalf("Home selected %q", e.ID)
	}
}

func TestTrailExactSizesAndSafeText(t *testing.T) {
	panetest.UseProfile(t, termenv.Ascii)

	tr := NewTrail(5000)
	for _, size := range [][2]int{{80, 12}, {200, 40}, {10, 3}, {1, 1}} {
		feedTestLines(t, tr, size[0], size[1])
	}
	events := trailTestEvents(0, 5000)
	// Sources sanitise text where it enters; the pane must add nothing.
	events[4999].User = text.Sanitize("mallory\x1b]0;pwned\x07\r\x00\xff")
	events[4999].Resources = []string{text.Sanitize("bucket\x1b[2J")}
	events[4999].ErrorCode = text.Sanitize("Denied\x1b[31m")
	tr.Append(events)
	for _, size := range [][2]int{{80, 12}, {200, 40}, {10, 3}, {3, 2}} {
		feedTestLines(t, tr, size[0], size[1])
	}
	out := fxDrawPane(tr, 200, 40, true)
	if i := strings.IndexAny(out, "\x1b\x07\r\x00"); i >= 0 {
		t.Fatalf("control byte %q in %q", out[i], out)
	}
	if !strings.Contains(out, "mallory") || !strings.Contains(out, "[Denied]") {
		t.Fatalf("text lost while sanitising: %q", out)
	}
}

func TestTrailRowsMarkEventKindsAndFailedSignIns(t *testing.T) {
	tr := NewTrail(100)
	events := trailTestEvents(0, 4)
	events[1].Kind, events[1].Name, events[1].ReadOnly = sources.KindData, "PutObject", false
	events[2].Kind, events[2].Name, events[2].User = sources.KindInsight, "GetSecretValue", ""
	events[3].Name, events[3].ReadOnly = "ConsoleLogin", false
	events[3].JSON = `{"responseElements":{"ConsoleLogin":"Failure"}}`
	tr.Append(events)
	body := feedTestBody(feedTestLines(t, tr, 200, 8))
	for i, want := range []string{"09:00:00   ", "09:00:01 D✎", "09:00:02 I◆", "09:00:03  ✗"} {
		if !strings.HasPrefix(body[i], want) {
			t.Errorf("row %d %q does not start %q", i, body[i], want)
		}
	}
	if !strings.Contains(body[3], "[sign-in failed]") {
		t.Errorf("failed sign-in row %q does not say so", body[3])
	}
}

func TestTrailQueryAndHistory(t *testing.T) {
	tr := NewTrail(100)
	events := trailTestEvents(0, 4)
	events[2].ReadOnly, events[2].Name = false, "DeleteFunction"
	tr.Append(events)
	tr.SetQuery(filter.Trail{WriteOnly: true})
	lines := feedTestLines(t, tr, 120, 8)
	if !strings.Contains(lines[0], "CloudTrail · write-only") || !strings.Contains(lines[0], "1/4") {
		t.Errorf("title %q does not say the query and count", lines[0])
	}
	if body := feedTestBody(lines); !strings.Contains(body[0], "DeleteFunction") || body[1] != "" {
		t.Errorf("rows %q, want only the write", body)
	}

	old := trailTestEvents(100, 3)
	old[0].ReadOnly = false
	tr.ShowHistory("3d", old)
	tr.Append(trailTestEvents(200, 1)) // live events keep arriving
	lines = feedTestLines(t, tr, 120, 8)
	if !strings.Contains(lines[0], "CloudTrail history 3d · write-only") || !strings.Contains(lines[0], "1/3") ||
		!strings.Contains(feedTestBody(lines)[0], "fn-100") {
		t.Errorf("history shown as %q", lines)
	}
	tr.ShowLive()
	if lines = feedTestLines(t, tr, 120, 8); !strings.Contains(lines[0], "1/5") || strings.Contains(lines[0], "history") {
		t.Errorf("back live: %q", lines[0])
	}
	tr.ShowHistory("1h · ⚠ throttled", nil)
	if lines = feedTestLines(t, tr, 120, 8); !strings.Contains(lines[0], "CloudTrail history 1h · ⚠ throttled") ||
		!strings.Contains(lines[1], "the search found no events") {
		t.Errorf("an empty search shows %q", lines)
	}
}

func TestTrailAccountColumnOnceASecondAccountArrives(t *testing.T) {
	tr := NewTrail(100)
	one := trailTestEvents(0, 2)
	for i := range one {
		one[i].Account = "111111111111"
	}
	tr.Append(one)
	if body := feedTestBody(feedTestLines(t, tr, 200, 8)); strings.Contains(body[0], "111111111111") {
		t.Errorf("one account: row %q should not spend a column on it", body[0])
	}
	other := trailTestEvents(2, 1)
	other[0].Account = "222222222222"
	tr.Append(other)
	body := feedTestBody(feedTestLines(t, tr, 200, 8))
	for i, want := range []string{"111111111111", "111111111111", "222222222222"} {
		if !strings.Contains(body[i], want+" deploy-bot") {
			t.Errorf("row %d %q lacks the account %s before the user", i, body[i], want)
		}
	}
}
