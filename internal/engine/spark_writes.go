package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Journal operations of Serverless Spark: the API names, except the two
// EMR Serverless (AWS) shares, which carry the engine's verbs so that
// their reconciliations stay apart.
const (
	opSparkCreateWorkspace = "CreateWorkspace"
	opSparkUpdateWorkspace = "UpdateWorkspace"
	opSparkEditQueue       = "EditWorkspaceQueue"
	opSparkSubmitJob       = "SubmitSparkJob"
	opSparkCancelJobRun    = "CancelSparkJobRun"
	opSparkCreateKyuubi    = "CreateKyuubiService"
	opSparkStartKyuubi     = "StartKyuubiService"
	opSparkStopKyuubi      = "StopKyuubiService"
	opSparkUpdateKyuubi    = "UpdateKyuubiService"
	opSparkDeleteKyuubi    = "DeleteKyuubiService"
	opSparkCreateToken     = "CreateKyuubiToken"
	opSparkUpdateToken     = "UpdateKyuubiToken"
	opSparkDeleteToken     = "DeleteKyuubiToken"
	opSparkCancelApp       = "CancelKyuubiSparkApplication"
	opSparkCreateSession   = "CreateSessionCluster"
	opSparkStartSession    = "StartSessionCluster"
	opSparkStopSession     = "StopSessionCluster"
	opSparkDeleteSession   = "DeleteSessionCluster"
	opSparkRunStatement    = "CreateSqlStatement"
	opSparkTerminateStmt   = "TerminateSqlStatement"
)

// sparkRequestTagKey is the tag a workspace or job run emrctl creates
// carries: its value is the attempt's client token.
const sparkRequestTagKey = provider.RequestTagKey

// sparkTarget is the journal target of a resource in a workspace.
func sparkTarget(workspaceID string, ids ...string) string {
	return strings.Join(append([]string{workspaceID}, ids...), "/")
}

// firstID is the first ID a write returned, or fallback.
func firstID(out *Outcome, fallback string) string {
	if out == nil || out.Result == nil || len(out.Result.IDs) == 0 || out.Result.IDs[0] == "" {
		return fallback
	}
	return out.Result.IDs[0]
}

// withRequestTag returns tags plus emrctl's request tag carrying token:
// a create whose answer was lost is found again by it.
func withRequestTag(tags []provider.Tag, token string) []provider.Tag {
	out := slices.DeleteFunc(slices.Clone(tags), func(t provider.Tag) bool { return t.Key == sparkRequestTagKey })
	return append(out, provider.Tag{Key: sparkRequestTagKey, Value: token})
}

// notFound reports a typed not-found from the provider.
func notFound(err error) bool { return err != nil && provider.KindOf(err) == provider.KindNotFound }

// subscriptionMonths is a subscription's term in months.
func subscriptionMonths(s *provider.SparkSubscription) int {
	if s == nil {
		return 0
	}
	if strings.EqualFold(s.Unit, "Year") {
		return s.Duration * 12
	}
	return s.Duration
}

// CreateSparkWorkspace creates a workspace with a client token from the
// journal (and emrctl's request tag carrying it), so a retry after a lost
// response never creates a second workspace. The policy confirms it, with
// a cost acknowledgement by CU and subscription term.
func (e *Engine) CreateSparkWorkspace(ctx context.Context, call Call, in provider.SparkWorkspaceInput) (*SparkResult, error) {
	in.ClientToken = ""
	if err := problemsError(in.Problems(), textProblems("name", in.Name, "ramRole", in.RAMRole)...); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(in.Tags, func(t provider.Tag) bool { return t.Key == sparkRequestTagKey }) {
		return nil, inputError("tags", fmt.Sprintf("the tag %s is emrctl's own", sparkRequestTagKey), "use another tag key")
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	op := policy.CreateSparkWorkspace{Region: e.opts.Region, Name: in.Name, OSSBucket: in.OSSBucket, PaymentType: in.PaymentType,
		CU: in.CU, SubscriptionMonths: subscriptionMonths(in.Subscription)}
	return run(ctx, e, call, job[*SparkResult]{
		operation: opSparkCreateWorkspace, target: in.Name, input: in, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			out, err := f.apply(ctx, write{
				op: op, operation: opSparkCreateWorkspace, target: in.Name, tokenKind: journal.TokenClient, request: p.CreateSparkWorkspaceRequest(in),
				send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
					sent := in
					sent.ClientToken, sent.Tags = token, withRequestTag(in.Tags, token)
					return p.CreateSparkWorkspace(ctx, sent)
				},
			})
			if err != nil {
				return nil, err
			}
			return &SparkResult{ID: firstID(out, ""), Outcome: out, Notes: []string{"the workspace is STARTING: wait until it is RUNNING (about 1-3 minutes) before using its queues"}}, nil
		},
	})
}

