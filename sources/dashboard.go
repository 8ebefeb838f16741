package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"watchtrail/text"
)

// Widget kinds the terminal draws; any other kind is kept with its title
// and Unsupported set.
const (
	WidgetMetric = "metric"
	WidgetAlarm  = "alarm"
	WidgetLog    = "log"
	WidgetText   = "text"
)

// GridColumns is the width of the CloudWatch dashboard grid.
const GridColumns = 24

// NotSupported is what an unsupported widget says in the terminal.
const NotSupported = "not supported in the terminal"

// Dashboard is a CloudWatch dashboard in provider-neutral form.
type Dashboard struct {
	Name    string
	Range   time.Duration // how far back the dashboard looks ("start": "-PT3H"); 0 when unset or absolute
	Widgets []Widget
}

// Widget is one dashboard widget with its place on the 24-column grid.
type Widget struct {
	Type                string // as the body names it: metric, alarm, log, text, explorer, ...
	Title               string
	X, Y, Width, Height int // grid units

	Metrics []DashboardMetric // metric widgets
	View    string            // timeSeries, singleValue, gauge, bar, pie, table
	Alarms  []string          // alarm widgets, and metric widgets of an alarm: alarm names
	Query   string            // log widgets: the query without its SOURCE clauses
	Groups  []string          // log widgets: the SOURCE log groups
	Text    string            // text widgets: the markdown

	// Unsupported is non-empty when the terminal cannot draw the widget:
	// NotSupported, or the problem that kept it from being read.
	Unsupported string
}

// DashboardMetric is one line of a metric widget: a metric statistic, or a
// metric-math or search expression (not drawn, listed by label).
type DashboardMetric struct {
	Spec       MetricSpec
	Label      string
	Region     string
	ID         string
	Expression string
	Hidden     bool // "visible": false: an input of an expression only
}

// Rect is a widget's place on the terminal, in cells.
type Rect struct{ X, Y, W, H int }

// minRowsPerGridUnit keeps widgets readable on short terminals; the view
// scrolls when the dashboard is then taller than the screen.
const minRowsPerGridUnit = 0.5

// Layout scales the widgets' grid positions to a width×height terminal
// area: columns are spread over the width and rows over the height, edges
// rounded so that neighbours neither overlap nor leave gaps.
func (d Dashboard) Layout(width, height int) []Rect {
	gridRows := 1
	for _, w := range d.Widgets {
		gridRows = max(gridRows, w.Y+w.Height)
	}
	colScale := float64(width) / GridColumns
	rowScale := math.Max(float64(height)/float64(gridRows), minRowsPerGridUnit)
	edge := func(units int, scale float64) int { return int(math.Round(float64(units) * scale)) }
	rects := make([]Rect, len(d.Widgets))
	for i, w := range d.Widgets {
		x0, x1 := edge(w.X, colScale), edge(min(w.X+w.Width, GridColumns), colScale)
		y0, y1 := edge(w.Y, rowScale), edge(w.Y+w.Height, rowScale)
		rects[i] = Rect{X: x0, Y: y0, W: max(x1-x0, 1), H: max(y1-y0, 1)}
	}
	return rects
}

// Defaults of a metric widget without "stat" or "period", and of a widget
// without a size.
const (
	defaultWidgetStat   = "Average"
	defaultWidgetPeriod = 300 * time.Second
	defaultWidgetSize   = 6
)

type bodyJSON struct {
	Start   string       `json:"start"`
	Widgets []widgetJSON `json:"widgets"`
}

type widgetJSON struct {
	Type       string          `json:"type"`
	X          *int            `json:"x"`
	Y          *int            `json:"y"`
	Width      int             `json:"width"`
	Height     int             `json:"height"`
	Properties json.RawMessage `json:"properties"`
}

type propsJSON struct {
	Title   string            `json:"title"`
	View    string            `json:"view"`
	Stat    string            `json:"stat"`
	Period  int               `json:"period"`
	Region  string            `json:"region"`
	Metrics []json.RawMessage `json:"metrics"`
	Alarms  []string          `json:"alarms"`
	// A metric widget made from an alarm ("add to dashboard") names the
	// alarm here and may have no metrics of its own.
	Annotations struct {
		Alarms []string `json:"alarms"`
	} `json:"annotations"`
	Query    string `json:"query"`
	Markdown string `json:"markdown"`
}

