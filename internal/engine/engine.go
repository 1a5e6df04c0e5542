// Package engine is the one service layer behind every surface (CLI, MCP,
// REST). Every write goes through the same path: validate, guard (policy
// and confirmation), journal, provider, and the outcome back to the
// journal. Reads aggregate and stream provider data. The engine holds the
// domain rules; surfaces only parse input and render output.
package engine

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
)

// Timeouts bound each kind of work.
type Timeouts struct {
	Read  time.Duration // one read operation (default 30 s)
	Write time.Duration // one write operation (default 60 s)
	Wait  time.Duration // a wait for a state (default 30 min)
	Poll  time.Duration // between polls of a wait (default 30 s)
	// Lock is how long a write waits for another write on the same
	// target to finish (default 15 min).
	Lock time.Duration
	// Answer is how long an identical call waits for a person to answer
	// the confirmation another call asked (MCP's multi round-trip) before
	// it asks on its own (default 1 min): a client whose dialog failed
	// never answers, and must not hold up its own retry for long.
	Answer time.Duration
}

func (t *Timeouts) fill() {
	if t.Answer <= 0 {
		t.Answer = time.Minute
	}
	if t.Read <= 0 {
		t.Read = 30 * time.Second
	}
	if t.Write <= 0 {
		t.Write = 60 * time.Second
	}
	if t.Wait <= 0 {
		t.Wait = 30 * time.Minute
	}
	if t.Poll <= 0 {
		t.Poll = 30 * time.Second
	}
	if t.Lock <= 0 {
		t.Lock = 15 * time.Minute
	}
}

// Options configure an Engine.
type Options struct {
	Profile string // profile name, recorded in the journal
	Region  string
	// Provider is the cloud's adapter; the engine asks it for capabilities
	// and never asks which cloud it is.
	Provider provider.Provider
	// Scope names the endpoint (and, for the sandbox, its generation):
	// writes are the same intent, and share a lock, only within a scope.
	Scope string
	// Sandbox marks the embedded emulator: waits and batch intervals are
	// divided by TimeScale, as its clock runs that much faster.
	Sandbox   bool
	TimeScale float64
	// ForRegion opens the provider of another region with the same
	// credentials and endpoint (inspect across regions). Nil: only Region
	// can be read.
	ForRegion func(region string) (provider.Provider, error)
	Journal   *journal.Journal
	Policy    *policy.Policy
	Secrets   *redact.Registry
	Timeouts  Timeouts
	// OwnBuckets are the buckets job code may come from.
	OwnBuckets []string
	// Backoff is the pause before the n-th retry of a throttled call
	// (default: 5-10 s, jittered, for writes; reads pause for about one
	// interval of the read's token bucket, doubling: see readBackoff).
	// Set, it is used for reads as well.
	Backoff func(n int) time.Duration
	Now     func() time.Time
	Log     *slog.Logger
	// Warn tells the person something went wrong that did not stop the
	// command (a journal record that failed); nil logs it.
	Warn func(string)
	// Lease is how long a write's lock and attempt hold without a renewal
	// (default journal.DefaultLease).
	Lease time.Duration
	// ThisMachine names the ECS instance emrctl runs on (gateway machine
	// checks); nil when the profile has no instance metadata service.
	ThisMachine ThisMachine
}

// Engine is the service layer.
type Engine struct {
	opts Options
	// readBackoffSet: the caller chose Backoff, reads use it too.
	readBackoffSet bool
	// limits are the client-side token buckets of fleet reads.
	limits limiters
}

// New returns an Engine.
func New(opts Options) (*Engine, error) {
	if opts.Journal == nil {
		return nil, errors.New("engine: a journal is required: every write is recorded")
	}
	if opts.Policy == nil {
		opts.Policy = policy.Default()
	}
	if opts.Secrets == nil {
		opts.Secrets = redact.NewRegistry()
	}
	opts.Timeouts.fill()
	if opts.TimeScale <= 0 {
		opts.TimeScale = 1
	}
	backoffSet := opts.Backoff != nil
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 5*time.Second + rand.N(5*time.Second) }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Provider == nil {
		return nil, errors.New("engine: no provider configured")
	}
	if opts.Lease <= 0 {
		opts.Lease = journal.DefaultLease
	}
	if opts.Scope == "" {
		opts.Scope = opts.Provider.Traits().Name + ":" + opts.Region
	}
	return &Engine{opts: opts, readBackoffSet: backoffSet}, nil
}

