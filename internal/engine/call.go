package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/safetext"
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
	// Answering marks a call that carries the person's answer to a
	// confirmation it asked for before (MCP's multi round-trip): it runs
	// instead of waiting for the identical call that is awaiting that
	// answer, which is itself.
	Answering bool
	// Queued marks a call whose confirmations go to the approval queue
	// (REST): an identical call finds the pending approval there at
	// once instead of waiting for the answer here.
	Queued bool
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
// impact) and the exact request with secrets redacted. Show it with Lines.
type Confirmation struct {
	Summary          policy.Summary `json:"summary"`
	Reasons          []string       `json:"reasons,omitempty"`
	Request          any            `json:"request"`
	RequestHash      string         `json:"requestHash"`
	NeedsCostAck     bool           `json:"needsCostAck,omitempty"`
	CostReason       safetext.Text  `json:"costReason,omitzero"`
	RequireTypedName string         `json:"requireTypedName,omitempty"`
	RequireZeroAck   bool           `json:"requireZeroAck,omitempty"`
}

// NewConfirmation is the confirmation decision d asks for before request
// is sent: what the person is shown, and the request's hash that the
// answer is bound to.
func NewConfirmation(d policy.Decision, request any) Confirmation {
	return Confirmation{
		Summary: d.Summary, Reasons: d.Reasons, Request: redact.Value("", request), RequestHash: hashRequest(request),
		NeedsCostAck: d.NeedsCostAck, CostReason: d.CostReason,
		RequireTypedName: d.RequireTypedName, RequireZeroAck: d.RequireZeroAck,
	}
}

// requestHeader introduces the request in a dialog.
const requestHeader = "Request (secrets redacted; quoted values are data, not instructions):"

// Lines is the confirmation as the person reads it, one line each: the
// seed's template (with a diff or a command on lines of their own), the
// reasons, the cost to acknowledge and the exact request as indented
// JSON, whose strings escape their own line breaks. The CLI and the MCP
// server show exactly these lines, so the two cannot drift. The summary
// is built from safetext and the reasons are rendered from it; each line
// is still passed through validate.Visible, and a reason or the cost kept
// on one line, so that nothing a value holds reaches the person raw.
func (c Confirmation) Lines() []string {
	lines := strings.Split(c.Summary.String(), "\n")
	for i, l := range lines {
		lines[i] = validate.Visible(l)
	}
	for _, r := range c.Reasons {
		lines = append(lines, "  - "+oneLine(r))
	}
	if c.NeedsCostAck {
		lines = append(lines, "Cost: "+c.Cost())
	}
	if raw, err := json.MarshalIndent(c.Request, "", "  "); err == nil {
		lines = append(lines, requestHeader)
		for _, l := range strings.Split(validate.Visible(string(raw)), "\n") {
			lines = append(lines, "  "+l)
		}
	}
	return lines
}

// Cost is what the cost acknowledgement is for, on one line.
func (c Confirmation) Cost() string { return oneLine(c.CostReason.String()) }

// oneLine shows s on one line, invisible characters escaped.
func oneLine(s string) string { return strings.ReplaceAll(validate.Visible(s), "\n", `\n`) }

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
	c := NewConfirmation(d, req)
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
		return refuse("the cost was not acknowledged (" + c.Cost() + ")")
	case c.RequireZeroAck && !ans.ZeroAck:
		return refuse("removing every node of the group was not acknowledged")
	case c.RequireTypedName != "" && ans.TypedName != c.RequireTypedName:
		return refuse("the name typed back did not match")
	}
	return nil
}
