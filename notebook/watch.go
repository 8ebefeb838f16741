package notebook

import (
	"context"
	"database/sql"
	"time"
)

// WatchEvery is how often the watcher asks SQLite whether another process
// wrote (PRAGMA data_version: no disk read when nothing changed). Actions
// of this process wake it at once.
var WatchEvery = 200 * time.Millisecond

// subscriberBuffer bounds the changes waiting for one subscriber; past it
// they are dropped for that subscriber (it reloads on the next one anyway).
const subscriberBuffer = 1024

// Subscribe returns the changes every process makes from now on, in order,
// until cancel is called. One watcher serves all of a Store's subscribers.
func (s *Store) Subscribe() (<-chan Change, func()) {
	ch := make(chan Change, subscriberBuffer)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	if s.stop == nil {
		ctx, stop := context.WithCancel(context.Background())
		s.stop = stop
		s.watch.Add(1)
		go s.watchChanges(ctx, s.lastSeq())
	}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
	}
}

func (s *Store) lastSeq() int64 {
	var seq sql.NullInt64
	_ = s.db.QueryRow(`SELECT max(seq) FROM changes`).Scan(&seq)
	return seq.Int64
}

// watchChanges sends every change after seq to the subscribers: when this
// process wrote, or when data_version says another did.
func (s *Store) watchChanges(ctx context.Context, seq int64) {
	defer s.watch.Done()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	version := int64(-1)
	ticker := time.NewTicker(WatchEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			var v int64
			if conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v) != nil || v == version {
				continue
			}
			if next, err := s.sendSince(ctx, conn, seq); err == nil {
				version = v // else read again on the next tick
				seq = next
			}
			continue
		case <-s.poke:
		}
		seq, _ = s.sendSince(ctx, conn, seq)
	}
}

// sendSince sends the changes after seq and returns the last one sent.
func (s *Store) sendSince(ctx context.Context, conn *sql.Conn, seq int64) (int64, error) {
	rows, err := conn.QueryContext(ctx, `SELECT seq, alarm, fired, who, what, at FROM changes WHERE seq > ? ORDER BY seq`, seq)
	if err != nil {
		return seq, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var fired, at int64
		if err := rows.Scan(&c.Seq, &c.Incident.Alarm, &fired, &c.Who, &c.What, &at); err != nil {
			return seq, err
		}
		c.Incident.Fired, c.At, seq = fromMS(fired), fromMS(at), c.Seq
		c.Who, c.What = CleanWho(c.Who), CleanText(c.What, MaxText)
		s.mu.Lock()
		for ch := range s.subs {
			select {
			case ch <- c:
			default:
			}
		}
		s.mu.Unlock()
	}
	return seq, rows.Err()
}
