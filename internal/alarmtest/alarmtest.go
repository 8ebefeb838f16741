// Package alarmtest is a CloudWatch DescribeAlarms endpoint on 127.0.0.1
// for tests of any package. It speaks the query protocol (what an endpoint
// override selects, see awssrc.New) and pages as CloudWatch documents it:
// MaxRecords alarms a call (default 50, at most 100) with a NextToken,
// filtered by StateValue, AlarmNames (at most 100) and AlarmTypes (metric
// alarms only when absent). moto does none of the paging: it returns every
// alarm in one answer whatever MaxRecords says.
package alarmtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Alarm is one alarm the server holds. Rule set makes it a composite alarm.
type Alarm struct {
	Name, State, Reason string
	Updated             time.Time
	Rule                string
}

// Server answers DescribeAlarms from its alarms, in name order.
type Server struct {
	URL string

	mu     sync.Mutex
	alarms []Alarm
	calls  []url.Values
	held   chan struct{} // closed: pages flow; open: a full listing's later pages wait
}

// Start serves alarms until the test ends.
func Start(t testing.TB, alarms []Alarm) *Server {
	s := &Server{alarms: slices.Clone(alarms), held: make(chan struct{})}
	close(s.held)
	slices.SortFunc(s.alarms, func(a, b Alarm) int { return strings.Compare(a.Name, b.Name) })
	srv := httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(srv.Close)
	t.Cleanup(s.Release)
	s.URL = srv.URL
	return s
}

// Set changes an alarm's state, as CloudWatch does when it evaluates it.
func (s *Server) Set(name, state, reason string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.alarms {
		if s.alarms[i].Name == name {
			s.alarms[i].State, s.alarms[i].Reason, s.alarms[i].Updated = state, reason, at
		}
	}
}

// Calls returns the form of every DescribeAlarms request so far.
func (s *Server) Calls() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Hold has the pages after the first of every unfiltered listing wait
// until Release.
func (s *Server) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = make(chan struct{})
}

// Release lets held pages go.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.held:
	default:
		close(s.held)
	}
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("Action") != "DescribeAlarms" {
		http.Error(w, "alarmtest: only DescribeAlarms", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, form)
	held := s.held
	s.mu.Unlock()
	if form.Get("NextToken") != "" && form.Get("StateValue") == "" && members(form, "AlarmNames") == nil {
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	status, out := s.answer(form)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	io.WriteString(w, out)
}

// answer is the page form asks for, or the documented validation error.
func (s *Server) answer(form url.Values) (int, string) {
	limit := 50
	if v := form.Get("MaxRecords"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	names, types := members(form, "AlarmNames"), members(form, "AlarmTypes")
	if limit < 1 || limit > 100 || len(names) > 100 {
		return 400, `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
			`<Message>MaxRecords must be 1 to 100 and AlarmNames at most 100</Message></Error><RequestId>alarmtest</RequestId></ErrorResponse>`
	}
	if types == nil {
		types = []string{"MetricAlarm"}
	}
	s.mu.Lock()
	var match []Alarm
	for _, a := range s.alarms {
		kind := "MetricAlarm"
		if a.Rule != "" {
			kind = "CompositeAlarm"
		}
		if slices.Contains(types, kind) && (form.Get("StateValue") == "" || a.State == form.Get("StateValue")) &&
			(names == nil || slices.Contains(names, a.Name)) {
			match = append(match, a)
		}
	}
	s.mu.Unlock()
	from, _ := strconv.Atoi(form.Get("NextToken"))
	to := min(from+limit, len(match))
	var metric, composite strings.Builder
	for _, a := range match[min(from, to):to] {
		common := fmt.Sprintf(`<AlarmName>%s</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:%s</AlarmArn>`+
			`<StateValue>%s</StateValue><StateReason>%s</StateReason><StateUpdatedTimestamp>%s</StateUpdatedTimestamp>`,
			text(a.Name), text(a.Name), a.State, text(a.Reason), a.Updated.UTC().Format("2006-01-02T15:04:05.000Z"))
		if a.Rule != "" {
			fmt.Fprintf(&composite, `<member>%s<AlarmRule>%s</AlarmRule></member>`, common, text(a.Rule))
			continue
		}
		fmt.Fprintf(&metric, `<member>%s<Namespace>AWS/EC2</Namespace><MetricName>CPUUtilization</MetricName><Statistic>Average</Statistic>`+
			`<Period>60</Period><EvaluationPeriods>1</EvaluationPeriods><Threshold>80.0</Threshold><ComparisonOperator>GreaterThanThreshold</ComparisonOperator>`+
			`<Dimensions><member><Name>InstanceId</Name><Value>i-%s</Value></member></Dimensions></member>`, common, text(a.Name))
	}
	next := ""
	if to < len(match) {
		next = "<NextToken>" + strconv.Itoa(to) + "</NextToken>"
	}
	return 200, `<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>` +
		"<MetricAlarms>" + metric.String() + "</MetricAlarms><CompositeAlarms>" + composite.String() + "</CompositeAlarms>" + next +
		"</DescribeAlarmsResult><ResponseMetadata><RequestId>alarmtest</RequestId></ResponseMetadata></DescribeAlarmsResponse>"
}

// members reads a query-protocol list: Name.member.1, Name.member.2, ...
func members(form url.Values, name string) []string {
	var out []string
	for i := 1; form.Has(fmt.Sprintf("%s.member.%d", name, i)); i++ {
		out = append(out, form.Get(fmt.Sprintf("%s.member.%d", name, i)))
	}
	return out
}

func text(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Many is n metric alarms named a-0000…, every firingEvery-th firing, the
// i-th last changed i seconds before at, and a firing composite alarm
// api-health.
func Many(n, firingEvery int, at time.Time) []Alarm {
	alarms := []Alarm{{Name: "api-health", State: "ALARM", Reason: "a child fired", Updated: at, Rule: `ALARM("a-0000")`}}
	for i := range n {
		state := "OK"
		if i%firingEvery == 0 {
			state = "ALARM"
		}
		alarms = append(alarms, Alarm{Name: fmt.Sprintf("a-%04d", i), State: state, Reason: "evaluated", Updated: at.Add(-time.Duration(i) * time.Second)})
	}
	return alarms
}
