package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/redact"
)

// Call carries who is asking and how to reach them for confirmation.
type Call struct {
	Actor policy.Actor
	// Confirm asks the human behind the call. Nil means nobody can be
	// asked: operations that need confirmation are refused.
	Confirm Confirmer
	// IdempotencyKey distinguishes a deliberate repeat of the same write
	// from a duplicate delivery (MCP clients re-send after broken streams).
	IdempotencyKey string
}

// Confirmer asks a human to approve an operation.
type Confirmer interface {
	Confirm(ctx context.Context, c Confirmation) (Answer, error)
}

// Confirmation is what the human sees: the seed's template (API, target,
// impact) and the exact request with secrets redacted.
type Confirmation struct {
	Summary          policy.Summary `json:"summary"`
	Reasons          []string       `json:"reasons,omitempty"`
	Request          any            `json:"request"`
	RequestHash      string         `json:"requestHash"`
	NeedsCostAck     bool           `json:"needsCostAck,omitempty"`
	CostReason       string         `json:"costReason,omitempty"`
	RequireTypedName string         `json:"requireTypedName,omitempty"`
	RequireZeroAck   bool           `json:"requireZeroAck,omitempty"`
}

// ErrConfirmationPending is returned by a Confirmer that has sent the
// question to the human and gets the answer with a later call (MCP input
// requests): nothing runs now, and it is not a refusal.
var ErrConfirmationPending = errors.New("waiting for the person's answer")

// Answer is the human's reply.
type Answer struct {
	Yes       bool
	CostAck   bool
	ZeroAck   bool
	TypedName string
}

// hashRequest identifies the exact request a confirmation is bound to.
func hashRequest(req any) string {
	raw, _ := json.Marshal(redact.Value("", req))
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// confirm runs the confirmation a decision asks for. It returns nil only
// when every requirement was met by the human's answer.
func (e *Engine) confirm(ctx context.Context, call Call, d policy.Decision, op policy.Operation, req any) error {
	shown := redact.Value("", req)
	c := Confirmation{
		Summary: d.Summary, Reasons: d.Reasons, Request: shown, RequestHash: hashRequest(req),
		NeedsCostAck: d.NeedsCostAck, CostReason: d.CostReason,
		RequireTypedName: d.RequireTypedName, RequireZeroAck: d.RequireZeroAck,
	}
	refuse := func(why string) error {
		e.audit(ctx, call, "confirm.declined", op, why)
		return &NotConfirmedError{Operation: op.API(), Target: op.Target(), Reason: why}
	}
	if call.Confirm == nil {
		return refuse("it needs a human's confirmation and none can be asked here")
	}
	ans, err := call.Confirm.Confirm(ctx, c)
	if errors.Is(err, ErrConfirmationPending) {
		e.audit(ctx, call, "confirm.requested", op, c.RequestHash)
		return &NotConfirmedError{Operation: op.API(), Target: op.Target(), Reason: err.Error(), Err: err}
	}
	if err != nil {
		return refuse(err.Error())
	}
	switch {
	case !ans.Yes:
		return refuse("declined")
	case c.NeedsCostAck && !ans.CostAck:
		return refuse("the cost was not acknowledged (" + c.CostReason + ")")
	case c.RequireZeroAck && !ans.ZeroAck:
		return refuse("removing every node of the group was not acknowledged")
	case c.RequireTypedName != "" && ans.TypedName != c.RequireTypedName:
		return refuse("the name typed back did not match")
	}
	return nil
}

// audit records a non-write event; failures to audit are logged, not fatal.
func (e *Engine) audit(ctx context.Context, call Call, event string, op policy.Operation, detail string) {
	ev := journalAudit(call, event, op.API(), op.Target(), detail)
	if err := e.opts.Journal.Audit(ctx, ev); err != nil {
		e.opts.Log.Warn("audit", "event", event, "error", err)
	}
}
