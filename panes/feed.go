package panes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/theme"
)

// feedDefaultCapacity is used when a pane is asked for no capacity at all.
const feedDefaultCapacity = 5000

// feed is the part the logs and trail panes share: a bounded buffer with
// de-duplication, a case-insensitive filter and a cursor that follows the
// newest row until the user moves up.
//
// Every event gets a sequence number as it arrives; the cursor and the scroll
// position are kept as sequence numbers, so rows arriving below (or old rows
// evicted above) never move what the user is looking at.
//
// Events are shown in arrival order: sources deliver them oldest first, so a
// rare late event simply lands at the bottom.
type feed[T any] struct {
	ring *Ring[T]
	seen map[string]struct{} // keys of the events in ring
	key  func(T) string      // identity for de-duplication; "" is never deduplicated
	text func(T) string      // what the filter searches
	keep func(T) bool        // a condition besides the text filter (the trail's query); nil keeps all

	next     int64   // sequence number of the next event; ring.At(i) is next-Len+i
	rows     []int64 // sequence numbers of the events matching the filter, oldest first
	filter   string  // as typed, for the note
	lower    string  // lower-cased filter
	follow   bool
	cursor   int64  // selected event while paused
	top      int64  // first event on screen, kept in range by clampTop
	height   int    // rows on screen
	size     [2]int // the pane's width and height
	pausedAt int64  // value of next when the user paused: later rows are "new"
}

func newFeed[T any](capacity int, key, text func(T) string) *feed[T] {
	if capacity <= 0 {
		capacity = feedDefaultCapacity
	}
	return &feed[T]{
		ring:   NewRing[T](capacity),
		seen:   make(map[string]struct{}),
		key:    key,
		text:   text,
		follow: true,
	}
}

// Len is the number of events held (filtered or not).
func (f *feed[T]) Len() int { return f.ring.Len() }

// SetSize sets the cells the pane draws into.
func (f *feed[T]) SetSize(width, height int) {
	f.size = [2]int{width, height}
	f.setRows(height - 2)
}

// Home selects the oldest row.
func (f *feed[T]) Home() { f.Move(-len(f.rows)) }

// End selects the newest row and follows new events.
func (f *feed[T]) End() {
	f.follow = true
	f.clampTop()
}

func (f *feed[T]) add(events []T) {
	for _, e := range events {
		if k := f.key(e); k != "" {
			if _, dup := f.seen[k]; dup {
				continue
			}
			f.seen[k] = struct{}{}
		}
		if old, ok := f.ring.Push(e); ok {
			delete(f.seen, f.key(old))
		}
		if f.matches(e) {
			f.rows = append(f.rows, f.next)
		}
		f.next++
	}
	oldest := f.next - int64(f.ring.Len())
	drop := 0
	for drop < len(f.rows) && f.rows[drop] < oldest {
		drop++
	}
	f.rows = f.rows[drop:]
	f.clampTop()
}

// setRows sets how many rows are on screen.
func (f *feed[T]) setRows(height int) {
	f.height = max(0, height)
	f.clampTop()
}

// start is the index in rows of the first row on screen: the newest page
// while following, else the page around the cursor nearest to top.
func (f *feed[T]) start() int {
	n, h := len(f.rows), f.height
	if f.follow {
		return max(0, n-h)
	}
	c := f.cursorPos()
	s := min(f.pos(f.top), c)
	s = max(s, c-h+1, 0)
	return min(s, max(0, n-h))
}

// clampTop remembers the first row on screen after the rows, the cursor or
// the height changed, so the view stays put while paused.
func (f *feed[T]) clampTop() {
	if len(f.rows) > 0 {
		f.top = f.rows[min(f.start(), len(f.rows)-1)]
	}
}

func (f *feed[T]) matches(e T) bool {
	return (f.lower == "" || strings.Contains(strings.ToLower(f.text(e)), f.lower)) && (f.keep == nil || f.keep(e))
}

// filtered reports whether some rows may be hidden.
func (f *feed[T]) filtered() bool { return f.filter != "" || f.keep != nil }

// SetFilter keeps only rows containing text, ignoring case; "" shows all.
func (f *feed[T]) SetFilter(text string) {
	f.filter, f.lower = text, strings.ToLower(text)
	f.refilter()
}

