package panes

import (
	"sync"
	"time"
)

// The time zone panes show times in. Each SSH session may choose its own
// while all share these panes' code, so a frame is drawn with the zone
// held: InZone serialises the drawing of frames in different zones.
var (
	zoneMu      sync.Mutex
	displayZone = time.UTC
)

// InZone draws with every time shown in loc (nil: UTC).
func InZone(loc *time.Location, draw func() string) string {
	if loc == nil {
		loc = time.UTC
	}
	zoneMu.Lock()
	defer zoneMu.Unlock()
	displayZone = loc
	defer func() { displayZone = time.UTC }()
	return draw()
}

// inZone is t in the zone of the frame being drawn.
func inZone(t time.Time) time.Time { return t.In(displayZone) }
