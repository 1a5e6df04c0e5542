package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

// verdictKind is what reconciling an attempt with an unknown outcome
// found.
type verdictKind int

const (
	notApplied verdictKind = iota
	applied
	cannotTell
)

// verdict is a reconciliation's finding, with the evidence in words.
type verdict struct {
	kind   verdictKind
	result *provider.WriteResult
	why    string
}

func appliedBecause(res *provider.WriteResult, why string, args ...any) verdict {
	return verdict{kind: applied, result: res, why: fmt.Sprintf(why, args...)}
}

func notAppliedBecause(why string, args ...any) verdict {
	return verdict{kind: notApplied, why: fmt.Sprintf(why, args...)}
}

func cannotTellBecause(why string, args ...any) verdict {
	return verdict{kind: cannotTell, why: fmt.Sprintf(why, args...)}
}

// reconciler decides from the cloud's state whether an attempt whose
// outcome is unknown was applied. It reads only what the journal entry
// holds (its request, the state observed before, the evidence read after
// a lost response), so any later call can settle it.
type reconciler func(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error)

// reconcilers are the reconciliations of writes that carry no token the
// cloud deduplicates by.
var reconcilers = map[string]reconciler{
	opIncreaseNodes:   reconcileIncrease,
	opDecreaseNodes:   reconcileDecrease,
	opCreateNodeGroup: reconcileNodeGroup,
	"RunCluster":      reconcileCreate,
	"RunJobFlow":      reconcileCreate,
	// H5: the AWS-only additive writes without a token.
	opAddSteps:         reconcileAddSteps,
	opAddInstanceFleet: reconcileAddFleet,
	// H12: the Serverless Spark creates, past their client token's window.
	opSparkCreateWorkspace: reconcileSparkWorkspace,
	opSparkSubmitJob:       reconcileSparkJobRun,
	opSparkCreateSession:   reconcileSparkSession,
	opSparkCreateKyuubi:    reconcileSparkKyuubi,
}

// settle reconciles the attempts on target whose outcome is unknown (a
// lost response, a crash), before anything else is decided on the target:
// the policy's rules and the next write see what they really did. An
// attempt with a client token the cloud still remembers is left open:
// sending it again with its token is the reconciliation.
func (f *flight) settle(ctx context.Context, target string) error {
	open, err := f.e.opts.Journal.OpenOn(ctx, f.e.opts.Scope, target)
	if err != nil {
		return err
	}
	for i := range open {
		e := &open[i]
		r := reconcilers[e.Operation]
		if e.Status != journal.StatusUnknown || r == nil || e.Owner.ID == f.owner.ID {
			continue // in flight elsewhere, or nothing to read it from
		}
		if e.TokenKind == journal.TokenClient && f.e.opts.Now().Sub(e.Time) < provider.TokenWindow {
			continue
		}
		v, err := r(ctx, f.e, e)
		if err != nil {
			return fmt.Errorf("reconcile journal entry %d (%s on %s, outcome unknown): %w", e.ID, e.Operation, e.Target, err)
		}
		f.record(ctx, e, v)
	}
	return nil
}

// record stores a verdict on the entry and remembers it for the flight.
func (f *flight) record(ctx context.Context, e *journal.Entry, v verdict) {
	if f.settled == nil {
		f.settled = map[string]settlement{}
	}
	f.settled[e.IntentHash] = settlement{entry: *e, verdict: v}
	by := fmt.Sprintf("reconciled at %s by %s: ", f.e.opts.Now().Local().Format(time.RFC3339), f.owner)
	var out journal.Outcome
	switch v.kind {
	case applied:
		out = journal.Outcome{Status: journal.StatusSucceeded, Detail: by + "applied: " + v.why}
		if v.result != nil {
			out.ResultIDs = v.result.IDs
		}
	case notApplied:
		out = journal.Outcome{Status: journal.StatusFailed, ErrorCode: "NotApplied", ErrorMessage: by + "not applied: " + v.why}
	default:
		out = journal.Outcome{Status: journal.StatusUnknown, ErrorCode: "CannotTell", ErrorMessage: by + "cannot tell: " + v.why}
	}
	if err := f.finish(ctx, e.ID, out); err != nil {
		f.e.warn(err.Error())
	}
}

// Resolve records what a person found out about an attempt whose outcome
// emrctl could not tell: applied or not. Only an open attempt (pending
// with no live owner, or unknown) can be resolved; the next write on its
// target then decides with this knowledge.
func (e *Engine) Resolve(ctx context.Context, call Call, id int64, wasApplied bool) (*journal.Entry, error) {
	entry, err := e.opts.Journal.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if entry.Status != journal.StatusUnknown {
		return nil, inputError("id", fmt.Sprintf("journal entry %d is %s, not unknown: only an attempt whose outcome is unknown can be resolved", id, entry.Status),
			"find them with 'emrctl audit list --status unknown'")
	}
	by := fmt.Sprintf("resolved by %s (%s) at %s", call.Actor.Name, call.Actor.Kind, e.opts.Now().Local().Format(time.RFC3339))
	out := journal.Outcome{Status: journal.StatusFailed, ErrorCode: "NotApplied", ErrorMessage: by + ": not applied"}
	if wasApplied {
		out = journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: entry.ResultIDs, Detail: by + ": applied"}
	}
	if err := e.opts.Journal.Finish(ctx, id, out); err != nil {
		return nil, err
	}
	if err := e.opts.Journal.Audit(ctx, journal.AuditEvent{Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Event: "journal.resolved", Operation: entry.Operation, Target: entry.Target, Detail: fmt.Sprintf("entry %d: applied=%v", id, wasApplied)}); err != nil {
		e.warn("audit journal.resolved: " + err.Error())
	}
	return e.opts.Journal.Get(ctx, id)
}
