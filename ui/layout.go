package ui

import "watchtrail/sources"

// rect is a pane's size, in cells.
type rect struct{ w, h int }

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

// screenLayout is where the panes go, decided once per terminal size.
type screenLayout struct {
	panes [paneCount]rect
}

// layoutFor places the four panes in a body of width x height cells:
// alarms beside metrics on top, then logs, then trail, each full width,
// since log and trail lines need the width more than the height. No pane
// shares its rows with the logs or the trail: the terminal redraws changed
// rows, so a new log line costs the logs pane's rows and nothing else.
func layoutFor(width, height int) screenLayout {
	var l screenLayout
	topH := height * 40 / 100
	logsH := (height - topH) * 55 / 100
	alarmsW := width / 2
	l.panes[paneAlarms] = rect{alarmsW, topH}
	l.panes[paneMetrics] = rect{width - alarmsW, topH}
	l.panes[paneLogs] = rect{width, logsH}
	l.panes[paneTrail] = rect{width, height - topH - logsH}
	return l
}

// bodyHeight is the height between the header and the status line.
func (m *Model) bodyHeight() int { return max(0, m.height-1-m.headerHeight()) }

// resize lays the panes out for the terminal and tells every pane and view
// its size; a zoomed pane gets the whole body.
func (m *Model) resize() {
	w, h := m.width, m.bodyHeight()
	m.layout = layoutFor(w, h)
	for id := range paneCount {
		r := m.layout.panes[id]
		m.pane(id).SetSize(r.w, r.h)
	}
	if _, zoomed := inStack[zoomView](m); zoomed {
		m.pane(m.focus).SetSize(w, h)
	}
	m.detail.SetSize(w, h)
	for _, v := range m.stack {
		if s, ok := v.(sizer); ok {
			s.SetSize(w, h)
		}
	}
}
