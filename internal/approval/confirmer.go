package approval

import (
	"context"
	"fmt"
	"slices"

	"github.com/emrctl/emrctl/internal/engine"
)

// PendingError says the confirmation is queued for an approver. It is an
// engine.ErrConfirmationPending: nothing ran, and it is not a refusal.
type PendingError struct{ Approval *Approval }

func (e *PendingError) Error() string {
	return fmt.Sprintf("waiting for an approver: approval %s, until %s", e.Approval.ID, e.Approval.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
}

// Unwrap makes it an engine.ErrConfirmationPending.
func (e *PendingError) Unwrap() error { return engine.ErrConfirmationPending }

// Asker is the confirmer of a write that cannot ask a person now: it
// queues the confirmation as an approval. An identical request from the
// same requester that is still pending gets that approval, not a second.
type Asker struct {
	Store       *Store
	Route       string
	Key         string // the request's idempotency key, if any
	Payload     []byte // what the surface needs to run the write again
	RequestedBy string
	Via         string
}

// Confirm implements engine.Confirmer.
func (a *Asker) Confirm(ctx context.Context, c engine.Confirmation) (engine.Answer, error) {
	ap, err := a.Store.Enqueue(ctx, &Approval{
		Route: a.Route, IdempotencyKey: a.Key, Question: QuestionOf(c), RequestHash: c.RequestHash, RequestedBy: a.RequestedBy, Via: a.Via,
	}, a.Payload)
	if err != nil {
		return engine.Answer{}, fmt.Errorf("queue the confirmation for an approver: %w", err)
	}
	return engine.Answer{}, &PendingError{Approval: ap}
}

// Granted is the confirmer of the replay of an approved write: it says
// yes, with the approver's acknowledgements, to the request the approver
// saw and to nothing else.
type Granted struct {
	Approval *Approval
	Answer   engine.Answer
}

// StaleError says the write, prepared again after the approval, is not
// the request the approver saw (the cluster changed in between).
type StaleError struct{ ID string }

func (e *StaleError) Error() string {
	return "the request changed after approval " + e.ID + " was given (the target's state moved on): nothing was sent; submit it again for a new approval"
}

// Confirm implements engine.Confirmer. The request and what the person
// read must both be unchanged: a relative write (add 2 nodes) sends the
// same request from another size, and its impact lines say so.
func (g *Granted) Confirm(_ context.Context, c engine.Confirmation) (engine.Answer, error) {
	if c.RequestHash != g.Approval.RequestHash || !slices.Equal(c.Lines(), g.Approval.Question.Lines) {
		return engine.Answer{}, &StaleError{ID: g.Approval.ID}
	}
	ans := g.Answer
	ans.Yes = true
	return ans, nil
}
