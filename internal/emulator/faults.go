package emulator

import (
	"math/rand/v2"
	"net/http"
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

// Fault rules live in the state (controlRec), not in the Server, so the
// separate processes of an embedded sandbox share them: a fault installed
// by 'emrctl sandbox fault' applies to the next emrctl command, and a
// counted fault (ThrottleNext, DropResponses) is used up once in total.

func (r *FaultRule) matches(action string) bool {
	return r.Action == "" || r.Action == "*" || r.Action == action
}

// faultEffect is what the faults decided for one request before it runs.
type faultEffect struct {
	latency  time.Duration
	err      *apiError
	throttle bool
}

// countsThrottle reports whether a rule for action has ThrottleNext left,
// so taking the faults changes the state.
func countsThrottle(rules []FaultRule, action string) bool {
	for i := range rules {
		if rules[i].matches(action) && rules[i].ThrottleNext > 0 {
			return true
		}
	}
	return false
}

// takeFaults decides the effect of the rules on a request before anything
// is applied, using up one ThrottleNext count of each matching rule.
func takeFaults(rules []FaultRule, action string) faultEffect {
	var e faultEffect
	for i := range rules {
		r := &rules[i]
		if !r.matches(action) {
			continue
		}
		e.latency = max(e.latency, time.Duration(r.Latency))
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

// countsDrop reports whether a rule for action has DropResponses left.
func countsDrop(rules []FaultRule, action string) bool {
	for i := range rules {
		if rules[i].matches(action) && rules[i].DropResponses > 0 {
			return true
		}
	}
	return false
}

// takeDrop reports whether the response of a request that was applied
// must be lost, using up one count. It is asked only after success, so a
// request refused for another reason does not use up a drop.
func takeDrop(rules []FaultRule, action string) bool {
	for i := range rules {
		if r := &rules[i]; r.matches(action) && r.DropResponses > 0 {
			r.DropResponses--
			return true
		}
	}
	return false
}

// holdAfterApply is the longest hold of the rules for action.
func holdAfterApply(rules []FaultRule, action string) time.Duration {
	var d time.Duration
	for i := range rules {
		if rules[i].matches(action) {
			d = max(d, time.Duration(rules[i].HoldAfterApply))
		}
	}
	return d
}

// AddFault installs a fault rule. It is kept with the state, so every
// Server on the same store applies it.
func (s *Server) AddFault(r FaultRule) error {
	_, err := s.updateControls(func(c *controlRec) error {
		c.Faults = append(c.Faults, r)
		return nil
	})
	return err
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() error {
	_, err := s.updateControls(func(c *controlRec) error {
		c.Faults = nil
		return nil
	})
	return err
}

// Faults returns the installed rules with their remaining counts.
func (s *Server) Faults() ([]FaultRule, error) {
	c, err := s.loadControls()
	if err != nil {
		return nil, err
	}
	if c.Faults == nil {
		return []FaultRule{}, nil
	}
	return c.Faults, nil
}

// faultsBefore reads the controls (bringing the clock up to date) and
// decides the faults' effect on a request of action. Only when a counted
// rule applies does it write, in one transaction, so two processes never
// use up the same count.
func (s *Server) faultsBefore(action string) (faultEffect, []FaultRule, error) {
	c, err := s.loadControls()
	if err != nil || len(c.Faults) == 0 {
		return faultEffect{}, nil, err
	}
	if !countsThrottle(c.Faults, action) {
		return takeFaults(c.Faults, action), c.Faults, nil
	}
	var e faultEffect
	c, err = s.updateControls(func(c *controlRec) error {
		e = takeFaults(c.Faults, action)
		return nil
	})
	return e, c.Faults, err
}

// dropAfter uses up a DropResponses count for an applied request, if a
// rule read before the request has one.
func (s *Server) dropAfter(action string, rules []FaultRule) (bool, error) {
	if !countsDrop(rules, action) {
		return false, nil
	}
	var drop bool
	_, err := s.updateControls(func(c *controlRec) error {
		drop = takeDrop(c.Faults, action)
		return nil
	})
	return drop, err
}
