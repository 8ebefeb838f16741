package faultproxy

import "time"

// StormFaults are the faults Storm injects, in order, one phase each;
// between the last of them and the end the endpoint is down.
var StormFaults = []Rule{
	{Fault: Throttle, Every: 2},
	{Fault: ServerError, Every: 3},
	{Fault: Unavailable, Every: 2},
	{Fault: Reset, Every: 2},
	{Fault: Truncate, Every: 2},
	{Fault: Latency, Probability: 0.3},
	{Fault: ExpiredToken},
	{Fault: InvalidToken},
}

// Storm schedules every fault in turn from now, each for phase and followed
// by gap without faults (so that a client backing off after one fault meets
// the next), for the requests of service ("" for all), then takes the
// endpoint down for one phase. It returns when the faults will be over; the
// proxy is up and passes everything from then on. For suites that check
// recovery: poll throughout, then assert on what happens after that time.
func (p *Proxy) Storm(service string, phase, gap time.Duration) (over time.Time) {
	start := time.Now()
	rules := make([]Rule, len(StormFaults))
	for i, r := range StormFaults {
		r.Service = service
		r.From = start.Add(time.Duration(i) * (phase + gap))
		r.Until = r.From.Add(phase)
		rules[i] = r
	}
	p.SetRules(rules...)
	down := start.Add(time.Duration(len(rules)) * (phase + gap))
	over = down.Add(phase)
	time.AfterFunc(time.Until(down), p.Down)
	time.AfterFunc(time.Until(over), func() { p.Up() })
	return over
}
