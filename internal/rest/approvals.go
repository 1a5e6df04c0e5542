package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-faster/jx"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/rest/oas"
)

// The audit events of an approver's decision.
const (
	EventApprovalApproved = "approval.approved"
	EventApprovalRejected = "approval.rejected"
)

// errNoApprovals is a server started without an approval store.
var errNoApprovals = problem(TypeUnavailable, http.StatusServiceUnavailable,
	"this server has no approval queue: writes that need a person's confirmation are refused")

// approvalPath is where an approval is served.
func approvalPath(id string) string { return "/v1/approvals/" + id }

// approvalOf is the REST resource of an approval.
func approvalOf(a *approval.Approval) oas.Approval {
	q := a.Question
	out := oas.Approval{
		ID: a.ID, Status: oas.ApprovalStatus(a.Status), Operation: a.Route, API: q.API, Target: q.Target, Lines: q.Lines,
		Request: jx.Raw(q.Request), RequestHash: a.RequestHash, RequestedBy: a.RequestedBy, Via: a.Via,
		CreatedAt: a.CreatedAt, ExpiresAt: a.ExpiresAt, DecidedBy: optString(a.DecidedBy), Reason: optString(a.Reason),
		Result: jx.Raw(a.Result), RequireTypedName: optString(q.RequireTypedName), Cost: optString(q.Cost),
		Links: oas.ApprovalLinks{Self: approvalPath(a.ID), Approve: approvalPath(a.ID) + "/approve", Reject: approvalPath(a.ID) + "/reject"},
	}
	if out.Lines == nil {
		out.Lines = []string{}
	}
	if q.NeedsCostAck {
		out.NeedsCostAck = oas.NewOptBool(true)
	}
	if q.RequireZeroAck {
		out.RequireZeroAck = oas.NewOptBool(true)
	}
	if !a.DecidedAt.IsZero() {
		out.DecidedAt = oas.NewOptDateTime(a.DecidedAt)
	}
	if !a.FinishedAt.IsZero() {
		out.FinishedAt = oas.NewOptDateTime(a.FinishedAt)
	}
	return out
}

// approvalIDError is a malformed approval ID.
func approvalIDError(id string) error {
	return inputProblem("approvalId", fmt.Sprintf("%q is not an approval ID", id), "use the id of an approval: apv- and 26 letters and digits")
}

// ListApprovals lists approvals, oldest first.
func (h *handlers) ListApprovals(ctx context.Context, p oas.ListApprovalsParams) (*oas.ApprovalList, error) {
	if h.approvals == nil {
		return nil, errNoApprovals
	}
	f := approval.Filter{Limit: limitOf(p.Limit) + 1}
	var names []string
	for _, st := range p.Status {
		f.Statuses = append(f.Statuses, approval.Status(st))
		names = append(names, string(st))
	}
	q := newQuery("approvals", joined(names))
	after, err := h.cursors.decode(q, p.Cursor)
	if err != nil {
		return nil, err
	}
	f.After = after
	all, err := h.approvals.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &oas.ApprovalList{Items: []oas.Approval{}}
	for i := range all {
		if i == f.Limit-1 {
			out.NextCursor = oas.NewOptString(h.cursors.encode(q, all[i-1].ID))
			break
		}
		out.Items = append(out.Items, approvalOf(&all[i]))
	}
	return out, nil
}

// GetApproval returns one approval.
func (h *handlers) GetApproval(ctx context.Context, p oas.GetApprovalParams) (*oas.Approval, error) {
	if h.approvals == nil {
		return nil, errNoApprovals
	}
	if !approval.ValidID(p.ApprovalId) {
		return nil, approvalIDError(p.ApprovalId)
	}
	a, err := h.approvals.Get(ctx, p.ApprovalId)
	if err != nil {
		return nil, err
	}
	out := approvalOf(a)
	return &out, nil
}

// ApproveApproval approves a pending write as the token in ctx, and runs it.
func (h *handlers) ApproveApproval(ctx context.Context, req *oas.ApproveRequest, p oas.ApproveApprovalParams) (*oas.Approval, error) {
	return h.decideAs(ctx, p.ApprovalId, approval.Decision{Approve: true, Reason: req.Reason.Or(""),
		Answer: engine.Answer{CostAck: req.CostAck.Or(false), ZeroAck: req.ZeroAck.Or(false), TypedName: req.TypedName.Or("")}})
}

// RejectApproval rejects a pending write as the token in ctx.
func (h *handlers) RejectApproval(ctx context.Context, req *oas.RejectRequest, p oas.RejectApprovalParams) (*oas.Approval, error) {
	return h.decideAs(ctx, p.ApprovalId, approval.Decision{Reason: req.Reason.Or("")})
}

