// Package sources holds the data model shared by every data source (AWS or
// the embedded demo), the small interfaces they implement, and the tea.Msgs
// that carry their results to the UI.
package sources

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Dimension is one CloudWatch metric dimension.
type Dimension struct {
	Name  string
	Value string
}

// MetricSpec names one CloudWatch metric statistic.
type MetricSpec struct {
	Namespace string
	Metric    string
	Dims      []Dimension
	Stat      string        // Average, Sum, Maximum, p99, ...
	Period    time.Duration // defaults to one minute
	Unit      string        // display unit when known ("Percent", "Milliseconds"); not part of Key
	// Source is the label of the account/region the metric lives in when
	// several are watched (see Multi); it prefixes Key as "label|".
	Source string
	// Account is the source account of a metric read from a monitoring
	// account (CloudWatch cross-account observability); "" is the caller's.
	// It prefixes Key (after Source) as "account:".
	Account string
}

// Key is a canonical identity for the spec: "namespace/metric/d=v,d2=v2:stat",
// prefixed by "source|" when Source is set.
func (s MetricSpec) Key() string {
	// Built without fmt, in one allocation for the usual single dimension:
	// the UI keys every alarm's metric on each poll.
	var b strings.Builder
	b.Grow(len(s.Source) + len(s.Account) + len(s.Namespace) + len(s.Metric) + len(s.Stat) + 32*len(s.Dims) + 16)
	if s.Source != "" {
		b.WriteString(s.Source)
		b.WriteByte('|')
	}
	if s.Account != "" {
		b.WriteString(s.Account)
		b.WriteByte(':')
	}
	b.WriteString(s.Namespace)
	b.WriteByte('/')
	b.WriteString(s.Metric)
	b.WriteByte('/')
	if len(s.Dims) == 1 {
		b.WriteString(s.Dims[0].Name)
		b.WriteByte('=')
		b.WriteString(s.Dims[0].Value)
	} else {
		dims := make([]string, len(s.Dims))
		for i, d := range s.Dims {
			dims[i] = d.Name + "=" + d.Value
		}
		sort.Strings(dims)
		b.WriteString(strings.Join(dims, ","))
	}
	b.WriteByte(':')
	b.WriteString(s.stat())
	return b.String()
}

// Label is a short human name: "CPUUtilization i-0abc (Average)".
func (s MetricSpec) Label() string {
	vals := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		vals[i] = d.Value
	}
	label := s.Metric
	if len(vals) > 0 {
		label += " " + strings.Join(vals, ",")
	}
	return label + " (" + s.stat() + ")"
}

func (s MetricSpec) stat() string {
	if s.Stat == "" {
		return "Average"
	}
	return s.Stat
}

// WithDefaults fills in the statistic and period when they are unset.
func (s MetricSpec) WithDefaults() MetricSpec {
	s.Stat = s.stat()
	if s.Period <= 0 {
		s.Period = time.Minute
	}
	return s
}

// ParseMetricSpec reads "[account:]namespace/metric/dim=value[,dim=value][:stat]"
// (the account: a linked account's id, read from a monitoring account).
//
// Namespaces may contain slashes ("AWS/EC2") and dimension values may contain
// slashes, colons and equals signs (ARNs, "app/prod-web/50dc..."), so the
// dimensions start at the first slash-separated part that holds a "=", the
// metric is the part before it, and a text after the last ":" is the
// statistic when it is one CloudWatch knows (see ParseStat). A value that
// itself ends in ":<statistic>" needs the statistic given explicitly.
func ParseMetricSpec(text string) (MetricSpec, error) {
	fail := func(format string, args ...any) (MetricSpec, error) {
		return MetricSpec{}, fmt.Errorf("metric %q: "+format, append([]any{text}, args...)...)
	}
	spec := MetricSpec{}
	// A linked account's metric, read from a monitoring account, is
	// prefixed by the account's id, as in Key: "222222222222:AWS/EC2/…".
	unprefixed := text
	if acct, rest, ok := strings.Cut(text, ":"); ok && len(acct) == 12 && strings.Trim(acct, "0123456789") == "" {
		spec.Account, unprefixed = acct, rest
	}
	body, stat := splitStat(unprefixed)
	spec.Stat = stat
	parts := strings.Split(body, "/")
	names := len(parts)
	for i, p := range parts {
		if strings.Contains(p, "=") {
			names = i
			break
		}
	}
	if names < 2 {
		return fail("want namespace/metric/dim=value[,dim=value][:stat]")
	}
	spec.Namespace = strings.Join(parts[:names-1], "/")
	spec.Metric = parts[names-1]
	if spec.Namespace == "" || spec.Metric == "" {
		return fail("namespace and metric name are required")
	}
	if names < len(parts) {
		dims, err := parseDims(strings.Join(parts[names:], "/"))
		if err != nil {
			return fail("%v", err)
		}
		spec.Dims = dims
	}
	// Only an ARN may end in ":word"; anywhere else that word was meant
	// as the statistic.
	last := spec.Metric
	if len(spec.Dims) > 0 {
		last = spec.Dims[len(spec.Dims)-1].Value
	}
	if i := strings.LastIndex(last, ":"); spec.Stat == "" && i >= 0 && !strings.HasPrefix(last, "arn:") {
		return fail("unknown statistic %q (%s)", last[i+1:], statHelp)
	}
	return spec.WithDefaults(), nil
}

