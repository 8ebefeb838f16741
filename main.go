// Command watchtrail is a terminal dashboard for AWS observability: CloudWatch
// alarms and metrics, live CloudWatch Logs and CloudTrail, and a triage
// from a firing alarm to the API calls and log lines around it.
package main

import "watchtrail/cmd"

func main() { cmd.Execute() }
