package panes

import (
	"slices"
	"testing"
)

func TestRingWrapsAroundAtCapacity(t *testing.T) {
	r := NewRing[int](3)
	var evicted []int
	for v := 1; v <= 5; v++ {
		if old, ok := r.Push(v); ok {
			evicted = append(evicted, old)
		}
	}
	if r.Len() != 3 || r.Cap() != 3 {
		t.Fatalf("Len %d Cap %d, want 3 3", r.Len(), r.Cap())
	}
	if got := []int{r.At(0), r.At(1), r.At(2)}; !slices.Equal(got, []int{3, 4, 5}) {
		t.Fatalf("At = %v, want [3 4 5]", got)
	}
	if !slices.Equal(evicted, []int{1, 2}) {
		t.Fatalf("evicted %v, want [1 2]", evicted)
	}
	var all []int
	for i, v := range r.All() {
		if v != r.At(i) {
			t.Fatalf("All yields %d at %d, At says %d", v, i, r.At(i))
		}
		all = append(all, v)
	}
	if !slices.Equal(all, []int{3, 4, 5}) {
		t.Fatalf("All = %v", all)
	}
}

func TestRingBeforeFullAndTinyCapacity(t *testing.T) {
	r := NewRing[string](4)
	r.Push("a")
	r.Push("b")
	if r.Len() != 2 || r.At(0) != "a" || r.At(1) != "b" {
		t.Fatalf("got len %d %q %q", r.Len(), r.At(0), r.At(1))
	}
	one := NewRing[int](0)
	one.Push(1)
	if old, ok := one.Push(2); !ok || old != 1 || one.Len() != 1 || one.At(0) != 2 {
		t.Fatalf("capacity 0 should act as 1: evicted %d %v, len %d", old, ok, one.Len())
	}
}

func TestRingAtOutOfRangePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("At(3) on a 3-element ring did not panic")
		}
	}()
	r := NewRing[int](3)
	r.Push(1)
	r.Push(2)
	r.Push(3)
	r.At(3)
}

func TestRingMemoryIsBounded(t *testing.T) {
	r := NewRing[int](1000)
	for v := range 100_000 {
		r.Push(v)
	}
	if cap(r.buf) != 1000 || r.Len() != 1000 || r.At(0) != 99_000 || r.At(999) != 99_999 {
		t.Fatalf("cap %d len %d first %d last %d", cap(r.buf), r.Len(), r.At(0), r.At(999))
	}
	if allocs := testing.AllocsPerRun(1000, func() { r.Push(1) }); allocs != 0 {
		t.Fatalf("Push on a full ring allocates %v times", allocs)
	}
}
