package ui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/feed"
	"watchtrail/internal/alarmtest"
	"watchtrail/internal/motoserver"
	"watchtrail/sources"
	"watchtrail/sources/awssrc"
)

// pollAll hands m a poll's messages: the alarms lists a first listing shows
// while it loads, then the poll's outcome.
func pollAll(m *Model, poll tea.Cmd) {
	msg := poll()
	m.Update(msg)
	for loading(msg) {
		msg = <-m.sched.AlarmMsgs()
		m.Update(msg)
	}
}

func loading(msg tea.Msg) bool {
	a, ok := msg.(sources.AlarmsMsg)
	return ok && a.Loading
}

// nextAlarmsMsg is the running alarms poll's next message.
func nextAlarmsMsg(t *testing.T, msgs <-chan tea.Msg) tea.Msg {
	t.Helper()
	select {
	case msg := <-msgs:
		return msg
	case <-time.After(30 * time.Second):
		t.Fatal("the alarms poll sent nothing for 30 s")
		return nil
	}
}

// pollAlarms runs one alarms poll of s to its end, handing s every message.
func pollAlarms(t *testing.T, s *feed.Scheduler) tea.Msg {
	t.Helper()
	s.PollNow(sources.FeedAlarms)
	for {
		msg := nextAlarmsMsg(t, s.AlarmMsgs())
		s.Handle(msg)
		if !loading(msg) {
			return msg
		}
	}
}

