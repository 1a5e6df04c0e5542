package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Outcome statuses: what a write call did.
const (
	// StatusSent: the write was sent and the cloud accepted it.
	StatusSent = "sent"
	// StatusUnchanged: the desired state already held; nothing was sent.
	StatusUnchanged = "unchanged"
	// StatusReconciled: an earlier attempt of the same request, whose
	// outcome was unknown, was found applied; nothing was sent again.
	StatusReconciled = "reconciled"
	// StatusReplayed: the result recorded for the same idempotency key
	// (or, for agents, the same call moments ago) is returned; nothing
	// was sent again.
	StatusReplayed = "replayed"
	// StatusJoined: an identical call was in flight; its result is
	// returned and nothing was sent twice.
	StatusJoined = "joined"
)

// Outcome is what one guarded write did.
type Outcome struct {
	Status    string                `json:"status"`
	Result    *provider.WriteResult `json:"result,omitempty"`
	JournalID int64                 `json:"journalId,omitempty"`
	// Note says in words what happened when it was not a plain send.
	Note string `json:"note,omitempty"`
}

// Sent reports whether this call sent a write.
func (o *Outcome) Sent() bool { return o != nil && o.Status == StatusSent }

// job is one write a caller asked for: run under its target's lock, from
// the first read of the state through the confirmation, the send and the
// record, so that every process and every parallel call sees the rules
// applied to the state it will change.
type job[T any] struct {
	// operation names the write (the API, or the engine's verb for a
	// write made of several calls).
	operation string
	// target is what it changes and what is locked: a node group
	// ("c-1/ng-1"), a cluster ID, a spec name.
	target string
	// input is what the caller asked, as given: it identifies the intent
	// (identical calls in flight join; an idempotency key is bound to it).
	input any
	// do runs the write in the flight.
	do func(ctx context.Context, f *flight) (T, error)
	// mark adds a note to a result recorded by another call (joined, or
	// replayed for a key).
	mark func(t T, status, note string) T
}

// flight is one write call in progress: its owner, its lock and what it
// has done so far.
type flight struct {
	e      *Engine
	call   Call
	owner  journal.Owner
	lock   string
	target string
	hash   string
	job    string // operation, for messages
	// settled holds what settling the target found about earlier
	// attempts with an open outcome, by their intent hash.
	settled map[string]settlement
	// lastAttempt is the newest attempt this flight recorded.
	lastAttempt int64
	sent        bool
	lost        atomic.Bool
}

// settlement is what reconciling an open attempt found.
type settlement struct {
	entry   journal.Entry
	verdict verdict
}

// flightRecord is what a finished flight leaves for identical calls.
type flightRecord struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *recordedError  `json:"error,omitempty"`
}

// recordedError is an error a flight ended with, as calls that join it or
// replay its key get it back.
type recordedError struct {
	Class     string `json:"class"`
	Message   string `json:"message"`
	JournalID int64  `json:"journalId,omitempty"`
}

// Flight statuses beyond the outcome statuses.
const (
	flightFailed   = "failed"   // sent; the cloud refused it
	flightUnknown  = "unknown"  // sent; no answer
	flightRefused  = "refused"  // the policy said no
	flightDeclined = "declined" // the person said no, or could not be asked
	flightInvalid  = "invalid"  // bad input
	flightError    = "error"    // anything else before sending
	// flightAwaiting: the call ended to ask the person, who answers with
	// a later call (MCP's multi round-trip); the intent is still in flight.
	flightAwaiting = "awaiting"
)

// finalStatuses are the flight statuses that end an intent.
var finalStatuses = []string{StatusSent, StatusUnchanged, StatusReconciled, StatusReplayed,
	flightFailed, flightUnknown, flightRefused, flightDeclined, flightInvalid, flightError}

