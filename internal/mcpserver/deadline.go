package mcpserver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultCallTimeout bounds the work of one tool call.
const DefaultCallTimeout = 5 * time.Minute

// deadlineError is the cause of a call stopped at its deadline.
type deadlineError struct{ limit time.Duration }

func (e *deadlineError) Error() string {
	return fmt.Sprintf("the call ran past its deadline of %s (emrctl mcp --call-timeout)", e.limit)
}

// budget is a tool call's deadline counted in working time: the clock
// stops while a person answers a confirmation (that wait has its own
// limit), so a slow answer does not use up the call's work.
type budget struct {
	limit  time.Duration
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	left    time.Duration
	started time.Time
	timer   *time.Timer
}

// newBudget returns ctx bounded by limit of working time.
func newBudget(ctx context.Context, limit time.Duration) (context.Context, *budget) {
	ctx, cancel := context.WithCancelCause(ctx)
	b := &budget{limit: limit, cancel: cancel, left: limit}
	b.resume()
	return ctx, b
}

// pause stops the clock.
func (b *budget) pause() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer != nil && b.timer.Stop() {
		b.left -= time.Since(b.started)
	}
	b.timer = nil
}

// resume starts the clock again with what is left.
func (b *budget) resume() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer != nil {
		return
	}
	b.started = time.Now()
	b.timer = time.AfterFunc(max(b.left, 0), func() { b.cancel(&deadlineError{limit: b.limit}) })
}

// stop releases the budget when the call ends.
func (b *budget) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer != nil {
		b.timer.Stop()
	}
	b.cancel(nil)
}

// stoppedError is a call's error when its deadline stopped it: the
// deadline first, then what the engine says was done.
type stoppedError struct {
	cause *deadlineError
	err   error
}

func (e *stoppedError) Error() string {
	msg := e.err.Error()
	if strings.Contains(msg, e.cause.Error()) {
		return "Stopped at the call's deadline. " + msg
	}
	return "Stopped: " + e.cause.Error() + ". " + msg
}

func (e *stoppedError) Unwrap() error { return e.err }
