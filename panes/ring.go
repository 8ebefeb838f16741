package panes

import "iter"

// Ring is a fixed-capacity FIFO buffer. Push is O(1); once the ring is full
// each push overwrites the oldest element.
type Ring[T any] struct {
	buf   []T
	start int // index in buf of the oldest element (non-zero only once full)
	limit int
}

// NewRing returns an empty ring holding at most capacity elements (at least 1).
func NewRing[T any](capacity int) *Ring[T] {
	return &Ring[T]{limit: max(1, capacity)}
}

// Push appends v, returning the element it evicted, if any.
func (r *Ring[T]) Push(v T) (evicted T, ok bool) {
	if len(r.buf) < r.limit {
		// Grow by hand so the backing array never exceeds the capacity.
		if len(r.buf) == cap(r.buf) {
			grown := make([]T, len(r.buf), min(r.limit, max(16, 2*len(r.buf))))
			copy(grown, r.buf)
			r.buf = grown
		}
		r.buf = append(r.buf, v)
		return evicted, false
	}
	evicted = r.buf[r.start]
	r.buf[r.start] = v
	r.start = (r.start + 1) % r.limit
	return evicted, true
}

// Len is the number of elements held.
func (r *Ring[T]) Len() int { return len(r.buf) }

// Cap is the most elements the ring holds.
func (r *Ring[T]) Cap() int { return r.limit }

// At returns the i-th element, 0 being the oldest. It panics when i is out
// of range, like a slice index.
func (r *Ring[T]) At(i int) T {
	if i < 0 || i >= len(r.buf) {
		panic("panes.Ring: index out of range")
	}
	return r.buf[(r.start+i)%len(r.buf)]
}

// All yields index and element, oldest first.
func (r *Ring[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i := range len(r.buf) {
			if !yield(i, r.At(i)) {
				return
			}
		}
	}
}
