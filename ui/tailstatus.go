package ui

import (
	"fmt"
	"strings"
	"time"

	"watchtrail/feed"
	"watchtrail/sources"
)

// tailNote is what a tail feed's pane border says about keeping up: failing
// groups (or accounts), how far behind it is, bad trail log files. "" when
// all is well.
func tailNote(s *feed.Scheduler, f sources.Feed) string {
	st := s.State(f)
	badFiles, _ := s.BadTrailFiles()
	var parts []string
	if p := problemsNote(st.Problems); p != "" {
		parts = append(parts, p)
	}
	if b := behindNote(f, st.Tail); b != "" {
		parts = append(parts, b)
	}
	if f == sources.FeedTrail && badFiles > 0 {
		parts = append(parts, plural(badFiles, "bad trail file"))
	}
	if len(parts) == 0 {
		return ""
	}
	if len(st.Problems) > 0 || f == sources.FeedTrail && badFiles > 0 {
		parts = append(parts, keys.Problems.Help().Key+" list")
	}
	return strings.Join(parts, " · ")
}

// problemsNote is "2 groups failing: /aws/lambda/x access denied, …".
func problemsNote(problems []sources.GroupProblem) string {
	if len(problems) == 0 {
		return ""
	}
	unit := "group"
	if problems[0].Group == "" {
		unit = "source"
	}
	names := make([]string, len(problems))
	for i, p := range problems {
		names[i] = problemName(p) + " " + string(sources.Classify(p.Err))
	}
	return plural(len(problems), unit) + " failing: " + strings.Join(names, ", ")
}

func problemName(p sources.GroupProblem) string {
	switch {
	case p.Source == "":
		return p.Group
	case p.Group == "":
		return p.Source
	}
	return p.Source + ":" + p.Group
}

// behindNote is "behind by 40 s, sampling — try --live-tail" for logs; the
// trail, which cannot stream, suggests fewer events instead.
func behindNote(feed sources.Feed, t sources.TailStatus) string {
	var note string
	if t.Behind > 0 {
		note = "behind by " + shortDuration(t.Behind)
	}
	if t.Sampling {
		note = strings.TrimPrefix(note+", sampling", ", ")
		if feed == sources.FeedLogs {
			note += " — try --live-tail"
		} else {
			note += " — try " + keys.WriteOnly.Help().Key + " (write calls only)"
		}
	}
	return note
}

// shortDuration is "40 s", "3 min" or "2 h", rounded down.
func shortDuration(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%d s", max(1, int(d/time.Second)))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// problemsText lists the feeds' failing groups and bad trail log files in
// full, for the problems view.
func problemsText(s *feed.Scheduler) string {
	var b strings.Builder
	for _, feed := range []sources.Feed{sources.FeedLogs, sources.FeedTrail} {
		st := s.State(feed)
		if st.LastErr != "" {
			fmt.Fprintf(&b, "%s\n", st.LastErr)
		}
		for _, p := range st.Problems {
			fmt.Fprintf(&b, "%s  %s\n    %s (failed %d×", feed, problemName(p), sources.Summary(p.Err), p.Failures)
			if !p.RetryAt.IsZero() {
				fmt.Fprintf(&b, ", retry at %s", p.RetryAt.UTC().Format("15:04:05"))
			}
			b.WriteString(")\n")
		}
	}
	if n, bad := s.BadTrailFiles(); n > 0 {
		fmt.Fprintf(&b, "\n%s skipped", plural(n, "bad trail file"))
		if len(bad) < n {
			fmt.Fprintf(&b, " (the newest %d listed)", len(bad))
		}
		b.WriteString(":\n")
		for i := len(bad) - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "%s  %s\n    %s\n", bad[i].Found.UTC().Format("15:04:05"), bad[i].Name, bad[i].Err)
		}
	}
	if b.Len() == 0 {
		return "No log group is failing and no trail log file was skipped."
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// moreGroupsNote is the logs pane's "+N more groups" while alarms' log
// groups are left out.
func moreGroupsNote(s *feed.Scheduler) string {
	more := s.MoreGroups()
	if more == 0 {
		return ""
	}
	return "+" + plural(more, "more group") + " (" + keys.AllGroups.Help().Key + ": add)"
}
