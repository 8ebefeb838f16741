package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"watchtrail/panes"
	"watchtrail/theme"
)

type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	NextPane, PrevPane, Enter, Back       key.Binding
	Filter, Zoom, Refresh, Help, Quit     key.Binding
}

var keys = keyMap{
	Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "move up")),
	Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "move down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d", " "), key.WithHelp("pgdn", "page down")),
	Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first / oldest")),
	End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last / follow newest")),
	NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane / section")),
	PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
	Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "drill into alarm / show log line or event in full")),
	Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back / clear filter")),
	Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter the focused pane")),
	Zoom:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom the focused pane")),
	Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now")),
	Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "toggle help")),
	Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
}

// hints is the one-line reminder in the status bar.
func hints(inDetail bool) string {
	if inDetail {
		return hintLine("↑↓", "move", "tab", "section", "enter", "JSON", "esc", "back", "?", "help")
	}
	return hintLine("tab", "pane", "↑↓", "move", "enter", "drill", "/", "filter", "?", "help", "q", "quit")
}

func hintLine(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, theme.Key.Render(pairs[i])+" "+pairs[i+1])
	}
	return strings.Join(parts, "  ")
}

// helpText is the full key reference shown by '?'.
func helpText() string {
	all := []key.Binding{keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.Home, keys.End,
		keys.NextPane, keys.PrevPane, keys.Enter, keys.Back, keys.Filter, keys.Zoom, keys.Refresh, keys.Help, keys.Quit}
	var b strings.Builder
	b.WriteString("Keys\n\n")
	for _, k := range all {
		h := k.Help()
		b.WriteString("  " + theme.Key.Render(panes.FitLine(h.Key, 10)) + " " + h.Desc + "\n")
	}
	b.WriteString("\nAlarms are sorted ALARM first. Enter on an alarm opens the drill-down:\n")
	b.WriteString("the metric around the state change with its threshold, the CloudTrail\n")
	b.WriteString("events on the same resource, and the matching log lines.\n")
	b.WriteString("Logs and trail follow the newest line; move up to pause, G to resume.")
	return b.String()
}
