package auth_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/auth/authtest"
)

func TestLimiter(t *testing.T) {
	type step struct {
		advance   time.Duration
		key       string
		wantOK    bool
		wantRetry time.Duration
	}
	tests := []struct {
		name  string
		rate  float64
		burst int
		steps []step
	}{
		{
			name: "burst then denied with the time to the next request", rate: 2, burst: 3,
			steps: []step{
				{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
				{0, "a", false, 500 * time.Millisecond},
				{250 * time.Millisecond, "a", false, 250 * time.Millisecond},
				{250 * time.Millisecond, "a", true, 0},
				{0, "a", false, 500 * time.Millisecond},
			},
		},
		{
			name: "keys have their own buckets", rate: 1, burst: 1,
			steps: []step{
				{0, "a", true, 0}, {0, "a", false, time.Second},
				{0, "b", true, 0}, {0, "b", false, time.Second},
			},
		},
		{
			name: "refill stops at burst", rate: 1, burst: 2,
			steps: []step{
				{time.Hour, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, time.Second},
			},
		},
		{
			name: "a clock going back refills nothing", rate: 1, burst: 1,
			steps: []step{
				{0, "a", true, 0}, {-time.Minute, "a", false, time.Second},
			},
		},
		{
			name: "rate zero allows everything", rate: 0, burst: 1,
			steps: []step{{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}},
		},
		{
			name: "burst below one is one", rate: 1, burst: 0,
			steps: []step{{0, "a", true, 0}, {0, "a", false, time.Second}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := authtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			l := auth.NewLimiter(tt.rate, tt.burst, auth.WithClock(c.Now))
			for i, st := range tt.steps {
				c.Advance(st.advance)
				ok, retry := l.Allow(st.key)
				if ok != st.wantOK || retry != st.wantRetry {
					t.Errorf("step %d: Allow(%q) = %v, %v; want %v, %v", i, st.key, ok, retry, st.wantOK, st.wantRetry)
				}
			}
		})
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	c := authtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	l := auth.NewLimiter(10, 5, auth.WithClock(c.Now), auth.WithMaxKeys(100))
	for i := range 1000 {
		l.Allow(fmt.Sprintf("k%d", i))
	}
	if n := l.Len(); n > 100 {
		t.Errorf("after 1000 keys, Len = %d, want at most 100", n)
	}
	// The most recent key kept its bucket; an idle one was evicted.
	for range 4 {
		l.Allow("k999")
	}
	if ok, _ := l.Allow("k999"); ok {
		t.Error("k999's sixth request allowed: its bucket was evicted while in use")
	}
	// Idle keys whose buckets refilled are dropped.
	c.Advance(time.Second)
	l.Allow("fresh")
	if n := l.Len(); n != 1 {
		t.Errorf("after every bucket refilled, Len = %d, want 1", n)
	}
}

// TestLimiterConcurrent takes from one bucket in parallel (run with
// -race): exactly burst requests get through while the clock stands still.
func TestLimiterConcurrent(t *testing.T) {
	c := authtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	l := auth.NewLimiter(1, 50, auth.WithClock(c.Now))
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if ok, _ := l.Allow("shared"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Allow(fmt.Sprintf("other-%d", (g+i)%7)) // other keys meanwhile
			}
		}()
	}
	wg.Wait()
	if allowed != 50 {
		t.Errorf("allowed %d of 200 parallel requests, want the burst, 50", allowed)
	}
}