// UpdateSparkWorkspace renames a workspace or changes its CU limit. It is
// declarative: settings that already hold are not sent.
func (e *Engine) UpdateSparkWorkspace(ctx context.Context, call Call, id string, in provider.SparkWorkspaceUpdate) (*SparkResult, error) {
	if err := checkSpark(id); err != nil {
		return nil, err
	}
	var more []FieldProblem
	if in.Name == "" && in.CU == 0 {
		more = append(more, FieldProblem{Field: "update", Problem: "nothing to change", Fix: "give a new name or CU limit"})
	}
	if in.CU < 0 {
		more = append(more, FieldProblem{Field: "cu", Problem: "must not be negative", Fix: "give the new CU limit, or leave it out"})
	}
	if err := problemsError(nil, append(more, textProblems("name", in.Name)...)...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*SparkResult]{
		operation: opSparkUpdateWorkspace, target: id, input: in, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			w, err := read(ctx, e, func(ctx context.Context) (*provider.SparkWorkspace, error) { return p.GetSparkWorkspace(ctx, id) })
			if err != nil {
				return nil, err
			}
			op := policy.UpdateSparkWorkspace{WorkspaceID: id, Name: w.Name, CurrentCU: w.CU}
			if in.Name != "" && in.Name != w.Name {
				op.NewName = in.Name
			}
			if in.CU != 0 && in.CU != w.CU {
				op.CU = in.CU
			}
			if op.NewName == "" && op.CU == 0 {
				out := f.unchanged(ctx, op, "workspace "+id+" already has these settings")
				return &SparkResult{ID: id, Outcome: out}, nil
			}
			out, err := f.apply(ctx, write{
				op: op, operation: opSparkUpdateWorkspace, target: id, tokenKind: journal.TokenNone,
				request: p.UpdateSparkWorkspaceRequest(id, in), observed: map[string]any{"name": w.Name, "cu": w.CU},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.UpdateSparkWorkspace(ctx, id, in)
				},
			})
			if err != nil {
				return nil, err
			}
			return &SparkResult{ID: id, Outcome: out}, nil
		},
	})
}

// DeleteSparkWorkspace is always refused with a PolicyError, for everyone:
// workspaces are deleted in the console only (the seed forbids the API).
// Nothing is read or sent.
func (e *Engine) DeleteSparkWorkspace(ctx context.Context, call Call, id string) error {
	op := policy.DeleteSparkWorkspace{Region: e.opts.Region, WorkspaceID: id}
	d := policy.Decide(e.opts.Policy, call.Actor, op)
	e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
	if d.Verdict != policy.Deny { // the policy never allows it; never send it either
		return &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: []string{policy.SparkWorkspaceDeletionRefusal(e.opts.Region)}, Limit: policy.RuleSparkWorkspaceDeletion}
	}
	return &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
}

// ScaleSparkQueue sets a resource queue's CU. The engine reads the queues
// and the workspace first: the policy refuses more CU than the workspace
// holds and asks for a cost acknowledgement past the queue limits. A
// queue that already has the CU asked is left alone.
func (e *Engine) ScaleSparkQueue(ctx context.Context, call Call, in provider.SparkQueueEdit) (*SparkResult, error) {
	if err := checkSpark(in.WorkspaceID); err != nil {
		return nil, err
	}
	if err := problemsError(in.Problems(), textProblems("queue", in.Queue)...); err != nil {
		return nil, err
	}
	for _, env := range in.Environments {
		if err := oneOf("environments", env, []string{"dev", "production"}); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(in.WorkspaceID, in.Queue)
	return run(ctx, e, call, job[*SparkResult]{
		operation: opSparkEditQueue, target: target, input: in, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			op, cur, err := e.queueOp(ctx, p, in)
			if err != nil {
				return nil, err
			}
			// Without maxCu the service sets the elastic maximum to cu.
			ceiling := max(in.MaxCU, in.CU)
			if op.CU == op.CurrentCU && float64(ceiling) == cur.MaxCU && in.Environments == nil {
				out := f.unchanged(ctx, op, fmt.Sprintf("queue %s already has %d CU", in.Queue, in.CU))
				return &SparkResult{ID: in.Queue, Outcome: out}, nil
			}
			out, err := f.apply(ctx, write{
				op: op, operation: opSparkEditQueue, target: target, tokenKind: journal.TokenNone,
				request: p.EditSparkQueueRequest(in), observed: cur,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) { return p.EditSparkQueue(ctx, in) },
			})
			if err != nil {
				return nil, err
			}
			return &SparkResult{ID: in.Queue, Outcome: out,
				Notes: []string{"the service applies a queue change for 5-10 seconds: wait that long before changing another queue"}}, nil
		},
	})
}

