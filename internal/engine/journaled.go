package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// write is one call to the cloud within a flight.
type write struct {
	// op is what the policy decides on and the person confirms; nil when
	// the job authorized the whole of it already (the batches of a
	// scale-in).
	op        policy.Operation
	operation string // the journal's operation name
	target    string // the journal's target
	tokenKind string
	// request is the exact request: shown to the person, journaled
	// (redacted) and, unless identity is set, hashed for the intent.
	request any
	// identity is what identifies the intent when the exact request holds
	// values read from the state (an absolute size): the caller's ask.
	identity any
	// observed is the state seen before sending, journaled for
	// reconciliation after an unknown outcome.
	observed any
	// send performs the write with the attempt's token.
	send func(ctx context.Context, token string) (*provider.WriteResult, error)
	// evidence, when set, reads right after a lost response what the
	// write may have changed; it is journaled with the unknown outcome
	// and decides the reconciliation later.
	evidence func(ctx context.Context) (any, error)
}

// apply authorizes w (when it carries an operation) and sends it.
func (f *flight) apply(ctx context.Context, w write) (*Outcome, error) {
	if w.op != nil {
		if err := f.authorize(ctx, w.op, w.request); err != nil {
			return nil, err
		}
	}
	return f.journaled(ctx, w)
}

// unchanged is the outcome of a declarative write whose desired state
// already holds: nothing is sent, and the caller is told so.
func (f *flight) unchanged(ctx context.Context, op policy.Operation, state string) *Outcome {
	f.e.audit(ctx, f.call, "write.unchanged", op, state)
	return &Outcome{Status: StatusUnchanged, Note: state + "; nothing was sent"}
}

// journaled records w in the journal, sends it and records the outcome.
// An earlier attempt of the same request that settling found applied is
// answered from the record; one it could not decide stops the write.
func (f *flight) journaled(ctx context.Context, w write) (*Outcome, error) {
	if f.lost.Load() {
		return nil, fmt.Errorf("%s on %s was not sent: this process lost its lock on the target (it stalled past its lease); run the command again", w.operation, w.target)
	}
	in := f.e.attemptIntent(f, w)
	hash, err := f.e.opts.Journal.IntentHash(in)
	if err != nil {
		return nil, err
	}
	if s, ok := f.settled[hash]; ok {
		switch s.verdict.kind {
		case applied:
			return &Outcome{Status: StatusReconciled, Result: s.verdict.result, JournalID: s.entry.ID,
				Note: fmt.Sprintf("an earlier attempt of this request (journal entry %d, %s) had an unknown outcome and was found applied: %s; nothing was sent again",
					s.entry.ID, s.entry.Time.Local().Format(time.RFC3339), s.verdict.why)}, nil
		case cannotTell:
			return nil, &CannotTellError{Operation: w.operation, Target: w.target, JournalID: s.entry.ID, Reason: s.verdict.why}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, f.e.opts.Timeouts.Write)
	defer cancel()
	a, err := f.e.opts.Journal.Begin(ctx, in)
	if err != nil {
		return nil, err
	}
	f.lastAttempt, f.sent = a.ID, true
	res, err := retryThrottled(ctx, f.e, func(ctx context.Context) (*provider.WriteResult, error) { return w.send(ctx, a.Token) })
	switch {
	case err == nil:
		return f.succeeded(ctx, w, a, res)
	case provider.OutcomeUnknown(err) || errors.Is(err, context.DeadlineExceeded):
		return nil, f.unknown(ctx, w, a, err)
	default:
		out := journal.Outcome{Status: journal.StatusFailed, ErrorCode: provider.CodeOf(err), ErrorMessage: err.Error()}
		var ae *provider.APIError
		if errors.As(err, &ae) {
			out.RequestID = ae.RequestID
		}
		if rerr := f.finish(ctx, a.ID, out); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
}

// succeeded records a success and settles the earlier open attempt of
// the same request it supersedes.
func (f *flight) succeeded(ctx context.Context, w write, a *journal.Attempt, res *provider.WriteResult) (*Outcome, error) {
	out := &Outcome{Status: StatusSent, Result: res, JournalID: a.ID}
	if err := f.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: res.IDs, RequestID: res.RequestID}); err != nil {
		return out, err
	}
	if p := a.Previous; p != nil && p.Open() {
		prev := journal.Outcome{Status: journal.StatusFailed, ErrorCode: "NotApplied",
			ErrorMessage: fmt.Sprintf("its outcome was unknown; the state it asked for did not hold, and the same request was sent again as journal entry %d", a.ID)}
		if a.Reused {
			prev = journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: res.IDs,
				Detail: fmt.Sprintf("the cloud answered its token again for journal entry %d", a.ID)}
		}
		if err := f.finish(ctx, p.ID, prev); err != nil {
			f.e.warn(fmt.Sprintf("journal entry %d (an earlier attempt) could not be settled: %v", p.ID, err))
		}
	}
	return out, nil
}

