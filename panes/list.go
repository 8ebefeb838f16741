package panes

import "strings"

// List is the selection, filter and scrolling shared by the alarms and
// metrics panes and the drill-down's sections. The first visible row is kept
// in range whenever the items, the filter, the selection or the number of
// rows change, so drawing only reads it. Moving the selection costs the same
// for any number of items; filtering searches each item's text, lower-cased
// once per item set, and a filter typed further searches only what the
// shorter one kept.
type List[T any] struct {
	all, shown []T
	key        func(T) string // identity, to keep the selection across updates
	text       func(T) string // what the filter searches
	filter     string
	texts      []string // text of all, lower-cased; nil until a filter needs it
	at         []int    // index in all of each shown item; nil when all are shown
	applied    string   // the lower-cased filter shown holds the matches of
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
	l.Refilter()
}

// SetFilter keeps only the items whose text contains text, ignoring case.
func (l *List[T]) SetFilter(text string) {
	l.filter = text
	l.refilter()
}

// Refilter applies the filter again, for when the items' text changed.
func (l *List[T]) Refilter() {
	l.texts, l.at, l.applied = nil, nil, ""
	l.refilter()
}

func (l *List[T]) refilter() {
	prev, had := "", l.sel > 0 && l.sel < len(l.shown)
	if had {
		prev = l.key(l.shown[l.sel])
	}
	l.match(strings.ToLower(l.filter))
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

// match sets shown to the items whose text contains lower. When shown
// holds the matches of a filter that lower contains, only those can match.
func (l *List[T]) match(lower string) {
	if lower == "" || l.text == nil {
		l.shown, l.at, l.applied = l.all, nil, ""
		return
	}
	if l.texts == nil {
		l.texts = make([]string, len(l.all))
		for i, v := range l.all {
			l.texts[i] = strings.ToLower(l.text(v))
		}
	}
	from := l.at
	if from == nil || l.applied == "" || !strings.Contains(lower, l.applied) {
		from = make([]int, len(l.all))
		for i := range from {
			from[i] = i
		}
	}
	at := []int{}
	for _, i := range from {
		if strings.Contains(l.texts[i], lower) {
			at = append(at, i)
		}
	}
	l.at, l.applied, l.shown = at, lower, make([]T, len(at))
	for j, i := range at {
		l.shown[j] = l.all[i]
	}
}

// SetRows sets how many rows are visible.
func (l *List[T]) SetRows(rows int) {
	l.rows = max(0, rows)
	l.clamp()
}

// Move moves the selection by delta rows (positive is down).
func (l *List[T]) Move(delta int) { l.Select(l.sel + delta) }

// scroller is a list of any item type, as a pane with several lists
// moves the focused one.
type scroller interface {
	Move(delta int)
	Page(dir int)
}

// Page moves the selection and the rows shown by the rows shown (dir -1 up,
// 1 down), so that paging shows every row once, but at the ends.
func (l *List[T]) Page(dir int) {
	l.top = boxClamp(l.top+dir*l.rows, 0, max(0, len(l.shown)-l.rows))
	l.Select(l.sel + dir*max(1, l.rows))
}

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

// All is every item; Shown those the filter keeps (callers do not change
// either).
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
