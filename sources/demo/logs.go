package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"watchtrail/filter"
	"watchtrail/sources"
	"watchtrail/text"
)

// defaultLogLimit caps a FetchLogs call when the query sets no Limit.
const defaultLogLimit = 10000

// logRetention is how far back the demo's log groups go: far enough for
// any drill-down, short enough that a search of everything stays quick.
const logRetention = 3 * 24 * time.Hour

// maxLineDelay bounds how long after its slot starts a slot's last line is
// written (a timed-out invocation lasts 3 s).
const maxLineDelay = 4 * time.Second

// logGroup is a simulated log group: every `every` (a slot) something runs
// and writes a few lines.
type logGroup struct {
	name  string
	every time.Duration
	lines func(s *Source, slot int64, at time.Time) []logLine
}

type logLine struct {
	at     time.Time
	stream string
	text   string // raw, as the application wrote it
}

var logGroups = []logGroup{
	{name: "/aws/lambda/" + checkoutFn, every: 3 * time.Second, lines: (*Source).checkoutLines},
	{name: "/aws/lambda/" + resizerFn, every: 7 * time.Second, lines: (*Source).resizerLines},
	{name: "/ecs/" + ecsService, every: 2 * time.Second, lines: (*Source).webLines},
}

// FetchLogs returns the group's events in [Start, End) (never past Now) that
// match the filter pattern, oldest first, at most Limit of them.
func (s *Source) FetchLogs(ctx context.Context, q sources.LogQuery) ([]sources.LogEvent, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	var g *logGroup
	for i := range logGroups {
		if logGroups[i].name == q.Group {
			g = &logGroups[i]
		}
	}
	if g == nil {
		return nil, fmt.Errorf("demo: log group %q does not exist (try %v)", q.Group, s.LogGroups())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLogLimit
	}
	now := s.now()
	end := q.End
	if !end.Before(now) {
		end = now.Add(time.Nanosecond) // [Start, End) but Now itself is fine
	}
	start := later(q.Start, now.Add(-logRetention))
	f := filter.ParseLogPattern(q.Pattern)
	type found struct {
		event      sources.LogEvent
		slot, line int64
	}
	var events []found
	every := g.every.Milliseconds()
	stop := int64(-1 << 62)
	last := floorDiv(end.UnixMilli(), every)
	for slot := floorDiv(start.Add(-maxLineDelay).UnixMilli(), every); slot <= last; slot++ {
		if stop != -1<<62 && slot > stop {
			break
		}
		for i, l := range g.lines(s, slot, time.UnixMilli(slot*every)) {
			if l.at.Before(start) || !l.at.Before(end) {
				continue
			}
			msg := text.Sanitize(l.text)
			if !f.Match(msg) {
				continue
			}
			id := fmt.Sprintf("%014d%03d%06d", slot*every, i, hash(g.name, 0)%1e6)
			events = append(events, found{sources.LogEvent{ID: id, Group: g.name, Stream: l.stream, Time: l.at, Message: msg}, slot, int64(i)})
		}
		// Later slots can still hold lines older than those kept so far,
		// but none past maxLineDelay after this one.
		if len(events) >= limit && stop == -1<<62 {
			stop = slot + int64(maxLineDelay/g.every) + 1
		}
	}
	sort.Slice(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if !a.event.Time.Equal(b.event.Time) {
			return a.event.Time.Before(b.event.Time)
		}
		if a.slot != b.slot {
			return a.slot < b.slot
		}
		return a.line < b.line
	})
	out := make([]sources.LogEvent, 0, min(len(events), limit))
	for _, e := range events[:min(len(events), limit)] {
		out = append(out, e.event)
	}
	return out, nil
}

// lambdaStream names the log stream of the execution environment serving at
// t: environments are recycled every ~17 minutes, and a configuration change
// (generation) replaces them all.
func lambdaStream(fn string, at time.Time, generation int) string {
	epoch := at.Unix()/1000*4 + int64(generation)
	return fmt.Sprintf("%s/[$LATEST]%016x%016x", at.UTC().Format("2006/01/02"), hash(fn+"/stream", epoch), hash(fn+"/stream2", epoch))
}

// generation counts checkout-api's configuration changes before t.
func (tl timeline) generation(t time.Time) int {
	switch {
	case t.Before(tl.change):
		return 0
	case t.Before(tl.rollback):
		return 1
	}
	return 2
}

func lambdaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// checkoutLines is one checkout-api invocation: START, app log, END, REPORT;
// while alice's 128 MB / 3 s config is live it times out, errors and gets
// OOM-killed.
func (s *Source) checkoutLines(slot int64, slotStart time.Time) []logLine {
	const key = checkoutFn + "/invoke"
	h := hash(key, slot)
	t0 := slotStart.Add(time.Duration(pick(h, 700)) * time.Millisecond)
	rid := uuid(key, slot)
	stream := lambdaStream(checkoutFn, slotStart, s.story.generation(slotStart))
	mem, used := 1024, 180+pick(h>>10, 60)
	if s.story.shrunk(slotStart) {
		mem, used = 128, 118+pick(h>>10, 10)
	}
	var out []logLine
	add := func(d time.Duration, format string, args ...any) {
		out = append(out, logLine{at: t0.Add(d).Truncate(time.Millisecond), stream: stream, text: fmt.Sprintf(format, args...)})
	}
	every := 3 * time.Second
	if first := func(t time.Time) bool { return !slotStart.Before(t) && slotStart.Before(t.Add(every)) }; first(s.story.change) || first(s.story.rollback) {
		add(0, "INIT_START Runtime Version: nodejs:20.v32\tRuntime Version ARN: arn:aws:lambda:%s::runtime:%016x", region, hash("runtime", 20))
	}
	add(0, "START RequestId: %s Version: $LATEST", rid)
	order := fmt.Sprintf("ord-%06d", hash(key+"/order", slot)%1e6)
	dur := 120 + 140*unit(hash(key+"/dur", slot))
	if s.story.shrunk(slotStart) && s.story.failing(slotStart) {
		kind := pick(h>>20, 100)
		if k := (slotStart.Sub(s.story.incidentStart) / every); k%3 == 0 {
			kind = 0 // a timeout every third invocation at least
		}
		switch {
		case kind < 35:
			add(40*time.Millisecond, "%s\t%s\tINFO\tcalling payment-gateway order_id=%s", lambdaTime(t0.Add(40*time.Millisecond)), rid, order)
			add(3*time.Second, "%s %s Task timed out after 3.00 seconds", lambdaTime(t0.Add(3*time.Second)), rid)
			add(3*time.Second, "END RequestId: %s", rid)
			add(3*time.Second, "REPORT RequestId: %s\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: %d MB\tMax Memory Used: %d MB\tStatus: timeout", rid, mem, mem)
			return out
		case kind < 65:
			dur = 900 + 1700*unit(hash(key+"/dur", slot))
			msg := "PutItem orders failed: socket hang up"
			if kind%2 == 0 {
				msg = "RangeError: Array buffer allocation failed"
			}
			add(ms(dur), "%s\t%s\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"%s\",\"stack\":[\"Error: %s\",\"    at saveOrder (/var/task/src/orders.js:42:11)\",\"    at async Runtime.handler (/var/task/index.js:27:5)\"]}",
				lambdaTime(t0.Add(ms(dur))), rid, msg, msg)
			add(ms(dur), "END RequestId: %s", rid)
			add(ms(dur), "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB", rid, dur, int(dur)+1, mem, used)
			return out
		case kind < 85:
			dur = 400 + 900*unit(hash(key+"/dur", slot))
			add(ms(dur), "RequestId: %s Error: Runtime exited with error: signal: killed\nRuntime.ExitError", rid)
			add(ms(dur), "END RequestId: %s", rid)
			add(ms(dur), "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\tStatus: error\tError Type: Runtime.ExitError", rid, dur, int(dur)+1, mem, mem)
			return out
		}
		dur = 1800 + 1100*unit(hash(key+"/dur", slot)) // slow, but made it
	} else if s.story.shrunk(slotStart) {
		dur *= 3
	}
	at := ms(dur * 0.7)
	switch r := pick(h>>30, 100); {
	case r < 3:
		add(at, "%s\t%s\tWARN\tslow DynamoDB PutItem on table orders took %dms (attempt 2)", lambdaTime(t0.Add(at)), rid, 300+pick(h>>40, 300))
	case r < 23:
		add(at, "%s\t%s\tINFO\tcart validated cart_id=cart-%05d items=%d", lambdaTime(t0.Add(at)), rid, hash(key+"/cart", slot)%1e5, 1+pick(h>>40, 6))
	default:
		add(at, "%s\t%s\tINFO\torder placed order_id=%s items=%d total=%.2f", lambdaTime(t0.Add(at)), rid, order, 1+pick(h>>40, 6), 9.99+float64(pick(h>>44, 25000))/100)
	}
	add(ms(dur), "END RequestId: %s", rid)
	add(ms(dur), "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB", rid, dur, int(dur)+1, mem, used)
	return out
}

