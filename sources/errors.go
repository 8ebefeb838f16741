package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"watchtrail/text"
)

// Problem is a failure sorted by what the on-call engineer should do about it.
type Problem string

const (
	ProblemThrottled   Problem = "throttled"
	ProblemAccess      Problem = "access denied"
	ProblemCredentials Problem = "bad or expired credentials"
	ProblemUnreachable Problem = "endpoint unreachable"
	ProblemTimeout     Problem = "timed out"
	ProblemService     Problem = "AWS service error"
	ProblemOther       Problem = "error"
)

// Error is a failure a source has already sorted, with one line of detail
// naming the failing call ("CloudTrail LookupEvents: ThrottlingException:
// Rate exceeded"). Sources wrap their provider's errors in it, so that the UI
// can explain any source's failures without knowing the provider.
type Error struct {
	Problem Problem
	Detail  string
	Err     error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Classify sorts an error from any source into a Problem: the source's own
// verdict when it gave one, else what the network error says.
func Classify(err error) Problem {
	var sorted *Error
	var netErr net.Error
	var opErr *net.OpError
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	switch {
	case errors.As(err, &sorted):
		return sorted.Problem
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ProblemTimeout
	case errors.As(err, &opErr), strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"):
		return ProblemUnreachable
	}
	return ProblemOther
}

// Explain is a one-line status message for a feed's error:
// "trail: throttled — CloudTrail LookupEvents: ThrottlingException: Rate exceeded".
func Explain(feed Feed, err error) string { return string(feed) + ": " + Summary(err) }

// Summary is an error in one safe line: the problem first, then the
// source's detail (or the network error, without the layers around it).
func Summary(err error) string {
	var partial *PartialError
	var groups *GroupsError
	switch {
	case errors.As(err, &groups):
		return text.Sanitize(groups.Error()) // names the log groups once
	case errors.As(err, &partial):
		return text.Sanitize(partial.Error()) // names each failing source, summarised
	}
	detail := err.Error()
	var sorted *Error
	var netErr *net.OpError
	switch {
	case errors.As(err, &sorted) && sorted.Detail != "":
		detail = sorted.Detail
	case errors.As(err, &netErr):
		detail = netErr.Error()
	}
	return text.Sanitize(string(Classify(err)) + " — " + detail)
}

// ErrNoLogGroups means there is nothing to tail yet.
var ErrNoLogGroups = errors.New("no log groups to tail: pass --log-group or add log-group = … to the config file")

// GroupsError is one failure shared by several log groups, naming them once:
// "3 log groups (/a, /b, /c): AWS service error — FilterLogEvents: …".
type GroupsError struct {
	Groups []string
	Err    error
}

func (e *GroupsError) Error() string {
	label := "log group " + strings.Join(e.Groups, "")
	if len(e.Groups) > 1 {
		label = fmt.Sprintf("%d log groups (%s)", len(e.Groups), strings.Join(e.Groups, ", "))
	}
	return label + ": " + Summary(e.Err)
}

func (e *GroupsError) Unwrap() error { return e.Err }

// ByGroup joins the failures of log groups that failed alike (the same
// summary) into one GroupsError each, in the order they first failed.
func ByGroup(groups []string, errs []error) []error {
	var out []error
	index := map[string]*GroupsError{}
	for i, err := range errs {
		key := Summary(err)
		if e, ok := index[key]; ok {
			e.Groups = append(e.Groups, groups[i])
			continue
		}
		e := &GroupsError{Groups: []string{groups[i]}, Err: err}
		index[key] = e
		out = append(out, e)
	}
	return out
}