// ParseDashboard reads a DashboardBody. A body that is not a JSON object
// with a widgets array is an error. A widget that cannot be read is kept
// (with its title and the problem in Unsupported) and its problem is also
// returned, naming the widget, joined with the others'.
func ParseDashboard(name, body string) (Dashboard, error) {
	d := Dashboard{Name: text.Sanitize(name)}
	var raw bodyJSON
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return d, fmt.Errorf("dashboard %q: body is not a dashboard JSON object: %v", d.Name, err)
	}
	// An absolute start (a timestamp) leaves Range unset.
	if strings.HasPrefix(raw.Start, "-P") {
		r, err := parseISODuration(raw.Start)
		if err != nil {
			return d, fmt.Errorf("dashboard %q: start %q: %v", d.Name, raw.Start, err)
		}
		d.Range = -r
	}
	var problems []error
	nextX, nextY, rowBottom := 0, 0, 0
	for i, wj := range raw.Widgets {
		w, err := parseWidget(wj)
		// Widgets without a position flow left to right, like the console places them.
		if wj.X == nil || wj.Y == nil {
			if nextX+w.Width > GridColumns {
				nextX, nextY = 0, rowBottom
			}
			w.X, w.Y = nextX, nextY
		}
		nextX, nextY, rowBottom = w.X+w.Width, w.Y, max(rowBottom, w.Y+w.Height)
		if err != nil {
			err = fmt.Errorf("dashboard %q: widget %d (%s %q): %v", d.Name, i+1, w.Type, w.Title, err)
			w.Unsupported = err.Error()
			problems = append(problems, err)
		}
		d.Widgets = append(d.Widgets, w)
	}
	return d, errors.Join(problems...)
}

func parseWidget(wj widgetJSON) (Widget, error) {
	w := Widget{Type: text.Sanitize(wj.Type), Width: wj.Width, Height: wj.Height}
	if wj.X != nil && wj.Y != nil {
		w.X, w.Y = max(*wj.X, 0), max(*wj.Y, 0)
	}
	if w.Width <= 0 {
		w.Width = defaultWidgetSize
	}
	if w.Height <= 0 {
		w.Height = defaultWidgetSize
	}
	w.Width = min(w.Width, GridColumns)
	var p propsJSON
	if len(wj.Properties) > 0 {
		if err := json.Unmarshal(wj.Properties, &p); err != nil {
			return w, fmt.Errorf("properties: %v", err)
		}
	}
	w.Title, w.View = text.Sanitize(p.Title), text.Sanitize(p.View)
	switch w.Type {
	case WidgetMetric:
		w.Alarms = alarmNames(p.Annotations.Alarms)
		metrics, err := parseMetricRows(p)
		w.Metrics = metrics
		return w, err
	case WidgetAlarm:
		w.Alarms = alarmNames(p.Alarms)
	case WidgetLog:
		w.Groups, w.Query = splitSources(p.Query)
	case WidgetText:
		w.Text = text.Sanitize(p.Markdown)
	default:
		w.Unsupported = NotSupported
	}
	return w, nil
}

func alarmNames(arns []string) []string {
	var names []string
	for _, a := range arns {
		names = append(names, text.Sanitize(alarmNameOf(a)))
	}
	return names
}

// alarmNameOf returns the name in an alarm ARN, or the text itself.
func alarmNameOf(arnOrName string) string {
	if _, name, ok := strings.Cut(arnOrName, ":alarm:"); ok && strings.HasPrefix(arnOrName, "arn:") {
		return name
	}
	return arnOrName
}

var sourceRe = regexp.MustCompile(`^\s*SOURCE\s+(?:'([^']*)'|"([^"]*)")\s*(?:\|\s*)?`)

// splitSources takes the leading "SOURCE 'group' |" clauses off a log widget's query.
func splitSources(query string) (groups []string, rest string) {
	for {
		m := sourceRe.FindStringSubmatchIndex(query)
		if m == nil {
			return groups, strings.TrimSpace(query)
		}
		quoted := m[2:4] // 'single' or "double"
		if m[2] < 0 {
			quoted = m[4:6]
		}
		g := query[quoted[0]:quoted[1]]
		groups = append(groups, text.Sanitize(g))
		query = query[m[1]:]
	}
}

// parseMetricRows resolves a metric widget's rows: each is
// [namespace, metric, dim, value, ..., {options}], where "..." first
// repeats the previous row's leading items so that the given ones align
// at its end, and "." repeats the previous row's item at that position;
// or [{expression options}].
func parseMetricRows(p propsJSON) ([]DashboardMetric, error) {
	stat, period := p.Stat, time.Duration(p.Period)*time.Second
	if stat == "" {
		stat = defaultWidgetStat
	}
	if period <= 0 {
		period = defaultWidgetPeriod
	}
	var out []DashboardMetric
	var prev []string
	for i, raw := range p.Metrics {
		items, opts, err := metricRow(raw)
		if err != nil {
			return out, fmt.Errorf("metrics row %d: %v", i+1, err)
		}
		if len(items) > 0 && items[0] == "..." {
			given := items[1:]
			if len(prev) < len(given) {
				return out, fmt.Errorf("metrics row %d: \"...\" with no previous metric to repeat", i+1)
			}
			items = append(append([]string(nil), prev[:len(prev)-len(given)]...), given...)
		}
		for j, it := range items {
			if it == "." {
				if j >= len(prev) {
					return out, fmt.Errorf("metrics row %d: \".\" at position %d has no previous value", i+1, j+1)
				}
				items[j] = prev[j]
			}
		}
		m := DashboardMetric{Label: text.Sanitize(opts.Label), Region: text.Sanitize(opts.Region), ID: opts.ID,
			Expression: text.Sanitize(opts.Expression), Hidden: opts.Visible != nil && !*opts.Visible}
		if m.Region == "" {
			m.Region = text.Sanitize(p.Region)
		}
		if m.Expression != "" {
			if m.Label == "" {
				m.Label = m.Expression
			}
			out = append(out, m)
			continue
		}
		if len(items) < 2 || len(items)%2 != 0 {
			return out, fmt.Errorf("metrics row %d: want namespace, metric name and dimension name/value pairs, got %q", i+1, items)
		}
		m.Spec = MetricSpec{Namespace: text.Sanitize(items[0]), Metric: text.Sanitize(items[1]), Stat: stat, Period: period}
		for j := 2; j < len(items); j += 2 {
			m.Spec.Dims = append(m.Spec.Dims, Dimension{Name: text.Sanitize(items[j]), Value: text.Sanitize(items[j+1])})
		}
		if opts.Stat != "" {
			m.Spec.Stat = text.Sanitize(opts.Stat)
		}
		if opts.Period > 0 {
			m.Spec.Period = time.Duration(opts.Period) * time.Second
		}
		if m.Label == "" {
			m.Label = m.Spec.Label()
		}
		out = append(out, m)
		prev = items
	}
	return out, nil
}

type metricOptions struct {
	Stat       string `json:"stat"`
	Period     int    `json:"period"`
	Label      string `json:"label"`
	Region     string `json:"region"`
	ID         string `json:"id"`
	Expression string `json:"expression"`
	Visible    *bool  `json:"visible"`
}

// metricRow splits one metrics row into its strings and its options object.
func metricRow(raw json.RawMessage) ([]string, metricOptions, error) {
	var opts metricOptions
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, opts, fmt.Errorf("not an array: %s", clip(string(raw)))
	}
	var items []string
	for k, part := range parts {
		var s string
		if json.Unmarshal(part, &s) == nil {
			items = append(items, s)
			continue
		}
		if k == len(parts)-1 && json.Unmarshal(part, &opts) == nil {
			break
		}
		return nil, opts, fmt.Errorf("item %d is neither a string nor a final options object: %s", k+1, clip(string(part)))
	}
	return items, opts, nil
}

func clip(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return text.Sanitize(s)
}

var isoDurationRe = regexp.MustCompile(`^-?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// parseISODuration reads the ISO 8601 durations dashboards use ("-PT3H",
// "-P7D", "-PT15M"); months and years are not accepted.
func parseISODuration(text string) (time.Duration, error) {
	m := isoDurationRe.FindStringSubmatch(text)
	if m == nil || text == "P" || text == "-P" || strings.HasSuffix(text, "T") {
		return 0, fmt.Errorf("not an ISO 8601 duration such as -PT3H")
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		v, _ := strconv.ParseFloat(m[i+1], 64)
		d += time.Duration(v * float64(u))
	}
	if strings.HasPrefix(text, "-") {
		d = -d
	}
	return d, nil
}

// DashboardReader is optionally implemented by a Source that can read
// saved dashboards.
type DashboardReader interface {
	// ListDashboards returns the names of the dashboards starting with prefix.
	ListDashboards(ctx context.Context, prefix string) ([]string, error)
	// GetDashboard reads and parses one dashboard; see ParseDashboard for
	// how malformed widgets are reported.
	GetDashboard(ctx context.Context, name string) (Dashboard, error)
}
