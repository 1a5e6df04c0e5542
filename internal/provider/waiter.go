package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// WaitSpec declares what a wait is for: the states to keep waiting in, the
// states that end it well, and the states that end it badly.
type WaitSpec struct {
	What     string // e.g. "cluster c-123"
	Pending  []string
	Target   []string
	Failed   []string
	Timeout  time.Duration // default 30 min
	Interval time.Duration // default 30 s
	// Gone makes a not-found answer count as reaching the target (deletes).
	Gone bool
	// Progress is told every observed state (for stderr progress).
	Progress func(state string, elapsed time.Duration)
	// Retrying is told every transient failure a wait polls through
	// (nil: silent), with how many came in a row. The failure that ends
	// the wait is not told: it is the wait's error.
	Retrying func(err error, inARow int)
	// MaxUnreachable ends a wait after this many failures in a row to
	// connect at all (nothing was sent); zero means 5.
	MaxUnreachable int
}

// Unreachable reports an error where the endpoint could not be reached:
// nothing was sent.
func Unreachable(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Kind == KindUnavailable && !ae.Sent
}

// UnreachableError ends a wait whose endpoint could not be reached.
type UnreachableError struct {
	What  string
	Tries int
	Err   error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("stopped waiting for %s: the endpoint could not be reached %d times in a row (%v); check the endpoint and the network, then wait again", e.What, e.Tries, e.Err)
}

// Unwrap returns the last failure.
func (e *UnreachableError) Unwrap() error { return e.Err }

// Observation is one poll of a resource.
type Observation struct {
	State  string
	Reason *StateReason
}

// WaitError ends a wait that did not reach its target.
type WaitError struct {
	What     string
	State    string
	Reason   *StateReason
	Target   []string
	TimedOut bool
	Elapsed  time.Duration
}

func (e *WaitError) Error() string {
	if e.TimedOut {
		return fmt.Sprintf("%s did not reach %s within %s (last state %s)", e.What, strings.Join(e.Target, "/"), e.Elapsed.Round(time.Second), orDash(e.State))
	}
	msg := fmt.Sprintf("%s is %s", e.What, e.State)
	if e.Reason != nil && (e.Reason.Code != "" || e.Reason.Message != "") {
		msg += fmt.Sprintf(": %s: %s", e.Reason.Code, e.Reason.Message)
	}
	return msg
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Wait polls get until the state is a target (returned), a failure (a
// *WaitError with the cloud's reason), unexpected, or the timeout passes.
// Transient errors (throttling, unavailability) are polled through.
func Wait(ctx context.Context, spec WaitSpec, get func(context.Context) (Observation, error)) (Observation, error) {
	if spec.Timeout <= 0 {
		spec.Timeout = 30 * time.Minute
	}
	if spec.Interval <= 0 {
		spec.Interval = 30 * time.Second
	}
	if spec.MaxUnreachable <= 0 {
		spec.MaxUnreachable = 5
	}
	start := time.Now()
	inARow, unreachable := 0, 0
	ctx, cancel := context.WithTimeout(ctx, spec.Timeout)
	defer cancel()
	var last Observation
	for {
		obs, err := get(ctx)
		if err == nil {
			inARow, unreachable = 0, 0
		}
		switch {
		case err == nil:
			last = obs
			if spec.Progress != nil {
				spec.Progress(obs.State, time.Since(start))
			}
			if in(spec.Target, obs.State) {
				return obs, nil
			}
			if in(spec.Failed, obs.State) || (len(spec.Pending) > 0 && !in(spec.Pending, obs.State)) {
				return obs, &WaitError{What: spec.What, State: obs.State, Reason: obs.Reason, Target: spec.Target, Elapsed: time.Since(start)}
			}
		case spec.Gone && errors.Is(err, ErrNotFound):
			return Observation{State: "GONE"}, nil
		case errors.Is(err, ErrThrottled), errors.Is(err, ErrUnavailable), errors.Is(err, ErrTimeout) && ctx.Err() == nil:
			// transient: keep polling, but not forever against an
			// endpoint nobody answers at
			inARow++
			if Unreachable(err) {
				unreachable++
			} else {
				unreachable = 0
			}
			if unreachable >= spec.MaxUnreachable {
				return last, &UnreachableError{What: spec.What, Tries: unreachable, Err: err}
			}
			if spec.Retrying != nil {
				spec.Retrying(err, inARow)
			}
		default:
			if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(context.Cause(ctx), context.Canceled) {
				return last, &WaitError{What: spec.What, State: last.State, Target: spec.Target, TimedOut: true, Elapsed: time.Since(start)}
			}
			return last, err
		}
		t := time.NewTimer(spec.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return last, &WaitError{What: spec.What, State: last.State, Target: spec.Target, TimedOut: true, Elapsed: time.Since(start)}
			}
			return last, ctx.Err()
		case <-t.C:
		}
	}
}

func in(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
