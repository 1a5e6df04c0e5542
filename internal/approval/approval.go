// Package approval is the queue of confirmations that wait for a person
// with the approver role: a write asked over REST (or by an MCP client
// that cannot show a dialog) that needs a confirmation becomes a pending
// approval; an approver approves or rejects it once; the write then runs
// exactly once, bound to the request hash the approver saw, and its
// result is kept on the approval.
package approval

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/engine"
)

// Status is where an approval is in its life.
type Status string

// The statuses. Pending is the only one that can be decided; approved
// becomes executed or failed when the write has run.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
	Expired  Status = "expired"
	Executed Status = "executed"
	Failed   Status = "failed"
)

// ParseStatus checks a status named by a caller (a filter).
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case Pending, Approved, Rejected, Expired, Executed, Failed:
		return st, nil
	}
	return "", fmt.Errorf("%q is not an approval status: use pending, approved, rejected, expired, executed or failed", s)
}

// DefaultTTL is how long an approval waits for a decision.
const DefaultTTL = time.Hour

// Question is what the approver reads and must answer: the confirmation
// as every surface renders it, the redacted request, and what the answer
// must acknowledge.
type Question struct {
	API              string          `json:"api"`
	Target           string          `json:"target"`
	Lines            []string        `json:"lines"`
	Request          json.RawMessage `json:"request"`
	NeedsCostAck     bool            `json:"needsCostAck,omitempty"`
	Cost             string          `json:"cost,omitempty"`
	RequireTypedName string          `json:"requireTypedName,omitempty"`
	RequireZeroAck   bool            `json:"requireZeroAck,omitempty"`
}

// QuestionOf is the question of a confirmation.
func QuestionOf(c engine.Confirmation) Question {
	req, err := json.Marshal(c.Request) // already redacted by NewConfirmation
	if err != nil {
		req = []byte(`null`)
	}
	q := Question{
		API: c.Summary.API, Target: c.Summary.Target.String(), Lines: c.Lines(), Request: req,
		NeedsCostAck: c.NeedsCostAck, RequireTypedName: c.RequireTypedName, RequireZeroAck: c.RequireZeroAck,
	}
	if c.NeedsCostAck {
		q.Cost = c.Cost()
	}
	return q
}

// Approval is one queued confirmation.
type Approval struct {
	ID    string `json:"id"`
	Route string `json:"route"`
	// IdempotencyKey is the key the request came with, if any.
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	Question       Question  `json:"question"`
	RequestHash    string    `json:"requestHash"`
	RequestedBy    string    `json:"requestedBy"`
	Via            string    `json:"via"`
	CreatedAt      time.Time `json:"createdAt"`
	ExpiresAt      time.Time `json:"expiresAt"`
	Status         Status    `json:"status"`
	DecidedBy      string    `json:"decidedBy,omitempty"`
	DecidedAt      time.Time `json:"decidedAt,omitzero"`
	Reason         string    `json:"reason,omitempty"`
	// Answer is the approver's acknowledgements (cost, zero nodes, the
	// typed name) that an approval carries to the write.
	Answer engine.Answer `json:"answer,omitzero"`
	// Result is what the write came to once it ran (executed or failed):
	// the surface's own JSON of its result or problem, redacted.
	Result     json.RawMessage `json:"result,omitempty"`
	FinishedAt time.Time       `json:"finishedAt,omitzero"`
}

// Decision is an approver's answer.
type Decision struct {
	Approve bool
	By      string
	Reason  string
	// Answer carries the acknowledgements the question asks for.
	Answer engine.Answer
}

// Errors of the queue.
var (
	ErrNotFound     = errors.New("no such approval")
	ErrSelfApproval = errors.New("an approval cannot be decided by the token that requested it")
)

// DecidedError says an approval was decided before (or expired): it is
// single-use.
type DecidedError struct{ Status Status }

func (e *DecidedError) Error() string {
	if e.Status == Expired {
		return "the approval expired before it was decided: nothing was sent; submit the request again"
	}
	return fmt.Sprintf("the approval is already %s: each approval is decided once", e.Status)
}

// AnswerError says the approver's answer lacks an acknowledgement the
// question requires; the approval stays pending.
type AnswerError struct{ Field, Problem string }

func (e *AnswerError) Error() string { return e.Field + ": " + e.Problem }

// checkAnswer enforces the question's acknowledgements on an approval.
func checkAnswer(q Question, d Decision) error {
	if !d.Approve {
		return nil
	}
	switch {
	case q.NeedsCostAck && !d.Answer.CostAck:
		return &AnswerError{Field: "costAck", Problem: "the cost must be acknowledged (" + q.Cost + "): set costAck to true"}
	case q.RequireZeroAck && !d.Answer.ZeroAck:
		return &AnswerError{Field: "zeroAck", Problem: "removing every node of the group must be acknowledged: set zeroAck to true"}
	case q.RequireTypedName != "" && d.Answer.TypedName != q.RequireTypedName:
		return &AnswerError{Field: "typedName", Problem: "type the name back exactly: " + q.RequireTypedName}
	}
	return nil
}

// newID is an unguessable approval ID: 128 random bits.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "apv-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// ValidID reports whether s looks like an approval ID, so a malformed one
// is an input error rather than a lookup.
func ValidID(s string) bool {
	if !strings.HasPrefix(s, "apv-") || len(s) != 4+26 {
		return false
	}
	for _, r := range s[4:] {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}
