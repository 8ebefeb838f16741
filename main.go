// Command watchtrail is a terminal dashboard for AWS observability: CloudWatch
// alarms and metrics, live CloudWatch Logs and CloudTrail, and a drill-down
// from a firing alarm to the API calls and log lines around it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "watchtrail:", err)
		os.Exit(1)
	}
}
