package engine

import (
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
)

// near reports whether d is within a microsecond of want.
func near(d, want time.Duration) bool { return d > want-time.Microsecond && d < want+time.Microsecond }

func TestLimiterPacesThenSlowsOnThrottling(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(apiLimit{Rate: 10, Burst: 4}, func() time.Time { return now })
	// The burst goes at once, then one request every 100 ms, in turn.
	for i := range 4 {
		if d, _ := l.reserve(); d != 0 {
			t.Fatalf("request %d of the burst: wait %s, want none", i+1, d)
		}
	}
	for i, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond} {
		if d, _ := l.reserve(); !near(d, want) {
			t.Errorf("request %d past the burst: wait %s, want %s", i+1, d, want)
		}
	}
	// A Throttling answer halves the rate and empties the bucket: the
	// next request waits 1/rate.
	now = now.Add(time.Second)
	l.throttled()
	if r := l.currentRate(); r != 5 {
		t.Fatalf("rate after Throttling: got %v, want 5", r)
	}
	if d, _ := l.reserve(); !near(d, 200*time.Millisecond) {
		t.Errorf("after Throttling: wait %s, want 200ms", d)
	}
	// Answers to requests already in flight do not cut it again.
	l.throttled()
	if r := l.currentRate(); r != 5 {
		t.Errorf("second answer at once: rate %v, want 5", r)
	}
	now = now.Add(time.Second)
	l.throttled()
	if r := l.currentRate(); r != 2.5 {
		t.Errorf("an answer a second later: rate %v, want 2.5", r)
	}
	// Successes raise it again, a twentieth of the ceiling each, up to it.
	l.succeeded()
	if r := l.currentRate(); r != 3 {
		t.Errorf("after a success: rate %v, want 3", r)
	}
	for range 40 {
		l.succeeded()
	}
	if r := l.currentRate(); r != 10 {
		t.Errorf("after many successes: rate %v, want the ceiling 10", r)
	}
}

func TestLimiterKeepsAMarginOfTheBurst(t *testing.T) {
	l := newLimiter(sandboxLimit, time.Now)
	if l.burst != 95 {
		t.Errorf("sandbox burst: got %v, want 95 (100 less 5%%)", l.burst)
	}
	if l := newLimiter(apiLimit{Rate: 1, Burst: 1}, time.Now); l.burst != 1 {
		t.Errorf("burst of one: got %v, want 1", l.burst)
	}
}

func TestEveryReadLimitNamesItsSource(t *testing.T) {
	for prov, table := range readLimits {
		for api, l := range table {
			if l.Rate <= 0 || l.Burst < 1 || l.Source == "" {
				t.Errorf("%s %s: %+v: want a rate, a burst and a source", prov, api, l)
			}
		}
	}
}

// namedProvider is a provider that only has a name.
type namedProvider struct {
	provider.Provider
	name string
}

func (p namedProvider) Traits() provider.Traits { return provider.Traits{Name: p.name} }

func TestReadBackoffFollowsTheBucket(t *testing.T) {
	tests := []struct {
		name     string
		e        *Engine
		n        int
		min, max time.Duration
	}{
		{name: "sandbox, first retry", e: &Engine{opts: Options{Sandbox: true}}, n: 1, min: 20 * time.Millisecond, max: 30 * time.Millisecond},
		{name: "sandbox, third retry", e: &Engine{opts: Options{Sandbox: true}}, n: 3, min: 80 * time.Millisecond, max: 120 * time.Millisecond},
		{name: "AWS: ListInstances refills in 2 s", e: &Engine{opts: Options{Provider: namedProvider{name: provider.AWS}}}, n: 1, min: 2 * time.Second, max: 3 * time.Second},
		{name: "Alibaba: a second at least", e: &Engine{opts: Options{Provider: namedProvider{name: provider.Aliyun}}}, n: 1, min: time.Second, max: 1500 * time.Millisecond},
		{name: "never above 10 s (and its jitter)", e: &Engine{opts: Options{Provider: namedProvider{name: provider.AWS}}}, n: 8, min: 10 * time.Second, max: 15 * time.Second},
		{name: "a Backoff of the caller's", e: &Engine{opts: Options{Backoff: func(int) time.Duration { return time.Millisecond }}, readBackoffSet: true}, n: 2, min: time.Millisecond, max: time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 {
				if d := tt.e.readBackoff(tt.n); d < tt.min || d > tt.max {
					t.Fatalf("retry %d: pause %s, want %s to %s", tt.n, d, tt.min, tt.max)
				}
			}
		})
	}
}
