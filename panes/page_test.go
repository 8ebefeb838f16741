package panes

import (
	"fmt"
	"strings"
	"testing"

	"watchtrail/sources"
)

// pagesShow pages through p with PgDn from the top, then with PgUp from the
// bottom, and checks that each page starts right after (before) the last,
// so every row is shown and none twice but at the ends. rows are the rows
// the body shows; msg extracts a row's number from its text, -1 if none.
func pagesShow(t *testing.T, p interface{ Page(int) }, body func() []string, total int) {
	t.Helper()
	number := func(line string) int {
		var n int
		if i := strings.LastIndex(line, "msg-"); i >= 0 {
			if _, err := fmt.Sscanf(line[i:], "msg-%d", &n); err == nil {
				return n
			}
		}
		return -1
	}
	shown := func() (first, last int) {
		first, last = -1, -1
		for _, line := range body() {
			if n := number(line); n >= 0 {
				if first < 0 {
					first = n
				}
				last = n
			}
		}
		return first, last
	}
	first, last := shown()
	if first != 0 {
		t.Fatalf("paging starts at the top, first row msg-%d", first)
	}
	for pages := 0; last < total-1; pages++ {
		p.Page(1)
		f, l := shown()
		if f != last+1 && l != total-1 || pages > total {
			t.Fatalf("PgDn after rows %d–%d shows %d–%d", first, last, f, l)
		}
		first, last = f, l
	}
	for pages := 0; first > 0; pages++ {
		p.Page(-1)
		f, l := shown()
		if l != first-1 && f != 0 || pages > total {
			t.Fatalf("PgUp before rows %d–%d shows %d–%d", first, last, f, l)
		}
		first, last = f, l
	}
}

func TestPgUpPgDnMoveTheLogsPaneByTheRowsShown(t *testing.T) {
	for _, height := range []int{5, 12, 47} {
		l := NewLogs(1000)
		l.Append(logsTestEvents(0, 200))
		l.Home()
		pagesShow(t, l, func() []string { return feedTestBody(feedTestLines(t, l, 120, height)) }, 200)
	}
}

func TestPgUpPgDnMoveListsAndViewersByTheRowsShown(t *testing.T) {
	var items []string
	var text strings.Builder
	for i := range 100 {
		items = append(items, fmt.Sprintf("msg-%d", i))
		fmt.Fprintf(&text, "msg-%d\n", i)
	}
	for _, rows := range []int{1, 7, 30} {
		l := NewList(func(s string) string { return s }, func(s string) string { return s })
		l.SetItems(items)
		l.SetRows(rows)
		pagesShow(t, l, func() []string {
			from, to := l.Visible()
			return l.Shown()[from:to]
		}, 100)

		v := NewViewer("text", strings.TrimSuffix(text.String(), "\n"))
		v.SetSize(40, rows+2)
		pagesShow(t, v, func() []string { return strings.Split(v.View(), "\n") }, 100)
	}
}

func TestPgUpPgDnScrollADashboardByTheRowsShown(t *testing.T) {
	var d sources.Dashboard
	for i := range 40 { // two columns of widgets 6 grid units high, 120 units
		d.Widgets = append(d.Widgets, sources.Widget{Type: "text", Title: fmt.Sprintf("w%d", i), X: i % 2 * 12, Y: i / 2 * 6, Width: 12, Height: 6})
	}
	g := NewDashboardGrid()
	g.SetDashboard(d, nil, "")
	g.SetSize(100, 20)
	height := 0
	for _, r := range g.rects {
		height = max(height, r.Y+r.H)
	}
	if height <= 20 {
		t.Fatalf("the dashboard (%d rows) fits the screen: nothing to page", height)
	}
	for want := 0; want < height-20; want += 20 {
		if g.top != want {
			t.Fatalf("top %d, want %d", g.top, want)
		}
		g.Page(1)
		if r := g.rects[g.sel]; r.Y < g.top || r.Y+r.H > g.top+20 && r.H <= 20 {
			t.Fatalf("the selected widget %+v is not on the screen from row %d", r, g.top)
		}
	}
	g.Page(1)
	if g.top != height-20 {
		t.Fatalf("paging down stops at the last screen: top %d, want %d", g.top, height-20)
	}
	g.Page(-1)
	if g.top != height-40 && height-40 > 0 {
		t.Fatalf("PgUp: top %d, want %d", g.top, height-40)
	}
}
