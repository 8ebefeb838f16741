package feed

import (
	"context"
	"errors"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"watchtrail/sources"
)

// alarmFeed polls the alarms of a sources.AlarmPager within a fixed budget
// of calls: a poll either lists every alarm (the first, then once every
// sources.FullListPeriod), or asks only for the firing alarms and for those
// that stopped firing, and merges them into the last complete list.
//
// The first listing shows its alarms as they arrive: the firing ones first
// (one cheap call), then each page's new ones appended below, so no row
// moves while it loads. Later listings replace the list once complete.
//
// Only one alarms poll runs at a time (the feed polls until its last
// message is handled), so the listing's fields belong to the running poll.
type alarmFeed struct {
	current  []sources.Alarm // the alarms the feed delivered last
	loading  bool            // current is the first listing's so far
	msgs     <-chan tea.Msg  // the running poll's messages
	complete []sources.Alarm // the last complete list, firing refreshes merged in
	pages    int             // calls its listing took: at least one per 100 alarms
	listedAt time.Time       // when that listing started; zero before the first
	shown    []sources.Alarm // what the first listing has shown so far, kept across its retries
}

// poll starts one poll and returns the channel of its messages: the first
// listing's AlarmsMsg.Loading lists when show is set, then the outcome.
// wall is the schedule's clock, now the data's.
func (f *alarmFeed) poll(src sources.AlarmPager, wall time.Time, refresh time.Duration, now func() time.Time, show bool) <-chan tea.Msg {
	msgs := make(chan tea.Msg, 1)
	// offer replaces a message not read yet, so the poll never waits for the
	// UI: each Loading list holds every alarm shown so far.
	offer := func(msg tea.Msg) {
		select {
		case <-msgs:
		default:
		}
		msgs <- msg
	}
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// A listing of many pages may take long; one page may not.
		idle := time.AfterFunc(PollTimeout, cancel)
		defer idle.Stop()
		alive := func() { idle.Reset(PollTimeout) }
		at := now()
		if f.listedAt.IsZero() || !wall.Before(f.listedAt.Add(sources.FullListPeriod(refresh, f.pages))) {
			var loading func([]sources.Alarm)
			if show && f.listedAt.IsZero() {
				loading = func(alarms []sources.Alarm) { offer(sources.AlarmsMsg{Alarms: alarms, At: at, Loading: true}) }
			}
			offer(f.list(ctx, src, wall, at, alive, loading))
			return
		}
		offer(f.refresh(ctx, src, at))
	}()
	return msgs
}

// waitAlarms is the command that delivers a poll's next message.
func waitAlarms(msgs <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-msgs }
}

// list reads every alarm. With loading set (the first listing on screen)
// it asks for the firing alarms first and hands loading the alarms shown
// so far each time they grow.
func (f *alarmFeed) list(ctx context.Context, src sources.AlarmPager, wall, at time.Time, alive func(), loading func([]sources.Alarm)) tea.Msg {
	seen := map[string]bool{}
	for _, a := range f.shown {
		seen[alarmKey(a)] = true
	}
	show := func(alarms []sources.Alarm) {
		n := len(f.shown)
		for _, a := range alarms {
			if !seen[alarmKey(a)] {
				seen[alarmKey(a)] = true
				f.shown = append(f.shown, a)
			}
		}
		if len(f.shown) > n {
			// Capped, so the UI's copy is never appended to; later pages
			// only write past its end.
			loading(f.shown[:len(f.shown):len(f.shown)])
		}
	}
	if loading != nil {
		// A failure here shows in the listing that follows.
		firing, _ := sources.CollectAlarms(ctx, src, sources.AlarmQuery{State: sources.StateAlarm, MaxPages: sources.FiringPages})
		sources.SortAlarms(firing)
		show(firing)
	}
	var all []sources.Alarm
	pages := 0
	err := src.PageAlarms(ctx, sources.AlarmQuery{}, func(page []sources.Alarm) {
		alive()
		pages++
		all = append(all, page...)
		if loading != nil {
			show(page)
		}
	})
	var partial *sources.PartialError
	if errors.As(err, &partial) && !partial.All() {
		// The members that failed keep the alarms they had.
		for _, failed := range partial.Failed {
			all = append(all, slices.DeleteFunc(slices.Clone(f.complete), func(a sources.Alarm) bool { return a.Source != failed.Label })...)
		}
	} else if err != nil {
		return sources.ErrMsg{Feed: sources.FeedAlarms, Err: err, At: at}
	}
	sources.SortAlarms(all)
	f.complete, f.listedAt, f.shown = all, wall, nil
	f.pages = max(pages, (len(all)+sources.AlarmsPerPage-1)/sources.AlarmsPerPage)
	return alarmsResult(all, at, err)
}

