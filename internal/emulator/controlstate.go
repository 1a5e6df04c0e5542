package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// The controls (clock, faults) and the generation are kept in the state,
// next to the resources. An embedded sandbox opens a new Server in every
// emrctl command; what one command sets must be there for the next.

// clockSetting is the part of controlRec a Server last applied to its
// Clock.
type clockSetting struct {
	rev      int64
	offset   time.Duration
	speed    float64
	hasSpeed bool
}

func clockSettingOf(c controlRec) clockSetting {
	cs := clockSetting{rev: c.ClockRev, offset: c.ClockOffset}
	if c.ClockSpeed != nil {
		cs.speed, cs.hasSpeed = *c.ClockSpeed, true
	}
	return cs
}

// loadControls reads the controls from the state and brings the clock up
// to date with them.
func (s *Server) loadControls() (controlRec, error) {
	var out controlRec
	err := s.store.View(func(w *World) error {
		if c, ok := w.Controls.Get(controlsKey); ok {
			out = c.clone()
		}
		return nil
	})
	if err != nil {
		return controlRec{}, fmt.Errorf("read the sandbox controls: %w", err)
	}
	s.syncClock(out)
	return out, nil
}

// updateControls changes the controls in one transaction and returns
// them as written.
func (s *Server) updateControls(fn func(*controlRec) error) (controlRec, error) {
	var out controlRec
	err := s.store.Update(func(w *World) error {
		c := w.controls()
		s.syncClock(c.clone()) // fn may build on the clock as stored
		if err := fn(c); err != nil {
			return err
		}
		out = c.clone()
		return nil
	})
	if err != nil {
		return controlRec{}, fmt.Errorf("update the sandbox controls: %w", err)
	}
	s.syncClock(out)
	return out, nil
}

// syncClock applies the stored clock setting when it is newer than the
// one applied last: a snapshot read before another request's change must
// not undo it. Comparing revisions, not the Clock, also keeps a move made
// with Clock.Advance in this process until the stored setting changes.
func (s *Server) syncClock(c controlRec) {
	cs := clockSettingOf(c)
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	if cs.rev <= s.clockApplied.rev {
		return
	}
	s.clock.setOffset(cs.offset)
	if cs.hasSpeed {
		s.clock.SetSpeed(cs.speed)
	}
	s.clockApplied = cs
}

// AdvanceClock moves the clock forward and records the move in the state,
// so every Server on the same store (every command of an embedded
// sandbox) sees the same time.
func (s *Server) AdvanceClock(d time.Duration) error {
	return s.changeClock(d, nil)
}

// SetClockSpeed changes how fast future work completes, for every Server
// on the same store. It overrides the speed the Server was opened with.
func (s *Server) SetClockSpeed(speed float64) error {
	return s.changeClock(0, &speed)
}

func (s *Server) changeClock(advance time.Duration, speed *float64) error {
	if advance < 0 {
		return fmt.Errorf("advance must not be negative: the clock never goes back")
	}
	if speed != nil && *speed < 0 {
		return fmt.Errorf("speed must be 0 or more, got %v", *speed)
	}
	_, err := s.updateControls(func(c *controlRec) error {
		c.ClockOffset = s.clock.Offset() + advance
		if speed != nil {
			c.ClockSpeed = ptr(*speed)
		}
		c.ClockRev++
		return nil
	})
	return err
}

// Generation identifies the current incarnation of the sandbox state: a
// random 16-hex-digit ID created with a new state and replaced by every
// reset (Reset, POST /_emulator/reset, 'emrctl sandbox reset'). It is
// stored with the state, so every Server on the same store reports the
// same one. Whatever refers to sandbox resources (a journal entry, a
// cached ID) can record it and treat a different generation as "that
// sandbox is gone". GET /_emulator/generation reports it over HTTP.
// It is empty only if the state cannot be read.
func (s *Server) Generation() string {
	var gen string
	err := s.store.View(func(w *World) error {
		if m, ok := w.Meta.Get("meta"); ok {
			gen = m.Generation
		}
		return nil
	})
	if err != nil {
		s.log.Warn("read the sandbox generation", "error", err)
		return ""
	}
	return gen
}

// newGeneration returns a random generation ID. It is not derived from the
// seed: a reset with the same seed is still a new generation.
func newGeneration() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
