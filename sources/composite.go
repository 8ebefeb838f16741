package sources

import (
	"fmt"
	"strings"

	"watchtrail/text"
)

// ParseAlarmRule checks a composite alarm's AlarmRule and returns the alarms
// it names, in order, each once: ALARM("name"), OK(name), INSUFFICIENT_DATA(arn)
// combined with AND, OR, NOT and parentheses, plus TRUE and FALSE. ARNs are
// reduced to the alarm name.
func ParseAlarmRule(rule string) ([]string, error) {
	p := &ruleParser{text: rule}
	p.expr()
	if p.err == nil && p.peek() != "" {
		p.fail("unexpected %q", p.peek())
	}
	if p.err != nil {
		return nil, fmt.Errorf("alarm rule %q: %v", clip(rule), p.err)
	}
	return p.children, nil
}

// ruleParser is a recursive-descent parser over the rule text:
//
//	expr   = term { OR term }
//	term   = factor { AND factor }
//	factor = NOT factor | "(" expr ")" | STATE "(" name ")" | TRUE | FALSE
type ruleParser struct {
	text     string
	pos      int
	children []string
	err      error
}

func (p *ruleParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("at %d: %s", p.pos+1, fmt.Sprintf(format, args...))
	}
}

func (p *ruleParser) skipSpace() {
	for p.pos < len(p.text) && strings.ContainsRune(" \t\r\n", rune(p.text[p.pos])) {
		p.pos++
	}
}

// peek returns the next token without taking it: "(", ")", a word, or "".
func (p *ruleParser) peek() string {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return ""
	}
	if c := p.text[p.pos]; c == '(' || c == ')' {
		return string(c)
	}
	end := p.pos
	for end < len(p.text) && strings.IndexByte(" \t\r\n()", p.text[end]) < 0 {
		end++
	}
	return p.text[p.pos:end]
}

func (p *ruleParser) take(want string) bool {
	if p.err == nil && strings.EqualFold(p.peek(), want) {
		p.pos += len(want)
		return true
	}
	return false
}

func (p *ruleParser) expr() {
	p.term()
	for p.take("OR") {
		p.term()
	}
}

func (p *ruleParser) term() {
	p.factor()
	for p.take("AND") {
		p.factor()
	}
}

func (p *ruleParser) factor() {
	if p.err != nil {
		return
	}
	switch tok := strings.ToUpper(p.peek()); tok {
	case "NOT":
		p.take(tok)
		p.factor()
	case "(":
		p.take(tok)
		p.expr()
		if !p.take(")") {
			p.fail("missing )")
		}
	case "TRUE", "FALSE":
		p.take(tok)
	case "ALARM", "OK", "INSUFFICIENT_DATA":
		p.take(tok)
		if !p.take("(") {
			p.fail("%s needs (alarm name)", tok)
			return
		}
		p.name()
		if !p.take(")") {
			p.fail("missing ) after the alarm name")
		}
	case "":
		p.fail("rule ends where a condition should be")
	default:
		p.fail("%q is not ALARM(...), OK(...), INSUFFICIENT_DATA(...), NOT, TRUE, FALSE or (", p.peek())
	}
}

// name reads a quoted or bare alarm name or ARN.
func (p *ruleParser) name() {
	p.skipSpace()
	var name string
	if p.pos < len(p.text) && p.text[p.pos] == '"' {
		end := strings.IndexByte(p.text[p.pos+1:], '"')
		if end < 0 {
			p.fail("unterminated quoted alarm name")
			return
		}
		name = p.text[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
	} else {
		end := strings.IndexByte(p.text[p.pos:], ')')
		if end < 0 {
			end = len(p.text) - p.pos
		}
		name = strings.TrimSpace(p.text[p.pos : p.pos+end])
		p.pos += end
	}
	name = alarmNameOf(name)
	if name == "" {
		p.fail("empty alarm name")
		return
	}
	for _, c := range p.children {
		if c == name {
			return
		}
	}
	p.children = append(p.children, text.Sanitize(name))
}

// FiringChildren returns the composite's children that are in ALARM among
// alarms, in the rule's order: what its drill-down should analyse.
func FiringChildren(composite Alarm, alarms []Alarm) []Alarm {
	var out []Alarm
	for _, name := range composite.Children {
		for _, a := range alarms {
			if a.Name == name && a.State == StateAlarm && (a.Source == composite.Source) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}