// The first listing shows the firing alarms and the first page while later
// pages are still on their way (held by the server), appends each page
// without moving a row or the selection, and says it is loading until the
// last page is in.
func TestFirstAlarmsShowWhileTheListingLoads(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	alarms := alarmtest.Many(300, 50, at)
	for i := range alarms {
		if alarms[i].Name != "a-0250" && alarms[i].Name != "a-0298" {
			alarms[i].State = "OK"
		}
	}
	srv := alarmtest.Start(t, alarms)
	srv.Hold()                               // every page after the first waits
	srv.Set("a-0298", "ALARM", "spiked", at) // on the last page
	m := New(Config{Source: awssrc.New(motoserver.Config(), srv.URL), Refresh: time.Minute, Now: func() time.Time { return at }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	m.sched.PollNow(sources.FeedAlarms)

	var prev []sources.Alarm
	for len(m.alarmList) < 102 { // the two firing ones, then page one
		msg := nextAlarmsMsg(t, m.sched.AlarmMsgs())
		if !loading(msg) {
			t.Fatalf("the listing ended before its second page was let through: %T", msg)
		}
		m.Update(msg)
		if got := m.alarmList; len(got) < len(prev) || !slices.EqualFunc(got[:len(prev)], prev, sameAlarm) {
			t.Fatalf("rows moved while loading: %d rows, then %d", len(prev), len(got))
		}
		prev = m.alarmList
	}
	out := screen(m)
	for _, want := range []string{"2 firing", "a-0298", "a-0250", "a-0000", "loading alarms… 102 so far"} {
		if !strings.Contains(out, want) {
			t.Fatalf("while the second page is held the screen lacks %q:\n%s", want, out)
		}
	}
	if first := m.alarmList[0].Name; first != "a-0298" {
		t.Fatalf("the first row is %s, want the most recently firing alarm a-0298", first)
	}
	press(m, "down", "down", "down")
	picked, _ := m.alarms.Selected()

	srv.Release()
	for {
		msg := nextAlarmsMsg(t, m.sched.AlarmMsgs())
		m.Update(msg)
		if sel, _ := m.alarms.Selected(); sel.Name != picked.Name {
			t.Fatalf("the selection jumped from %s to %s as pages arrived", picked.Name, sel.Name)
		}
		if !loading(msg) {
			break
		}
	}
	out = screen(m)
	if len(m.alarmList) != 301 || strings.Contains(out, "loading alarms") || !strings.Contains(out, "2 firing") {
		t.Fatalf("after the last page: %d alarms, want 301, and no loading note:\n%s", len(m.alarmList), out)
	}
}

func sameAlarm(a, b sources.Alarm) bool { return a.Name == b.Name && a.Source == b.Source }

// Over 20 minutes of 15 s refreshes the DescribeAlarms calls stay within
// the budget whatever the number of alarms (listing every alarm each
// refresh would take 10 and 50 calls a refresh), and each refresh still
// shows the firing alarms as they are: a recovery, a new alarm firing and a
// composite's change all show at the next refresh.
func TestAlarmCallsStayWithinTheBudget(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	const refresh, span = 15 * time.Second, 20 * time.Minute
	start := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	for _, n := range []int{1000, 5000} {
		srv := alarmtest.Start(t, alarmtest.Many(n, 50, start))
		wall := start
		s := feed.NewScheduler(Config{Source: awssrc.New(motoserver.Config(), srv.URL), Refresh: refresh, Now: func() time.Time { return wall }}.Feed())
		s.SetWall(func() time.Time { return wall })
		for ; wall.Before(start.Add(span)); wall = wall.Add(refresh) {
			if wall.Equal(start.Add(30 * time.Second)) {
				srv.Set("a-0000", "OK", "back to normal", wall)
				srv.Set("a-0007", "ALARM", "spiked", wall)
				srv.Set("api-health", "OK", "children fine", wall)
			}
			if _, ok := pollAlarms(t, s).(sources.AlarmsMsg); !ok {
				t.Fatalf("%d alarms: the poll at %s failed: %s", n, wall.Sub(start), s.State(sources.FeedAlarms).LastErr)
			}
			if wall.Equal(start.Add(30 * time.Second)) { // a refresh, not a listing, for both counts
				checkRefreshed(t, s.Alarms(), n+1, wall)
			}
		}
		calls := srv.Calls()
		limit := int(span.Minutes())*(sources.FullListPagesPerMinute+int(time.Minute/refresh)*(sources.FiringPages+1)) + n/100 + sources.FiringPages
		t.Logf("%d alarms: %d DescribeAlarms calls in %s (%.1f a minute, limit %d); listing every alarm every refresh: %d",
			n, len(calls), span, float64(len(calls))/span.Minutes(), limit, int(span/refresh)*(n/100+1))
		if len(calls) > limit {
			t.Errorf("%d alarms: %d DescribeAlarms calls in %s, over the budget's %d", n, len(calls), span, limit)
		}
		if !slices.ContainsFunc(calls, func(f url.Values) bool { return f.Get("AlarmNames.member.1") == "a-0000" }) {
			t.Errorf("%d alarms: the recovered alarm was never asked for by name", n)
		}
	}
}

// checkRefreshed finds the changes made at changed in alarms, all n of them.
func checkRefreshed(t *testing.T, alarms []sources.Alarm, n int, changed time.Time) {
	t.Helper()
	want := map[string]sources.Alarm{
		"a-0000":     {State: sources.StateOK, Reason: "back to normal"},
		"a-0007":     {State: sources.StateAlarm, Reason: "spiked"},
		"api-health": {State: sources.StateOK, Reason: "children fine", Composite: true},
	}
	for _, a := range alarms {
		if w, ok := want[a.Name]; ok {
			if a.State != w.State || a.Reason != w.Reason || a.Composite != w.Composite || !a.StateChanged.Equal(changed) {
				t.Errorf("%s after the refresh: %s %q at %s, want %s %q at %s", a.Name, a.State, a.Reason, a.StateChanged, w.State, w.Reason, changed)
			}
			delete(want, a.Name)
		}
	}
	if len(want) > 0 || len(alarms) != n {
		t.Errorf("after the refresh %d alarms (want %d), missing %v", len(alarms), n, want)
	}
}

// With moto, which lists every alarm in one answer, the firing alarms show
// while that answer is still on its way (held here), and the whole list
// once it is in.
func TestMotoFiringAlarmsShowBeforeTheListingEnds(t *testing.T) {
	endpoint, seed, now := startMoto(t)
	for i := range 30 {
		state := cwtypes.StateValueOk
		if i%15 == 7 {
			state = cwtypes.StateValueAlarm
		}
		seed.Alarm(fmt.Sprintf("wt-feed-%02d", i), "WT/Feed", "Errors", nil, 1, state)
	}
	release := make(chan struct{})
	gate := holdFullListings(t, endpoint, release)
	m := New(Config{Source: awssrc.New(motoserver.Config(), gate), Refresh: time.Minute, Now: func() time.Time { return now }})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	m.sched.PollNow(sources.FeedAlarms)

	msg := nextAlarmsMsg(t, m.sched.AlarmMsgs())
	m.Update(msg)
	out := screen(m)
	if !loading(msg) || len(m.alarmList) != 2 {
		t.Fatalf("first message %T with %d alarms, want the 2 firing ones while loading", msg, len(m.alarmList))
	}
	for _, want := range []string{"2 firing", "wt-feed-07", "wt-feed-22", "loading alarms… 2 so far"} {
		if !strings.Contains(out, want) {
			t.Fatalf("while the listing is held the screen lacks %q:\n%s", want, out)
		}
	}
	close(release)
	for loading(msg) {
		msg = nextAlarmsMsg(t, m.sched.AlarmMsgs())
		m.Update(msg)
	}
	if out := screen(m); len(m.alarmList) != 30 || strings.Contains(out, "loading alarms") || !strings.Contains(out, "wt-feed-29") {
		t.Fatalf("after the listing: %d alarms, want 30:\n%s", len(m.alarmList), out)
	}
}

// holdFullListings is a proxy to endpoint that holds every DescribeAlarms
// asking for all alarms (no state, no names) until release is closed.
func holdFullListings(t *testing.T, endpoint string, release <-chan struct{}) string {
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		if form.Get("Action") == "DescribeAlarms" && form.Get("StateValue") == "" && !form.Has("AlarmNames.member.1") {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
