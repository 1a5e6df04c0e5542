package provider

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// unreachable is what an adapter returns when nothing answers at the
// endpoint: nothing was sent.
var unreachable = &APIError{Provider: "test", Action: "GetCluster", Kind: KindUnavailable, Code: "ConnectionFailed", Message: "could not connect to the endpoint"}

// TestWaitStopsAtAnUnreachableEndpoint: a wait against an endpoint nobody
// answers at ends after MaxUnreachable tries in a row, telling each retry,
// instead of polling until its timeout.
func TestWaitStopsAtAnUnreachableEndpoint(t *testing.T) {
	tests := []struct {
		name      string
		max       int
		wantTries int
	}{
		{name: "default", wantTries: 5},
		{name: "set", max: 3, wantTries: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				var told []int
				spec := WaitSpec{What: "cluster c-1", Target: []string{"RUNNING"}, Timeout: time.Hour, Interval: time.Second, MaxUnreachable: tt.max,
					Retrying: func(_ error, n int) { told = append(told, n) }}
				start := time.Now()
				_, err := Wait(context.Background(), spec, func(context.Context) (Observation, error) {
					calls++
					return Observation{}, unreachable
				})
				var ue *UnreachableError
				if !errors.As(err, &ue) || ue.Tries != tt.wantTries || !errors.Is(err, ErrUnavailable) {
					t.Fatalf("got %v, want an UnreachableError after %d tries wrapping the cause", err, tt.wantTries)
				}
				if calls != tt.wantTries {
					t.Errorf("calls: got %d, want %d", calls, tt.wantTries)
				}
				if len(told) != tt.wantTries-1 || told[len(told)-1] != tt.wantTries-1 {
					t.Errorf("retries told: got %v, want 1..%d (the last failure is the error)", told, tt.wantTries-1)
				}
				if took := time.Since(start); took != time.Duration(tt.wantTries-1)*time.Second {
					t.Errorf("took %s, want %d intervals", took, tt.wantTries-1)
				}
			})
		})
	}
}

// TestWaitPollsThroughOtherTransientFailures: throttling, and a failure
// after the request was sent, are polled through until the timeout; a
// success in between starts the count of unreachable tries again.
func TestWaitPollsThroughOtherTransientFailures(t *testing.T) {
	sent := &APIError{Provider: "test", Action: "GetCluster", Kind: KindUnavailable, Code: "ServiceUnavailable", Sent: true}
	throttled := &APIError{Provider: "test", Action: "GetCluster", Kind: KindThrottled, Code: "Throttling"}
	tests := []struct {
		name string
		next func(call int) (Observation, error)
	}{
		{name: "throttled", next: func(int) (Observation, error) { return Observation{}, throttled }},
		{name: "unavailable after sending", next: func(int) (Observation, error) { return Observation{}, sent }},
		{name: "unreachable between answers", next: func(call int) (Observation, error) {
			if call%4 == 0 {
				return Observation{State: "STARTING"}, nil
			}
			return Observation{}, unreachable
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				spec := WaitSpec{What: "cluster c-1", Pending: []string{"STARTING"}, Target: []string{"RUNNING"}, Timeout: time.Minute, Interval: time.Second}
				_, err := Wait(context.Background(), spec, func(context.Context) (Observation, error) {
					calls++
					return tt.next(calls)
				})
				var we *WaitError
				if !errors.As(err, &we) || !we.TimedOut {
					t.Fatalf("got %v after %d calls, want a timeout", err, calls)
				}
			})
		})
	}
}

// TestWaitForTerminatedThroughLiveStates: a wait whose pending states
// include the live ones keeps waiting while the cluster runs.
func TestWaitForTerminatedThroughLiveStates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		states := []string{"RUNNING", "RUNNING", "TERMINATING", "TERMINATED"}
		calls := 0
		spec := WaitSpec{What: "cluster c-1", Pending: []string{"RUNNING", "TERMINATING"}, Target: []string{"TERMINATED"}, Failed: []string{"TERMINATE_FAILED"}, Interval: time.Second}
		obs, err := Wait(context.Background(), spec, func(context.Context) (Observation, error) {
			s := states[min(calls, len(states)-1)]
			calls++
			return Observation{State: s}, nil
		})
		if err != nil || obs.State != "TERMINATED" {
			t.Fatalf("got %v, %v; want TERMINATED", obs, err)
		}
	})
}
