package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// ThrottledError reports that a call stayed throttled after retries.
type ThrottledError struct {
	Err     error
	Retries int
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; still throttled after %d retries, each after a longer pause: the API's rate limit is used up (by this or another client); wait about 30 s before trying again", e.Err, e.Retries)
}

// Unwrap returns the cloud error.
func (e *ThrottledError) Unwrap() error { return e.Err }

// PolicyError is a refusal by the policy: the operation was not sent.
type PolicyError struct {
	Operation string
	Target    string
	// Reasons are the policy's sentences, rendered from safetext: values
	// in them are escaped and quoted.
	Reasons []string
	Limit   string
}

// Error reads "refused <operation> on <target>: <reasons>"; the target
// is escaped, the reasons escape their own values.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("refused %s on %s: %s", e.Operation, validate.Escape(e.Target), strings.Join(e.Reasons, "; "))
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
	return fmt.Sprintf("%s on %s: the outcome is unknown (%v); it is recorded as journal entry %d. Running the same command again is safe: emrctl reuses the token or checks the cloud's state before sending anything again", e.Operation, e.Target, e.Err, e.JournalID)
}

// Unwrap returns the transport error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// CannotTellError is a write not sent because an earlier attempt of the
// same request has an outcome nobody can establish from the cloud's state
// (another actor changed the same resource meanwhile, or the resource is
// still changing). A person must look and say what happened.
type CannotTellError struct {
	Operation string
	Target    string
	JournalID int64
	Reason    string
}

func (e *CannotTellError) Error() string {
	return fmt.Sprintf("%s on %s was not sent: an earlier attempt of the same request (journal entry %d) has an unknown outcome, "+
		"and the cloud's state cannot tell whether it was applied: %s. Look at the resource, then record what happened with "+
		"'emrctl audit resolve %d --applied' or '--not-applied' and run the command again", e.Operation, e.Target, e.JournalID, e.Reason, e.JournalID)
}

// KeyConflictError is an idempotency key used again for another request.
type KeyConflictError struct {
	Key       string
	Earlier   string // "IncreaseNodes on c-1/ng-1"
	At        time.Time
	JournalID int64
	This      string
}

func (e *KeyConflictError) Error() string {
	s := fmt.Sprintf("idempotency key %q was used at %s for %s", e.Key, e.At.Local().Format(time.RFC3339), e.Earlier)
	if e.JournalID > 0 {
		s += fmt.Sprintf(" (journal entry %d)", e.JournalID)
	}
	return s + fmt.Sprintf("; this request is %s, a different one: nothing was sent. Use a new key for a new request", e.This)
}

// RecordError is a write whose outcome the journal could not record: the
// write may have been applied, and the journal still shows it as pending
// or unknown.
type RecordError struct {
	JournalID int64
	Status    string
	Err       error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("the outcome (%s) of journal entry %d could not be recorded in the journal: %v; the entry stays open, "+
		"and the next write on the same target reconciles it from the cloud's state", e.Status, e.JournalID, e.Err)
}

// Unwrap returns the journal's error.
func (e *RecordError) Unwrap() error { return e.Err }

// BusyError is a write that waited too long for another write on the same
// target to finish.
type BusyError struct {
	Target string
	Holder *journal.Holder
	Waited time.Duration
}

func (e *BusyError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s is being changed by another write; waited %s, nothing was sent: try again when it is done", e.Target, e.Waited)
	}
	return fmt.Sprintf("%s is being changed by %s (%s) since %s (%s); waited %s, nothing was sent: try again when it is done",
		validate.Render(e.Target), validate.Render(e.Holder.Actor), e.Holder.Owner, e.Holder.Since.Local().Format(time.RFC3339), validate.Render(e.Holder.Operation), e.Waited)
}