// splitStat cuts a known statistic off the end of text: after the last ":",
// or before the "(" of a range statistic such as "TM(10%:90%)".
func splitStat(text string) (body, stat string) {
	end := text
	if strings.HasSuffix(text, ")") {
		end = text[:max(strings.LastIndex(text, "("), 0)]
	}
	i := strings.LastIndex(end, ":")
	if i < 0 {
		return text, ""
	}
	if stat, ok := ParseStat(text[i+1:]); ok {
		return text[:i], stat
	}
	return text, ""
}

// MaxDimensions is how many dimensions CloudWatch allows a metric.
const MaxDimensions = 30

// parseDims reads "name=value,name=value". A comma followed by text without
// "=" belongs to the value before it.
func parseDims(text string) ([]Dimension, error) {
	var dims []Dimension
	seen := map[string]bool{}
	for _, piece := range strings.Split(text, ",") {
		name, value, ok := strings.Cut(piece, "=")
		if !ok && len(dims) > 0 {
			dims[len(dims)-1].Value += "," + piece
			continue
		}
		if !ok || name == "" {
			return nil, fmt.Errorf("dimension %q is not name=value", piece)
		}
		if seen[name] {
			return nil, fmt.Errorf("dimension %q given twice", name)
		}
		if len(dims) == MaxDimensions {
			return nil, fmt.Errorf("more than %d dimensions (CloudWatch allows at most %d)", MaxDimensions, MaxDimensions)
		}
		seen[name] = true
		dims = append(dims, Dimension{Name: name, Value: value})
	}
	for _, d := range dims {
		if d.Value == "" {
			return nil, fmt.Errorf("dimension %q has an empty value", d.Name)
		}
	}
	return dims, nil
}

// Series is the data of one metric over a window, oldest point first.
type Series struct {
	Spec    MetricSpec
	Unit    string
	Times   []time.Time
	Values  []float64
	Pending bool // not fetched yet: its turn has not come (see MetricsMsg.InTurn)
}

// Last returns the newest value, and false when the series is empty.
func (s Series) Last() (float64, bool) {
	if len(s.Values) == 0 {
		return 0, false
	}
	return s.Values[len(s.Values)-1], true
}

// AlarmState is a CloudWatch alarm state value.
type AlarmState string

const (
	StateAlarm        AlarmState = "ALARM"
	StateInsufficient AlarmState = "INSUFFICIENT_DATA"
	StateOK           AlarmState = "OK"
)

// Rank orders states for display: ALARM first, OK last.
func (s AlarmState) Rank() int {
	switch s {
	case StateAlarm:
		return 0
	case StateInsufficient:
		return 1
	}
	return 2
}

// Alarm is one CloudWatch metric alarm.
type Alarm struct {
	Name         string
	State        AlarmState
	Reason       string
	Metric       MetricSpec
	Threshold    float64
	Comparison   string // GreaterThanThreshold, LessThanThreshold, ...
	StateChanged time.Time
	ARN          string // arn:aws:cloudwatch:<region>:<account>:alarm:<name>, when known
	// The alarm fires when DatapointsToAlarm of the last EvaluationPeriods
	// datapoints breach (0: unknown); TreatMissingData is how it counts
	// missing ones: "breaching", "notBreaching", "ignore", "missing" ("" unknown).
	EvaluationPeriods int
	DatapointsToAlarm int
	TreatMissingData  string
	// Composite alarms have no metric: Rule is their AlarmRule and Children
	// the alarms it names (see ParseAlarmRule).
	Composite bool
	Rule      string
	Children  []string
	// Source labels the account/region the alarm came from when several
	// are watched at once ("prod/eu-west-1"; see Multi); "" otherwise.
	Source string
	// Account names the source account of the alarm's metric when the
	// alarm, in a monitoring account, watches a linked account's metric:
	// its OAM link label, else its id; "" for the caller's own.
	Account string
}

