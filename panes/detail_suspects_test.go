package panes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"watchtrail/sources"
	"watchtrail/triage"
)

// fxRoleDrill is a Lambda alarm whose cause sits one hop away: a policy
// detached from the function's execution role, hidden among a tag write on
// the function, a change after the onset and a same-service change.
func fxRoleDrill() triage.Result {
	msg := fxDrill()
	msg.Alarm = fxAlarms()[1] // checkout-errors
	msg.Alarm.StateChanged = fxChanged
	msg.Series.Spec = msg.Alarm.Metric
	role := sources.Related{Resource: sources.Resource{Kind: "role", ID: "svc-ord-exec", ARN: "arn:aws:iam::123456789012:role/svc-ord-exec"},
		Hops: 1, Path: []string{"function checkout", "role svc-ord-exec"}}
	msg.Graph = sources.ResourceGraph{Resources: append(triage.AlarmResources(msg.Alarm), role),
		Problems: []string{"could not see role svc-ord-exec's relations: AccessDenied"}}
	at := func(d time.Duration) time.Time { return fxChanged.Add(d) }
	msg.Trail = []sources.TrailEvent{
		{ID: "tag", Time: at(-6 * time.Minute), Name: "TagResource", Source: "lambda.amazonaws.com", User: "tagger-bot",
			Resources: []string{"arn:aws:lambda:eu-west-1:123456789012:function:checkout"}, JSON: `{"eventName":"TagResource"}`},
		{ID: "detach", Time: at(-9 * time.Minute), Name: "DetachRolePolicy", Source: "iam.amazonaws.com", User: "alice",
			JSON: `{"eventName":"DetachRolePolicy","requestParameters":{"roleName":"svc-ord-exec","policyArn":"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}}`},
		{ID: "late", Time: at(3 * time.Minute), Name: "UpdateFunctionConfiguration20150331v2", Source: "lambda.amazonaws.com", User: "bob",
			JSON: `{"eventName":"UpdateFunctionConfiguration20150331v2","requestParameters":{"functionName":"checkout","memorySize":512}}`},
		{ID: "other", Time: at(-20 * time.Minute), Name: "UpdateFunctionCode20150331v2", Source: "lambda.amazonaws.com", User: "ci",
			JSON: `{"eventName":"UpdateFunctionCode20150331v2","requestParameters":{"functionName":"image-resizer"}}`},
	}
	return fxTriage(msg)
}

func TestDetailSuspectsRankTheRelatedChangeFirstAtEverySize(t *testing.T) {
	fxPlainColors(t)
	msg := fxRoleDrill()
	if len(msg.Suspects) == 0 || msg.Suspects[0].Event.ID != "detach" || !msg.Suspects[0].Likely {
		t.Fatalf("fixture: the engine should blame the detach: %q %+v", msg.Verdict, msg.Suspects)
	}
	p := NewDetail()
	p.SetLoading(msg.Alarm)
	p.SetDrill(msg)
	for _, size := range [][2]int{{80, 22}, {120, 38}, {200, 58}} {
		out := fxDraw(p, size[0], size[1])
		fxCheckSize(t, out, size[0], size[1])
		out = ansi.Strip(out)
		title := strings.Index(out, "▸ Suspects (4)")
		verdict := strings.Index(out, "likely cause: DetachRolePolicy by alice on function checkout")
		problem := strings.Index(out, "⚠ could not see role svc-ord-exec's relations: AccessDenied")
		first := detailTestLine(out, "1. ")
		if title < 0 || verdict < title || problem < verdict || !strings.Contains(out[problem:], first) {
			t.Fatalf("%v: want the focused Suspects title, the verdict, the problem, then the suspects:\n%s", size, out)
		}
		for _, want := range []string{"› 1. 19:26:00 DetachRolePolicy", "alice", "→ role svc-ord-exec"} {
			if !strings.Contains(first, want) {
				t.Errorf("%v: first suspect lacks %q: %q", size, want, first)
			}
		}
		if why := detailTestLine(out, "← likely cause · "); !strings.Contains(why, "policyArn → AmazonDynamoDBFullAccess · a permission") {
			t.Errorf("%v: the likely cause's change (ARN shortened) and reason: %q", size, why)
		}
		if why := detailTestLine(out, "← likely cause · "); size[0] >= 120 && !strings.Contains(why, "a permission change can cause errors; on role svc-ord-ex") {
			t.Errorf("%v: the likely cause's reason line: %q", size, why)
		}
		if strings.Count(out, "← likely cause") != 2 {
			t.Errorf("%v: the likely cause is flagged once among the suspects and once in the trail:\n%s", size, out)
		}
		if size[0] >= 120 && !strings.Contains(first, "checkout → role svc-ord-exec") {
			t.Errorf("%v: the whole relation path fits: %q", size, first)
		}
		late := detailTestLine(out, ". 19:38:00 UpdateFunctionConfigu")
		if late == "" || !strings.Contains(out, "memorySize → 512") {
			t.Errorf("%v: the late change and what it set should show:\n%s", size, out)
		}
	}
	title, text, ok := p.Open()
	if !ok || title != "CloudTrail event · DetachRolePolicy by alice" || !strings.Contains(text, `"policyArn"`) {
		t.Fatalf("enter on the top suspect opens its JSON: %q %q %v", title, text, ok)
	}
	p.Move(1)
	if title, _, _ := p.Open(); !strings.Contains(title, "TagResource") && !strings.Contains(title, "UpdateFunction") {
		t.Fatalf("moving selects the next suspect: %q", title)
	}
}