func (h *handlers) decideAs(ctx context.Context, id string, d approval.Decision) (*oas.Approval, error) {
	pr, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return nil, errors.New("decision without an authenticated token")
	}
	d.By = pr.Name
	a, err := h.decide(ctx, id, d)
	if err != nil {
		return nil, err
	}
	out := approvalOf(a)
	return &out, nil
}

// decide records the decision and, for an approved REST write, runs the
// write once as its requester, bound to the request the approver saw,
// and records its result on the approval. An approved MCP write is run by
// the MCP call that waits for it.
func (h *handlers) decide(ctx context.Context, id string, d approval.Decision) (*approval.Approval, error) {
	if h.approvals == nil {
		return nil, errNoApprovals
	}
	if !approval.ValidID(id) {
		return nil, approvalIDError(id)
	}
	a, payload, err := h.approvals.Decide(ctx, id, d)
	if err != nil {
		return nil, err
	}
	// The decision stands whatever happens to this request now: what
	// follows must not be cut off by a client that hangs up.
	ctx = context.WithoutCancel(ctx)
	h.auditDecision(ctx, a, d)
	if !d.Approve || a.Via != restClient {
		return a, nil
	}
	return h.replay(ctx, a, payload, d.Answer)
}

// auditDecision records who decided what, on which request.
func (h *handlers) auditDecision(ctx context.Context, a *approval.Approval, d approval.Decision) {
	event := EventApprovalRejected
	if d.Approve {
		event = EventApprovalApproved
	}
	detail, _ := json.Marshal(map[string]string{"approval": a.ID, "requestHash": a.RequestHash, "requestedBy": a.RequestedBy, "reason": d.Reason})
	ev := journal.AuditEvent{Actor: d.By, ActorKind: string(policy.Service), Client: "approval", Event: event,
		Operation: a.Question.API, Target: a.Question.Target, Detail: string(detail)}
	if err := h.eng.Journal().Audit(ctx, ev); err != nil {
		h.log.WarnContext(ctx, "audit", "event", event, "error", h.secrets.String(err.Error()))
	}
}

// staleWatch is the replay's confirmer: Granted, noting a stale request.
type staleWatch struct {
	*approval.Granted
	stale *approval.StaleError
}

func (s *staleWatch) Confirm(ctx context.Context, c engine.Confirmation) (engine.Answer, error) {
	ans, err := s.Granted.Confirm(ctx, c)
	errors.As(err, &s.stale)
	return ans, err
}

// replay runs an approved REST write and records what it came to.
func (h *handlers) replay(ctx context.Context, a *approval.Approval, payload []byte, answer engine.Answer) (*approval.Approval, error) {
	var env envelope
	err := json.Unmarshal(payload, &env)
	run, known := execs[oasOperation(a.Route)]
	if err == nil && !known {
		err = fmt.Errorf("approval %s names route %q, which this server does not have", a.ID, a.Route)
	}
	if err == nil {
		err = h.requesterMayWrite(ctx, a.RequestedBy)
	}
	var result any
	if err == nil {
		watch := &staleWatch{Granted: &approval.Granted{Approval: a, Answer: answer}}
		call := engine.Call{Actor: serviceActor(a.RequestedBy), IdempotencyKey: env.Key, Answering: true, Confirm: watch}
		wctx, cancel := context.WithTimeout(ctx, h.writeTimeout)
		var res any
		res, err = run(wctx, h, call, env.Payload)
		cancel()
		switch {
		case watch.stale != nil:
			err = watch.stale
		case err == nil:
			result, err = h.writeResultOf(oasOperation(a.Route), res)
		}
	}
	if err != nil {
		p := scrubbedProblem(err, h.secrets).Response
		p.Instance = oas.NewOptString(approvalPath(a.ID))
		result = &p
	}
	return h.approvals.Finish(ctx, a.ID, err == nil, result)
}

func oasOperation(route string) oas.OperationName { return oas.OperationName(route) }

// requesterGoneError says the token that asked for a write may no longer
// write (revoked, expired, or now of another role): an approval does not
// outlive its requester's right to ask.
type requesterGoneError struct{ Name string }

func (e *requesterGoneError) Error() string {
	return fmt.Sprintf("the requester %s no longer has a live operator token (revoked, expired or another role since it asked): nothing was sent", e.Name)
}

// requesterMayWrite checks, when the token store can list tokens, that
// the requester still has a live token that may write.
func (h *handlers) requesterMayWrite(ctx context.Context, name string) error {
	lister, ok := h.auth.(interface {
		List(ctx context.Context) ([]auth.Token, error)
	})
	if !ok {
		return nil
	}
	tokens, err := lister.List(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, t := range tokens {
		if t.Name == name && t.RevokedAt == nil && now.Before(t.ExpiresAt) && t.Role.CanWrite() {
			return nil
		}
	}
	return &requesterGoneError{Name: name}
}
