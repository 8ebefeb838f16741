package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"watchtrail/theme"
)

type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	NextPane, PrevPane, Enter, Back       key.Binding
	Filter, Zoom, Refresh, Help, Quit     key.Binding
	WriteOnly, Denied, History            key.Binding
	AllGroups, Problems                   key.Binding
	Insights, Dashboards, Context, Raw    key.Binding
	Sources                               key.Binding
	Zone, Copy, Link                      key.Binding
	Confirm, Dismiss, Note, Pin           key.Binding
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
	Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open: alarm drill-down, line in full")),
	Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back / clear filter")),
	Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter the focused pane")),
	Zoom:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom the focused pane")),
	Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now")),
	Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "toggle help")),
	Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

	WriteOnly: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "trail: write calls only / all")),
	Denied:    key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "denied access, log file integrity")),
	History:   key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "search the trail's history")),
	AllGroups: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "logs: follow all the alarms' log groups")),
	Problems:  key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "failing log groups, bad trail files")),

	Insights:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "Logs Insights")),
	Dashboards: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "dashboards")),
	Context:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "log context")),
	Raw:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "fields / raw")),
	Sources:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "source")),
	Zone:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "times in local / UTC")),
	Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the selection (OSC 52)")),
	Link:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "AWS console link of the selection")),

	Confirm: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "confirm the suspect")),
	Dismiss: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "dismiss the suspect")),
	Note:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note the incident")),
	Pin:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pin line or event")),
}

// hint is b with a short description, for the footer: the keys stay b's.
func hint(b key.Binding, keyText, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keyText, desc))
}

// moveHint stands for the movement keys in the footer.
var moveHint = key.NewBinding(key.WithKeys(append(keys.Up.Keys(), keys.Down.Keys()...)...), key.WithHelp("↑↓", "move"))

// FullHelp is every key, in two columns: movement and the selection's, then the rest.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Zone, k.Copy, k.Link},
		{k.NextPane, k.PrevPane, k.Enter, k.Back, k.Filter, k.Zoom, k.Refresh, k.Help, k.Quit,
			k.WriteOnly, k.Denied, k.History, k.AllGroups, k.Problems},
		{k.Insights, k.Dashboards, k.Context, k.Raw, k.Sources, k.Confirm, k.Dismiss, k.Note, k.Pin},
	}
}

// ShortHelp is the dashboard's footer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{hint(k.NextPane, "tab", "pane"), moveHint, hint(k.Enter, "enter", "drill"),
		hint(k.Filter, "/", "filter"), hint(k.Help, "?", "help"), hint(k.Quit, "q", "quit")}
}

// shortHelp is a footer made of bindings.
type shortHelp []key.Binding

func (s shortHelp) ShortHelp() []key.Binding  { return s }
func (s shortHelp) FullHelp() [][]key.Binding { return keys.FullHelp() }

var (
	detailHelp = shortHelp{moveHint, hint(keys.NextPane, "tab", "section"), hint(keys.Enter, "enter", "JSON"),
		hint(keys.Insights, "i", "query around"), hint(keys.Back, "esc", "back"), hint(keys.Help, "?", "help"), notebookHint}
	viewerHelp = shortHelp{moveHint, hint(keys.Back, "esc", "close"), hint(keys.Help, "?", "help")}
	filterHelp = shortHelp{hint(keys.Enter, "enter", "keep"), hint(keys.Back, "esc", "clear")}
	helpHelp   = shortHelp{hint(keys.Back, "any key", "closes"), hint(keys.Quit, "q", "quit")}
)

// notebookHint stands for the drill-down's notebook keys in the footer.
var notebookHint = key.NewBinding(key.WithKeys("c", "x", "n", "p"), key.WithHelp("c/x/n/p", "confirm/dismiss/note/pin"))

// newHelp is the help drawer in the theme's styles.
func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = "  "
	h.FullSeparator = "    "
	h.Styles.ShortKey, h.Styles.FullKey = theme.Key, theme.Key
	plain := lipgloss.NewStyle()
	h.Styles.ShortDesc, h.Styles.FullDesc = plain, plain
	h.Styles.ShortSeparator, h.Styles.FullSeparator, h.Styles.Ellipsis = plain, plain, theme.Status
	return h
}
