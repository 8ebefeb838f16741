package sources

import (
	"context"
	"slices"
	"time"
)

// AlarmPager is optionally implemented by a Source whose alarms are listed
// in pages (CloudWatch's DescribeAlarms: up to AlarmsPerPage a call). With
// it the dashboard shows the first alarms before the last page arrives and
// keeps the firing ones fresh without listing every alarm each refresh.
//
// PageAlarms calls page with the alarms of each page as it arrives, one
// call at a time, and returns after the last page, after q.MaxPages pages,
// or with the first error.
type AlarmPager interface {
	PageAlarms(ctx context.Context, q AlarmQuery, page func([]Alarm)) error
}

// AlarmQuery narrows a listing of alarms; the zero query lists every alarm.
type AlarmQuery struct {
	State    AlarmState // only the alarms in this state
	Names    []string   // only these alarms, at most AlarmsPerPage
	MaxPages int        // stop after this many pages; 0 reads them all
	// Source is a Multi member's label: only that member is asked.
	Source string
}

// Matches reports whether a passes q's state and names.
func (q AlarmQuery) Matches(a Alarm) bool {
	return (q.State == "" || a.State == q.State) && (q.Names == nil || slices.Contains(q.Names, a.Name))
}

// The alarms' API budget: DescribeAlarms returns at most AlarmsPerPage
// alarms a call and takes at most as many names. Every refresh asks for the
// firing alarms (at most FiringPages calls) and for those that stopped
// firing (one call per account and region); every alarm is listed again
// only every FullListPeriod, so the full listings average at most
// FullListPagesPerMinute calls a minute whatever the number of alarms.
const (
	AlarmsPerPage          = 100
	FiringPages            = 2
	FullListPagesPerMinute = 20
)

// FullListPeriod is how often every alarm is listed again when a listing
// takes pages calls: max(refresh, pages × 1 min / FullListPagesPerMinute).
func FullListPeriod(refresh time.Duration, pages int) time.Duration {
	return max(refresh, time.Duration(pages)*time.Minute/FullListPagesPerMinute)
}

// PageAlarms lists src's alarms page by page when it is an AlarmPager, else
// as one page of its ListAlarms filtered by q.
func PageAlarms(ctx context.Context, src AlarmLister, q AlarmQuery, page func([]Alarm)) error {
	if p, ok := src.(AlarmPager); ok {
		return p.PageAlarms(ctx, q, page)
	}
	all, err := src.ListAlarms(ctx)
	if err != nil {
		return err
	}
	page(slices.DeleteFunc(all, func(a Alarm) bool { return !q.Matches(a) }))
	return nil
}

// CollectAlarms is every alarm p lists for q, in the order of its pages.
func CollectAlarms(ctx context.Context, p AlarmPager, q AlarmQuery) ([]Alarm, error) {
	var alarms []Alarm
	err := p.PageAlarms(ctx, q, func(page []Alarm) { alarms = append(alarms, page...) })
	return alarms, err
}
