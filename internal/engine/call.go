package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/validate"
)

// Call carries who is asking and how to reach them for confirmation.
type Call struct {
	Actor policy.Actor
	// Confirm asks the human behind the call. Nil means nobody can be
	// asked: operations that need confirmation are refused.
	Confirm Confirmer
	// IdempotencyKey names one attempt of a write: a call with a key used
	// before for the same request gets the recorded result, and one with a
	// key used for another request is refused. Without a key, a write
	// repeated after it finished is a new write.
	IdempotencyKey string
	// ReplayWindow, when set (MCP servers), answers an identical call that
	// succeeded within it, and was the last write on its target, with the
	// recorded result instead of applying it again: re-delivered tool
	// calls are common. The answer says so and how to apply it again.
	ReplayWindow time.Duration
	// Progress receives what the write is waiting for (stderr in the CLI).
	Progress func(string)
}

// idempotencyKeyPattern is what an idempotency key may look like: it is
// journaled and hashed, never interpreted.
var idempotencyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// CheckIdempotencyKey checks a key before anything is sent; field names
// it as the caller wrote it (--idempotency-key, idempotencyKey).
func CheckIdempotencyKey(field, k string) error {
	if k == "" || idempotencyKeyPattern.MatchString(k) {
		return nil
	}
	return inputError(field, fmt.Sprintf("%q is not a valid key", validate.Render(k)),
		"use 1-64 ASCII letters, digits, '.', '_', ':' or '-' (start with a letter or digit), or leave it out")
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