// resizerLines is one image-resizer invocation, always healthy.
func (s *Source) resizerLines(slot int64, slotStart time.Time) []logLine {
	const key = resizerFn + "/invoke"
	h := hash(key, slot)
	t0 := slotStart.Add(time.Duration(pick(h, 2000)) * time.Millisecond)
	rid := uuid(key, slot)
	stream := lambdaStream(resizerFn, slotStart, 0)
	dur := 600 + 600*unit(hash(key+"/dur", slot))
	line := func(d time.Duration, text string) logLine {
		return logLine{at: t0.Add(d).Truncate(time.Millisecond), stream: stream, text: text}
	}
	return []logLine{
		line(0, fmt.Sprintf("START RequestId: %s Version: $LATEST", rid)),
		line(ms(dur*0.9), fmt.Sprintf("%s\t%s\tINFO\tresized s3://%s/uploads/%s/IMG_%04d.jpg -> 3 variants (320w, 768w, 1600w) in %dms",
			lambdaTime(t0.Add(ms(dur*0.9))), rid, assetsBucket, slotStart.UTC().Format("2006/01/02"), hash(key+"/img", slot)%1e4, int(dur*0.85))),
		line(ms(dur), "END RequestId: "+rid),
		line(ms(dur), fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 512 MB\tMax Memory Used: %d MB", rid, dur, int(dur)+1, 180+pick(h>>12, 80))),
	}
}

var webRequests = []struct {
	method, path string
	weight       int
}{
	{"GET", "/api/products", 30}, {"GET", "/api/cart", 20}, {"POST", "/api/checkout", 15},
	{"GET", "/healthz", 15}, {"GET", "/static/app.js", 10}, {"POST", "/api/cart/items", 10},
}

var userAgents = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
}

// webLines is one access-log line of the prod-web service. Checkout requests
// go through checkout-api and fail with 502 while it does. Now and then a
// scanner sends a User-Agent full of terminal escape sequences.
func (s *Source) webLines(slot int64, slotStart time.Time) []logLine {
	const key = ecsService + "/request"
	h := hash(key, slot)
	at := slotStart.Add(time.Duration(pick(h, 1900)) * time.Millisecond)
	stream := fmt.Sprintf("web/%s/%016x", ecsService, hash(key+"/task", slot%2+at.Unix()/21600*2))
	ip := fmt.Sprintf("10.0.%d.%d", pick(h>>12, 4)*16+1, 2+pick(h>>16, 250))
	stamp := at.UTC().Format("02/Jan/2006:15:04:05 -0700")
	if slot%293 == 17 {
		return []logLine{{at: at, stream: stream, text: fmt.Sprintf("%s - - [%s] \"GET /robots.txt HTTP/1.1\" 404 153 \"-\" \"\x1b[31mcurl/8.4.0\x1b[0m\x1b]0;pwned\x07\" rt=0.001", ip, stamp)}}
	}
	r, w := pick(h>>24, 100), 0
	req := webRequests[0]
	for _, c := range webRequests {
		if w += c.weight; r < w {
			req = c
			break
		}
	}
	status, size, rt := 200, 200+pick(h>>32, 4000), 0.01+0.09*unit(hash(key+"/rt", slot))
	upstream := ecsService
	switch {
	case req.path == "/healthz":
		size, rt = 2, 0.001
	case req.path == "/api/checkout":
		upstream = checkoutFn
		rt += 0.15
		if s.story.failing(slotStart) {
			status, size, rt = 502, 166, 3.0+0.05*unit(h)
		}
	case pick(h>>40, 100) < 2:
		status, size = 404, 153
	}
	ua := userAgents[pick(h>>48, len(userAgents))]
	if req.path == "/healthz" {
		ua = "ELB-HealthChecker/2.0"
	}
	return []logLine{{at: at, stream: stream, text: fmt.Sprintf("%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\" rt=%.3f upstream=%s",
		ip, stamp, req.method, req.path, status, size, ua, rt, upstream)}}
}
