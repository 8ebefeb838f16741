// Package notebook is the war room's shared incident notebook: the verdicts
// people give the suspects of an incident (confirmed as the cause,
// dismissed), their notes and the log lines and CloudTrail events they pin.
// It is kept in SQLite (WAL mode, one transaction per action), so a serve
// process and a command-line run can use it at once, and what was said
// survives restarts and crashes.
package notebook

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the database's name in the state directory.
const FileName = "notebook.db"

// busyTimeout is how long a write waits for another process's write to
// finish before it gives up with "locked" (a variable for tests).
var busyTimeout = 5 * time.Second

// Store is an open notebook. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string

	mu    sync.Mutex
	subs  map[chan Change]struct{}
	poke  chan struct{} // wakes the watcher after a local action
	stop  context.CancelFunc
	watch sync.WaitGroup
}

// Open opens (creating it 0600 when missing) the notebook in dir and brings
// its schema up to date. A database that is locked, read-only, corrupt or
// from a newer watchtrail gives an error that says so.
func Open(dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrPermission) {
		return nil, fmt.Errorf("notebook %s: %w", path, err)
	}
	dsn := (&url.URL{Scheme: "file", Path: path, RawQuery: url.Values{
		"_pragma": {fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "journal_mode(WAL)",
			"synchronous(FULL)", "foreign_keys(ON)"},
		"_txlock": {"immediate"}, // a write takes the lock at BEGIN: waits rather than deadlocks
	}.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, describe(path, err)
	}
	s := &Store{db: db, path: path, subs: map[chan Change]struct{}{}, poke: make(chan struct{}, 1)}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, describe(path, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Chmod(path+suffix, 0o600) // the WAL and index may hold what was said
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close stops the watcher, ends the subscriptions and closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	if stop != nil {
		stop()
		s.watch.Wait()
	}
	s.mu.Lock()
	for ch := range s.subs {
		close(ch)
	}
	clear(s.subs)
	s.mu.Unlock()
	return s.db.Close()
}

// describe turns SQLite's errors into what a user can act on; nil stays nil.
func describe(path string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("notebook %s is locked by another process (waited %s)", path, busyTimeout)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH:
			return fmt.Errorf("notebook %s cannot be written (read-only file or directory?): %v", path, err)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("notebook %s is corrupt or not a notebook database: move it away to start a new one", path)
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return fmt.Errorf("notebook %s: disk full or I/O error: %v", path, err)
		}
	}
	return fmt.Errorf("notebook %s: %w", path, err)
}

// write runs one action in one transaction: fn changes the incident's
// entries and says what it did ("confirmed X"), which goes into the change
// log in the same transaction. The watcher is woken once it is committed.
func (s *Store) write(inc Incident, who string, at time.Time, fn func(tx *sql.Tx) (string, error)) (Change, error) {
	c := Change{Incident: inc, Who: who, At: at}
	err := s.tx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT OR IGNORE INTO incidents (alarm, fired) VALUES (?, ?)`, inc.Alarm, ms(inc.Fired)); err != nil {
			return err
		}
		did, err := fn(tx)
		if err != nil {
			return err
		}
		c.What = who + " " + did
		res, err := tx.Exec(`INSERT INTO changes (alarm, fired, who, what, at) VALUES (?, ?, ?, ?, ?)`,
			inc.Alarm, ms(inc.Fired), who, c.What, ms(at))
		if err == nil {
			c.Seq, err = res.LastInsertId()
		}
		return err
	})
	if err != nil {
		return Change{}, describe(s.path, err)
	}
	select {
	case s.poke <- struct{}{}:
	default:
	}
	return c, nil
}

// tx runs fn in one transaction: all of it is committed or none.
func (s *Store) tx(fn func(tx *sql.Tx) error) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ms is t as milliseconds since the epoch, how times are kept.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
