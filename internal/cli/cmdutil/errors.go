package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// Exit codes. Scripts branch on them; they never change meaning.
const (
	ExitOK             = 0
	ExitError          = 1 // the cloud or emrctl failed
	ExitUsage          = 2 // bad flags or input; nothing was sent
	ExitDenied         = 3 // the safety policy refused; nothing was sent
	ExitNotConfirmed   = 4 // confirmation declined or unavailable; nothing was sent
	ExitFailedState    = 5 // a waited-for resource ended in a failure state
	ExitTimeout        = 6 // a wait or call timed out
	ExitOutcomeUnknown = 7 // a write may or may not have been applied (journaled)
	ExitCancelled      = 130
)

// FlagError is a usage problem with flags or arguments.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	var (
		fe  *FlagError
		ofe *output.FlagError
		ie  *engine.InputError
		pe  *engine.PolicyError
		we  *provider.WaitError
		cf  *engine.ClusterFailedError
		ou  *engine.OutcomeUnknownError
		ve  *spec.LoadError
		pre *engine.PrereqError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.As(err, &fe), errors.As(err, &ofe), errors.As(err, &ie), errors.As(err, &ve), errors.As(err, &pre):
		return ExitUsage
	case errors.As(err, &pe):
		return ExitDenied
	case errors.Is(err, engine.ErrNotConfirmed):
		return ExitNotConfirmed
	case errors.As(err, &cf):
		return ExitFailedState
	case errors.As(err, &ou):
		return ExitOutcomeUnknown
	case errors.As(err, &we):
		if we.TimedOut {
			return ExitTimeout
		}
		return ExitFailedState
	case errors.Is(err, provider.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return ExitTimeout
	case errors.Is(err, provider.ErrInvalid):
		return ExitUsage
	}
	return ExitError
}

// ErrorView turns an error into what the user sees: the cloud's code,
// message and request id, and the advice for that code.
func ErrorView(err error) output.ErrorView {
	v := output.ErrorView{Message: err.Error()}
	var (
		ae *provider.APIError
		ie *engine.InputError
		pe *engine.PolicyError
		cf *engine.ClusterFailedError
		pr *engine.PrereqError
	)
	switch {
	case errors.As(err, &ie):
		v.Code = "InvalidInput"
		v.Message = "the input has problems; nothing was sent"
		for _, p := range ie.Problems {
			if p.Warning {
				continue
			}
			msg := p.Problem
			if p.Fix != "" {
				msg += " (fix: " + p.Fix + ")"
			}
			v.Fields = append(v.Fields, output.FieldProblem{Field: p.Field, Message: msg})
		}
	case errors.As(err, &pr):
		v.Code = "PrerequisitesMissing"
		v.Recommendation = "fix each PROBLEM row as its fix says, then run the check again"
	case errors.As(err, &pe):
		v.Code = "PolicyDenied"
		v.Hint = "emrctl's safety policy refused this; nothing was sent"
	case errors.Is(err, engine.ErrNotConfirmed):
		v.Code = "NotConfirmed"
		v.Hint = "run it from a terminal to be asked, or pass --yes (and --ack-cost when the cost must be acknowledged)"
	case errors.As(err, &cf):
		v.Code = "ClusterFailed"
		if cf.Wait.Reason != nil {
			v.Code = cf.Wait.Reason.Code
		}
		if cf.Diagnosis != nil {
			v.Recommendation = cf.Diagnosis.Fix
			v.Hint = cf.Diagnosis.Cause
		}
	case errors.As(err, &ae):
		v.Code, v.RequestID = ae.Code, ae.RequestID
		if ae.Message != "" {
			v.Message = fmt.Sprintf("%s %s: %s", ae.Provider, ae.Action, ae.Message)
		}
		v.Recommendation = provider.Advice(ae.Code)
	}
	return v
}

// PrintError renders err on w in the given format.
func PrintError(w io.Writer, format output.Format, err error) {
	_ = output.PrintError(w, format, ErrorView(err))
}
