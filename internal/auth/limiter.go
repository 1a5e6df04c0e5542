package auth

import (
	"math"
	"sync"
	"time"
)

// defaultMaxKeys bounds a Limiter's memory: keys are token IDs, so this is
// far more tokens than are ever in use at once.
const defaultMaxKeys = 10000

// Limiter is a token bucket per key (a token ID): each key may make burst
// requests at once and rate per second on average. It is safe for
// concurrent use. Memory is bounded: a bucket that has refilled is the same
// as none and is dropped, and beyond the key limit the least recently used
// bucket goes.
type Limiter struct {
	rate    float64
	burst   float64
	now     func() time.Time
	maxKeys int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	seen   time.Time
}

// WithMaxKeys bounds how many keys a Limiter remembers (default 10000).
func WithMaxKeys(n int) Option { return func(o *options) { o.maxKeys = n } }

// NewLimiter returns a limiter allowing rate requests per second per key on
// average and burst at once. A rate of zero or less allows everything; a
// burst below one is one. Options: WithClock, WithMaxKeys.
func NewLimiter(rate float64, burst int, opts ...Option) *Limiter {
	o := buildOptions(opts)
	return &Limiter{
		rate: rate, burst: float64(max(burst, 1)), now: o.now, maxKeys: max(o.maxKeys, 1),
		buckets: make(map[string]*bucket),
	}
}

// Allow takes one request from key's bucket. When the bucket is empty it
// reports false and how long until a request would be allowed (for a
// Retry-After header).
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l.rate <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.evictOldest()
		}
		b = &bucket{tokens: l.burst, seen: now}
		l.buckets[key] = b
	}
	b.tokens = l.refill(b, now)
	b.seen = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
	return false, wait
}

// refill returns b's tokens at now. A clock that went back adds nothing.
func (l *Limiter) refill(b *bucket, now time.Time) float64 {
	elapsed := now.Sub(b.seen).Seconds()
	if elapsed <= 0 {
		return b.tokens
	}
	return math.Min(l.burst, b.tokens+elapsed*l.rate)
}

// fullAfter is how long an idle bucket takes to refill from empty.
func (l *Limiter) fullAfter() time.Duration {
	return time.Duration(l.burst / l.rate * float64(time.Second))
}

// sweep drops the buckets that have refilled, at most once per refill
// period, so the scan costs little per request.
func (l *Limiter) sweep(now time.Time) {
	full := l.fullAfter()
	if now.Sub(l.lastSweep) < full {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if l.refill(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// evictOldest drops the least recently used bucket.
func (l *Limiter) evictOldest() {
	var oldest string
	var at time.Time
	first := true
	for k, b := range l.buckets {
		if first || b.seen.Before(at) {
			oldest, at, first = k, b.seen, false
		}
	}
	delete(l.buckets, oldest)
}

// Len returns how many keys l remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
