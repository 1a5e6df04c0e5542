package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
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
	ExitOutcomeUnknown = 7 // a write may or may not have been applied (journaled), or emrctl cannot tell
	ExitFindings       = 8 // an inspection or diagnosis found problems (its report is printed)
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
		ce  *CommandError
		upe *session.UnknownProfileError
		ct  *engine.CannotTellError
		kc  *engine.KeyConflictError
		fe2 *FindingsError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.As(err, &fe2):
		return ExitFindings
	case errors.As(err, &fe), errors.As(err, &ofe), errors.As(err, &ie), errors.As(err, &ve), errors.As(err, &pre),
		errors.As(err, &ce), errors.As(err, &upe), errors.As(err, &kc):
		return ExitUsage
	case errors.As(err, &pe):
		return ExitDenied
	case errors.Is(err, engine.ErrNotConfirmed):
		return ExitNotConfirmed
	case errors.As(err, &cf):
		return ExitFailedState
	case errors.As(err, &ou), errors.As(err, &ct):
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
		ce *CommandError
	)
	switch {
	case errors.As(err, &ce):
		v.Code = "UnknownCommand"
		if ce.Name == "" {
			v.Code = "MissingCommand"
		}
		v.Hint = fmt.Sprintf("'%s --help' says what each command does", ce.Group)
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
	case errors.As(err, new(*provider.UnreachableError)):
		v.Code = "EndpointUnreachable"
		v.Hint = "nothing was sent; check the endpoint (--endpoint, the profile) and the network"
	case errors.As(err, new(*engine.CannotTellError)):
		v.Code = "CannotTell"
		v.Hint = "nothing was sent; look at the resource and record what you find with 'emrctl audit resolve'"
	case errors.As(err, new(*engine.KeyConflictError)):
		v.Code = "IdempotencyKeyReused"
	case errors.As(err, new(*engine.OutcomeUnknownError)):
		v.Code = "OutcomeUnknown"
	case errors.As(err, new(*engine.BusyError)):
		v.Code = "TargetBusy"
	case errors.Is(err, journal.ErrUntrusted):
		v.Code = "JournalUntrusted"
	case errors.As(err, &ae):
		v.Code, v.RequestID = ae.Code, ae.RequestID
		if ae.Message != "" {
			v.Message = fmt.Sprintf("%s %s: %s", ae.Provider, ae.Action, ae.Message)
		}
		v.Recommendation = provider.Advice(ae.Code)
	}
	return v
}

// PrintError renders err on w in the given format, with every secret
// that secrets holds replaced: an error may quote input, and input may be
// a secret typed back.
func PrintError(w io.Writer, format output.Format, err error, secrets *redact.Registry) {
	_ = output.PrintError(w, format, scrubView(ErrorView(err), secrets))
}

// scrubView returns v with secrets removed from every text.
func scrubView(v output.ErrorView, secrets *redact.Registry) output.ErrorView {
	for _, s := range []*string{&v.Code, &v.Message, &v.RequestID, &v.Recommendation, &v.Hint} {
		*s = secrets.Scrub(*s)
	}
	if v.Fields != nil {
		fields := make([]output.FieldProblem, len(v.Fields))
		for i, f := range v.Fields {
			fields[i] = output.FieldProblem{Field: secrets.Scrub(f.Field), Message: secrets.Scrub(f.Message)}
		}
		v.Fields = fields
	}
	return v
}

// FindingsError ends an inspection or diagnosis that found problems: its
// report is printed; the exit code (8) lets scripts notice.
type FindingsError struct {
	Problems int
}

func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d problem(s) found (see the report above)", e.Problems)
}