// setKeep shows only the rows keep accepts; nil shows all.
func (f *feed[T]) setKeep(keep func(T) bool) {
	f.keep = keep
	f.refilter()
}

func (f *feed[T]) refilter() {
	f.rows = f.rows[:0]
	oldest := f.next - int64(f.ring.Len())
	for i, e := range f.ring.All() {
		if f.matches(e) {
			f.rows = append(f.rows, oldest+int64(i))
		}
	}
	if !f.follow && f.pos(f.cursor) >= len(f.rows)-1 {
		f.follow = true
	}
	f.clampTop()
}

// pos is the index in rows of the first row at or after sequence number seq.
func (f *feed[T]) pos(seq int64) int {
	return sort.Search(len(f.rows), func(i int) bool { return f.rows[i] >= seq })
}

// cursorPos is the selected index in rows, or -1 when there are no rows.
func (f *feed[T]) cursorPos() int {
	if f.follow {
		return len(f.rows) - 1
	}
	return min(f.pos(f.cursor), len(f.rows)-1)
}

// Selected is the event under the cursor.
func (f *feed[T]) Selected() (T, bool) {
	var zero T
	p := f.cursorPos()
	if p < 0 {
		return zero, false
	}
	return f.ring.At(int(f.rows[p] - (f.next - int64(f.ring.Len())))), true
}

// Page moves the cursor and the rows on screen by the rows on screen (dir
// -1 up, 1 down), so that paging shows every row once, but at the ends.
func (f *feed[T]) Page(dir int) {
	n, h := len(f.rows), max(1, f.height)
	if n == 0 {
		return
	}
	f.top = f.rows[boxClamp(f.start()+dir*h, 0, max(0, n-h))]
	f.Move(dir * h)
}

// Move moves the cursor by delta rows; reaching the last row resumes following.
func (f *feed[T]) Move(delta int) {
	n := len(f.rows)
	if n == 0 {
		return
	}
	p := max(0, min(n-1, f.cursorPos()+delta))
	if p == n-1 {
		f.follow = true
	} else {
		if f.follow {
			f.pausedAt = f.next
		}
		f.follow, f.cursor = false, f.rows[p]
	}
	f.clampTop()
}

func (f *feed[T]) newCount() int {
	if f.follow {
		return 0
	}
	return len(f.rows) - f.pos(f.pausedAt)
}

// note is the frame note: pause state, counts, extras and the filter.
func (f *feed[T]) note(unit string, extra ...string) string {
	var parts []string
	if !f.follow {
		parts = append(parts, fmt.Sprintf("paused · %d new ↓", f.newCount()))
	}
	if f.filtered() {
		parts = append(parts, fmt.Sprintf("%d/%d", len(f.rows), f.ring.Len()))
	} else {
		parts = append(parts, fmt.Sprintf("%d %s", f.ring.Len(), unit))
	}
	parts = append(parts, extra...)
	if f.filter != "" {
		parts = append(parts, "/"+f.filter)
	}
	return strings.Join(parts, " · ")
}

// body renders the rows on screen, w cells wide. row gives an event's plain
// text and its style; the selected row is shown reversed when focused.
func (f *feed[T]) body(w int, focused bool, empty string, row func(T) (string, lipgloss.Style)) string {
	n, h := len(f.rows), f.height
	if n == 0 || w <= 0 || h <= 0 {
		if f.ring.Len() > 0 {
			empty = "no rows match the filter"
			if f.filter != "" {
				empty = "no rows match /" + f.filter
			}
		}
		return theme.Dim.Render(ansi.Truncate(empty, max(w, 0), "…"))
	}
	c := f.cursorPos()
	start := f.start()
	oldest := f.next - int64(f.ring.Len())
	lines := make([]string, 0, h)
	for p := start; p < min(n, start+h); p++ {
		text, style := row(f.ring.At(int(f.rows[p] - oldest)))
		if focused && p == c {
			style = theme.Selected.Inherit(style)
		}
		lines = append(lines, style.Render(FitLine(text, w)))
	}
	return strings.Join(lines, "\n")
}
