package triage

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"watchtrail/sources"
)

// Suspect is one change that could have caused the alarm, with why it ranks
// where it does.
type Suspect struct {
	Event    sources.TrailEvent
	Score    float64 // relation × impact × timing × actor, 0..1
	Hops     int     // 0 the alarmed resource, 1–2 related; -1 only the same service
	Relation string  // "orders-fn → role svc-ord-exec", or "same service (lambda)"
	Impact   Impact  // the change's category and how well it explains the symptom (its weight)
	Why      string  // "a limit change can cause throttling"
	Routine  string  // "routine: every ~5 min since 14:02", or ""
	Actor    Actor
	Change   string // what changed: "memorySize 1024 → 128, timeout → 3"
	Reason   string // one line: why it ranks here
	Late     bool   // made after the onset's period: too late to cause it
	Likely   bool   // strong enough evidence to call it the likely cause
}

// Ranking thresholds. A suspect is the likely cause when its score is at
// least likelyScore (e.g. a configuration change by a person on a resource
// one hop away, up to ~20 minutes before the onset) and at least likelyMargin
// times the runner-up's, so two equally plausible changes blame neither.
const (
	likelyScore  = 0.3
	likelyMargin = 1.2
	// timeScale: a change this long before the onset weighs half of one
	// made just before it.
	timeScale  = 30 * time.Minute
	afterOnset = 0.15 // weight of a change made after the metric moved
	periodEnd  = 0.8  // weight of a change at the very end of the onset's period
	// mentionWeight: a call that only mentions a related resource (a peer
	// in a rule, an ARN in its response) weighs less than one acting on it.
	mentionWeight = 0.8
	// routineWeight: a write that recurs on a cadence without the metric
	// moving is what the account always does.
	routineWeight = 0.1
	maxSuspect    = 20
)

// relationWeight: same resource > one hop > two hops > same service.
func relationWeight(hops int) float64 {
	switch {
	case hops < 0:
		return 0.25
	case hops <= 2:
		return 1 - 0.2*float64(hops)
	}
	return 0.5
}

// analysed is a write event with what ranking needs from its document.
type analysed struct {
	sources.TrailEvent
	doc     eventDoc
	matched sources.Related
	related bool
	direct  bool // acted on the matched resource, not only mentioned it
}

// RankSuspects ranks the write events against the graph, strongest first,
// at most maxSuspect of them. onset is when the metric left its baseline
// (or when the alarm fired, when unknown) and cutoff the moment a cause
// must precede: the end of the onset's period, as a metric point stands for
// the whole period after its time. Events naming neither a resource of the
// graph nor the alarmed service are left out, and read-only ones too.
func RankSuspects(events []sources.TrailEvent, g sources.ResourceGraph, a sources.Alarm, onset, cutoff time.Time) []Suspect {
	return rankSuspects(events, g, a, ranking{onset: onset, cutoff: cutoff, family: alarmFamily(a, Onset{})})
}

// ranking is what a ranking is judged against: the onset, the cutoff a
// cause must precede, what the metric measures, and from when events are
// suspects (earlier ones are history, read to learn routine writes).
type ranking struct {
	onset, cutoff, from time.Time
	family              Family
}

