package panes

import "strings"

// List is the selection, filter and scrolling shared by the alarms and
// metrics panes and the drill-down's sections. The first visible row is kept
// in range whenever the items, the filter, the selection or the number of
// rows change, so drawing only reads it.
type List[T any] struct {
	all, shown []T
	key        func(T) string // identity, to keep the selection across updates
	text       func(T) string // what the filter searches
	filter     string
	sel, top   int
	rows       int
}

// NewList returns an empty list; key identifies an item, text is what the
// filter searches (nil: the list is not filtered).
func NewList[T any](key, text func(T) string) *List[T] {
	return &List[T]{key: key, text: text}
}

// SetItems replaces the items. The selection stays on the same item when it
// is still shown, except on the first row, which stays first so whatever
// rises to the top (a newly firing alarm) is what is selected.
func (l *List[T]) SetItems(items []T) {
	l.all = append(l.all[:0:0], items...)
	l.refilter()
}

// SetFilter keeps only the items whose text contains text, ignoring case.
func (l *List[T]) SetFilter(text string) {
	l.filter = text
	l.refilter()
}

// Refilter applies the filter again, for when the items' text changed.
func (l *List[T]) Refilter() { l.refilter() }

func (l *List[T]) refilter() {
	prev, had := "", l.sel > 0 && l.sel < len(l.shown)
	if had {
		prev = l.key(l.shown[l.sel])
	}
	lower := strings.ToLower(l.filter)
	l.shown = l.shown[:0:0]
	for _, v := range l.all {
		if lower == "" || l.text == nil || strings.Contains(strings.ToLower(l.text(v)), lower) {
			l.shown = append(l.shown, v)
		}
	}
	if had {
		for i, v := range l.shown {
			if l.key(v) == prev {
				l.Select(i)
				return
			}
		}
	}
	l.Select(l.sel)
}

// SetRows sets how many rows are visible.
func (l *List[T]) SetRows(rows int) {
	l.rows = max(0, rows)
	l.clamp()
}

// Move moves the selection by delta rows (positive is down).
func (l *List[T]) Move(delta int) { l.Select(l.sel + delta) }

// Select selects row i of the shown items, clamped to them.
func (l *List[T]) Select(i int) {
	l.sel = i
	l.clamp()
}

// SelectKey selects the shown item with the key, reporting whether one is.
func (l *List[T]) SelectKey(key string) bool {
	for i, v := range l.shown {
		if l.key(v) == key {
			l.Select(i)
			return true
		}
	}
	return false
}

func (l *List[T]) clamp() {
	l.sel = boxClamp(l.sel, 0, len(l.shown)-1)
	l.top = boxScrollTop(l.top, l.sel, l.rows, len(l.shown))
}

// Selected returns the selected item.
func (l *List[T]) Selected() (T, bool) {
	if l.sel < 0 || l.sel >= len(l.shown) {
		var zero T
		return zero, false
	}
	return l.shown[l.sel], true
}

// Index is the selected row among the shown items.
func (l *List[T]) Index() int { return l.sel }

// All is every item; Shown those the filter keeps.
func (l *List[T]) All() []T   { return l.all }
func (l *List[T]) Shown() []T { return l.shown }

// Visible is the range of shown rows on screen.
func (l *List[T]) Visible() (from, to int) {
	return l.top, min(len(l.shown), l.top+l.rows)
}

// Filter is the filter text as typed.
func (l *List[T]) Filter() string { return l.filter }

// Note is the frame note of a filtered list: "2/7 · /cpu".
func (l *List[T]) Note() string { return boxFilterNote(len(l.shown), len(l.all), l.filter) }