// run runs j for call: it validates the idempotency key, joins an
// identical call already in flight, takes the target's lock, answers a
// repeated key or (for agents) a repeated call from the record, settles
// earlier attempts whose outcome is open, and runs the job.
func run[T any](ctx context.Context, e *Engine, call Call, j job[T]) (T, error) {
	var zero T
	if err := CheckIdempotencyKey("idempotency-key", call.IdempotencyKey); err != nil {
		return zero, err
	}
	hash, err := e.opts.Journal.IntentHash(e.intent(call, j.operation, j.target, j.input))
	if err != nil {
		return zero, err
	}
	f := &flight{e: e, call: call, owner: journal.NewOwner(), lock: e.opts.Scope + "|" + j.target, target: j.target, hash: hash, job: j.operation}
	for {
		if p := f.pendingAnswer(ctx); p != nil {
			if t, ok, err := awaitAnswer(ctx, f, j, p); ok {
				return t, err
			}
		}
		holder, err := f.acquire(ctx, j.target)
		if err != nil {
			return zero, err
		}
		if holder != nil {
			return joinFlight(ctx, f, holder, j)
		}
		// An identical call may have ended to ask the person just before
		// this one took the lock: wait for that answer instead, without
		// the lock, which the answer needs.
		if f.pendingAnswer(ctx) == nil {
			break
		}
		if err := f.e.opts.Journal.Unlock(ctx, f.lock, f.owner.ID, nil); err != nil {
			return zero, err
		}
	}
	stop := f.heartbeat(ctx)
	t, err := runLocked(ctx, f, j)
	stop()
	f.release(ctx, t, err)
	return t, err
}

// runLocked is the part of run that holds the lock.
func runLocked[T any](ctx context.Context, f *flight, j job[T]) (T, error) {
	if t, ok, err := replayKey(ctx, f, j); ok || err != nil {
		return t, err
	}
	if t, ok := replayRecent(ctx, f, j); ok {
		return t, nil
	}
	if err := f.settle(ctx, j.target); err != nil {
		var zero T
		return zero, err
	}
	return j.do(ctx, f)
}

// lockPoll is how often a call waiting for a lock looks again.
const lockPoll = 150 * time.Millisecond

// acquire takes the target's lock, waiting while another call holds it.
// When the holder is an identical call, it returns the holder instead:
// the caller joins it.
func (f *flight) acquire(ctx context.Context, target string) (*journal.Holder, error) {
	waitCtx, cancel := context.WithTimeout(ctx, f.e.opts.Timeouts.Lock)
	defer cancel()
	said := ""
	for {
		h, err := f.e.opts.Journal.TryLock(waitCtx, journal.LockRequest{
			Name: f.lock, Owner: f.owner, Actor: f.call.Actor.Name, IntentHash: f.joinKey(), Operation: f.job, Lease: f.e.opts.Lease,
		})
		if err != nil && waitCtx.Err() == nil {
			return nil, err
		}
		if err == nil && h == nil {
			return nil, nil
		}
		if h != nil && h.IntentHash == f.joinKey() {
			return h, nil
		}
		if h != nil && h.Owner.ID != said {
			said = h.Owner.ID
			f.progress(fmt.Sprintf("waiting: %s is being changed by %s (%s) since %s (%s)",
				validate.Render(target), validate.Render(h.Actor), h.Owner, h.Since.Local().Format("15:04:05"), validate.Render(h.Operation)))
		}
		if err := sleep(waitCtx, lockPoll+rand.N(lockPoll)); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &BusyError{Target: target, Holder: h, Waited: f.e.opts.Timeouts.Lock}
		}
	}
}

// joinKey is what an identical call in flight shares: the same intent
// and the same idempotency key (calls with different keys are different
// writes on purpose, and run one after the other).
func (f *flight) joinKey() string { return f.hash + "|" + f.call.IdempotencyKey }