func TestDetailSaysNoRelatedChangeAndBlamesNothing(t *testing.T) {
	fxPlainColors(t)
	msg := fxRoleDrill()
	msg.Trail = []sources.TrailEvent{msg.Trail[3]} // only the other function's deploy
	msg = fxTriage(msg)
	p := NewDetail()
	p.SetDrill(msg)
	for _, size := range [][2]int{{80, 22}, {120, 38}} {
		out := ansi.Strip(fxDraw(p, size[0], size[1]))
		if !strings.Contains(out, "no related change in the window (1 write event checked)") || strings.Contains(out, "likely cause") {
			t.Fatalf("%v: want the no-related-change verdict and no blame:\n%s", size, out)
		}
		if line := detailTestLine(out, "1. "); !strings.Contains(line, "same service (lambda)") {
			t.Fatalf("%v: the unrelated change still lists, as same-service only: %q", size, line)
		}
	}
}

func TestDetailShowsWhatTheGraphCouldNotSeeEvenWithoutSuspects(t *testing.T) {
	fxPlainColors(t)
	msg := fxRoleDrill()
	msg.Trail, msg.Suspects, msg.Cause = nil, nil, ""
	msg.Verdict = triage.Verdict(nil, 0)
	for i := range 4 {
		msg.Graph.Problems = append(msg.Graph.Problems, fmt.Sprintf("could not see sg sg-%d's relations: throttled", i))
	}
	p := NewDetail()
	p.SetDrill(msg)
	out := ansi.Strip(fxDraw(p, 100, 30))
	for _, want := range []string{"▸ Suspects (0)", "no related change in the window (0 write events checked)",
		"⚠ could not see role svc-ord-exec's relations: AccessDenied", "⚠ could not see sg sg-0's relations: throttled",
		"(+2 more)", "CloudTrail", "Log lines"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if _, _, ok := p.Open(); ok {
		t.Error("nothing to open without suspects")
	}
}

func TestDetailPathKeepsTheChangedResource(t *testing.T) {
	fxPlainColors(t)
	s := triage.Suspect{Hops: 3, Relation: "load balancer app/web/50dc6c495c0c9188 → target group targetgroup/web-tg/6d0ecf831eec9f09 → instance i-0a1b2c3d4e5f60001 → sg sg-0c4d5e6f7a8b9c0d1"}
	for width, want := range map[int]string{
		200: "load balancer web → target group web-tg → instance i-0a1b2c3d4e5f60001 → sg sg-0c4d5e6f7a8b9c0d1",
		70:  "web → … → instance i-0a1b2c3d4e5f60001 → sg sg-0c4d5e6f7a8b9c0d1",
		40:  "web → … → sg sg-0c4d5e6f7a8b9c0d1",
		30:  "… → sg sg-0c4d5e6f7a8b9c0d1",
	} {
		if got := detailPath(s, width); got != want {
			t.Errorf("width %d: %q, want %q", width, got, want)
		}
	}
	for w := 0; w < 30; w++ {
		if got := detailPath(s, w); lipgloss.Width(got) > w {
			t.Errorf("width %d: %q overflows", w, got)
		}
	}
}

func TestChartMarksAreLabelledForReadingWithoutColour(t *testing.T) {
	fxPlainColors(t)
	msg := fxRoleDrill()
	p := NewDetail()
	p.SetDrill(msg)
	out := ansi.Strip(fxDraw(p, 120, 40))
	legend := detailTestLine(out, "⠤⠤")
	for _, want := range []string{"┊ ▲ ALARM 19:35:00", "┆ changes 1–3", "╎ onset"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend lacks %q: %q", want, legend)
		}
	}
	chart := out[strings.Index(out, "⠤⠤"):strings.Index(out, "▸ Suspects")]
	for _, want := range []string{"1", "2", "onset", "┆", "╎", "▲19:35:00"} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart lacks %q:\n%s", want, chart)
		}
	}
}

// A change that reached the trail after the drill-down opened joins the
// ranking in place, marked new, and the selection stays where it was.
func TestDetailMarksSuspectsThatArriveOnARefresh(t *testing.T) {
	fxPlainColors(t)
	full := fxRoleDrill()
	early := full
	early.Trail = []sources.TrailEvent{full.Trail[3]} // only the other function's deploy had arrived
	early = fxTriage(early)
	p := NewDetail()
	p.SetDrill(early)
	out := ansi.Strip(fxDraw(p, 200, 58))
	if strings.Contains(out, "· new") || strings.Contains(out, "likely cause") {
		t.Fatalf("nothing is new on opening:\n%s", out)
	}
	selected, _ := p.suspects.Selected()
	p.SetDrill(fxTriage(full))
	out = ansi.Strip(fxDraw(p, 200, 58))
	if why := detailTestLine(out, "← likely cause"); !strings.Contains(why, "new · ") {
		t.Errorf("the arrived cause is not marked new: %q\n%s", why, out)
	}
	if now, _ := p.suspects.Selected(); now.Event.ID != selected.Event.ID {
		t.Errorf("selection moved from %s to %s", selected.Event.ID, now.Event.ID)
	}
	if n := strings.Count(out, "new · "); n != len(fxTriage(full).Suspects)-len(early.Suspects) {
		t.Errorf("%d suspects marked new, want %d:\n%s", n, len(fxTriage(full).Suspects)-len(early.Suspects), out)
	}
}
