package engine

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// write is one guarded write.
type write struct {
	op        policy.Operation
	operation string // journal operation name (the API)
	target    string
	tokenKind string
	// request is the exact request: shown to the human, journaled
	// (redacted) and hashed for the intent.
	request any
	// observed is the state seen before sending, journaled for reconcile.
	observed any
	// authorizeUnlessDuplicate defers authorization to journaled: it is
	// skipped only when the journal answers with a duplicate.
	authorizeUnlessDuplicate bool
	// reconcile, for writes without a token, decides from the cloud's
	// state whether an earlier attempt of the same intent was applied.
	// It returns the earlier result when it was.
	reconcile func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error)
	// send performs the write with the attempt's token.
	send func(ctx context.Context, token string) (*provider.WriteResult, error)
}

// Outcome is what a guarded write did.
type Outcome struct {
	Result    *provider.WriteResult `json:"result,omitempty"`
	JournalID int64                 `json:"journalId"`
	// Replayed is set when the write was not sent because the journal or
	// the cloud's state showed it already happened.
	Replayed bool   `json:"replayed,omitempty"`
	Note     string `json:"note,omitempty"`
}

// guarded runs w through policy, confirmation, journal and provider. An
// identical write that already succeeded within the journal window (a
// re-delivered tool call, a re-run script) is answered from the journal
// without asking anyone again: nothing new is sent.
func (e *Engine) guarded(ctx context.Context, call Call, w write) (*Outcome, error) {
	if e.succeededRecently(ctx, call, w) {
		w.authorizeUnlessDuplicate = true
		return e.journaled(ctx, call, w)
	}
	if err := e.authorize(ctx, call, w.op, w.request); err != nil {
		return nil, err
	}
	return e.journaled(ctx, call, w)
}

// succeededRecently reports whether the journal holds a success of the
// same intent within its window.
func (e *Engine) succeededRecently(ctx context.Context, call Call, w write) bool {
	hash, err := e.opts.Journal.IntentHash(e.intent(call, w))
	if err != nil {
		return false
	}
	prev, err := e.opts.Journal.LatestForIntent(ctx, hash)
	return err == nil && prev.Status == journal.StatusSucceeded && e.opts.Now().Sub(prev.Time) < journal.DefaultWindow
}

// authorize asks the policy about op and, when it says so, the human. It
// is called once per user intent (a batched scale-in is one intent).
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

// journaled records the attempt, reuses tokens, reconciles and sends.
func (e *Engine) journaled(ctx context.Context, call Call, w write) (*Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeouts.Write)
	defer cancel()
	a, err := e.opts.Journal.Begin(ctx, e.intent(call, w))
	if err != nil {
		return nil, err
	}
	if a.Duplicate && a.Previous != nil {
		e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: a.Previous.ResultIDs, Detail: "duplicate of journal entry " + itoa(a.Previous.ID)})
		return &Outcome{Result: &provider.WriteResult{IDs: a.Previous.ResultIDs, RequestID: a.Previous.RequestID}, JournalID: a.ID, Replayed: true,
			Note: "the same request succeeded at " + a.Previous.Time.Format(time.RFC3339) + " (journal entry " + itoa(a.Previous.ID) + "); it was not sent again"}, nil
	}
	if w.authorizeUnlessDuplicate {
		if err := e.authorize(ctx, call, w.op, w.request); err != nil {
			e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusFailed, ErrorCode: "NotAuthorized", ErrorMessage: err.Error()})
			return nil, err
		}
	}
	if a.Previous != nil && w.tokenKind != journal.TokenClient && w.reconcile != nil && !a.Duplicate {
		if res, applied, err := w.reconcile(ctx, a.Previous); err != nil {
			e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusUnknown, ErrorMessage: "reconcile: " + err.Error()})
			return nil, err
		} else if applied {
			e.settle(ctx, a.Previous, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: res.IDs, Detail: "reconciled from the cluster state: applied"})
			e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: res.IDs, Detail: "reconciled: journal entry " + itoa(a.Previous.ID) + " was applied"})
			return &Outcome{Result: res, JournalID: a.ID, Replayed: true, Note: "an earlier attempt (journal entry " + itoa(a.Previous.ID) + ") with an unknown outcome was found applied in the cluster's state; nothing was sent again"}, nil
		}
		e.settle(ctx, a.Previous, journal.Outcome{Status: journal.StatusFailed, ErrorCode: "NotApplied", ErrorMessage: "reconciled from the cluster state: not applied; sent again as journal entry " + itoa(a.ID)})
	}
	res, err := retryThrottled(ctx, e, func(ctx context.Context) (*provider.WriteResult, error) { return w.send(ctx, a.Token) })
	switch {
	case err == nil:
		e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: res.IDs, RequestID: res.RequestID})
		return &Outcome{Result: res, JournalID: a.ID}, nil
	case provider.OutcomeUnknown(err) || errors.Is(err, context.DeadlineExceeded):
		e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusUnknown, ErrorCode: provider.CodeOf(err), ErrorMessage: err.Error()})
		return nil, &OutcomeUnknownError{Operation: w.operation, Target: w.target, JournalID: a.ID, Err: err}
	default:
		var ae *provider.APIError
		out := journal.Outcome{Status: journal.StatusFailed, ErrorCode: provider.CodeOf(err), ErrorMessage: err.Error()}
		if errors.As(err, &ae) {
			out.RequestID = ae.RequestID
		}
		e.finish(ctx, a.ID, out)
		return nil, err
	}
}

// intent is the journal record of w for call.
func (e *Engine) intent(call Call, w write) journal.Intent {
	return journal.Intent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Profile: e.opts.Profile, Provider: e.opts.Provider, Region: e.opts.Region,
		Operation: w.operation, Target: w.target, Params: w.request, TokenKind: w.tokenKind,
		Observed: w.observed, IdempotencyKey: call.IdempotencyKey, Now: e.opts.Now(),
	}
}

// finish records an outcome even if the operation's context expired.
func (e *Engine) finish(ctx context.Context, id int64, out journal.Outcome) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := e.opts.Journal.Finish(ctx, id, out); err != nil {
		e.opts.Log.Warn("journal finish", "id", id, "error", err)
	}
}

// settle records the outcome of an earlier attempt that was left pending or
// unknown, once reconciliation has learned it.
func (e *Engine) settle(ctx context.Context, prev *journal.Entry, out journal.Outcome) {
	if prev.Status != journal.StatusPending && prev.Status != journal.StatusUnknown {
		return
	}
	e.finish(ctx, prev.ID, out)
}

func journalAudit(call Call, event, op, target, detail string) journal.AuditEvent {
	return journal.AuditEvent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Event: event, Operation: op, Target: target, Detail: detail,
	}
}

func itoa(n int64) string {
	raw, _ := json.Marshal(n)
	return string(raw)
}
