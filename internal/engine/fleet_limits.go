package engine

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
)

// The reads fleet scans make, as the engine names them. Each has a token
// bucket of its own, as the clouds (and the emulator) throttle each API
// separately.
const (
	apiRegions               = "Regions"
	apiListClusters          = "ListClusters"
	apiGetCluster            = "GetCluster"
	apiListNodeGroups        = "ListNodeGroups"
	apiListNodes             = "ListNodes"
	apiListScalingActivities = "ListScalingActivities"
)

// apiLimit is the client-side token bucket of one read: Rate requests a
// second sustained, Burst at once. Source says where the numbers come from.
type apiLimit struct {
	Rate   float64
	Burst  int
	Source string
}

// sandboxLimit is the emulator's throttle: every action gets it.
var sandboxLimit = apiLimit{Rate: 50, Burst: 100,
	Source: "internal/emulator/throttle.go defaultThrottle: 50 requests/s per action and access key, burst 100"}

// readLimits is the table of client-side rate limits, by provider and read.
// One place, with the source of every number. A cloud that throttles
// anyway (other clients share the account's buckets) slows its bucket:
// see limiter.throttled.
var readLimits = map[string]map[string]apiLimit{
	// AWS Service Quotas, service elasticmapreduce, default values
	// (Service Quotas console; emr-service-limits-what-are.html explains
	// burst and replenishment rate). One engine read may make several EMR
	// calls: the adapter's ListNodes sends DescribeCluster,
	// ListInstanceGroups (or ListInstanceFleets) and ListInstances, so its
	// bucket is the tightest of those.
	provider.AWS: {
		apiListClusters:   {Rate: 0.5, Burst: 20, Source: "ListClusters: 20 requests/s burst, replenished 0.5/s"},
		apiGetCluster:     {Rate: 1, Burst: 10, Source: "DescribeCluster: 10 burst, replenished 1/s"},
		apiListNodeGroups: {Rate: 0.5, Burst: 5, Source: "DescribeCluster (10, 1/s) then ListInstanceGroups (10, 1/s) or ListInstanceFleets (5, 0.5/s)"},
		apiListNodes:      {Rate: 0.5, Burst: 5, Source: "DescribeCluster, ListInstanceGroups/Fleets (5, 0.5/s), ListInstances (10, 0.5/s)"},
		apiRegions:        {Rate: 5, Burst: 25, Source: "account-wide: 25 requests/s, bucket replenished 5/s for all EMR operations"},
	},
	// Alibaba Cloud publishes no per-API QPS for EMR 2021-03-20 in the
	// references we hold: assumed 20/s, burst 20 (below the sandbox's
	// 50/s); a Throttling answer slows the bucket to what the account
	// really gets.
	provider.Aliyun: {
		apiListClusters:          {Rate: 20, Burst: 20, Source: assumedAliyun},
		apiGetCluster:            {Rate: 20, Burst: 20, Source: assumedAliyun},
		apiListNodeGroups:        {Rate: 20, Burst: 20, Source: assumedAliyun},
		apiListNodes:             {Rate: 20, Burst: 20, Source: assumedAliyun},
		apiListScalingActivities: {Rate: 20, Burst: 20, Source: assumedAliyun},
		apiRegions:               {Rate: 20, Burst: 20, Source: assumedAliyun + " (VPC DescribeRegions)"},
	},
}

const assumedAliyun = "assumed: no published per-API QPS"

// defaultLimit is the bucket of a read the table does not name.
var defaultLimit = apiLimit{Rate: 5, Burst: 5, Source: "no entry: a cautious default"}

// limitFor returns the bucket settings of api for the engine's provider.
func (e *Engine) limitFor(api string) apiLimit {
	if e.opts.Sandbox {
		return sandboxLimit
	}
	if l, ok := readLimits[e.Provider()][api]; ok {
		return l
	}
	return defaultLimit
}

// limiters holds one bucket per read API, shared by every scan of an
// engine: concurrent scans (MCP, REST) stay under the cloud's limits
// together.
type limiters struct {
	mu      sync.Mutex
	buckets map[string]*limiter
}

