package ui

import (
	"strings"
)

// compact rewrites a rendered screen with the fewest SGR (colour and
// attribute) escapes that draw the same cells. lipgloss closes every styled
// piece with a reset and opens the next from scratch, so a row of bordered
// panes carries an escape pair around every border, padding and label; here
// each line keeps one pen: it changes only what the next visible cell needs,
// and blanks are drawn with whatever pen is on when it only differs in what
// a blank does not show (foreground, bold, italic, faint, blink). Every line
// starts and ends with the default pen, so each stays drawable on its own
// and an unchanged line stays byte-identical. A line holding an SGR code
// this does not know is kept as it is.
func compact(screen string) string {
	var b strings.Builder
	b.Grow(len(screen))
	for i, line := range strings.Split(screen, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if !compactLine(&b, line) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// pen is the SGR state: attribute bits and the colours' parameter text
// ("38;5;75"), "" for the terminal's default.
type pen struct {
	attrs  uint16
	fg, bg string
}

// SGR attributes, by their set code; a blank shows only those in onBlank.
const (
	attrBold = 1 << iota
	attrFaint
	attrItalic
	attrUnderline
	attrBlink
	_ // 6: rapid blink, unused
	attrReverse
	attrConceal
	attrStrike

	onBlank = attrUnderline | attrReverse | attrStrike
)

// attrCodes are the set codes of the attribute bits, in bit order.
var attrCodes = [...]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}

// compactLine writes line with its escapes rewritten, or reports false,
// having written nothing, when the line holds an escape it does not know.
func compactLine(b *strings.Builder, line string) bool {
	if !strings.Contains(line, "\x1b[") {
		b.WriteString(line)
		return true
	}
	var have, want pen
	pending := false        // want != have
	var tmp strings.Builder // written to b only when the whole line is known
	tmp.Grow(len(line))
	for i := 0; i < len(line); {
		c := line[i]
		if c == 0x1b {
			n, sgr, ok := escapeAt(line, i)
			if sgr {
				if !want.apply(line[i+2 : i+n-1]) {
					return false
				}
				pending = want != have
			} else if ok {
				tmp.WriteString(line[i : i+n])
			} else {
				return false
			}
			i += n
			continue
		}
		if pending && (c != ' ' || have.bg != want.bg || (have.attrs^want.attrs)&onBlank != 0) {
			tmp.WriteString(have.to(want))
			have, pending = want, false
		}
		tmp.WriteByte(c)
		i++
	}
	if have != (pen{}) {
		tmp.WriteString("\x1b[0m")
	}
	b.WriteString(tmp.String())
	return true
}

// escapeAt measures the escape sequence at line[i]: its length, whether it
// is an SGR (CSI … m), and false when it is cut off.
func escapeAt(line string, i int) (n int, sgr, ok bool) {
	if i+1 >= len(line) {
		return 0, false, false
	}
	switch line[i+1] {
	case '[': // CSI: parameters, intermediates, one final byte
		j := i + 2
		for j < len(line) && line[j] >= 0x20 && line[j] <= 0x3f {
			j++
		}
		if j >= len(line) || line[j] < 0x40 || line[j] > 0x7e {
			return 0, false, false
		}
		return j + 1 - i, line[j] == 'm', true
	case ']': // OSC (e.g. a hyperlink): up to BEL or ST
		for j := i + 2; j < len(line); j++ {
			if line[j] == 0x07 {
				return j + 1 - i, false, true
			}
			if line[j] == 0x1b && j+1 < len(line) && line[j+1] == '\\' {
				return j + 2 - i, false, true
			}
		}
		return 0, false, false
	}
	return 2, false, true
}

// apply updates the pen with an SGR's parameters; false for ones it does
// not know (or colon sub-parameters, private markers and the like).
func (p *pen) apply(params string) bool {
	if params == "" {
		*p = pen{}
		return true
	}
	fields := strings.Split(params, ";")
	for k := 0; k < len(fields); k++ {
		switch f := fields[k]; f {
		case "0", "":
			*p = pen{}
		case "1", "2", "3", "4", "5", "7", "8", "9":
			p.attrs |= 1 << (f[0] - '1')
		case "22":
			p.attrs &^= attrBold | attrFaint
		case "23", "24", "25", "27", "28", "29":
			p.attrs &^= 1 << (f[1] - '1')
		case "39":
			p.fg = ""
		case "49":
			p.bg = ""
		case "38", "48":
			n := colourLen(fields[k:])
			if n == 0 {
				return false
			}
			colour := strings.Join(fields[k:k+n], ";")
			if f == "38" {
				p.fg = colour
			} else {
				p.bg = colour
			}
			k += n - 1
		default:
			code, ok := atoi(f)
			switch {
			case !ok:
				return false
			case code >= 30 && code <= 37 || code >= 90 && code <= 97:
				p.fg = f
			case code >= 40 && code <= 47 || code >= 100 && code <= 107:
				p.bg = f
			default:
				return false
			}
		}
	}
	return true
}

// colourLen is how many fields an extended colour (38;5;n or 38;2;r;g;b)
// takes, 0 when malformed.
func colourLen(fields []string) int {
	if len(fields) < 2 {
		return 0
	}
	n := 0
	switch fields[1] {
	case "5":
		n = 3
	case "2":
		n = 5
	}
	if n == 0 || len(fields) < n {
		return 0
	}
	for _, f := range fields[2:n] {
		if _, ok := atoi(f); !ok {
			return 0
		}
	}
	return n
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// to is the escape that turns pen p into q: only what is added when
// nothing has to be switched off, else a reset and all of q.
func (p pen) to(q pen) string {
	if q == (pen{}) {
		return "\x1b[0m"
	}
	var params []string
	from := p
	if p.attrs&^q.attrs != 0 || p.fg != "" && q.fg == "" || p.bg != "" && q.bg == "" {
		params, from = []string{"0"}, pen{}
	}
	for bit, code := range attrCodes {
		if q.attrs&^from.attrs&(1<<bit) != 0 {
			params = append(params, code)
		}
	}
	if q.fg != from.fg {
		params = append(params, q.fg)
	}
	if q.bg != from.bg {
		params = append(params, q.bg)
	}
	return "\x1b[" + strings.Join(params, ";") + "m"
}
