package sources

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// logStore is an in-memory log group whose events may be ingested late.
type logStore struct {
	events []LogEvent
	fail   bool
}

func (s *logStore) FetchLogs(_ context.Context, q LogQuery) ([]LogEvent, error) {
	if s.fail {
		return nil, errors.New("ThrottlingException")
	}
	var out []LogEvent
	for _, e := range s.events {
		if e.Group == q.Group && !e.Time.Before(q.Start) && e.Time.Before(q.End) {
			out = append(out, e)
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *logStore) put(group string, at time.Time) {
	s.events = append(s.events, LogEvent{ID: fmt.Sprintf("%s-%d", group, len(s.events)), Group: group, Time: at})
}

func TestLogTailDeliversEachEventOnceWithoutGaps(t *testing.T) {
	base := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	store := &logStore{}
	tail := NewLogTail([]string{"/a", "/b"}, "")
	delivered := map[string]int{}
	collect := func(now time.Time) {
		events, err := tail.Poll(context.Background(), store, now)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range events {
			delivered[e.ID]++
			if i > 0 && e.Time.Before(events[i-1].Time) {
				t.Fatalf("events out of order at %d", i)
			}
		}
	}
	for step := 0; step < 30; step++ {
		now := base.Add(time.Duration(step) * 5 * time.Second)
		store.put("/a", now.Add(-time.Second))
		store.put("/b", now.Add(-2*time.Second))
		if step%3 == 0 {
			store.put("/a", now.Add(-40*time.Second)) // ingested late
		}
		collect(now)
	}
	collect(base.Add(10 * time.Minute))
	for _, e := range store.events {
		if delivered[e.ID] != 1 {
			t.Fatalf("event %s delivered %d times", e.ID, delivered[e.ID])
		}
	}
}

func TestLogTailKeepsPositionWhenAPollFails(t *testing.T) {
	base := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	store := &logStore{}
	tail := NewLogTail([]string{"/a"}, "")
	if _, err := tail.Poll(context.Background(), store, base); err != nil {
		t.Fatal(err)
	}
	store.put("/a", base.Add(30*time.Second))
	store.fail = true
	if _, err := tail.Poll(context.Background(), store, base.Add(time.Minute)); err == nil {
		t.Fatal("want the fetch error")
	}
	store.fail = false
	events, err := tail.Poll(context.Background(), store, base.Add(5*time.Minute))
	if err != nil || len(events) != 1 {
		t.Fatalf("after recovery got %d events, %v; want the one missed", len(events), err)
	}
}

func TestLogTailContinuesFromLastEventWhenAPageIsFull(t *testing.T) {
	base := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	store := &logStore{}
	for i := 0; i < logPollLimit+500; i++ {
		store.put("/a", base.Add(time.Duration(i)*time.Millisecond))
	}
	tail := NewLogTail([]string{"/a"}, "")
	now := base.Add(time.Minute)
	total := 0
	for i := 0; i < 3; i++ {
		events, _ := tail.Poll(context.Background(), store, now)
		total += len(events)
	}
	if total != len(store.events) {
		t.Fatalf("delivered %d of %d events", total, len(store.events))
	}
}
