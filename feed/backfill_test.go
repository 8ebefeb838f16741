package feed

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"watchtrail/sources"
)

// runBackfill reads b from src and checks that every event came once, in
// time order; it returns them and in how many runs they were handed over.
func runBackfill(t *testing.T, b Backfill, src *logStore) ([]sources.LogEvent, int) {
	t.Helper()
	var got []sources.LogEvent
	emits := 0
	err := b.Run(context.Background(), src, func(events []sources.LogEvent) error {
		emits++
		got = append(got, events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, e := range got {
		if seen[e.ID] {
			t.Fatalf("event %s handed over twice", e.ID)
		}
		seen[e.ID] = true
		if i > 0 && e.Time.Before(got[i-1].Time) {
			t.Fatalf("event %d (%s) before the one ahead of it", i, e.ID)
		}
	}
	return got, emits
}

func TestBackfillCutsABigRangeAndHandsEveryEventOverOnceInOrder(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, streams := range []int{1, 3} { // one stream pages in time order; several do not
		s := &logStore{pageSize: 100}
		for i := range 3000 {
			// Bursts of events in one millisecond, some at the slices' edges.
			at := start.Add(time.Duration(i/7) * 3 * time.Millisecond)
			s.put("/g", "s"+string(rune('0'+i%streams)), at)
		}
		b := Backfill{Groups: []string{"/g"}, Start: start, End: start.Add(time.Hour), Workers: 4}
		got, emits := runBackfill(t, b, s)
		if len(got) != 3000 {
			t.Fatalf("%d streams: %d events, want 3000", streams, len(got))
		}
		// The first slice is handed over while later ones are still read.
		if streams == 1 && (s.calls["/g"] > 3000/100*2 || emits < 2) {
			t.Fatalf("one stream: %d calls, %d runs handed over: want the range cut and handed over slice by slice", s.calls["/g"], emits)
		}
	}
}

func TestBackfillMergesGroupsAndKeepsToTheRange(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &logStore{pageSize: 50}
	for i := range 1000 {
		s.put([]string{"/a", "/b"}[i%2], "s", start.Add(time.Duration(i)*time.Second))
	}
	s.put("/a", "s", start.Add(-time.Millisecond)) // before the range
	b := Backfill{Groups: []string{"/a", "/b"}, Start: start, End: start.Add(900 * time.Second), MaxBuffered: 60}
	got, _ := runBackfill(t, b, s)
	if len(got) != 900 || got[0].Group != "/a" || got[1].Group != "/b" || !got[899].Time.Equal(start.Add(899*time.Second)) {
		t.Fatalf("want the 900 events of the range from both groups, got %d: first %+v, last %+v", len(got), got[0], got[len(got)-1])
	}
}

func TestBackfillNamesAFailingGroup(t *testing.T) {
	s := &logStore{pageSize: 50, failing: map[string]bool{"/missing": true}}
	now := time.Now()
	err := Backfill{Groups: []string{"/ok", "/missing"}, Start: now.Add(-time.Hour), End: now}.Run(context.Background(), s,
		func([]sources.LogEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "log group /missing: error — ResourceNotFoundException") {
		t.Fatalf("got %v", err)
	}
	stop := errors.New("stop")
	s.put("/ok", "s", now.Add(-time.Minute))
	err = Backfill{Groups: []string{"/ok"}, Start: now.Add(-time.Hour), End: now}.Run(context.Background(), s,
		func([]sources.LogEvent) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("an emit's error ends the backfill: got %v", err)
	}
}

// slowFirst holds the calls for the range's first slice, so later slices
// are read first and wait; it counts the events it handed out (each once).
type slowFirst struct {
	*logStore
	start   time.Time
	mu      sync.Mutex
	fetched map[string]bool
}

func (s *slowFirst) FetchLogPage(ctx context.Context, q sources.LogQuery, token string) ([]sources.LogEvent, string, error) {
	if q.Start.Equal(s.start) {
		time.Sleep(300 * time.Millisecond)
	}
	events, next, err := s.logStore.FetchLogPage(ctx, q, token)
	s.mu.Lock()
	for _, e := range events {
		s.fetched[e.ID] = true
	}
	s.mu.Unlock()
	return events, next, err
}

func TestBackfillHoldsAboutMaxBufferedEvents(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &slowFirst{logStore: &logStore{pageSize: 100}, start: start, fetched: map[string]bool{}}
	for i := range 20000 {
		s.put("/g", "s", start.Add(time.Duration(i)*time.Millisecond))
	}
	const limit, workers = 500, 4
	emitted, worst := 0, 0
	err := Backfill{Groups: []string{"/g"}, Start: start, End: start.Add(20 * time.Second), Workers: workers, MaxBuffered: limit}.Run(
		context.Background(), s, func(events []sources.LogEvent) error {
			s.mu.Lock()
			worst = max(worst, len(s.fetched)-emitted)
			s.mu.Unlock()
			emitted += len(events)
			return nil
		})
	if err != nil || emitted != 20000 {
		t.Fatalf("%d events, %v", emitted, err)
	}
	// Read but not handed over: the buffer, plus the pages in flight and a
	// split slice's first page (read again by its parts).
	if worst > limit+2*workers*100 {
		t.Fatalf("held up to %d events, want about %d", worst, limit)
	}
}
