package sources

// GuessUnit returns the display unit of a well-known AWS metric, or "" when
// unknown. GetMetricData reports no unit, so the UI relies on this table
// unless a spec names its unit.
func GuessUnit(namespace, metric string) string {
	if u, ok := unitsByNamespace[namespace+"/"+metric]; ok {
		return u
	}
	return unitsByMetric[metric]
}

// unitsByNamespace holds metrics whose unit depends on the service.
var unitsByNamespace = map[string]string{
	"AWS/Lambda/Duration":                   "Milliseconds",
	"AWS/Lambda/IteratorAge":                "Milliseconds",
	"AWS/ApiGateway/Latency":                "Milliseconds",
	"AWS/ApiGateway/IntegrationLatency":     "Milliseconds",
	"AWS/ELB/Latency":                       "Seconds",
	"AWS/DynamoDB/SuccessfulRequestLatency": "Milliseconds",
	"AWS/RDS/ReadLatency":                   "Seconds",
	"AWS/RDS/WriteLatency":                  "Seconds",
}

var unitsByMetric = map[string]string{
	"CPUUtilization":                     "Percent",
	"MemoryUtilization":                  "Percent",
	"Errors":                             "Count",
	"Invocations":                        "Count",
	"Throttles":                          "Count",
	"ConcurrentExecutions":               "Count",
	"RequestCount":                       "Count",
	"HTTPCode_Target_5XX_Count":          "Count",
	"HTTPCode_Target_4XX_Count":          "Count",
	"HTTPCode_ELB_5XX_Count":             "Count",
	"4XXError":                           "Count",
	"5XXError":                           "Count",
	"Count":                              "Count",
	"TargetResponseTime":                 "Seconds",
	"NetworkIn":                          "Bytes",
	"NetworkOut":                         "Bytes",
	"FreeStorageSpace":                   "Bytes",
	"FreeableMemory":                     "Bytes",
	"DatabaseConnections":                "Count",
	"ApproximateNumberOfMessagesVisible": "Count",
	"ApproximateAgeOfOldestMessage":      "Seconds",
	"ThrottledRequests":                  "Count",
	"ConsumedReadCapacityUnits":          "Count",
	"ConsumedWriteCapacityUnits":         "Count",
}
