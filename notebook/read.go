package notebook

import (
	"context"
	"database/sql"
	"time"
)

// Load reads everything said about inc.
func (s *Store) Load(inc Incident) (Entries, error) {
	e := Entries{Incident: inc, Verdicts: map[string]Verdict{}}
	key := []any{inc.Alarm, ms(inc.Fired)}
	err := s.readTx(func(tx *sql.Tx) error {
		var rec sql.NullInt64
		if err := tx.QueryRow(`SELECT recovered FROM incidents WHERE alarm = ? AND fired = ?`, key...).Scan(&rec); err != nil && err != sql.ErrNoRows {
			return err
		}
		if rec.Valid {
			e.Recovered = fromMS(rec.Int64)
		}
		err := each(tx, `SELECT event_id, kind, call, event_time, who, at, reason FROM verdicts WHERE alarm = ? AND fired = ?`, key,
			func(r *sql.Rows) error {
				var v Verdict
				var evAt, at int64
				err := r.Scan(&v.EventID, &v.Kind, &v.Call, &evAt, &v.Who, &at, &v.Reason)
				v.EventTime, v.At = fromMS(evAt), fromMS(at)
				v.Call, v.Who, v.Reason = CleanText(v.Call, MaxWho), CleanWho(v.Who), CleanText(v.Reason, MaxText)
				e.Verdicts[v.EventID] = v
				return err
			})
		if err != nil {
			return err
		}
		err = each(tx, `SELECT id, who, at, text FROM notes WHERE alarm = ? AND fired = ? ORDER BY at, id`, key,
			func(r *sql.Rows) error {
				var n Note
				var at int64
				err := r.Scan(&n.ID, &n.Who, &at, &n.Text)
				n.At, n.Who, n.Text = fromMS(at), CleanWho(n.Who), CleanText(n.Text, MaxText)
				e.Notes = append(e.Notes, n)
				return err
			})
		if err != nil {
			return err
		}
		return each(tx, `SELECT kind, ref, item_time, text, who, at FROM pins WHERE alarm = ? AND fired = ? ORDER BY at, id`, key,
			func(r *sql.Rows) error {
				var p Pin
				var itemAt, at int64
				err := r.Scan(&p.Kind, &p.Ref, &itemAt, &p.Text, &p.Who, &at)
				p.ItemTime, p.At, p.Who, p.Text = fromMS(itemAt), fromMS(at), CleanWho(p.Who), CleanText(p.Text, MaxText)
				e.Pins = append(e.Pins, p)
				return err
			})
	})
	return e, describe(s.path, err)
}

// Summary is one incident in a list of incidents.
type Summary struct {
	Incident
	Recovered time.Time // zero while unknown
	Causes    []string  // the confirmed suspects' calls
	Dismissed int
	Notes     int
	Pins      int
}

// Incidents lists the incidents that fired at or after since, newest first.
func (s *Store) Incidents(since time.Time) ([]Summary, error) {
	var out []Summary
	err := s.readTx(func(tx *sql.Tx) error {
		err := each(tx, `SELECT i.alarm, i.fired, i.recovered,
				(SELECT count(*) FROM verdicts v WHERE v.alarm = i.alarm AND v.fired = i.fired AND v.kind = 'dismissed'),
				(SELECT count(*) FROM notes n WHERE n.alarm = i.alarm AND n.fired = i.fired),
				(SELECT count(*) FROM pins p WHERE p.alarm = i.alarm AND p.fired = i.fired)
			FROM incidents i WHERE i.fired >= ? ORDER BY i.fired DESC, i.alarm`, []any{ms(since)},
			func(r *sql.Rows) error {
				var sum Summary
				var fired int64
				var rec sql.NullInt64
				err := r.Scan(&sum.Alarm, &fired, &rec, &sum.Dismissed, &sum.Notes, &sum.Pins)
				sum.Fired = fromMS(fired)
				if rec.Valid {
					sum.Recovered = fromMS(rec.Int64)
				}
				out = append(out, sum)
				return err
			})
		if err != nil {
			return err
		}
		for i := range out {
			key := []any{out[i].Alarm, ms(out[i].Fired)}
			err := each(tx, `SELECT call FROM verdicts WHERE alarm = ? AND fired = ? AND kind = 'confirmed' ORDER BY event_time`, key,
				func(r *sql.Rows) error {
					var call string
					err := r.Scan(&call)
					out[i].Causes = append(out[i].Causes, CleanText(call, MaxWho))
					return err
				})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, describe(s.path, err)
}

// readTx reads in one transaction, so what is read is one moment's state.
func (s *Store) readTx(fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// each runs scan on every row query returns.
func each(tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.Query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
