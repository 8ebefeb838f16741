package feed

import (
	"fmt"
	"math"
	"time"

	"watchtrail/sources"
	"watchtrail/text"
)

// PricesAsOf dates Prices: AWS list prices in USD for us-east-1, from
// https://aws.amazon.com/cloudwatch/pricing/ and https://aws.amazon.com/s3/pricing/.
// Other regions differ a little; free tiers are not deducted.
const PricesAsOf = "2026-05"

// Prices is the one table of what the dashboard's calls cost. Calls that are
// not billed (DescribeAlarms, DescribeAlarmHistory, FilterLogEvents,
// LookupEvents) still count against their quotas, so estimates count them.
var Prices = struct {
	GetMetricDataPer1000Metrics float64 // each metric (query) requested, no free tier
	LiveTailPerMinute           float64 // per session minute; 1,800 free minutes a month
	S3ListPer1000               float64 // ListObjectsV2, for --trail-bucket
	S3GetPer1000                float64 // GetObject, for --trail-bucket
	AthenaPerTB                 float64 // data scanned, for --trail-athena
}{
	GetMetricDataPer1000Metrics: 0.01,
	LiveTailPerMinute:           0.01,
	S3ListPer1000:               0.005,
	S3GetPer1000:                0.0004,
	AthenaPerTB:                 5,
}

// athenaMinBytes is what Athena bills a query at least: 10 MB.
const athenaMinBytes = 10_000_000

// ScanCost is the price of Athena queries that scanned bytes in all.
func ScanCost(bytes, queries int64) float64 {
	return float64(max(bytes, queries*athenaMinBytes)) / 1e12 * Prices.AthenaPerTB
}

// ScanSummary says what the trail's queries scanned and cost, e.g.
// "Athena 1.2 GB scanned in 14 queries ≈ $0.01"; "" before any query.
func ScanSummary(bytes, queries int64) string {
	if queries == 0 {
		return ""
	}
	return fmt.Sprintf("Athena %s scanned in %d quer%s ≈ $%.2f", text.ByteSize(float64(bytes)), queries,
		map[bool]string{true: "y", false: "ies"}[queries == 1], ScanCost(bytes, queries))
}

// Quotas of the free calls that a refresh interval must respect.
const (
	maxMetricsPerCall     = 500    // GetMetricData queries in one request
	maxDatapointsPerCall  = 100800 // GetMetricData datapoints in one response before it pages
	liveTailGroupsPerCall = 10     // log groups in one StartLiveTail session
	trailFilesPerDay      = 288    // CloudTrail delivers a file about every 5 minutes per account and region
)

// CostConfig is what decides the API cost of a running dashboard.
type CostConfig struct {
	Metrics     []sources.MetricSpec // every charted metric, the alarms' included
	Alarms      int                  // alarms listed each refresh
	Refresh     time.Duration        // poll interval of every feed
	CostAware   bool                 // metrics fetched by a MetricSchedule, not every Refresh
	Budget      MetricBudget         // with CostAware, the most a poll of the metrics requests; zero: no bound
	LogGroups   int                  // groups tailed
	LiveTail    bool                 // groups streamed with Live Tail instead of FilterLogEvents
	TrailBucket bool                 // CloudTrail read from S3 instead of LookupEvents
	// TrailFolders is how many account folders the bucket's reader lists
	// a poll (an organisation trail's accounts × regions); 0 reads as 1.
	TrailFolders int
	// Scanned and Queries are what the trail's Athena queries scanned so
	// far and how many ran: a day's polls are priced at their mean.
	Scanned, Queries int64
}

// CostEstimate is one day of a configuration's API use and its price.
type CostEstimate struct {
	MetricsRequested   float64 // GetMetricData metrics, the billed unit
	GetMetricDataCalls float64
	LiveTailMinutes    float64
	FreeCalls          map[string]float64 // calls per day of the unbilled APIs, by name
	LogCallsMost       float64            // FilterLogEvents while the groups are busy; FreeCalls has them quiet
	S3Requests         float64
	AthenaBytes        float64 // scanned by the trail's queries
	PerDay             float64 // USD
}

// PerMonth is the cost of 30 days.
func (e CostEstimate) PerMonth() float64 { return e.PerDay * 30 }

// Summary is the estimate for a status line, e.g. "API ≈ $0.29/day ($8.64/month)".
func (e CostEstimate) Summary() string {
	if e.PerDay < 0.005 {
		return "API ≈ $0/day"
	}
	return fmt.Sprintf("API ≈ $%.2f/day ($%.2f/month)", e.PerDay, e.PerMonth())
}

// EstimateCost prices one day of c.
func EstimateCost(c CostConfig) CostEstimate {
	day := 24 * time.Hour
	refresh := max(c.Refresh, time.Second)
	polls := float64(day / refresh)
	e := CostEstimate{FreeCalls: map[string]float64{}}

	perCadence := map[time.Duration]int{} // metrics fetched at each cadence
	for _, m := range c.Metrics {
		cadence := refresh
		if c.CostAware {
			cadence = max(m.WithDefaults().Period, refresh)
		}
		perCadence[cadence]++
	}
	for cadence, n := range perCadence {
		fetches := float64(day / cadence)
		e.MetricsRequested += fetches * float64(n)
		e.GetMetricDataCalls += fetches * math.Ceil(float64(n)/maxMetricsPerCall)
	}
	if c.CostAware && c.Budget.Queries > 0 { // metrics beyond it are refreshed in turn
		e.MetricsRequested = min(e.MetricsRequested, polls*float64(c.Budget.Queries))
		e.GetMetricDataCalls = min(e.GetMetricDataCalls, polls*math.Ceil(float64(c.Budget.Queries)/maxMetricsPerCall))
	}
	// Every alarm each FullListPeriod, the firing ones at the refreshes between.
	pages := math.Max(1, math.Ceil(float64(c.Alarms)/sources.AlarmsPerPage))
	listings := float64(day / sources.FullListPeriod(refresh, int(pages)))
	e.FreeCalls["DescribeAlarms"] = listings*pages + polls - listings
	if c.LiveTail && c.LogGroups > 0 {
		e.LiveTailMinutes = day.Minutes() * math.Ceil(float64(c.LogGroups)/liveTailGroupsPerCall)
	} else {
		e.FreeCalls["FilterLogEvents"], e.LogCallsMost = LogCallsPerDay(c.LogGroups)
	}
	var s3cost float64
	if c.Queries > 0 {
		e.AthenaBytes = polls * float64(max(c.Scanned/c.Queries, athenaMinBytes))
		e.FreeCalls["StartQueryExecution"] = polls
	} else if c.TrailBucket {
		folders := float64(max(c.TrailFolders, 1))
		e.S3Requests = folders * (polls + trailFilesPerDay)
		s3cost = folders * (polls/1000*Prices.S3ListPer1000 + trailFilesPerDay/1000.0*Prices.S3GetPer1000)
	} else {
		e.FreeCalls["LookupEvents"] = polls
	}
	e.PerDay = e.MetricsRequested/1000*Prices.GetMetricDataPer1000Metrics +
		e.LiveTailMinutes*Prices.LiveTailPerMinute + s3cost + e.AthenaBytes/1e12*Prices.AthenaPerTB
	return e
}
