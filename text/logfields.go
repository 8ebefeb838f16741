package text

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Field is one named value of a log line.
type Field struct {
	Name  string
	Value string
}

// LogFields is a log line split for display: its level and message, and the
// other fields of a JSON line. Raw is the line as it came.
type LogFields struct {
	Level   string // upper case: ERROR, WARN, INFO, DEBUG, ...; "" when unknown
	Message string
	Fields  []Field // a JSON line's other fields, in the line's order
	JSON    bool    // the line (or its tail) was a JSON object
	Raw     string
}

// Keys that carry the level and the message in common JSON loggers (zap,
// logrus, pino, bunyan, Lambda's JSON log format, ECS, ...).
var (
	levelKeys   = []string{"level", "severity", "lvl", "log.level", "levelname", "loglevel"}
	messageKeys = []string{"message", "msg", "errorMessage", "@message", "text"}
)

// levelWords are recognised as a level when they stand alone in a plain
// line; "WARNING" and "CRITICAL" read as WARN and FATAL.
var levelWords = map[string]string{
	"TRACE": "TRACE", "DEBUG": "DEBUG", "INFO": "INFO", "NOTICE": "INFO", "WARN": "WARN", "WARNING": "WARN",
	"ERROR": "ERROR", "ERR": "ERROR", "FATAL": "FATAL", "CRITICAL": "FATAL", "PANIC": "FATAL",
}

// bunyanLevels maps pino/bunyan numeric levels.
var bunyanLevels = map[string]string{"10": "TRACE", "20": "DEBUG", "30": "INFO", "40": "WARN", "50": "ERROR", "60": "FATAL"}

// ParseLogLine splits a log line into level, message and fields. A line that
// is (or ends in, as Lambda's "time\trequest\tLEVEL\t{...}" lines do) a JSON
// object gives its fields; any other line keeps its text as the message,
// with the level guessed from a standalone level word among its first few.
func ParseLogLine(line string) LogFields {
	out := LogFields{Raw: line, Message: line}
	prefix := ""
	if i := strings.IndexByte(line, '{'); i >= 0 && strings.HasSuffix(strings.TrimSpace(line), "}") {
		if fields, ok := jsonFields(line[i:]); ok {
			prefix = line[:i]
			out.JSON, out.Fields, out.Message = true, fields, ""
		}
	}
	if out.JSON {
		out.Level = takeField(&out.Fields, levelKeys)
		if lvl, ok := bunyanLevels[out.Level]; ok {
			out.Level = lvl
		}
		out.Level = strings.ToUpper(out.Level)
		if lvl, ok := levelWords[out.Level]; ok {
			out.Level = lvl
		}
		out.Message = takeField(&out.Fields, messageKeys)
		if out.Level == "" {
			out.Level = guessLevel(prefix)
		}
		return out
	}
	out.Level = guessLevel(line)
	return out
}

// guessLevel finds a level word among the first six words of text.
func guessLevel(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '[' || r == ']' || r == ':' || r == '|' || r == '='
	})
	for i, w := range words {
		if i == 6 {
			break
		}
		if lvl, ok := levelWords[w]; ok {
			return lvl
		}
	}
	return ""
}

// takeField removes the first field named by one of keys and returns its value.
func takeField(fields *[]Field, keys []string) string {
	for _, k := range keys {
		for i, f := range *fields {
			if strings.EqualFold(f.Name, k) {
				*fields = append((*fields)[:i], (*fields)[i+1:]...)
				return f.Value
			}
		}
	}
	return ""
}

// jsonFields decodes a JSON object's top-level members in order; nested
// values stay compact JSON text.
func jsonFields(text string) ([]Field, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var fields []Field
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		fields = append(fields, Field{Name: fmt.Sprint(key), Value: jsonValueText(raw)})
	}
	if _, err := dec.Token(); err != nil || dec.More() {
		return nil, false
	}
	return fields, true
}

// jsonValueText is a string's text, or any other value as compact JSON.
func jsonValueText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.String()
	}
	return string(raw)
}
