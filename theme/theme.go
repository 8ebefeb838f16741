// Package theme holds every lipgloss style the dashboard uses, so panes agree
// on colours and a colour-less terminal (NO_COLOR, TERM=dumb) still reads well.
package theme

import (
	"os"
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Adaptive colours pick a shade for light and dark terminals alike.
var (
	Red    = adaptive("#C00000", "#FF5F5F")
	Amber  = adaptive("#A05A00", "#FFAF00")
	Green  = adaptive("#006F00", "#5FD75F")
	Blue   = adaptive("#0050A0", "#5FAFFF")
	Muted  = adaptive("#6C6C6C", "#8A8A8A")
	Accent = adaptive("#5F00AF", "#AF87FF")
)

// adaptive is a light and a dark shade, each converted to the 256- and
// 16-colour palettes once here: lipgloss would convert a hex colour on
// every Render, which was a quarter of a frame's time.
func adaptive(light, dark string) lipgloss.CompleteAdaptiveColor {
	return lipgloss.CompleteAdaptiveColor{Light: complete(light), Dark: complete(dark)}
}

func complete(hex string) lipgloss.CompleteColor {
	return lipgloss.CompleteColor{
		TrueColor: hex,
		ANSI256:   strconv.Itoa(int(termenv.ANSI256.Color(hex).(termenv.ANSI256Color))),
		ANSI:      strconv.Itoa(int(termenv.ANSI.Color(hex).(termenv.ANSIColor))),
	}
}

var (
	// Pane frames: the focused pane gets a bright, thick border.
	Pane        = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(Muted)
	PaneFocused = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(Accent)
	Title       = lipgloss.NewStyle().Bold(true)
	TitleMuted  = lipgloss.NewStyle().Foreground(Muted)

	Header    = lipgloss.NewStyle().Bold(true).Foreground(complete("#FFFFFF")).Background(complete("#3A3A7A")).Padding(0, 1)
	DemoBadge = lipgloss.NewStyle().Bold(true).Foreground(complete("#000000")).Background(complete("#FFAF00")).Padding(0, 1)
	Status    = lipgloss.NewStyle().Foreground(Muted)
	StatusErr = lipgloss.NewStyle().Bold(true).Foreground(Red)

	Selected = lipgloss.NewStyle().Reverse(true)
	Dim      = lipgloss.NewStyle().Foreground(Muted)
	Error    = lipgloss.NewStyle().Foreground(Red)
	Warn     = lipgloss.NewStyle().Foreground(Amber)
	Good     = lipgloss.NewStyle().Foreground(Green)
	Info     = lipgloss.NewStyle().Foreground(Blue)
	Insight  = lipgloss.NewStyle().Bold(true).Foreground(Accent) // CloudTrail Insights events
	// Tampered is the banner of trail log files modified or missing.
	Tampered = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#C00000")).Padding(0, 1)
	Key      = lipgloss.NewStyle().Bold(true).Foreground(Accent)
)

// UseColor picks the colour profile: the terminal's own, or none at all when
// the user asked (--no-color or NO_COLOR), in which case styles keep bold and
// reverse video and every state is still spelled out in text.
func UseColor(enabled bool) {
	if !enabled {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
}

// ColorWanted reports whether the environment allows colour (NO_COLOR unset).
func ColorWanted() bool {
	_, off := os.LookupEnv("NO_COLOR")
	return !off
}
