package panes

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/notebook"
	"watchtrail/theme"
	"watchtrail/triage"
)

// detailMaxProblems is how many "could not see …" lines the suspects
// section shows; the last one counts the rest.
const detailMaxProblems = 3

// suspectsShape is how the suspects section uses its rows: the verdict,
// the problems of the resource graph, then the suspects, each on two lines
// (what, who and where; then what it set and why it ranks there) when all
// of the top few fit that way, else on one.
type suspectsShape struct {
	head            int // rows of the verdict: see verdictLines
	problems, items int
	perItem         int
}

// rows is how many rows the shape fills.
func (s suspectsShape) rows() int {
	if s.head == 0 {
		return 0
	}
	return s.head + s.problems + s.items*s.perItem
}

// suspectsNeed is how many rows the suspects section would like.
func (p *Detail) suspectsNeed() int {
	return p.verdictRows() + min(len(p.drill.Graph.Problems), detailMaxProblems) + 2*len(p.suspects.All())
}

func (p *Detail) suspectsLayout(rows int) suspectsShape {
	s := suspectsShape{perItem: 1}
	if rows <= 0 || p.drill == nil {
		return s
	}
	s.head = min(p.verdictRows(), rows)
	rows -= s.head
	n := len(p.suspects.All())
	s.problems = min(len(p.drill.Graph.Problems), max(0, rows-min(1, n)), detailMaxProblems)
	rows -= s.problems
	if n > 0 && rows >= 2*min(n, 2) {
		s.perItem = 2
	}
	s.items = min(n, rows/s.perItem)
	return s
}

// suspectRows draws the suspects section's rows: the verdict, what could not
// be seen, and the ranked suspects.
func (p *Detail) suspectRows(width, rows int) []string {
	shape := p.suspectsLayout(rows)
	if shape.head == 0 {
		return nil
	}
	lines := p.verdictLines(width)[:shape.head]
	problems := p.drill.Graph.Problems
	for i := range shape.problems {
		text := "  ⚠ " + problems[i]
		if i == shape.problems-1 && shape.problems < len(problems) {
			text += fmt.Sprintf(" (+%d more)", len(problems)-shape.problems)
		}
		lines = append(lines, theme.Warn.Render(FitLine(text, width)))
	}
	suspects := p.suspects.All()
	callW, userW := 0, 0
	for _, s := range suspects {
		callW = max(callW, lipgloss.Width(triage.CallName(s.Event.Name)))
		userW = max(userW, lipgloss.Width(s.Event.User))
	}
	if width < 100 {
		callW, userW = min(callW, 22), min(userW, 12)
	} else {
		callW, userW = min(callW, 30), min(userW, 24)
	}
	rankW := len(fmt.Sprint(len(suspects))) + 1
	from, to := p.suspects.Visible()
	for i := from; i < to; i++ {
		s := suspects[i]
		marker, highlight := p.marker(detailSuspects, i, p.suspects.Index())
		callStyle := lipgloss.NewStyle().Bold(true)
		mark, dismissed := p.verdictMark(s.Event.ID)
		if s.Late || s.Hops < 0 || dismissed {
			callStyle = theme.Dim
		}
		marker = p.pinMarker(marker, notebook.PinEvent, s.Event.ID)
		head := fmt.Sprintf("%*s ", rankW, fmt.Sprint(i+1, ".")) + p.fmtClock(s.Event.Time) + " " +
			callStyle.Render(FitLine(triage.CallName(s.Event.Name), callW)) + " " + FitLine(s.Event.User, userW) + " "
		pathW := width - lipgloss.Width(marker) - lipgloss.Width(head)
		if shape.perItem == 1 { // leave the reason some room on the line
			pathW /= 2
		}
		head += detailPath(s, pathW)
		var why []string
		if p.fresh[s.Event.ID] {
			why = append(why, theme.Info.Bold(true).Render("new"))
		}
		if mark != "" {
			why = append(why, mark)
		}
		if s.Likely {
			why = append(why, theme.Warn.Bold(true).Render("← likely cause"))
		}
		reason := detailShortID(s.Reason)
		if s.Change != "" {
			// What it set may take what the reason leaves, and at least half
			// the line, so the reason shows too.
			room := width - rankW - 3
			changeW := max(20, room/2, room-lipgloss.Width(strings.Join(append(why, reason), " · "))-3)
			why = append(why, theme.Info.Render(detailFit(detailShortARNs(s.Change), changeW)))
		}
		why = append(why, theme.Dim.Render(reason))
		if shape.perItem == 1 {
			lines = append(lines, detailRow(marker, head+"  "+strings.Join(why, " · "), highlight, width))
			continue
		}
		lines = append(lines, detailRow(marker, head, highlight, width),
			detailRow("  ", strings.Repeat(" ", rankW+1)+strings.Join(why, " · "), highlight, width))
	}
	return lines
}

