package sources

import (
	"regexp"
	"strconv"
	"strings"
)

// statHelp lists the statistic forms CloudWatch accepts, for error messages.
const statHelp = "want SampleCount, Sum, Average, Minimum, Maximum, IQM, p99, p99.9, tm90, wm90, tc90, ts90, " +
	"TM(10%:90%), WM(…), TC(…), TS(…) or PR(n:m)"

var (
	namedStats = []string{"SampleCount", "Sum", "Average", "Minimum", "Maximum", "IQM"}
	// p95, tm99.5, ...: the percentile, 0 to 100 with up to 10 decimals.
	shortStat = regexp.MustCompile(`^(?i)(p|tm|wm|tc|ts)(\d{1,3}(?:\.\d{1,10})?)$`)
	// TM(2%:98%), TM(150:1000), PR(:300), TS(80%:): bounds may be open.
	rangeStat = regexp.MustCompile(`^(?i)(tm|wm|tc|ts|pr)\((-?\d+(?:\.\d+)?%?)?:(-?\d+(?:\.\d+)?%?)?\)$`)
)

// ParseStat reports whether s is a statistic CloudWatch's GetMetricData
// accepts (see "CloudWatch statistics definitions") and returns it in
// CloudWatch's spelling: "maximum" becomes "Maximum", "P99" "p99".
func ParseStat(s string) (string, bool) {
	for _, n := range namedStats {
		if strings.EqualFold(s, n) {
			return n, true
		}
	}
	if m := shortStat.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1]) + m[2], percent(m[2])
	}
	m := rangeStat.FindStringSubmatch(s)
	if m == nil || m[2] == "" && m[3] == "" {
		return "", false
	}
	kind := strings.ToUpper(m[1])
	for _, bound := range m[2:] {
		if !strings.HasSuffix(bound, "%") {
			continue
		}
		if kind == "PR" || !percent(strings.TrimSuffix(bound, "%")) {
			return "", false // PR bounds are metric values, never percentages
		}
	}
	return kind + "(" + m[2] + ":" + m[3] + ")", true
}

func percent(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v >= 0 && v <= 100
}
