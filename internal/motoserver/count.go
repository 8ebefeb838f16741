package motoserver

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/middleware"
)

// CountMetricsRequested adds up the queries of every GetMetricData call
// made with cfg: the unit CloudWatch bills.
func CountMetricsRequested(cfg *aws.Config) *atomic.Int64 {
	_, metrics := CountGetMetricData(cfg)
	return metrics
}

// CountGetMetricData counts the GetMetricData calls made with cfg (each page
// of an answer is one) and the metrics (queries) they requested.
func CountGetMetricData(cfg *aws.Config) (calls, metrics *atomic.Int64) {
	calls, metrics = new(atomic.Int64), new(atomic.Int64)
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("countMetrics",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				if req, ok := in.Parameters.(*cloudwatch.GetMetricDataInput); ok {
					calls.Add(1)
					metrics.Add(int64(len(req.MetricDataQueries)))
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return calls, metrics
}
