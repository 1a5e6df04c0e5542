package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
)

// ThrottledError reports that a call stayed throttled after retries.
type ThrottledError struct {
	Err     error
	Retries int
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; still throttled after %d retries with 5-10 s pauses: wait about 30 s before trying again", e.Err, e.Retries)
}

// Unwrap returns the cloud error.
func (e *ThrottledError) Unwrap() error { return e.Err }

// PolicyError is a refusal by the policy: the operation was not sent.
type PolicyError struct {
	Operation string
	Target    string
	Reasons   []string
	Limit     string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("refused %s on %s: %s", e.Operation, e.Target, strings.Join(e.Reasons, "; "))
}

// ErrNotConfirmed is returned when a confirmation was declined or could
// not be asked.
var ErrNotConfirmed = errors.New("not confirmed")

// NotConfirmedError explains why an operation needing confirmation did not run.
type NotConfirmedError struct {
	Operation string
	Target    string
	Reason    string
	// Err is ErrConfirmationPending when the question is on its way.
	Err error
}

// Unwrap returns the cause, if any.
func (e *NotConfirmedError) Unwrap() error { return e.Err }

func (e *NotConfirmedError) Error() string {
	return fmt.Sprintf("%s on %s was not run: %s", e.Operation, e.Target, e.Reason)
}

// Is matches ErrNotConfirmed.
func (e *NotConfirmedError) Is(target error) bool { return target == ErrNotConfirmed }

// UnsupportedError is a capability the configured provider lacks.
type UnsupportedError struct {
	Provider string
	What     string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s is not supported by the %s provider", e.What, e.Provider)
}

// Is matches provider.ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == provider.ErrUnsupported }

// InputError is bad input found before anything was sent.
type InputError struct {
	Problems []FieldProblem
}

// FieldProblem is one problem with one field.
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Fix     string `json:"fix,omitempty"`
	Warning bool   `json:"warning,omitempty"`
}

func (e *InputError) Error() string {
	var b strings.Builder
	n := 0
	for _, p := range e.Problems {
		if !p.Warning {
			n++
		}
	}
	fmt.Fprintf(&b, "%d problem(s) in the input; nothing was sent", n)
	for _, p := range e.Problems {
		if p.Warning {
			continue
		}
		fmt.Fprintf(&b, "\n  %s: %s", p.Field, p.Problem)
		if p.Fix != "" {
			fmt.Fprintf(&b, " (fix: %s)", p.Fix)
		}
	}
	return b.String()
}

func inputError(field, problem, fix string) *InputError {
	return &InputError{Problems: []FieldProblem{{Field: field, Problem: problem, Fix: fix}}}
}

// OutcomeUnknownError is a write whose result could not be learned; the
// journal holds it as unknown and the next identical request reconciles.
type OutcomeUnknownError struct {
	Operation string
	Target    string
	JournalID int64
	Err       error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s on %s: the outcome is unknown (%v); it is recorded as journal entry %d. Running the same command again is safe: emrctl reuses the token or checks the cluster state before sending anything", e.Operation, e.Target, e.Err, e.JournalID)
}

// Unwrap returns the transport error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }
