package panes

import (
	"math"
	"strconv"
	"strings"
	"time"

	"watchtrail/sources"
)

// fmtCompactNumber prints v with about three significant digits, or with a
// k/M/G suffix and one decimal: 87.3, 5, 1.2k, 34.5M.
func fmtCompactNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	abs := math.Abs(v)
	for _, s := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if abs >= s.div {
			scaled := strconv.FormatFloat(v/s.div, 'f', 1, 64)
			if abs >= 100*s.div {
				scaled = strconv.FormatFloat(v/s.div, 'f', 0, 64)
			}
			return strings.TrimSuffix(scaled, ".0") + s.suffix
		}
	}
	return fmtSignificant(v)
}

func fmtSignificant(v float64) string {
	abs := math.Abs(v)
	digits := 2
	switch {
	case abs >= 100:
		digits = 0
	case abs >= 10:
		digits = 1
	case abs > 0 && abs < 0.01:
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// fmtMetricValue prints a value in its CloudWatch unit, switching to a more
// readable unit where one exists: "87.3 %", "2.91 s", "1.2k Count", "3.4 MiB".
func fmtMetricValue(v float64, unit string) string {
	switch unit {
	case "Percent":
		return fmtSignificant(v) + " %"
	case "Milliseconds":
		if math.Abs(v) >= 1000 {
			return fmtSignificant(v/1000) + " s"
		}
		return fmtSignificant(v) + " ms"
	case "Microseconds":
		return fmtMetricValue(v/1000, "Milliseconds")
	case "Seconds":
		if abs := math.Abs(v); abs > 0 && abs < 1 {
			return fmtSignificant(v*1000) + " ms"
		}
		return fmtCompactNumber(v) + " s"
	case "Bytes", "Bytes/Second":
		s := fmtBytes(v)
		if unit == "Bytes/Second" {
			s += "/s"
		}
		return s
	case "Kilobytes", "Megabytes", "Gigabytes":
		mult := map[string]float64{"Kilobytes": 1 << 10, "Megabytes": 1 << 20, "Gigabytes": 1 << 30}[unit]
		return fmtBytes(v * mult)
	case "Count/Second":
		return fmtCompactNumber(v) + "/s"
	case "", "None":
		return fmtCompactNumber(v)
	}
	return fmtCompactNumber(v) + " " + unit
}

func fmtBytes(v float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmtSignificant(v) + " " + units[i]
}

// fmtSeriesUnit is the unit to show a series in: its own, its spec's, or the
// one AWS documents for the metric.
func fmtSeriesUnit(s sources.Series) string {
	switch {
	case s.Unit != "":
		return s.Unit
	case s.Spec.Unit != "":
		return s.Spec.Unit
	}
	return sources.GuessUnit(s.Spec.Namespace, s.Spec.Metric)
}

// fmtComparison turns a CloudWatch ComparisonOperator into a short symbol.
func fmtComparison(op string) string {
	switch op {
	case "GreaterThanThreshold":
		return ">"
	case "GreaterThanOrEqualToThreshold":
		return "≥"
	case "LessThanThreshold":
		return "<"
	case "LessThanOrEqualToThreshold":
		return "≤"
	case "LessThanLowerOrGreaterThanUpperThreshold":
		return "outside band"
	case "GreaterThanUpperThreshold":
		return "> band"
	case "LessThanLowerThreshold":
		return "< band"
	case "":
		return "?"
	}
	return op
}

// fmtCondition is an alarm's condition, "> 80" or, with unit, "> 80 %".
func fmtCondition(a sources.Alarm, withUnit bool) string {
	if a.Composite {
		return "◆"
	}
	op := fmtComparison(a.Comparison)
	if strings.HasSuffix(op, "band") {
		return op
	}
	value := fmtCompactNumber(a.Threshold)
	if withUnit {
		unit := a.Metric.Unit
		if unit == "" {
			unit = sources.GuessUnit(a.Metric.Namespace, a.Metric.Metric)
		}
		value = fmtMetricValue(a.Threshold, unit)
	}
	return op + " " + value
}

// fmtWhen prints t in the pane's zone: the time of day when t falls on now's day, the
// date and minute otherwise (and always when now is unknown).
func (z *zoned) fmtWhen(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = z.inZone(t)
	if !now.IsZero() {
		y1, m1, d1 := t.Date()
		y2, m2, d2 := z.inZone(now).Date()
		if y1 == y2 && m1 == m2 && d1 == d2 {
			return t.Format("15:04:05")
		}
	}
	return t.Format("Jan 02 15:04")
}

// fmtClock prints t as a time of day in the pane's zone.
func (z *zoned) fmtClock(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return z.inZone(t).Format("15:04:05")
}

// boxFilterNote is the frame note for a filtered list: "2/7 · /cpu".
func boxFilterNote(shown, total int, filter string) string {
	if filter == "" {
		return ""
	}
	return strconv.Itoa(shown) + "/" + strconv.Itoa(total) + " · /" + filter
}

// boxJoinNote joins non-empty note parts with " · ".
func boxJoinNote(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " · ")
}

// boxClamp keeps v within [lo, hi]; hi < lo yields lo.
func boxClamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// boxScrollTop returns the first visible row so that sel stays within a window
// of rows lines starting near top.
func boxScrollTop(top, sel, rows, count int) int {
	if rows <= 0 {
		return 0
	}
	if sel < top {
		top = sel
	}
	if sel >= top+rows {
		top = sel - rows + 1
	}
	return boxClamp(top, 0, max(0, count-rows))
}

// boxContains reports whether text contains sub, ignoring case.
func boxContains(text, sub string) bool {
	return strings.Contains(strings.ToLower(text), strings.ToLower(sub))
}

// boxRefilter narrows all to the rows keep accepts and returns them with the
// new selection: the previously selected row (by key) where it is still
// shown, except that a selection on the first row stays first, so whatever
// rises to the top (a newly firing alarm) is what is selected.
func boxRefilter[T any](all, shown []T, sel int, keep func(T) bool, key func(T) string) ([]T, int) {
	prev, had := "", sel > 0 && sel < len(shown)
	if had {
		prev = key(shown[sel])
	}
	shown = shown[:0]
	for _, v := range all {
		if keep(v) {
			shown = append(shown, v)
		}
	}
	if had {
		for i, v := range shown {
			if key(v) == prev {
				return shown, i
			}
		}
	}
	return shown, boxClamp(sel, 0, len(shown)-1)
}
