package emulator

import (
	"sync"
	"time"
)

// Clock tells the emulator what time it is and how long simulated work
// takes. Timelines are fixed when work starts (a cluster's RUNNING time is
// decided by RunCluster), so changing the speed later does not bend them.
type Clock struct {
	mu     sync.Mutex
	speed  float64
	offset time.Duration
	now    func() time.Time
}

// Speeds for common uses. A speed of N makes simulated work N times faster
// than on the real cloud; Instant finishes all work at once.
const (
	SpeedRealistic   = 1
	SpeedInteractive = 60 // a 10-minute cluster creation takes 10 s
	SpeedInstant     = 0
)

// NewClock returns a clock at the given speed, reading wall time.
func NewClock(speed float64) *Clock {
	return &Clock{speed: speed, now: time.Now}
}

// Now returns the emulator's current time: wall time plus any offset the
// clock control added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now().Add(c.offset)
}

// Scale converts a duration on the real cloud to the emulator's duration.
func (c *Clock) Scale(d time.Duration) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.speed <= 0 {
		return 0
	}
	return time.Duration(float64(d) / c.speed)
}

// Advance moves the clock forward, so tests and users can fast-forward
// state machines without waiting. It moves this Clock only; use
// Server.AdvanceClock to move the clock of every process that shares the
// state (the embedded sandbox).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// setOffset puts the clock at an offset read from the state.
func (c *Clock) setOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
}

// SetSpeed changes how fast future work completes.
func (c *Clock) SetSpeed(speed float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.speed = speed
}

// Speed reports the current speed.
func (c *Clock) Speed() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
}

// Offset reports how far the clock was advanced.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

func millis(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}