// SortAlarms orders alarms ALARM first, then INSUFFICIENT_DATA, then OK;
// within a state the most recent change comes first.
func SortAlarms(alarms []Alarm) {
	sort.SliceStable(alarms, func(i, j int) bool {
		a, b := &alarms[i], &alarms[j]
		if a.State.Rank() != b.State.Rank() {
			return a.State.Rank() < b.State.Rank()
		}
		if !a.StateChanged.Equal(b.StateChanged) {
			return a.StateChanged.After(b.StateChanged)
		}
		return a.Name < b.Name
	})
}

// LogEvent is one CloudWatch Logs event. Message is already sanitised.
type LogEvent struct {
	ID      string // eventId, unique within a group; used to drop duplicates
	Group   string
	Stream  string
	Time    time.Time
	Message string
}

// LogQuery asks for every event of one group in [Start, End).
type LogQuery struct {
	Group   string
	Pattern string // CloudWatch Logs filter pattern; empty matches all
	Start   time.Time
	End     time.Time
	Limit   int // stop after this many events; 0 means the source's default

	// Source, with several sources (see Multi), is the label of the one to
	// ask; "" asks all.
	Source string
}

// TrailEvent is one CloudTrail management event. Text fields are sanitised.
type TrailEvent struct {
	ID           string
	Time         time.Time
	Name         string // eventName, e.g. UpdateFunctionConfiguration
	Source       string // eventSource, e.g. lambda.amazonaws.com
	User         string
	SourceIP     string
	Resources    []string // resource names / ARNs the event touched
	ErrorCode    string
	ErrorMessage string
	ReadOnly     bool
	JSON         string // the full CloudTrailEvent document
	// Kind tells management, data and Insights events apart ("" reads as
	// management: LookupEvents without a category returns only those).
	Kind          EventKind
	AccessKeyID   string   // userIdentity.accessKeyId
	UserARN       string   // userIdentity.arn
	ResourceTypes []string // e.g. AWS::EC2::Instance, when the record says
	Account       string   // recipientAccountId: the account the call was made in
}

// AccountOf is the account whose resources the alarm watches: a linked
// account's for a metric read across accounts, else the alarm's own (from
// its ARN); "" when unknown.
func AccountOf(a Alarm) string {
	if a.Metric.Account != "" {
		return a.Metric.Account
	}
	if parts := strings.SplitN(a.ARN, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}

// Failed reports whether the API call was refused or errored.
func (e TrailEvent) Failed() bool { return e.ErrorCode != "" }

// TrailQuery asks for management events in [Start, End], optionally only those
// touching ResourceName.
type TrailQuery struct {
	Start        time.Time
	End          time.Time
	ResourceName string
	// WriteOnly asks for write events only (LookupEvents' ReadOnly=false
	// attribute, server-side where the reader can).
	WriteOnly bool
	Limit     int // 0 means the source's default

	// Source, with several sources (see Multi), is the label of the one to
	// ask; "" asks all.
	Source string
	// Lookup is one LookupEvents lookup attribute, sent to the server where
	// the reader can and applied client-side elsewhere (see MatchesQuery).
	Lookup LookupAttr
	// Insights asks for Insights events only (LookupEvents' insight
	// category) instead of management events.
	Insights bool
	// Account asks for the events of one account (an organisation trail
	// holds many); "" asks all. Readers of many accounts read only its.
	Account string
	// Where is a filter's conditions for a reader that has the server
	// apply many at once (Athena's SQL); readers that cannot ignore it, as
	// the caller matches the events against its filter anyway.
	Where TrailWhere
}

// TrailWhere is a trail filter's conditions that a query language can
// state: text fields hold exact values or * and ? patterns (see
// TrailFilter); the zero value asks nothing.
type TrailWhere struct {
	User, Name, Source, Resource, ResourceType, AccessKey string
	Errors, Reads, Writes                                 bool
}

// StateChange is one alarm state transition from the alarm's history.
// Summary is sanitised.
type StateChange struct {
	Time     time.Time
	From, To AlarmState
	Summary  string // e.g. "Alarm updated from OK to ALARM"
}