func rankSuspects(events []sources.TrailEvent, g sources.ResourceGraph, a sources.Alarm, rk ranking) []Suspect {
	services := alarmServices(a, g)
	var all []analysed
	for _, e := range events {
		if e.ReadOnly {
			continue
		}
		doc := parseEvent(e)
		r, direct, ok := matchGraph(e, doc, g)
		all = append(all, analysed{e, doc, r, ok, direct})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	routine := routineWrites(all, rk.onset)
	var out []Suspect
	for i, ev := range all {
		if ev.Time.Before(rk.from) {
			continue
		}
		s := Suspect{Event: ev.TrailEvent, Hops: -1, Actor: classifyActor(ev.TrailEvent, ev.doc)}
		switch {
		case ev.related:
			s.Hops, s.Relation = ev.matched.Hops, ev.matched.PathText()
		case services[eventService(ev.Source)]:
			s.Relation = "same service (" + eventService(ev.Source) + ")"
		default:
			continue
		}
		s.Impact, s.Why = judge(ev, all[i+1:], rk)
		if routine[i].Routine && !ev.Failed() {
			s.Routine = routine[i].Reason()
		}
		timing := timeWeight(ev.Time, rk.onset, rk.cutoff)
		s.Late = !rk.cutoff.IsZero() && ev.Time.After(rk.cutoff)
		s.Score = relationWeight(s.Hops) * s.Impact.Weight * timing * s.Actor.Weight
		if ev.related && !ev.direct {
			s.Score *= mentionWeight
		}
		if s.Routine != "" {
			s.Score *= routineWeight
		}
		s.Change = changeSummary(ev, all[:i])
		s.Reason = reason(s, ev, rk.onset, rk.cutoff)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Event.Time.After(out[j].Event.Time)
	})
	if len(out) > maxSuspect {
		out = out[:maxSuspect]
	}
	if len(out) > 0 && out[0].Hops >= 0 && out[0].Score >= likelyScore &&
		(len(out) == 1 || out[0].Score >= likelyMargin*out[1].Score) {
		out[0].Likely = true
	}
	return out
}

// judge is what an event changed (its category) and how well that
// explains the alarm's symptom: the plausibility weight and why. A failed
// call changed nothing; a stop undone by a start was a restart.
func judge(ev analysed, later []analysed, rk ranking) (Impact, string) {
	if ev.Failed() {
		return Impact{"failed", impactNone}, "a failed call changed nothing"
	}
	if words := camelWords(CallName(ev.Name)); len(words) > 0 && slices.Contains(readVerbs, words[0]) {
		return Impact{"read-only", impactNone}, "a read-only call changed nothing"
	}
	category := ClassifyChange(CallName(ev.Name), ev.Source, ev.doc.Request)
	if (category == Removal || category == Capacity) && restartedLater(ev, later, rk.cutoff) {
		category = Restart
	}
	level, why := Plausibility(category, rk.family)
	return Impact{string(category), level.Weight()}, why
}

// alarmFamily is what the alarm's metric measures, or missing data when
// the onset is the metric going silent.
func alarmFamily(a sources.Alarm, o Onset) Family {
	if o.Silent {
		return Absence
	}
	return ClassifyMetric(a.Metric.Namespace, a.Metric.Metric, a.Metric.Stat, a.Comparison)
}

// routineWrites tells which events recur on a cadence (see Routine):
// keyed by caller (the role behind a session, else the user), call and the
// resource acted on.
func routineWrites(all []analysed, onset time.Time) []Cadence {
	writes := make([]Write, len(all))
	for i, ev := range all {
		caller := ev.doc.Identity.Session.Issuer.UserName
		if caller == "" {
			caller = ev.User + ev.doc.Identity.InvokedBy
		}
		on := ev.matched.Kind + ":" + ev.matched.ID
		if !ev.related {
			direct, _, _ := eventValues(ev.TrailEvent, ev.doc)
			sort.Strings(direct)
			on = strings.Join(direct, ",")
		}
		var fields []field
		leaves(ev.doc.Request, "", &fields)
		settings := map[string]string{}
		for _, f := range fields {
			settings[f.key] += f.value + ";"
		}
		writes[i] = Write{Key: caller + "\x00" + CallName(ev.Name) + "\x00" + on + "\x00" + ev.ErrorCode, Time: ev.Time, Settings: settings}
	}
	return Routine(writes, onset)
}

