package awssrc

import (
	"context"

	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Per account and region quotas of the read calls the live feeds repeat. Each
// Source keeps one token bucket per operation, shared by all its callers (the
// tails' concurrent groups, drill-downs).
const (
	filterLogEventsPerSecond = 5 // FilterLogEvents: 5 TPS, not adjustable
	lookupEventsPerSecond    = 2 // CloudTrail LookupEvents: 2 TPS
)

// rateLimit makes every attempt of operation op, retries included, wait for
// a token of l. Added in the finalize step, after the retry middleware.
func rateLimit(op string, l *rate.Limiter) func(*middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc("watchtrailRateLimit"+op,
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error,
		) {
			if middleware.GetOperationName(ctx) == op {
				if err := l.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
			}
			return next.HandleFinalize(ctx, in)
		})
	return func(stack *middleware.Stack) error { return stack.Finalize.Add(mw, middleware.After) }
}
