package cmd

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"watchtrail/internal/tmuxtest"
)

// The demo's incident happened five minutes before start, so its burst of
// denied calls is already in the trail: w narrows the trail to writes, D
// lists the principals by denied calls, and Enter on the first narrows the
// trail to it.
func TestEndToEndDemoTrailWriteOnlyAndDeniedView(t *testing.T) {
	bin := buildBinary(t)
	command := cleanEnv(t) + " " + bin + " --demo-incident-after=-5m --refresh=1s"
	s := tmuxtest.Start(t, 120, 40, command)

	s.WaitFor(15*time.Second, "DEMO", "CloudTrail", "AccessDenied")
	s.Keys("w")
	s.WaitFor(5*time.Second, "CloudTrail · write-only")
	s.Keys("D")
	screen := s.WaitFor(5*time.Second, "Denied and failed access", "By principal", "By source IP")

	// The principal rows, between their section's title and the next.
	section := screen[strings.Index(screen, "By principal"):strings.Index(screen, "By source IP")]
	row := regexp.MustCompile(`[›│┃ ]\s+(\d+)  (\S+)\s`)
	var counts []int
	var first string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		if first == "" {
			first = m[2]
		}
		counts = append(counts, n)
	}
	if len(counts) < 2 {
		t.Fatalf("fewer than two principals with denied calls:\n%s", screen)
	}
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[0] {
			t.Fatalf("the first principal (%s × %d) is not the one with the most denied calls %v:\n%s", first, counts[0], counts, screen)
		}
	}
	s.Keys("Enter")
	s.WaitFor(5*time.Second, "CloudTrail · user "+first)
	s.Keys("q")
	s.WaitExit(5 * time.Second)
}