// verdictLine is the engine's conclusion, stressed when it names a cause.
func (p *Detail) verdictLine(width int) string {
	verdict := detailShortID(p.drill.Verdict)
	if verdict == "" {
		verdict = "no changes ranked"
	}
	if len(p.drill.Suspects) > 0 && p.drill.Suspects[0].Likely {
		return theme.Warn.Bold(true).Render(FitLine("  "+verdict, width))
	}
	return FitLine("  "+verdict, width)
}

// detailPath fits a suspect's relation path into width: IDs shortened, then
// the middle hops elided ("prod-web → … → sg sg-0c4d"), keeping the changed
// resource at the end, which is what the path is there to show.
func detailPath(s triage.Suspect, width int) string {
	if s.Hops < 0 {
		return theme.Dim.Render(FitLine(s.Relation, width))
	}
	parts := strings.Split(s.Relation, " → ")
	for i := range parts {
		parts[i] = detailShortID(parts[i])
	}
	first := parts[0]
	if j := strings.LastIndexByte(first, ' '); j >= 0 { // the alarmed resource's kind is in the header
		first = first[j+1:]
	}
	candidates := []string{strings.Join(parts, " → ")}
	for keep := len(parts) - 2; keep >= 1; keep-- {
		candidates = append(candidates, strings.Join(append([]string{first, "…"}, parts[len(parts)-keep:]...), " → "))
	}
	if len(parts) > 1 {
		candidates = append(candidates, "… → "+parts[len(parts)-1])
	}
	for _, c := range candidates {
		if lipgloss.Width(c) <= width {
			return c
		}
	}
	return FitLine(candidates[len(candidates)-1], width)
}

// detailGeneratedID is an ID of the form kind/name/hash, as load balancers
// and target groups have ("app/prod-web/50dc6c495c0c9188"): its name says it.
var detailGeneratedID = regexp.MustCompile(`^(?:[^/\s]+/)+([^/\s]+)/[0-9a-f]{8,}$`)

// detailShortID shortens the generated IDs in a label to their names.
func detailShortID(label string) string {
	words := strings.Fields(label)
	for i, w := range words {
		words[i] = detailGeneratedID.ReplaceAllString(w, "$1")
	}
	return strings.Join(words, " ")
}

// detailARN is an ARN inside a text.
var detailARN = regexp.MustCompile(`arn:aws[\w-]*:[^\s,"]+`)

// detailShortARNs shortens the ARNs in a text to their last part:
// "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" → "AmazonDynamoDBFullAccess".
func detailShortARNs(text string) string {
	return detailARN.ReplaceAllStringFunc(text, func(arn string) string {
		return arn[strings.LastIndexAny(arn, ":/")+1:]
	})
}

// detailFit truncates text to width cells, without padding.
func detailFit(text string, width int) string {
	if lipgloss.Width(text) <= width {
		return text
	}
	return ansi.Truncate(text, width, "…")
}
