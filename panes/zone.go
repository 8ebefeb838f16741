package panes

import "time"

// zoned is the time zone a pane shows times in. Each program (each SSH
// session) sets its own on its panes with SetZone; nil is UTC.
type zoned struct{ zone *time.Location }

// SetZone has the pane show every time in loc (nil: UTC).
func (z *zoned) SetZone(loc *time.Location) { z.zone = loc }

// inZone is t in the pane's zone.
func (z *zoned) inZone(t time.Time) time.Time {
	if z == nil || z.zone == nil {
		return t.In(time.UTC)
	}
	return t.In(z.zone)
}
