package server

import (
	"github.com/charmbracelet/colorprofile"
	"github.com/muesli/termenv"
)

// sessionProfile is the colour profile a session's environment asks for.
// A PTY is a terminal even when TERM is unset, so the floor is ASCII (no
// colour, escape sequences kept), never NoTTY (every sequence stripped).
func sessionProfile(env []string) colorprofile.Profile {
	return max(colorprofile.Env(env), colorprofile.ASCII)
}

func termenvProfile(p colorprofile.Profile) termenv.Profile {
	switch p {
	case colorprofile.TrueColor:
		return termenv.TrueColor
	case colorprofile.ANSI256:
		return termenv.ANSI256
	case colorprofile.ANSI:
		return termenv.ANSI
	}
	return termenv.Ascii
}
