package panes

import "watchtrail/sources"

// LogsFocused reports whether the drill-down's log list has the focus.
func (p *Detail) LogsFocused() bool { return p.section == detailLogs }

// SelectedLog returns the selected log line of the drill-down.
func (p *Detail) SelectedLog() (sources.LogEvent, bool) { return p.logs.Selected() }
