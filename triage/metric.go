package triage

import "strings"

// Family is what an alarm's metric measures, in the direction the alarm
// fires: more errors, higher latency, a traffic drop, missing data, ...
type Family string

// The metric families. Utilisation is split by the resource used up, as a
// memory setting moves memory, not connections.
const (
	Errors       Family = "errors"       // failed calls, faults, 4xx/5xx, dead letters
	Latency      Family = "latency"      // duration, response time
	Throttling   Family = "throttling"   // throttles, saturation, concurrency in use, rejected requests
	Backlog      Family = "backlog"      // queue depth, age of the oldest message, iterator age, lag
	TrafficDrop  Family = "traffic drop" // fewer requests, invocations, messages
	TrafficSurge Family = "traffic surge"
	Absence      Family = "missing data" // the metric stopped reporting
	Unhealthy    Family = "unhealthy hosts"
	CPU          Family = "CPU"
	Memory       Family = "memory"
	Connections  Family = "connections"
	Storage      Family = "storage"
	Unknown      Family = "unknown"
)

// ClassifyMetric says what an alarm's metric measures from its namespace,
// name, statistic and comparison (GreaterThanThreshold, LessThan…, anomaly
// bands). A metric whose alarm fires on the good direction (more healthy
// hosts, more free memory) is Unknown: nothing about it is a symptom.
func ClassifyMetric(namespace, metric, stat, comparison string) Family {
	up, down := alarmDirections(comparison)
	name := strings.ToLower(metric)
	words := lowerWords(metric)
	// has matches parts of the name; short words that hide inside others
	// ("age" in "storage", "time" in "uptime") are matched as whole words.
	has := func(parts ...string) bool {
		for _, p := range parts {
			if wholeWords[p] && hasAny(words, p) || !wholeWords[p] && strings.Contains(name, p) {
				return true
			}
		}
		return false
	}
	// Metrics where less is worse: free space, credit balances, healthy
	// hosts, a health check's status (1 healthy, 0 not).
	inverse := has("free", "balance", "available", "healthcheckstatus") || (has("healthy") && !has("unhealthy"))
	worse := (up && !inverse) || (down && inverse)
	switch {
	case has("throttl", "exceeded", "spillover", "rejected", "surgequeue", "concurren"):
		return onlyWorse(Throttling, worse)
	case has("healthy", "statuscheck", "healthcheck"):
		return onlyWorse(Unhealthy, worse)
	case has("error", "fault", "fail", "5xx", "4xx", "dropped", "deadletter", "timedout", "timeout", "reset", "denied"):
		return onlyWorse(Errors, worse)
	case has("age", "lag", "backlog", "queuelength", "queuedepth", "notvisible", "visible", "delayed", "pending", "inflight"):
		return onlyWorse(Backlog, worse)
	case has("latency", "duration", "responsetime", "executiontime", "time"):
		return onlyWorse(Latency, worse)
	case has("cpu"):
		return onlyWorse(CPU, worse)
	case has("memory", "swap", "evictions", "heap"):
		return onlyWorse(Memory, worse)
	case has("connection"):
		return onlyWorse(Connections, worse)
	case has("storage", "disk", "volume", "burst", "inode", "filesystem"):
		return onlyWorse(Storage, worse)
	case has("invocation", "count", "request", "message", "incoming", "outgoing", "network", "bytes", "packets",
		"consumed", "throughput", "records", "events", "triggered", "published", "received", "sent", "ops", "hits"):
		switch {
		case down && !up:
			return TrafficDrop
		case up && !down:
			return TrafficSurge
		}
		return TrafficDrop // an anomaly band: a drop is what breaks things
	case strings.HasPrefix(strings.ToLower(stat), "p") || strings.HasPrefix(strings.ToLower(stat), "tm"):
		return onlyWorse(Latency, up) // percentiles of an unnamed metric are mostly of durations
	case has("utilization", "utilisation", "usage", "used"):
		return onlyWorse(Storage, worse)
	}
	_ = namespace // the name says more than the namespace; kept for families that need it
	return Unknown
}

var wholeWords = map[string]bool{"age": true, "lag": true, "time": true, "ops": true, "hits": true, "sent": true, "count": true, "used": true}

func onlyWorse(f Family, worse bool) Family {
	if worse {
		return f
	}
	return Unknown
}

// symptom is the family as a symptom, for reasons.
func (f Family) symptom() string {
	switch f {
	case Errors:
		return "errors"
	case Latency:
		return "slower responses"
	case Throttling:
		return "throttling"
	case Backlog:
		return "a growing backlog"
	case TrafficDrop:
		return "a drop in traffic"
	case TrafficSurge:
		return "a surge in traffic"
	case Absence:
		return "missing data"
	case Unhealthy:
		return "unhealthy hosts"
	case CPU:
		return "high CPU"
	case Memory:
		return "memory pressure"
	case Connections:
		return "connection trouble"
	case Storage:
		return "storage pressure"
	}
	return "this alarm"
}
