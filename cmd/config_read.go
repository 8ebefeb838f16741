package cmd

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// The shape of a YAML config file is bounded before the YAML parser sees it:
// its time and memory grow with the square of the nesting depth, and of the
// number of keys of a mapping. A config is one mapping, each flag's name
// once, of values and lists: two levels.
const (
	maxConfigDepth = 16
	maxConfigKeys  = 200
)

// readConfigBytes reads a config file that must be a regular file of at most
// maxConfigSize bytes. The checks come before the content is read: a device
// such as /dev/zero never ends, and a FIFO blocks its reader until someone
// writes (so it is opened without blocking, then checked again through the
// open file in case the path was swapped in between).
// os.DevNull is the one exception, read as an empty config, as ssh -F and
// tmux -f take it to mean none.
func readConfigBytes(path string) ([]byte, error) {
	if path == os.DevNull {
		return nil, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regularFile(path, info); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regularFile(path, info); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s: over %d KB, the most a config file may have", path, maxConfigSize>>10)
	}
	return data, nil
}

func regularFile(path string, info fs.FileInfo) error {
	if info.Mode().IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch m := info.Mode(); {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Errorf("%s is %s: the config must be a regular file", path, kind)
}

// checkYAMLShape is a cheap pass over data that fails, naming the line, when
// block indentation, compact "- - -" sequences and flow collections ([ and {)
// together nest deeper than maxConfigDepth, or more than maxConfigKeys lines
// start at the margin. It is a bound, not a parser: a literal block whose
// lines indent ever deeper counts as nesting too.
func checkYAMLShape(path string, data []byte) error {
	var indents []int // the open block levels' columns
	flow := 0         // open [ and {
	keys := 0
	line := 1
	for i := 0; i < len(data); {
		end := i
		for end < len(data) && data[end] != '\n' {
			end++
		}
		text := data[i:end]
		col := 0
		for col < len(text) && text[col] == ' ' {
			col++
		}
		if flow == 0 && col < len(text) && text[col] != '#' && text[col] != '\r' {
			for len(indents) > 0 && indents[len(indents)-1] > col {
				indents = indents[:len(indents)-1]
			}
			if len(indents) == 0 || indents[len(indents)-1] < col {
				indents = append(indents, col)
			}
		}
		if flow == 0 && col == 0 && len(text) > 0 && !bytes.ContainsAny(text[:1], "#-.\r") {
			keys++
		}
		depth := len(indents) + compactSequences(text[col:])
		var err error
		switch flow, err = flowDepth(text, flow, depth); {
		case err != nil:
		case depth > maxConfigDepth:
			err = errTooDeep
		case keys > maxConfigKeys:
			err = fmt.Errorf("more than %d keys; a config sets each flag once", maxConfigKeys)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		i = end + 1
		line++
	}
	return nil
}

var errTooDeep = fmt.Errorf("nested deeper than %d levels; a config is flag-name: value lines and lists", maxConfigDepth)

// compactSequences counts the "- " that open a sequence each at the start of
// a line's content ("- - - x" nests three deep).
func compactSequences(text []byte) int {
	n := 0
	for len(text) >= 2 && text[0] == '-' && (text[1] == ' ' || text[1] == '\t') {
		n++
		text = text[2:]
		for len(text) > 0 && text[0] == ' ' {
			text = text[1:]
		}
	}
	return n
}

// flowDepth follows the [ and { that open flow collections on one line (not
// those inside quotes, comments or plain words), starting with flow open
// ones, and returns how many are open at its end; it fails when they and the
// block levels around them pass maxConfigDepth.
func flowDepth(text []byte, flow, block int) (int, error) {
	var quote byte
	plain := false // in a word; in a flow collection it ends at , [ ] { }
	for i := 0; i < len(text); i++ {
		c := text[i]
		if plain && flow > 0 && strings.IndexByte(",[]{}", c) >= 0 {
			plain = false
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
			return flow, nil
		case plain:
			plain = c != ':' // "key:" ends the key
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			if flow++; block+flow > maxConfigDepth {
				return flow, errTooDeep
			}
		case c == ']' || c == '}':
			flow = max(0, flow-1)
		case strings.IndexByte(" \t-?:,", c) < 0:
			plain = true
		}
	}
	return flow, nil
}
