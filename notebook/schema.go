package notebook

import (
	"database/sql"
	"fmt"
)

// migrations bring the schema from version i to i+1; the database's
// PRAGMA user_version is how many have run. Append only: a released
// migration never changes. Times are milliseconds since the epoch; an
// incident is an alarm and the time it went into ALARM.
var migrations = []string{
	// 1: incidents, verdicts and notes.
	`CREATE TABLE incidents (
		alarm TEXT NOT NULL, fired INTEGER NOT NULL, recovered INTEGER,
		PRIMARY KEY (alarm, fired));
	CREATE TABLE verdicts (
		alarm TEXT NOT NULL, fired INTEGER NOT NULL, event_id TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'dismissed')),
		call TEXT NOT NULL, event_time INTEGER NOT NULL,
		who TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL,
		PRIMARY KEY (alarm, fired, event_id),
		FOREIGN KEY (alarm, fired) REFERENCES incidents);
	CREATE TABLE notes (
		id INTEGER PRIMARY KEY, alarm TEXT NOT NULL, fired INTEGER NOT NULL,
		who TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL,
		FOREIGN KEY (alarm, fired) REFERENCES incidents);`,
	// 2: pins, and the change log sessions and processes follow.
	`CREATE TABLE pins (
		id INTEGER PRIMARY KEY, alarm TEXT NOT NULL, fired INTEGER NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('event', 'log')), ref TEXT NOT NULL,
		item_time INTEGER NOT NULL, text TEXT NOT NULL, who TEXT NOT NULL, at INTEGER NOT NULL,
		UNIQUE (alarm, fired, kind, ref),
		FOREIGN KEY (alarm, fired) REFERENCES incidents);
	CREATE TABLE changes (
		seq INTEGER PRIMARY KEY AUTOINCREMENT, alarm TEXT NOT NULL, fired INTEGER NOT NULL,
		who TEXT NOT NULL, what TEXT NOT NULL, at INTEGER NOT NULL);
	CREATE INDEX notes_incident ON notes (alarm, fired);
	CREATE INDEX incidents_fired ON incidents (fired);`,
}

// SchemaVersion is the schema this watchtrail writes.
var SchemaVersion = len(migrations)

// migrate runs the migrations the database lacks, each in one transaction
// with its version bump, so a crash leaves it at one version or the next.
func (s *Store) migrate() error {
	version, err := s.version()
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("its schema is version %d, newer than this watchtrail's %d: upgrade watchtrail", version, SchemaVersion)
	}
	for v := version; v < SchemaVersion; v++ {
		err := s.tx(func(tx *sql.Tx) error {
			// Another process may have migrated it since the read above.
			var now int
			if err := tx.QueryRow(`PRAGMA user_version`).Scan(&now); err != nil || now > v {
				return err
			}
			if _, err := tx.Exec(migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			_, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, v+1))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) version() (int, error) {
	var v int
	err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	return v, err
}