// restartedLater reports whether a stop (StopInstances, StopDBInstance) was
// undone by a successful start of the same resource before cutoff: the
// resource was only interrupted, like a reboot.
func restartedLater(ev analysed, later []analysed, cutoff time.Time) bool {
	if !ev.related || !strings.HasPrefix(CallName(ev.Name), "Stop") {
		return false
	}
	for _, e := range later {
		if e.related && e.matched.ID == ev.matched.ID && !e.Failed() && !e.Time.After(cutoff) &&
			strings.HasPrefix(CallName(e.Name), "Start") && strings.TrimPrefix(CallName(e.Name), "Start") == strings.TrimPrefix(CallName(ev.Name), "Stop") {
			return true
		}
	}
	return false
}

// timeWeight: closer before the onset is stronger; within the onset's
// period (onset to cutoff), where the cause usually is, the weight falls
// gently to periodEnd, as a change late in the period moved that period's
// value least.
func timeWeight(at, onset, cutoff time.Time) float64 {
	switch {
	case cutoff.IsZero():
		return 1
	case at.After(cutoff):
		return afterOnset
	case at.After(onset):
		return 1 - (1-periodEnd)*float64(at.Sub(onset))/float64(cutoff.Sub(onset))
	}
	return 1 / (1 + float64(onset.Sub(at))/float64(timeScale))
}

func reason(s Suspect, ev analysed, onset, cutoff time.Time) string {
	where := "in the same service, not linked to the alarm"
	switch {
	case s.Hops == 0:
		where = "the alarmed " + ev.matched.Label()
	case s.Hops > 0:
		where = fmt.Sprintf("%s (%d hop%s)", ev.matched.Label(), s.Hops, plural(s.Hops))
	}
	switch {
	case s.Hops >= 0 && ev.direct:
		where = "on " + where
	case s.Hops >= 0:
		where = "mentioning " + where
	}
	when := ""
	switch {
	case onset.IsZero():
	case !ev.Time.After(onset):
		when = ", " + roundDuration(onset.Sub(ev.Time)) + " before the onset"
	case !ev.Time.After(cutoff):
		when = ", in the period the metric left its baseline"
	default:
		when = ", " + roundDuration(ev.Time.Sub(onset)) + " after the onset: too late to cause it"
	}
	why := s.Why
	if s.Routine != "" {
		why = s.Routine + "; " + why
	}
	if ev.Failed() {
		why = "failed call (" + ev.ErrorCode + "), changed nothing"
	}
	return fmt.Sprintf("%s; %s, by %s%s", why, where, withArticle(s.Actor.Kind), when)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// roundDuration prints 2m10s, 45s, 1h3m.
func roundDuration(d time.Duration) string {
	if d < time.Hour {
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// Verdict is the one-line conclusion over the ranked suspects. sources.Related
// changes that cannot explain the alarm (tagging, snapshots, data writes,
// failed calls, changes after the onset) are counted but blame nothing.
func Verdict(suspects []Suspect, writes int) string {
	related, minor := 0, 0
	for _, s := range suspects {
		if s.Hops < 0 {
			continue
		}
		related++
		if s.Late || s.Routine != "" || s.Impact.Weight < impactWrite {
			minor++
		}
	}
	switch {
	case related == 0:
		return fmt.Sprintf("no related change in the window (%d write event%s checked)", writes, plural(writes))
	case suspects[0].Likely:
		s := suspects[0]
		return fmt.Sprintf("likely cause: %s by %s on %s", CallName(s.Event.Name), s.Event.User, s.Relation)
	case minor == related:
		return fmt.Sprintf("no related change in the window that could explain it (%d minor, routine or late: tags, backups, failed calls, changes that cannot move this metric, after the onset)", minor)
	}
	return fmt.Sprintf("no single change stands out: %d related change%s, none with strong evidence", related, plural(related))
}

// CallName is an event name without the dated API version some services
// append: UpdateFunctionConfiguration20150331v2 → UpdateFunctionConfiguration.
func CallName(name string) string { return apiVersionSuffix.ReplaceAllString(name, "") }