// Profile returns the profile name.
func (e *Engine) Profile() string { return e.opts.Profile }

// Provider returns the provider's name.
func (e *Engine) Provider() string { return e.opts.Provider.Traits().Name }

// Traits returns the provider's traits.
func (e *Engine) Traits() provider.Traits { return e.opts.Provider.Traits() }

// Region returns the region.
func (e *Engine) Region() string { return e.opts.Region }

// Sandbox reports whether the engine talks to the embedded emulator.
func (e *Engine) Sandbox() bool { return e.opts.Sandbox }

// Journal returns the write journal (for audit listings).
func (e *Engine) Journal() *journal.Journal { return e.opts.Journal }

// Policy returns the policy in effect.
func (e *Engine) Policy() *policy.Policy { return e.opts.Policy }

// scaled shortens a real-cloud duration for the sandbox clock.
func (e *Engine) scaled(d time.Duration) time.Duration {
	if !e.opts.Sandbox {
		return d
	}
	return time.Duration(float64(d) / e.opts.TimeScale)
}

// pollInterval is how often waits poll.
func (e *Engine) pollInterval() time.Duration {
	return max(e.scaled(e.opts.Timeouts.Poll), 100*time.Millisecond)
}

// read runs a read with the read deadline, throttling retries and
// retries of a transient failure (a 5xx, a lost connection).
func read[T any](ctx context.Context, e *Engine, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeouts.Read)
	defer cancel()
	return retryThrottledWith(ctx, e.readBackoff, func(ctx context.Context) (T, error) { return retryUnavailable(ctx, fn) })
}

// readBackoff is the pause before the n-th retry of a throttled read: a
// bucket of the provider's slowest read refills one token in 1/rate, so
// wait that long, doubling with each retry, jittered, at most 10 s. A
// throttled read was not applied; there is no reason to wait 5-10 s when
// the bucket refills in 20 ms (the sandbox).
func (e *Engine) readBackoff(n int) time.Duration {
	if e.readBackoffSet {
		return e.opts.Backoff(n)
	}
	base := time.Duration(float64(time.Second) / e.slowestReadRate())
	if !e.opts.Sandbox {
		// A real cloud's limits are per second and shared with other
		// clients: never retry sooner.
		base = max(base, time.Second)
	}
	d := min(base<<(n-1), 10*time.Second)
	return d + rand.N(d/2+1)
}

// retryUnavailable repeats a read twice after a 5xx or a lost connection,
// 200 ms then 400 ms later. Only reads come here: repeating a write whose
// answer was lost could apply it twice.
func retryUnavailable[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	const retries = 2
	for n := 0; ; n++ {
		v, err := fn(ctx)
		if err == nil || n == retries || !errors.Is(err, provider.ErrUnavailable) || ctx.Err() != nil {
			return v, err
		}
		t := time.NewTimer(time.Duration(n+1) * 200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
	}
}

// retryThrottled retries only throttling errors: a throttled request was
// not applied, so repeating it is safe. Anything else is returned as is.
func retryThrottled[T any](ctx context.Context, e *Engine, fn func(context.Context) (T, error)) (T, error) {
	return retryThrottledWith(ctx, e.opts.Backoff, fn)
}

// retryThrottledWith is retryThrottled with the pause before each retry.
func retryThrottledWith[T any](ctx context.Context, backoff func(int) time.Duration, fn func(context.Context) (T, error)) (T, error) {
	const maxRetries = 3
	for n := 0; ; n++ {
		v, err := fn(ctx)
		if err == nil || !errors.Is(err, provider.ErrThrottled) {
			return v, err
		}
		if n == maxRetries {
			return v, &ThrottledError{Err: err, Retries: maxRetries}
		}
		t := time.NewTimer(backoff(n + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
	}
}

// capability returns the provider as the capability T, or an error
// saying the provider does not offer what.
func capability[T any](e *Engine, what string) (T, error) {
	c, ok := e.opts.Provider.(T)
	if !ok {
		return c, &UnsupportedError{Provider: e.Provider(), What: what}
	}
	return c, nil
}

// warn tells the person about a problem that did not stop the command.
func (e *Engine) warn(msg string) {
	msg = e.opts.Secrets.String(msg)
	if e.opts.Warn != nil {
		e.opts.Warn(msg)
		return
	}
	e.opts.Log.Warn(msg)
}
