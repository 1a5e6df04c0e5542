package emulator

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// FaultRule is one injected fault, for one action or for all ("*").
type FaultRule struct {
	// Action the rule applies to; "*" or empty means every action.
	Action string `json:"action"`
	// Latency delays the response (a long latency emulates a hung server).
	Latency Duration `json:"latency,omitempty"`
	// ErrorRate in [0,1] fails that share of requests before anything is
	// applied, with ErrorCode (default ServiceUnavailable) and ErrorStatus.
	ErrorRate   float64 `json:"errorRate,omitempty"`
	ErrorCode   string  `json:"errorCode,omitempty"`
	ErrorStatus int     `json:"errorStatus,omitempty"`
	// DropResponses applies the next N requests and then drops their
	// responses, as a lost connection would.
	DropResponses int `json:"dropResponses,omitempty"`
	// ThrottleNext answers the next N requests with Throttling.User.
	ThrottleNext int `json:"throttleNext,omitempty"`
	// HoldAfterApply applies a request and then holds its response this
	// long: a server that did the work but whose answer is late, or a
	// client killed while it waits.
	HoldAfterApply Duration `json:"holdAfterApply,omitempty"`
}

// Duration is a time.Duration that reads and writes as "1.5s" in JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

type faults struct {
	mu    sync.Mutex
	rules []*FaultRule
}

func newFaults() *faults { return &faults{} }

// faultEffect is what the faults decided for one request before it runs.
type faultEffect struct {
	latency  time.Duration
	err      *apiError
	throttle bool
}

func (f *faults) take(action string) faultEffect {
	f.mu.Lock()
	defer f.mu.Unlock()
	var e faultEffect
	for _, r := range f.rules {
		if r.Action != "" && r.Action != "*" && r.Action != action {
			continue
		}
		if time.Duration(r.Latency) > e.latency {
			e.latency = time.Duration(r.Latency)
		}
		if r.ThrottleNext > 0 {
			r.ThrottleNext--
			e.throttle = true
			continue
		}
		if r.ErrorRate > 0 && rand.Float64() < r.ErrorRate {
			code, status := r.ErrorCode, r.ErrorStatus
			if code == "" {
				code = "ServiceUnavailable"
			}
			if status == 0 {
				status = http.StatusServiceUnavailable
			}
			e.err = newError(status, code, "injected fault: %s", code)
		}
	}
	return e
}

// takeDrop reports whether the response of a request that was applied
// must be lost. It is asked only after success, so a request refused for
// another reason does not use up a drop.
func (f *faults) takeDrop(action string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if (r.Action == "" || r.Action == "*" || r.Action == action) && r.DropResponses > 0 {
			r.DropResponses--
			return true
		}
	}
	return false
}

// holdAfterApply is the longest hold of the rules for action.
func (f *faults) holdAfterApply(action string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Duration
	for _, r := range f.rules {
		if r.Action == "" || r.Action == "*" || r.Action == action {
			d = max(d, time.Duration(r.HoldAfterApply))
		}
	}
	return d
}

// AddFault installs a fault rule.
func (s *Server) AddFault(r FaultRule) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	rr := r
	s.faults.rules = append(s.faults.rules, &rr)
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules = nil
}

// Faults returns the installed rules with their remaining counts.
func (s *Server) Faults() []FaultRule {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]FaultRule, len(s.faults.rules))
	for i, r := range s.faults.rules {
		out[i] = *r
	}
	return out
}