// refresh asks for the firing alarms, then by name for the alarms that
// fired at the last poll and are not among them (so a recovery shows at
// once; one call per account and region, at most 100 names), and merges
// both into the complete list.
func (f *alarmFeed) refresh(ctx context.Context, src sources.AlarmPager, at time.Time) tea.Msg {
	fresh, err := sources.CollectAlarms(ctx, src, sources.AlarmQuery{State: sources.StateAlarm, MaxPages: sources.FiringPages})
	if err != nil && !sources.SomeAnswered(err) {
		return sources.ErrMsg{Feed: sources.FeedAlarms, Err: err, At: at}
	}
	firing := map[string]bool{}
	for _, a := range fresh {
		firing[alarmKey(a)] = true
	}
	var labels []string
	stopped := map[string][]string{} // names by source label
	for _, a := range f.complete {
		if a.State == sources.StateAlarm && !firing[alarmKey(a)] && len(stopped[a.Source]) < sources.AlarmsPerPage {
			if stopped[a.Source] == nil {
				labels = append(labels, a.Source)
			}
			stopped[a.Source] = append(stopped[a.Source], a.Name)
		}
	}
	asked := map[string]bool{}
	for _, label := range labels {
		names := stopped[label]
		got, nameErr := sources.CollectAlarms(ctx, src, sources.AlarmQuery{Names: names, Source: label})
		if nameErr != nil {
			err = errors.Join(err, nameErr)
			continue
		}
		for _, name := range names {
			asked[alarmKey(sources.Alarm{Source: label, Name: name})] = true
		}
		fresh = append(fresh, got...)
	}
	f.complete = mergeAlarms(f.complete, fresh, asked)
	if err != nil {
		return AlarmsPartial{sources.AlarmsMsg{Alarms: f.complete, At: at}, err}
	}
	return sources.AlarmsMsg{Alarms: f.complete, At: at}
}

// mergeAlarms returns list with fresh's records in place of the old ones
// (state, reason, state change, all of it) and fresh's new alarms added,
// without the alarms asked for by name that did not come back (deleted),
// sorted. list itself is left as it was: the UI holds it.
func mergeAlarms(list, fresh []sources.Alarm, asked map[string]bool) []sources.Alarm {
	byKey := make(map[string]sources.Alarm, len(fresh))
	for _, a := range fresh {
		byKey[alarmKey(a)] = a
	}
	out := make([]sources.Alarm, 0, len(list)+len(fresh))
	for _, a := range list {
		k := alarmKey(a)
		if n, ok := byKey[k]; ok {
			out = append(out, n)
			delete(byKey, k)
		} else if !asked[k] {
			out = append(out, a)
		}
	}
	for _, a := range fresh {
		if _, ok := byKey[alarmKey(a)]; ok {
			out = append(out, a)
			delete(byKey, alarmKey(a))
		}
	}
	sources.SortAlarms(out)
	return out
}

// alarmKey identifies an alarm among several accounts and regions.
func alarmKey(a sources.Alarm) string { return a.Source + "\x00" + a.Name }

// alarmsResult is the message of a listing: the alarms, those of the
// sources that answered when others failed, or the error.
func alarmsResult(alarms []sources.Alarm, at time.Time, err error) tea.Msg {
	switch {
	case sources.SomeAnswered(err):
		return AlarmsPartial{sources.AlarmsMsg{Alarms: alarms, At: at}, err}
	case err != nil:
		return sources.ErrMsg{Feed: sources.FeedAlarms, Err: err, At: at}
	}
	return sources.AlarmsMsg{Alarms: alarms, At: at}
}