// heartbeat renews the flight's lease until stop is called. A lease that
// could not be renewed in time (the process stalled) marks the flight
// lost: it sends nothing more.
func (f *flight) heartbeat(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(f.e.opts.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := f.e.opts.Journal.Renew(ctx, f.owner.ID, f.e.opts.Lease); errors.Is(err, journal.ErrLockLost) {
					f.lost.Store(true)
				} else if err != nil {
					f.e.warn("cannot renew the lease of " + f.job + " on the journal: " + err.Error())
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// release unlocks the target and records what the flight came to, for the
// calls that wait to join it and for later calls with the same key.
func (f *flight) release(ctx context.Context, result any, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	rec := flightRecord{}
	status := f.statusOf(result, err)
	if err != nil {
		rec.Error = &recordedError{Class: status, Message: err.Error(), JournalID: f.lastAttempt}
	} else if raw, merr := json.Marshal(result); merr == nil {
		rec.Result = raw
	}
	fl := &journal.Flight{
		IntentHash: f.hash, Scope: f.e.opts.Scope, Target: f.job + " on " + f.target, IdempotencyKey: f.call.IdempotencyKey,
		Client: f.call.Actor.Client, AttemptID: f.lastAttempt, Status: status, Outcome: rec,
	}
	if uerr := retryJournal(ctx, func(ctx context.Context) error { return f.e.opts.Journal.Unlock(ctx, f.lock, f.owner.ID, fl) }); uerr != nil {
		f.e.warn("cannot release the lock on " + f.lock + " in the journal (" + uerr.Error() + "); it frees itself when this process ends")
	}
}

// statusOf classifies how a flight ended.
func (f *flight) statusOf(result any, err error) string {
	var (
		pe *PolicyError
		ie *InputError
		ou *OutcomeUnknownError
		ct *CannotTellError
	)
	switch {
	case err == nil:
		if s := outcomeStatus(result); s != "" {
			return s
		}
		return StatusSent
	case errors.As(err, &ou), errors.As(err, &ct):
		return flightUnknown
	case errors.As(err, &pe):
		return flightRefused
	case errors.Is(err, ErrConfirmationPending):
		return flightAwaiting
	case errors.Is(err, ErrNotConfirmed):
		return flightDeclined
	case errors.As(err, &ie):
		return flightInvalid
	case f.sent:
		return flightFailed
	}
	return flightError
}

// outcomeStatus finds the status of a result that is or carries an
// Outcome.
func outcomeStatus(result any) string {
	type carrier interface{ outcome() *Outcome }
	switch r := result.(type) {
	case *Outcome:
		if r != nil {
			return r.Status
		}
	case carrier:
		if o := r.outcome(); o != nil {
			return o.Status
		}
	}
	return ""
}

// joinFlight waits for the identical call holding the lock and returns its
// result, marked as joined. When the holder died without a record, this
// call runs on its own (settling what the holder left open).
func joinFlight[T any](ctx context.Context, f *flight, h *journal.Holder, j job[T]) (T, error) {
	var zero T
	f.progress(fmt.Sprintf("an identical request by %s (%s) is in flight since %s; waiting for its result instead of sending it twice",
		validate.Render(h.Actor), h.Owner, h.Since.Local().Format("15:04:05")))
	for {
		cur, err := f.e.opts.Journal.LockHolder(ctx, f.lock)
		if err != nil {
			return zero, err
		}
		if cur == nil || cur.Owner.ID != h.Owner.ID {
			break
		}
		if err := sleep(ctx, lockPoll); err != nil {
			return zero, err
		}
	}
	fl, err := f.e.opts.Journal.FlightOf(ctx, h.Owner.ID)
	if errors.Is(err, journal.ErrNotFound) {
		return run(ctx, f.e, f.call, j) // the holder died: start over
	}
	if err != nil {
		return zero, err
	}
	if fl.Status == flightAwaiting {
		// The holder ended to ask the person: wait for the answer, not
		// for a dialog of this call's own.
		if t, ok, err := awaitAnswer(ctx, f, j, fl); ok {
			return t, err
		}
		return run(ctx, f.e, f.call, j)
	}
	note := fmt.Sprintf("an identical request by %s (%s) was in flight; this is its result, and nothing was sent twice", validate.Render(h.Actor), h.Owner)
	if fl.AttemptID > 0 {
		note += fmt.Sprintf(" (journal entry %d)", fl.AttemptID)
	}
	return fromRecord(fl, j, StatusJoined, note)
}

// pendingAnswer is the newest identical call, within the answer timeout,
// that ended to ask the person and whose answer has not come yet; nil
// when there is none, or when this call carries an answer itself.
func (f *flight) pendingAnswer(ctx context.Context) *journal.Flight {
	if f.call.Answering || f.call.Queued {
		return nil
	}
	fl, err := f.e.opts.Journal.LatestFlight(ctx, f.hash, f.e.opts.Now().Add(-f.e.opts.Timeouts.Answer), flightAwaiting)
	if err != nil || fl.IdempotencyKey != f.call.IdempotencyKey {
		return nil
	}
	if done, err := f.e.opts.Journal.LatestFlight(ctx, f.hash, fl.Finished, finalStatuses...); err == nil && done.Owner != fl.Owner {
		return nil // answered already: a call now is a repeat, not a copy in flight
	}
	return fl
}

// awaitAnswer waits for the person's answer to the confirmation an
// identical call asked for (pending), and returns that call's result,
// marked as joined: one intent makes one dialog and one send. It reports
// false when the call itself carries the answer, or nobody answered in
// time (this call then asks on its own).
func awaitAnswer[T any](ctx context.Context, f *flight, j job[T], pending *journal.Flight) (T, bool, error) {
	var zero T
	if f.call.Answering || f.call.Queued {
		return zero, false, nil
	}
	ttl := f.e.opts.Timeouts.Answer
	f.progress(fmt.Sprintf("an identical request is waiting for the person's answer since %s; waiting for that answer instead of asking again",
		pending.Finished.Local().Format("15:04:05")))
	for f.e.opts.Now().Before(pending.Finished.Add(ttl)) {
		fl, err := f.e.opts.Journal.LatestFlight(ctx, f.hash, pending.Finished, append(finalStatuses, flightAwaiting)...)
		switch {
		case err == nil && fl.IdempotencyKey == f.call.IdempotencyKey && fl.Owner != pending.Owner && fl.Status == flightAwaiting:
			pending = fl // the person was asked again
		case err == nil && fl.IdempotencyKey == f.call.IdempotencyKey && fl.Owner != pending.Owner:
			note := "an identical request was waiting for the person's answer; this is its result, and the person was asked once"
			if fl.AttemptID > 0 {
				note += fmt.Sprintf(" (journal entry %d)", fl.AttemptID)
			}
			t, err := fromRecord(fl, j, StatusJoined, note)
			return t, true, err
		}
		if err := sleep(ctx, lockPoll); err != nil {
			return zero, true, err
		}
	}
	return zero, false, nil
}

// fromRecord turns a recorded flight into this call's result or error.
func fromRecord[T any](fl *journal.Flight, j job[T], status, note string) (T, error) {
	var zero T
	var rec flightRecord
	if err := json.Unmarshal(fl.Raw, &rec); err != nil {
		return zero, fmt.Errorf("the recorded result of %s cannot be read: %w", fl.Owner, err)
	}
	if rec.Error != nil {
		return zero, rec.Error.asError(note)
	}
	var t T
	if err := json.Unmarshal(rec.Result, &t); err != nil {
		return zero, fmt.Errorf("the recorded result of %s cannot be read: %w", fl.Owner, err)
	}
	if j.mark != nil {
		t = j.mark(t, status, note)
	}
	return t, nil
}

// asError rebuilds a recorded error with the type callers branch on.
func (r *recordedError) asError(note string) error {
	msg := note + ": " + r.Message
	switch r.Class {
	case flightRefused:
		return &PolicyError{Operation: "the request", Target: "its target", Reasons: []string{msg}}
	case flightDeclined:
		return &NotConfirmedError{Operation: "the request", Target: "its target", Reason: msg}
	case flightInvalid:
		return &InputError{Problems: []FieldProblem{{Field: "request", Problem: msg}}}
	case flightUnknown:
		return &OutcomeUnknownError{Operation: "the request", Target: "its target", JournalID: r.JournalID, Err: errors.New(msg)}
	}
	return errors.New(msg)
}

// replayKey answers a call whose idempotency key was used before: the
// same request gets the recorded result; another request is refused.
// A key whose call ended without a known outcome is run again (and
// reconciles what it left open).
func replayKey[T any](ctx context.Context, f *flight, j job[T]) (T, bool, error) {
	var zero T
	key := f.call.IdempotencyKey
	if key == "" {
		return zero, false, nil
	}
	fl, err := f.e.opts.Journal.FlightByKey(ctx, key)
	if errors.Is(err, journal.ErrNotFound) {
		return zero, false, nil
	}
	if err != nil {
		return zero, false, err
	}
	if fl.IntentHash != f.hash {
		return zero, false, &KeyConflictError{Key: key, Earlier: fl.Target, At: fl.Finished, JournalID: fl.AttemptID, This: f.job + " on " + f.target}
	}
	switch fl.Status {
	case StatusSent, StatusUnchanged, StatusReconciled, StatusReplayed, flightFailed:
	default:
		return zero, false, nil
	}
	note := fmt.Sprintf("idempotency key %q was used for this same request at %s; its recorded result is returned and nothing was sent again",
		key, fl.Finished.Local().Format(time.RFC3339))
	t, err := fromRecord(fl, j, StatusReplayed, note)
	return t, true, err
}

// replayRecent answers, for callers that set a replay window (MCP), an
// identical call that succeeded moments ago and was the last write on the
// target: re-delivered tool calls are common, and one must not be applied
// twice. The answer says so, and how to apply it again.
func replayRecent[T any](ctx context.Context, f *flight, j job[T]) (T, bool) {
	var zero T
	w := f.call.ReplayWindow
	if w <= 0 || f.call.IdempotencyKey != "" {
		return zero, false
	}
	fl, err := f.e.opts.Journal.LatestFlight(ctx, f.hash, f.e.opts.Now().Add(-w), StatusSent, StatusReconciled)
	if err != nil || fl.Client != f.call.Actor.Client || fl.AttemptID == 0 {
		return zero, false
	}
	last, err := f.e.opts.Journal.List(ctx, journal.Filter{Scope: f.e.opts.Scope, Target: f.target, Limit: 1})
	if err != nil || len(last) == 0 || last[0].ID != fl.AttemptID {
		return zero, false // another write came in between: this one is new
	}
	note := fmt.Sprintf("an identical call was applied at %s (journal entry %d) and was NOT applied again; "+
		"to apply it a second time, call again with a new idempotencyKey", fl.Finished.Local().Format("15:04:05"), fl.AttemptID)
	t, err := fromRecord(fl, j, StatusReplayed, note)
	return t, err == nil
}

// progress tells the caller what the flight is waiting for.
func (f *flight) progress(msg string) {
	if f.call.Progress != nil {
		f.call.Progress(msg)
		return
	}
	f.e.opts.Log.Info(msg)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryJournal repeats a journal write a few times: the journal may be
// busy with other processes' writes for a moment.
func retryJournal(ctx context.Context, fn func(context.Context) error) error {
	var err error
	for i, pause := range []time.Duration{0, 200 * time.Millisecond, time.Second, 3 * time.Second} {
		if i > 0 {
			if serr := sleep(ctx, pause); serr != nil {
				return err
			}
		}
		if err = fn(ctx); err == nil || errors.Is(err, journal.ErrFinished) {
			return err
		}
	}
	return err
}