// limiter returns the bucket of api, creating it on first use.
func (e *Engine) limiter(api string) *limiter {
	e.limits.mu.Lock()
	defer e.limits.mu.Unlock()
	if e.limits.buckets == nil {
		e.limits.buckets = map[string]*limiter{}
	}
	l := e.limits.buckets[api]
	if l == nil {
		l = newLimiter(e.limitFor(api), time.Now)
		e.limits.buckets[api] = l
	}
	return l
}

// limiter is a token bucket whose rate adapts (AIMD): a Throttling answer
// halves the rate and empties the bucket, each success adds back a
// twentieth of the configured rate, up to it.
type limiter struct {
	mu       sync.Mutex
	max      apiLimit // the configured ceiling
	rate     float64  // the current rate
	burst    float64  // the current bucket size
	tokens   float64
	last     time.Time
	lastCut  time.Time
	now      func() time.Time
	throttle int // Throttling answers seen
	gen      int // rate cuts so far
}

// minRate is the slowest a bucket gets: one request every ten seconds.
const minRate = 0.1

func newLimiter(l apiLimit, now func() time.Time) *limiter {
	if l.Rate <= 0 {
		l.Rate = defaultLimit.Rate
	}
	// A margin of the burst: the cloud's bucket starts counting when our
	// first request arrives, later than ours; without it the first
	// sustained requests can find the cloud's bucket a token short.
	l.Burst -= l.Burst / 20
	if l.Burst < 1 {
		l.Burst = 1
	}
	return &limiter{max: l, rate: l.Rate, burst: float64(l.Burst), tokens: float64(l.Burst), now: now, last: now()}
}

// refill adds the tokens earned since the last look; mu is held.
func (l *limiter) refill(now time.Time) {
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
}

// reserve takes a token and returns how long to wait before using it,
// and the bucket's generation. Tokens may go negative: callers queue
// behind each other in order.
func (l *limiter) reserve() (time.Duration, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.refill(now)
	l.tokens--
	if l.tokens >= 0 {
		return 0, l.gen
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second)), l.gen
}

// generation changes each time the rate is cut.
func (l *limiter) generation() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// wait blocks until a token is there, or ctx ends. A caller queued at a
// rate that was cut meanwhile queues again at the new rate.
func (l *limiter) wait(ctx context.Context) error {
	for {
		d, gen := l.reserve()
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if l.generation() == gen {
			return nil
		}
	}
}

// throttled slows the bucket after a Throttling answer: half the rate
// and burst, and an empty bucket, so the next request goes about 1/rate
// later; requests queued at the old rate queue again (their debt is
// forgiven, as they take new tokens). Answers to requests that were
// already in flight when the rate was cut do not cut it again.
func (l *limiter) throttled() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.throttle++
	l.refill(now)
	if now.Sub(l.lastCut) < time.Duration(float64(time.Second)/l.rate) {
		l.tokens = min(l.tokens, 0)
		return
	}
	l.rate = max(l.rate/2, minRate)
	l.burst = max(math.Floor(l.burst/2), 1)
	l.lastCut = now
	l.tokens = 0
	l.gen++
}

// succeeded raises a slowed bucket again, a step at a time.
func (l *limiter) succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate >= l.max.Rate && l.burst >= float64(l.max.Burst) {
		return
	}
	l.refill(l.now())
	l.rate = min(l.rate+l.max.Rate/20, l.max.Rate)
	l.burst = min(l.burst+1, float64(l.max.Burst))
}

// currentRate is the rate the bucket allows now.
func (l *limiter) currentRate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// slowestReadRate is the lowest rate of the provider's read buckets.
func (e *Engine) slowestReadRate() float64 {
	if e.opts.Sandbox {
		return sandboxLimit.Rate
	}
	r := defaultLimit.Rate
	if table, ok := readLimits[e.Provider()]; ok {
		r = math.Inf(1)
		for _, l := range table {
			r = min(r, l.Rate)
		}
	}
	return max(r, minRate)
}