// queueOp reads the workspace and its queues and describes the change for
// the policy.
func (e *Engine) queueOp(ctx context.Context, p provider.SparkService, in provider.SparkQueueEdit) (policy.EditSparkQueue, *provider.SparkQueue, error) {
	op := policy.EditSparkQueue{WorkspaceID: in.WorkspaceID, Queue: in.Queue, CU: in.CU, MaxCU: in.MaxCU}
	w, err := read(ctx, e, func(ctx context.Context) (*provider.SparkWorkspace, error) {
		return p.GetSparkWorkspace(ctx, in.WorkspaceID)
	})
	if err != nil {
		return op, nil, err
	}
	qs, err := read(ctx, e, func(ctx context.Context) ([]provider.SparkQueue, error) {
		return p.ListSparkQueues(ctx, in.WorkspaceID, "")
	})
	if err != nil {
		return op, nil, err
	}
	var cur *provider.SparkQueue
	var names []string
	known := true
	for i := range qs {
		q := &qs[i]
		names = append(names, q.Name)
		if q.MinCU < 0 {
			known = false
		}
		if q.Name == in.Queue {
			cur = q
			continue
		}
		op.OtherQueuesCU += int(q.MinCU)
	}
	if cur == nil {
		return op, nil, inputError("queue", fmt.Sprintf("workspace %s has no queue %q", in.WorkspaceID, validate.Render(in.Queue)), "use one of: "+strings.Join(names, ", "))
	}
	op.CurrentCU = int(max(cur.MinCU, 0))
	if known {
		op.WorkspaceCU = w.CU // 0 when the service's text could not be read: no cap check
	}
	return op, cur, nil
}

// sparkJobRequest is the StartJobRun request as the confirmation and the
// journal show it: the exact request and the equivalent command.
type sparkJobRequest struct {
	Request     any    `json:"request"`
	SparkSubmit string `json:"equivalentCommand"`
}

// SubmitSparkJob starts a job run with a client token from the journal
// (and emrctl's request tag carrying it), so a retry after a lost
// response never submits a second run. Every submission is confirmed
// with the equivalent spark-submit command; agents run code only from the
// user's own buckets, with no Spark properties that load code.
func (e *Engine) SubmitSparkJob(ctx context.Context, call Call, workspaceID string, in provider.SparkJobRunInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	in.ClientToken = ""
	more := textProblems("name", in.Name, "queue", in.Queue, "mainClass", in.MainClass)
	if slices.ContainsFunc(in.Tags, func(t provider.Tag) bool { return t.Key == sparkRequestTagKey }) {
		more = append(more, FieldProblem{Field: "tags", Problem: fmt.Sprintf("the tag %s is emrctl's own", sparkRequestTagKey), Fix: "use another tag key"})
	}
	if isAgent(call.Actor) {
		more = append(more, sparkAgentJobProblems(in)...)
	}
	if err := problemsError(in.Problems(), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	cmd := in.SparkSubmit()
	op := policy.StartSparkJobRun{WorkspaceID: workspaceID, Name: in.Name, CodeType: in.CodeType, Queue: in.Queue,
		CodeURIs: sparkCodeURIs(in), OwnBuckets: e.opts.OwnBuckets, SparkSubmit: cmd}
	req := sparkJobRequest{Request: p.StartSparkJobRunRequest(workspaceID, in), SparkSubmit: cmd}
	input := map[string]any{"workspaceId": workspaceID, "job": in}
	return run(ctx, e, call, job[*SparkResult]{
		operation: opSparkSubmitJob, target: workspaceID, input: input, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			out, err := f.apply(ctx, write{
				op: op, operation: opSparkSubmitJob, target: workspaceID, tokenKind: journal.TokenClient, request: req,
				send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
					sent := in
					sent.ClientToken, sent.Tags = token, withRequestTag(in.Tags, token)
					return p.StartSparkJobRun(ctx, workspaceID, sent)
				},
			})
			if err != nil {
				return nil, err
			}
			return &SparkResult{ID: firstID(out, ""), Outcome: out, SparkSubmit: cmd}, nil
		},
	})
}

// CancelSparkJobRun cancels a job run. It reads the run first: only a
// Running run is cancelled (the policy refuses any other state, naming
// it), after a confirmation.
func (e *Engine) CancelSparkJobRun(ctx context.Context, call Call, workspaceID, runID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "job run ID", runID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, runID)
	return run(ctx, e, call, job[*SparkResult]{
		operation: opSparkCancelJobRun, target: target, input: target, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			r, err := read(ctx, e, func(ctx context.Context) (*provider.SparkJobRun, error) {
				return p.GetSparkJobRun(ctx, workspaceID, runID)
			})
			if err != nil {
				return nil, err
			}
			op := policy.CancelSparkJobRun{WorkspaceID: workspaceID, RunID: runID, Name: r.Name, State: r.State}
			out, err := f.apply(ctx, write{
				op: op, operation: opSparkCancelJobRun, target: target, tokenKind: journal.TokenNone,
				request: p.CancelSparkJobRunRequest(workspaceID, runID), observed: map[string]string{"state": r.State},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.CancelSparkJobRun(ctx, workspaceID, runID)
				},
			})
			if err != nil {
				return nil, err
			}
			return &SparkResult{ID: runID, Outcome: out, Notes: []string{"the run goes Cancelling, then Cancelled"}}, nil
		},
	})
}
