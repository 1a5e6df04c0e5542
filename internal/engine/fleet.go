package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/emrctl/emrctl/internal/provider"
)

// DefaultConcurrency is how many reads a fleet scan has in flight at most.
const DefaultConcurrency = 8

// MaxConcurrency bounds the concurrency a caller may ask for.
const MaxConcurrency = 64

// maxFleetThrottles is how many Throttling answers one read of a scan
// absorbs: each halves its bucket's rate, so by then the bucket is far
// below what any cloud allows.
const maxFleetThrottles = 10

// ScanProgress is how far a fleet scan got.
type ScanProgress struct {
	Regions  int // regions to scan
	Listed   int // regions listed to the end
	Clusters int // clusters found so far
	Done     int // clusters checked
}

// scan runs the reads of one fleet scan: at most a fixed number in flight,
// each paced by its API's token bucket.
type scan struct {
	e        *Engine
	slots    chan struct{}
	mu       sync.Mutex
	progress ScanProgress
	report   func(ScanProgress)
}

// CheckConcurrency refuses a concurrency outside 1..MaxConcurrency; 0
// means DefaultConcurrency.
func CheckConcurrency(field string, n int) error {
	if n < 0 || n > MaxConcurrency {
		return inputError(field, fmt.Sprintf("%d is out of range", n), fmt.Sprintf("use 1 to %d (default %d)", MaxConcurrency, DefaultConcurrency))
	}
	return nil
}

func (e *Engine) newScan(concurrency int, report func(ScanProgress)) *scan {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	return &scan{e: e, slots: make(chan struct{}, min(concurrency, MaxConcurrency)), report: report}
}

// scanRead is one read of a scan: a token of api's bucket, a slot, then
// the read with its deadline and its retries of a lost connection. A
// Throttling answer slows the bucket and the read queues for a token
// again, instead of pausing for seconds or failing.
func scanRead[T any](ctx context.Context, s *scan, api string, fn func(context.Context) (T, error)) (T, error) {
	l := s.e.limiter(api)
	for n := 0; ; n++ {
		if err := l.wait(ctx); err != nil {
			var zero T
			return zero, err
		}
		v, err := slotted(ctx, s, fn)
		if err == nil {
			l.succeeded()
			return v, nil
		}
		if !errors.Is(err, provider.ErrThrottled) || ctx.Err() != nil {
			return v, err
		}
		l.throttled()
		if n == maxFleetThrottles {
			return v, &ThrottledError{Err: err, Retries: n}
		}
	}
}

// slotted runs fn holding one of the scan's slots.
func slotted[T any](ctx context.Context, s *scan, fn func(context.Context) (T, error)) (T, error) {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	defer func() { <-s.slots }()
	ctx, cancel := context.WithTimeout(ctx, s.e.opts.Timeouts.Read)
	defer cancel()
	return retryUnavailable(ctx, fn)
}

// update changes the progress and reports it.
func (s *scan) update(fn func(*ScanProgress)) {
	if s.report == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.progress)
	s.report(s.progress)
}
