package awssrc

import (
	"context"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// lookupInterval spaces CloudTrail LookupEvents calls: AWS allows two per
// second per account and region.
const lookupInterval = 500 * time.Millisecond

// limiter lets one call through per interval.
type limiter struct {
	every time.Duration
	mu    sync.Mutex
	next  time.Time // earliest time the next call may start
}

// wait reserves the next free slot and sleeps until it, or until ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.every)
	l.mu.Unlock()

	timer := time.NewTimer(time.Until(slot))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// middleware makes every attempt of an operation, retries included, wait.
func (l *limiter) middleware() middleware.FinalizeMiddleware {
	return middleware.FinalizeMiddlewareFunc("watchtrailRateLimit",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error,
		) {
			if err := l.wait(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleFinalize(ctx, in)
		})
}
