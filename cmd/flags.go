package cmd

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"watchtrail/sources/awssrc"
)

// The flag types below check their value in Set, so a bad value is refused
// the same way on the command line and in the config file, naming the flag
// (or the file, line and key).

// minRefresh keeps a typo such as --refresh 1ms from polling AWS hundreds
// of times a second.
const minRefresh = time.Second

// durationAtLeast is a duration flag with a floor; zero means "not set".
type durationAtLeast struct {
	d   *time.Duration
	min time.Duration
}

func (f durationAtLeast) String() string {
	if *f.d == 0 {
		return ""
	}
	return f.d.String()
}
func (f durationAtLeast) Type() string { return "duration" }
func (f durationAtLeast) Set(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a duration such as 30s or 1m", s)
	case d < f.min:
		return fmt.Errorf("the minimum is %s", f.min)
	}
	*f.d = d
	return nil
}

// listValue is a repeatable flag whose items are checked by parse.
type listValue[T any] struct {
	items *[]T
	texts []string
	kind  string
	parse func(string) (T, error)
}

func newList[T any](items *[]T, kind string, parse func(string) (T, error)) *listValue[T] {
	return &listValue[T]{items: items, kind: kind, parse: parse}
}

func (l *listValue[T]) String() string { return strings.Join(l.texts, ",") }
func (l *listValue[T]) Type() string   { return l.kind }
func (l *listValue[T]) Set(s string) error {
	item, err := l.parse(s)
	if err != nil {
		return err
	}
	*l.items = append(*l.items, item)
	l.texts = append(l.texts, s)
	return nil
}

// Append, Replace and GetSlice make it a pflag.SliceValue: config files
// give such flags a list.
func (l *listValue[T]) Append(s string) error { return l.Set(s) }
func (l *listValue[T]) Replace(ss []string) error {
	*l.items, l.texts = nil, nil
	for _, s := range ss {
		if err := l.Set(s); err != nil {
			return err
		}
	}
	return nil
}
func (l *listValue[T]) GetSlice() []string { return append([]string(nil), l.texts...) }

var _ pflag.SliceValue = (*listValue[string])(nil)

// checkedString is a string flag whose value check must accept.
type checkedString struct {
	s     *string
	kind  string
	check func(string) error
}

func (f checkedString) String() string { return *f.s }
func (f checkedString) Type() string   { return f.kind }
func (f checkedString) Set(s string) error {
	if err := f.check(s); err != nil {
		return err
	}
	*f.s = s
	return nil
}

// checkEndpoint wants an absolute http(s) URL, as the SDK does.
func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http:// or https:// URL (e.g. http://127.0.0.1:5000)", s)
	}
	return nil
}

func checkTrailBucket(s string) error {
	_, _, err := awssrc.ParseTrailBucket(s)
	return err
}

func checkLogGroup(s string) error {
	_, err := parseLogGroup(s)
	return err
}

// namesValue is a repeatable flag of comma-separated names (profiles,
// regions), each given once.
type namesValue struct {
	names *[]string
	kind  string
}

func newNames(names *[]string, kind string) *namesValue { return &namesValue{names, kind} }

func (n *namesValue) String() string { return strings.Join(*n.names, ",") }
func (n *namesValue) Type() string   { return n.kind }
func (n *namesValue) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			return fmt.Errorf("%q: an empty name in the list", s)
		case slices.Contains(*n.names, name):
			return fmt.Errorf("%q is given twice", name)
		}
		*n.names = append(*n.names, name)
	}
	return nil
}
func (n *namesValue) Append(s string) error { return n.Set(s) }
func (n *namesValue) Replace(ss []string) error {
	*n.names = nil
	for _, s := range ss {
		if err := n.Set(s); err != nil {
			return err
		}
	}
	return nil
}
func (n *namesValue) GetSlice() []string { return append([]string(nil), *n.names...) }

// logGroupName is CloudWatch Logs' rule for log group names.
var logGroupName = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)

// parseLogGroup takes a log group name or ARN
// (arn:aws:logs:<region>:<account>:log-group:<name>[:*]).
func parseLogGroup(s string) (string, error) {
	name := s
	if strings.HasPrefix(s, "arn:") {
		_, after, ok := strings.Cut(s, ":log-group:")
		if !ok {
			return "", fmt.Errorf("%q is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)", s)
		}
		name = strings.TrimSuffix(after, ":*")
	}
	if !logGroupName.MatchString(name) {
		return "", fmt.Errorf("%q is not a log group name (1-512 of a-z A-Z 0-9 . - _ / #)", name)
	}
	return s, nil
}

// maxFilterPattern is FilterLogEvents' and StartLiveTail's limit.
const maxFilterPattern = 1024

func checkFilter(s string) error {
	if len(s) > maxFilterPattern {
		return fmt.Errorf("the filter pattern is %d bytes long; CloudWatch Logs takes at most %d", len(s), maxFilterPattern)
	}
	return nil
}