// unknown records a write whose answer was lost, with what the state
// showed right after, and returns the error that says so.
func (f *flight) unknown(ctx context.Context, w write, a *journal.Attempt, cause error) error {
	out := journal.Outcome{Status: journal.StatusUnknown, ErrorCode: provider.CodeOf(cause), ErrorMessage: cause.Error()}
	if w.evidence != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.e.opts.Timeouts.Read)
		if ev, err := w.evidence(rctx); err == nil {
			out.Detail = map[string]any{"evidence": ev}
		}
		cancel()
	}
	uerr := &OutcomeUnknownError{Operation: w.operation, Target: w.target, JournalID: a.ID, Err: cause}
	if err := f.finish(ctx, a.ID, out); err != nil {
		return errors.Join(uerr, err)
	}
	return uerr
}

// finish records an outcome even if the operation's context expired,
// retrying while the journal is busy. A failure to record is returned:
// the caller must hear that the journal does not know what happened.
func (f *flight) finish(ctx context.Context, id int64, out journal.Outcome) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	err := retryJournal(ctx, func(ctx context.Context) error { return f.e.opts.Journal.Finish(ctx, id, out) })
	if err == nil || errors.Is(err, journal.ErrFinished) {
		return nil
	}
	return &RecordError{JournalID: id, Status: string(out.Status), Err: err}
}

// authorize asks the policy about op and, when it says so, the person. It
// is called once per user intent (a batched scale-in is one intent).
func (f *flight) authorize(ctx context.Context, op policy.Operation, request any) error {
	return f.e.authorize(ctx, f.call, op, request)
}

func (e *Engine) authorize(ctx context.Context, call Call, op policy.Operation, request any) error {
	d := policy.Decide(e.opts.Policy, call.Actor, op)
	switch d.Verdict {
	case policy.Deny:
		e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
		return &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
	case policy.Confirm:
		if err := e.confirm(ctx, call, d, op, request); err != nil {
			return err
		}
		e.audit(ctx, call, "confirm.accepted", op, hashRequest(request))
	case policy.Allow:
	default:
		return &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: []string{"the policy gave no verdict"}}
	}
	if call.Actor.Kind == policy.Human || call.Actor.Kind == policy.Script {
		for _, l := range e.opts.Policy.Loosened() {
			e.audit(ctx, call, "policy.loosened", op, l.Key+": "+l.Default+" -> "+l.Value)
		}
	}
	return nil
}

func joinReasons(r []string) string {
	raw, _ := json.Marshal(r)
	return string(raw)
}

// intent identifies what a caller asked (the job): the same operation on
// the same target with the same input, in the same scope.
func (e *Engine) intent(call Call, operation, target string, input any) journal.Intent {
	return journal.Intent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Profile: e.opts.Profile, Provider: e.opts.Provider.Traits().Name, Region: e.opts.Region, Scope: e.opts.Scope,
		Operation: operation, Target: target, Params: input, TokenKind: journal.TokenNone, Now: e.opts.Now(),
	}
}

// attemptIntent is the journal record of w sent by f.
func (e *Engine) attemptIntent(f *flight, w write) journal.Intent {
	in := e.intent(f.call, w.operation, w.target, w.request)
	in.TokenKind, in.Observed, in.IdempotencyKey, in.Identity = w.tokenKind, w.observed, f.call.IdempotencyKey, w.identity
	in.Owner, in.Lease = f.owner, e.opts.Lease
	return in
}

// audit records a non-write event; failures to audit are warned about,
// not fatal.
func (e *Engine) audit(ctx context.Context, call Call, event string, op policy.Operation, detail string) {
	ev := journal.AuditEvent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Event: event, Operation: op.API(), Target: op.Target(), Detail: detail,
	}
	if err := e.opts.Journal.Audit(ctx, ev); err != nil {
		e.warn("audit " + event + ": " + err.Error())
	}
}
