package ui

import "watchtrail/sources"

// rect is a pane's place on screen, in cells.
type rect struct{ x, y, w, h int }

// paneID names the four live panes, in Tab order.
type paneID int

const (
	paneAlarms paneID = iota
	paneMetrics
	paneLogs
	paneTrail
	paneCount
)

// feed is the feed that fills the pane.
func (p paneID) feed() sources.Feed {
	return [...]sources.Feed{sources.FeedAlarms, sources.FeedMetrics, sources.FeedLogs, sources.FeedTrail}[p]
}

func (p paneID) String() string {
	return [...]string{"alarms", "metrics", "logs", "trail"}[p]
}

// wideLayoutMin is the width from which the four panes sit in two columns.
const wideLayoutMin = 160

// layout places the four panes in a body of width x height cells.
// Wide screens: alarms over metrics on the left, logs over trail on the right.
// Narrower ones: alarms beside metrics on top, then logs, then trail, each
// full width, since log and trail lines need the width more than the height.
func layout(width, height int) [paneCount]rect {
	var r [paneCount]rect
	if width >= wideLayoutMin {
		left := width * 45 / 100
		right := width - left
		alarmsH := height * 45 / 100
		logsH := height * 60 / 100
		r[paneAlarms] = rect{0, 0, left, alarmsH}
		r[paneMetrics] = rect{0, alarmsH, left, height - alarmsH}
		r[paneLogs] = rect{left, 0, right, logsH}
		r[paneTrail] = rect{left, logsH, right, height - logsH}
		return r
	}
	topH := height * 40 / 100
	logsH := (height - topH) * 55 / 100
	trailH := height - topH - logsH
	alarmsW := width / 2
	r[paneAlarms] = rect{0, 0, alarmsW, topH}
	r[paneMetrics] = rect{alarmsW, 0, width - alarmsW, topH}
	r[paneLogs] = rect{0, topH, width, logsH}
	r[paneTrail] = rect{0, topH + logsH, width, trailH}
	return r
}
