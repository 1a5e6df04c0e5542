package emulator

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Limit is one token bucket: Rate tokens per second up to Burst. A
// negative Rate means no limit.
type Limit struct {
	Rate  float64
	Burst int
}

// ThrottleConfig sets the token bucket each (access key, action) pair gets.
type ThrottleConfig struct {
	Rate  float64 // tokens per second; negative disables throttling
	Burst int     // bucket size
	// Actions overrides Rate and Burst for single actions (by name, e.g.
	// "ListClusters"); a negative Rate there disables throttling of that
	// action only.
	Actions map[string]Limit
}

var defaultThrottle = Limit{Rate: 50, Burst: 100}

// UnknownActionError reports a per-action limit for an action the emulator
// does not implement.
type UnknownActionError struct {
	Action string
}

func (e *UnknownActionError) Error() string {
	return fmt.Sprintf("throttle: no action %q (names are as in the API, e.g. ListClusters)", e.Action)
}

type bucket struct {
	tokens float64
	last   time.Time
}

type throttler struct {
	base    Limit
	actions map[string]Limit
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

func newThrottler(cfg ThrottleConfig) *throttler {
	base := Limit{Rate: cfg.Rate, Burst: cfg.Burst}
	if base.Rate == 0 && base.Burst == 0 {
		base = defaultThrottle
	}
	actions := make(map[string]Limit, len(cfg.Actions))
	for name, l := range cfg.Actions {
		actions[name] = withBurst(l)
	}
	return &throttler{base: withBurst(base), actions: actions, buckets: map[string]*bucket{}, now: time.Now}
}

// withBurst gives a bucket room for at least one request.
func withBurst(l Limit) Limit {
	if l.Burst <= 0 {
		l.Burst = 1
	}
	return l
}

// checkActions refuses limits for actions that are not in known, so a
// misspelt name does not silently leave the action at the default.
func (cfg ThrottleConfig) checkActions(known func(string) bool) error {
	names := make([]string, 0, len(cfg.Actions))
	for name := range cfg.Actions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !known(name) {
			return &UnknownActionError{Action: name}
		}
	}
	return nil
}

// limit returns the bucket settings of action.
func (t *throttler) limit(action string) Limit {
	if l, ok := t.actions[action]; ok {
		return l
	}
	return t.base
}

// allow takes a token for ak/action, reporting whether one was left.
func (t *throttler) allow(ak, action string) bool {
	l := t.limit(action)
	if l.Rate < 0 {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	key := ak + "/" + action
	b := t.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.Burst), last: now}
		t.buckets[key] = b
	}
	b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*l.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// hasAction reports whether the emulator implements an action of that name
// in any product.
func (s *Server) hasAction(name string) bool {
	for _, r := range s.routes {
		if r.action.Name == name {
			return true
		}
	}
	return false
}

// rateAction names the bucket of a route; "" (the default limit) without one.
func rateAction(rt *route) string {
	if rt == nil {
		return ""
	}
	return rt.action.Name
}
