package notebook

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"watchtrail/sources"
	"watchtrail/triage"
)

// SetVerdict gives the suspect e of inc the verdict kind (Confirmed or
// Dismissed), said by who at at, with an optional reason. Giving a suspect
// the verdict it already has withdraws it: c and x toggle.
func (s *Store) SetVerdict(inc Incident, e sources.TrailEvent, kind, who, reason string, at time.Time) (Change, error) {
	if kind != Confirmed && kind != Dismissed {
		return Change{}, fmt.Errorf("unknown verdict %q", kind)
	}
	if inc.IsZero() || e.ID == "" {
		return Change{}, errors.New("no incident or event to give a verdict on")
	}
	who, reason = CleanWho(who), CleanText(reason, MaxText)
	call := CleanText(triage.CallName(e.Name), MaxWho)
	return s.write(inc, who, at, func(tx *sql.Tx) (string, error) {
		var had string
		err := tx.QueryRow(`SELECT kind FROM verdicts WHERE alarm = ? AND fired = ? AND event_id = ?`,
			inc.Alarm, ms(inc.Fired), e.ID).Scan(&had)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		if had == kind {
			_, err := tx.Exec(`DELETE FROM verdicts WHERE alarm = ? AND fired = ? AND event_id = ?`, inc.Alarm, ms(inc.Fired), e.ID)
			return "cleared the verdict on " + call, err
		}
		_, err = tx.Exec(`INSERT INTO verdicts (alarm, fired, event_id, kind, call, event_time, who, at, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (alarm, fired, event_id) DO UPDATE SET kind = excluded.kind, who = excluded.who,
				at = excluded.at, reason = excluded.reason`,
			inc.Alarm, ms(inc.Fired), e.ID, kind, call, ms(e.Time), who, ms(at), reason)
		return kind + " " + call, err
	})
}

// AddNote adds a note to inc.
func (s *Store) AddNote(inc Incident, who, text string, at time.Time) (Change, error) {
	who, text = CleanWho(who), CleanText(text, MaxText)
	if text == "" {
		return Change{}, errors.New("an empty note is not kept")
	}
	if inc.IsZero() {
		return Change{}, errors.New("no incident to add a note to")
	}
	return s.write(inc, who, at, func(tx *sql.Tx) (string, error) {
		_, err := tx.Exec(`INSERT INTO notes (alarm, fired, who, at, text) VALUES (?, ?, ?, ?, ?)`,
			inc.Alarm, ms(inc.Fired), who, ms(at), text)
		return "added a note", err
	})
}

// TogglePin pins p to inc, or unpins it when it is pinned already.
func (s *Store) TogglePin(inc Incident, p Pin, who string, at time.Time) (Change, error) {
	if p.Kind != PinEvent && p.Kind != PinLog || p.Ref == "" || inc.IsZero() {
		return Change{}, errors.New("nothing to pin: select a log line or a CloudTrail event")
	}
	who, p.Text, p.Ref = CleanWho(who), CleanText(p.Text, MaxText), CleanText(p.Ref, MaxText)
	what := "a log line"
	if p.Kind == PinEvent {
		what = "a CloudTrail event"
	}
	return s.write(inc, who, at, func(tx *sql.Tx) (string, error) {
		res, err := tx.Exec(`DELETE FROM pins WHERE alarm = ? AND fired = ? AND kind = ? AND ref = ?`,
			inc.Alarm, ms(inc.Fired), p.Kind, p.Ref)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return "unpinned " + what, nil
		}
		_, err = tx.Exec(`INSERT INTO pins (alarm, fired, kind, ref, item_time, text, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			inc.Alarm, ms(inc.Fired), p.Kind, p.Ref, ms(p.ItemTime), p.Text, who, ms(at))
		return "pinned " + what, err
	})
}

// RecordIncident keeps inc in the list of incidents, with when it recovered
// once that is known. It writes only when that changes what is kept.
func (s *Store) RecordIncident(inc Incident, recovered time.Time) error {
	if inc.IsZero() {
		return nil
	}
	var rec sql.NullInt64
	if !recovered.IsZero() {
		rec = sql.NullInt64{Int64: ms(recovered), Valid: true}
	}
	var kept sql.NullInt64
	err := s.db.QueryRow(`SELECT recovered FROM incidents WHERE alarm = ? AND fired = ?`, inc.Alarm, ms(inc.Fired)).Scan(&kept)
	switch {
	case err == nil && (kept == rec || !rec.Valid):
		return nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return describe(s.path, err)
	}
	_, err = s.db.Exec(`INSERT INTO incidents (alarm, fired, recovered) VALUES (?, ?, ?)
		ON CONFLICT (alarm, fired) DO UPDATE SET recovered = coalesce(excluded.recovered, recovered)`,
		inc.Alarm, ms(inc.Fired), rec)
	return describe(s.path, err)
}
