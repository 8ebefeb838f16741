package cmd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The config file sets flags under their own names; flags given on the
// command line win over it. A list flag takes a list:
//
//	region: eu-west-1
//	refresh: 30s
//	log-group:
//	  - /aws/lambda/checkout-api
//	metric:
//	  - AWS/EC2/CPUUtilization/InstanceId=i-0abc:Maximum
//
// The old format, one "name = value" a line, is still read from the old
// default place (or a --config file written that way).

// maxConfigSize bounds a config file; maxLegacyLine a line of the old format.
const (
	maxConfigSize = 256 << 10
	maxLegacyLine = 64 << 10
)

// notConfigurable are the flags that make no sense in the file.
var notConfigurable = map[string]bool{"config": true, "help": true, "version": true}

// setting is one key of a config file and where it was written.
type setting struct {
	key       string
	values    []string
	list      bool // written as a list
	line, col int
}

func defaultConfigPath() string {
	return filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "watchtrail", "config.yaml")
}

func legacyConfigPath() string {
	return filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "watchtrail", "config")
}

// loadConfig applies the config file at path (or the default one, when it
// exists) to cmd's flags that were not given on the command line.
func loadConfig(cmd *cobra.Command, path string) error {
	explicit := path != ""
	if !explicit {
		path = defaultConfigPath()
		if !exists(path) && exists(legacyConfigPath()) {
			path = legacyConfigPath()
		}
	}
	settings, legacy, err := readConfig(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return err
	}
	if legacy {
		fmt.Fprintf(cmd.ErrOrStderr(), "watchtrail: %s is in the old \"name = value\" format, which will go away; "+
			"convert it with: watchtrail config convert %s > %s\n", path, path, defaultConfigPath())
	}
	known := configurableFlags(cmd.Root())
	for _, s := range settings {
		at := fmt.Sprintf("%s:%d", path, s.line)
		if s.col > 0 {
			at += fmt.Sprintf(":%d", s.col)
		}
		if known[s.key] == nil {
			return fmt.Errorf("%s: unknown key %q (the keys are the flags' names: %s)", at, s.key, strings.Join(sortedKeys(known), ", "))
		}
		if err := applySetting(cmd.Flags(), s); err != nil {
			return fmt.Errorf("%s: %s: %w", at, s.key, err)
		}
	}
	return nil
}

func applySetting(fs *pflag.FlagSet, s setting) error {
	f := fs.Lookup(s.key)
	if f == nil || f.Changed || f.Annotations[cmdLineOnly] != nil {
		return nil // another command's flag, given on the command line, or not for the file
	}
	_, isList := f.Value.(pflag.SliceValue)
	if s.list && !isList {
		return errors.New("takes one value, not a list")
	}
	for _, v := range s.values {
		if err := f.Value.Set(v); err != nil {
			return err
		}
	}
	return nil
}

// configurableFlags are the flags of every command, by name.
func configurableFlags(root *cobra.Command) map[string]*pflag.Flag {
	flags := map[string]*pflag.Flag{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if skipsConfig(c) {
			return
		}
		for _, fs := range []*pflag.FlagSet{c.PersistentFlags(), c.LocalNonPersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if !notConfigurable[f.Name] {
					flags[f.Name] = f
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return flags
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readConfig reads either format; legacy reports the old one.
func readConfig(path string) (settings []setting, legacy bool, err error) {
	data, err := readConfigBytes(path)
	if err != nil {
		return nil, false, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark, as some editors write
	if isLegacy(data) {
		settings, err = parseLegacy(path, data)
		return settings, true, err
	}
	settings, err = parseYAML(path, data)
	return settings, false, err
}

var legacyLine = regexp.MustCompile(`^\s*[A-Za-z][A-Za-z0-9-]*\s*=`)

// isLegacy: the first line that is not blank or a comment is "name = ...".
func isLegacy(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return legacyLine.MatchString(line)
		}
	}
	return false
}

func parseYAML(path string, data []byte) ([]setting, error) {
	if err := checkYAMLShape(path, data); err != nil {
		return nil, err
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, true))
	}
	var settings []setting
	for _, doc := range file.Docs {
		if doc.Body == nil {
			continue
		}
		m, ok := doc.Body.(*ast.MappingNode)
		if !ok {
			if mv, one := doc.Body.(*ast.MappingValueNode); one {
				m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
			} else {
				pos := doc.Body.GetToken().Position
				return nil, fmt.Errorf("%s:%d:%d: want \"flag-name: value\" lines", path, pos.Line, pos.Column)
			}
		}
		for _, kv := range m.Values {
			pos := kv.Key.GetToken().Position
			s := setting{key: kv.Key.GetToken().Value, line: pos.Line, col: pos.Column}
			if err := plainYAML(kv.Key); err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %w", path, pos.Line, pos.Column, err)
			}
			if s.values, s.list, err = yamlValues(kv.Value); err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %s: %w", path, pos.Line, pos.Column, s.key, err)
			}
			settings = append(settings, s)
		}
	}
	return settings, nil
}

// plainYAML refuses anchors, aliases and tags: the parser leaves them to the
// caller (whose scalar would be the "&", "*" or "!!str" token), and an alias
// is the way to a billion-laughs expansion. A config's values are few and
// short, so each is written out.
func plainYAML(n ast.Node) error {
	switch n.Type() {
	case ast.AnchorType, ast.AliasType:
		return errors.New("anchors (&) and aliases (*) are not read in a config: write the value out")
	case ast.TagType:
		return errors.New("tags (!) are not read in a config: write the value alone")
	}
	return nil
}

// yamlValues is a scalar's text, or a list of scalars' texts.
func yamlValues(n ast.Node) (values []string, list bool, err error) {
	if err := plainYAML(n); err != nil {
		return nil, false, err
	}
	if seq, ok := n.(*ast.SequenceNode); ok {
		for _, item := range seq.Values {
			v, err := yamlScalar(item)
			if err != nil {
				return nil, true, err
			}
			values = append(values, v)
		}
		return values, true, nil
	}
	v, err := yamlScalar(n)
	return []string{v}, false, err
}

func yamlScalar(n ast.Node) (string, error) {
	if err := plainYAML(n); err != nil {
		return "", err
	}
	switch v := n.(type) {
	case *ast.NullNode:
		return "", errors.New("no value")
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return strings.TrimRight(v.Value.Value, "\n"), nil
	case ast.ScalarNode:
		return v.GetToken().Value, nil
	}
	return "", fmt.Errorf("want a value or a list of values, not a %s", strings.ToLower(n.Type().String()))
}

func parseLegacy(path string, data []byte) ([]setting, error) {
	var settings []setting
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 0, 4096), maxLegacyLine)
	n := 0
	for scanner.Scan() {
		n++
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want name = value", path, n)
		}
		settings = append(settings, setting{key: strings.TrimSpace(name), values: []string{strings.TrimSpace(value)}, line: n})
	}
	if errors.Is(scanner.Err(), bufio.ErrTooLong) {
		return nil, fmt.Errorf("%s:%d: line longer than %d KB", path, n+1, maxLegacyLine>>10)
	}
	return settings, scanner.Err()
}
