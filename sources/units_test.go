package sources

import "testing"

func TestGuessUnit(t *testing.T) {
	for _, tc := range []struct{ namespace, metric, want string }{
		{"AWS/EC2", "CPUUtilization", "Percent"},
		{"AWS/Lambda", "Duration", "Milliseconds"},
		{"AWS/Lambda", "Errors", "Count"},
		{"AWS/Lambda", "Throttles", "Count"},
		{"AWS/ApplicationELB", "TargetResponseTime", "Seconds"},
		{"AWS/ELB", "Latency", "Seconds"},
		{"AWS/ApiGateway", "Latency", "Milliseconds"},
		{"Custom/App", "Duration", ""}, // Duration means milliseconds only in Lambda
		{"Custom/App", "QueueDepth", ""},
	} {
		if got := GuessUnit(tc.namespace, tc.metric); got != tc.want {
			t.Errorf("GuessUnit(%q, %q) = %q, want %q", tc.namespace, tc.metric, got, tc.want)
		}
	}
}
