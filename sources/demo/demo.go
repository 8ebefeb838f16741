// Package demo is an embedded, in-process simulated AWS account: the default
// source when no credentials exist, so a new user sees the whole product with
// zero setup. Every metric point, log line and CloudTrail event is a pure
// function of its time and a fixed seed, so overlapping polls agree; nothing
// is ever returned from after Now().
//
// The scripted story (relative to Options.Start): at Start+IncidentAfter
// alice shrinks checkout-api to 128 MB / 3 s; 15 s later it starts timing out,
// erroring and being OOM-killed; its alarms fire; 6 minutes after the change
// bob rolls back and everything recovers about a minute later. 12 minutes
// after alice's change, erin revokes the web instances' security group rule
// that lets the load balancer in: the targets go unhealthy, the load
// balancer answers 5xx and its alarm fires; frank restores the rule 5
// minutes later. Around it: a tagging bot, a backup, reads, and a health
// check tweak made after the errors began.
package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"watchtrail/sources"
)

// Options configures the simulated account. Zero values take the defaults.
type Options struct {
	Start         time.Time        // when the demo begins; default time.Now()
	Now           func() time.Time // the clock; default time.Now
	IncidentAfter time.Duration    // delay from Start to alice's change; default 20s (negative: already happened)
	// Composite adds the composite alarm checkout-api-health (ALARM while
	// either checkout-api alarm is) to ListAlarms.
	Composite bool
}

// Source is the simulated account. It is immutable after New and safe for
// concurrent use.
type Source struct {
	start     time.Time
	now       func() time.Time
	story     timeline
	composite bool
}

var _ sources.Source = (*Source)(nil)

// New builds the simulated account.
func New(opts Options) *Source {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Start.IsZero() {
		opts.Start = opts.Now()
	}
	if opts.IncidentAfter == 0 {
		opts.IncidentAfter = 20 * time.Second
	}
	return &Source{start: opts.Start, now: opts.Now, story: newTimeline(opts.Start.Add(opts.IncidentAfter)), composite: opts.Composite}
}

// Describe names the source for the header.
func (s *Source) Describe() string {
	return fmt.Sprintf("demo · simulated account %s · %s", accountID, region)
}

// LogGroups are the groups the dashboard should tail by default.
func (s *Source) LogGroups() []string {
	out := make([]string, len(logGroups))
	for i, g := range logGroups {
		out[i] = g.name
	}
	return out
}

// WatchedMetrics are metrics worth a sparkline besides the alarms' metrics.
func (s *Source) WatchedMetrics() []sources.MetricSpec {
	return append([]sources.MetricSpec(nil), watchedMetrics...)
}

// ChangeTime is when alice's bad change happens (Start+IncidentAfter).
func (s *Source) ChangeTime() time.Time { return s.story.change }

// timeline holds the scripted incidents' moments.
type timeline struct {
	change        time.Time // alice's UpdateFunctionConfiguration
	incidentStart time.Time // checkout-api starts failing
	rollback      time.Time // bob's UpdateFunctionConfiguration
	recovered     time.Time // checkout-api healthy again

	// The second incident: erin revokes the web instances' ingress from the
	// load balancer, the targets fail their health checks, the load balancer
	// answers 502s until frank restores the rule.
	revoke, restore time.Time
	web             span // targets unhealthy
}

// span is a stretch of time [from, to) something is failing.
type span struct{ from, to time.Time }

func newTimeline(change time.Time) timeline {
	change = change.Truncate(time.Second) // CloudTrail has second precision
	revoke := change.Add(12 * time.Minute)
	restore := revoke.Add(5 * time.Minute)
	return timeline{
		change:        change,
		incidentStart: change.Add(15 * time.Second),
		rollback:      change.Add(6 * time.Minute),
		recovered:     change.Add(6*time.Minute + 15*time.Second),
		revoke:        revoke,
		restore:       restore,
		web:           span{revoke.Add(20 * time.Second), restore.Add(30 * time.Second)},
	}
}

// failing reports whether checkout-api is failing at t.
func (tl timeline) failing(t time.Time) bool {
	return !t.Before(tl.incidentStart) && t.Before(tl.recovered)
}

// shrunk reports whether checkout-api runs with alice's 128 MB / 3 s at t.
func (tl timeline) shrunk(t time.Time) bool {
	return !t.Before(tl.change) && t.Before(tl.rollback)
}

// weight is how strongly the checkout incident shows in the bucket
// [b, b+period) as seen at now (see span.weight).
func (tl timeline) weight(b time.Time, period time.Duration, now time.Time) float64 {
	return span{tl.incidentStart, tl.recovered}.weight(b, period, now)
}

// weight is 0 when the bucket [b, b+period) does not overlap the span (so
// far, as seen at now), otherwise between 0.4 and 1 by how much of the
// bucket it covers.
func (sp span) weight(b time.Time, period time.Duration, now time.Time) float64 {
	from, to := later(b, sp.from), earlier(b.Add(period), earlier(sp.to, now))
	if !to.After(from) {
		return 0
	}
	return 0.4 + 0.6*float64(to.Sub(from))/float64(period)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// seed makes the demo's noise its own; changing it changes every value.
const seed = 0x5eed_da7a_0b5e_1234

// hash mixes a key and a number into 64 well-spread bits.
func hash(key string, n int64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n)^seed)
	h.Write(b[:])
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// pick maps a hash to [0, n).
func pick(h uint64, n int) int { return int(h % uint64(n)) }

// uuid formats a hash pair as a UUID-looking string.
func uuid(key string, n int64) string {
	a, b := hash(key, n), hash(key+"/2", n)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}
