package emulator

import (
	"sync"
	"time"
)

// ThrottleConfig sets the token bucket each (access key, action) pair gets.
type ThrottleConfig struct {
	Rate  float64 // tokens per second; negative disables throttling
	Burst int     // bucket size
}

var defaultThrottle = ThrottleConfig{Rate: 50, Burst: 100}

type bucket struct {
	tokens float64
	last   time.Time
}

type throttler struct {
	cfg     ThrottleConfig
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

func newThrottler(cfg ThrottleConfig) *throttler {
	if cfg.Rate == 0 && cfg.Burst == 0 {
		cfg = defaultThrottle
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	return &throttler{cfg: cfg, buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes a token for ak/action, reporting whether one was left.
func (t *throttler) allow(ak, action string) bool {
	if t.cfg.Rate < 0 {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	b := t.buckets[ak+"/"+action]
	if b == nil {
		b = &bucket{tokens: float64(t.cfg.Burst), last: now}
		t.buckets[ak+"/"+action] = b
	}
	b.tokens = min(float64(t.cfg.Burst), b.tokens+now.Sub(b.last).Seconds()*t.cfg.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
