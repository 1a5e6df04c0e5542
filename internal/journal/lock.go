package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LockRequest says what a lock is wanted for: shown to whoever waits for
// it, and compared by identical calls that may join it.
type LockRequest struct {
	// Name is the target: scope and resource (a node group, a cluster, a
	// spec name).
	Name       string
	Owner      Owner
	Actor      string
	IntentHash string
	Operation  string
	// Lease is how long the lock holds without a renewal; zero means
	// DefaultLease.
	Lease time.Duration
}

// Holder is the live owner of a lock.
type Holder struct {
	Name       string    `json:"name"`
	Owner      Owner     `json:"owner"`
	Actor      string    `json:"actor"`
	IntentHash string    `json:"intentHash"`
	Operation  string    `json:"operation"`
	Since      time.Time `json:"since"`
}

// TryLock takes the lock r.Name for r.Owner and returns nil, or returns the
// live holder when someone else has it. A lock whose holder's lease ran
// out, or whose process on this host is gone, is taken over. Taking a lock
// one already holds renews it.
func (j *Journal) TryLock(ctx context.Context, r LockRequest) (*Holder, error) {
	if r.Name == "" || r.Owner.ID == "" {
		return nil, errors.New("journal: lock: empty name or owner")
	}
	lease := r.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	now := j.now()
	// Look before taking the write lock: waiters poll, and most polls find
	// the lock held.
	if h, leaseNS, err := lockHolder(ctx, j.db, r.Name, ""); err != nil {
		return nil, fmt.Errorf("journal: lock %s: %w", r.Name, err)
	} else if h != nil && h.Owner.ID != r.Owner.ID && alive(h.Owner.Host, h.Owner.PID, leaseNS, now) {
		return h, nil
	}
	var h *Holder
	err := j.retryConflicts(ctx, func() (err error) {
		h, err = j.takeLock(ctx, r, lease, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("journal: lock %s: %w", r.Name, err)
	}
	return h, nil
}

// takeLock is TryLock's transaction: it returns the live holder, or takes
// the lock and returns nil.
func (j *Journal) takeLock(ctx context.Context, r LockRequest, lease time.Duration, now time.Time) (*Holder, error) {
	tx, err := j.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one taker at a time
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// PostgreSQL: one taker of a name at a time, and the holder's row
	// locked (FOR UPDATE) so that its Renew either lands before we read
	// the lease or finds the row taken over and reports ErrLockLost.
	if err := tx.serialize(ctx, "lock:"+r.Name); err != nil {
		return nil, err
	}
	h, leaseNS, err := lockHolder(ctx, tx, r.Name, tx.d.ForUpdate())
	if err != nil {
		return nil, err
	}
	if h != nil && h.Owner.ID != r.Owner.ID && alive(h.Owner.Host, h.Owner.PID, leaseNS, now) {
		return h, nil
	}
	acquired := now.UnixNano()
	if h != nil && h.Owner.ID == r.Owner.ID {
		acquired = h.Since.UnixNano()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO locks
		(name, owner, host, pid, actor, intent_hash, operation, acquired_ns, lease_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
		actor = excluded.actor, intent_hash = excluded.intent_hash, operation = excluded.operation,
		acquired_ns = excluded.acquired_ns, lease_ns = excluded.lease_ns`,
		r.Name, r.Owner.ID, r.Owner.Host, r.Owner.PID, j.clean(r.Actor), r.IntentHash, j.clean(r.Operation),
		acquired, now.Add(lease).UnixNano()); err != nil {
		return nil, err
	}
	return nil, tx.Commit()
}

func lockHolder(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name, suffix string) (*Holder, int64, error) {
	var (
		h                 Holder
		acquired, leaseNS int64
	)
	err := q.QueryRowContext(ctx, `SELECT name, owner, host, pid, actor, intent_hash, operation, acquired_ns, lease_ns
		FROM locks WHERE name = ?`+suffix, name).Scan(&h.Name, &h.Owner.ID, &h.Owner.Host, &h.Owner.PID, &h.Actor,
		&h.IntentHash, &h.Operation, &acquired, &leaseNS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	h.Since = time.Unix(0, acquired).UTC()
	return &h, leaseNS, nil
}

// LockHolder returns the live holder of the lock name, or nil when it is
// free.
func (j *Journal) LockHolder(ctx context.Context, name string) (*Holder, error) {
	h, leaseNS, err := lockHolder(ctx, j.db, name, "")
	if err != nil {
		return nil, fmt.Errorf("journal: lock holder %s: %w", name, err)
	}
	if h == nil || !alive(h.Owner.Host, h.Owner.PID, leaseNS, j.now()) {
		return nil, nil
	}
	return h, nil
}

// Renew extends the leases of owner: its locks and its pending attempts.
// It needs no transaction: each UPDATE is atomic, and on PostgreSQL the
// row lock it takes orders it against a TryLock taking the lock over
// (which reads the row FOR UPDATE).
// It returns ErrLockLost when the owner holds none of the locks it is
// renewing any more (another process took them over after the lease ran
// out).
func (j *Journal) Renew(ctx context.Context, owner string, lease time.Duration) error {
	if lease <= 0 {
		lease = DefaultLease
	}
	until := j.now().Add(lease).UnixNano()
	if _, err := j.db.ExecContext(ctx, `UPDATE attempts SET lease_ns = ? WHERE owner = ? AND status = 'pending'`, until, owner); err != nil {
		return fmt.Errorf("journal: renew: %w", err)
	}
	res, err := j.db.ExecContext(ctx, `UPDATE locks SET lease_ns = ? WHERE owner = ?`, until, owner)
	if err != nil {
		return fmt.Errorf("journal: renew: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrLockLost
	}
	return nil
}

// ErrLockLost is returned by Renew when the owner no longer holds a lock.
var ErrLockLost = errors.New("journal: the lock was lost (its lease ran out and another process took it)")

// Flight is what a finished write call came to. Outcome is the engine's
// own record of its result (redacted before storage); AttemptID is the
// last attempt it sent, if any.
type Flight struct {
	Owner          string    `json:"owner"`
	IntentHash     string    `json:"intentHash"`
	Scope          string    `json:"scope"`
	Target         string    `json:"target"`
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	Client         string    `json:"client,omitempty"`
	AttemptID      int64     `json:"attemptId,omitempty"`
	Status         string    `json:"status"`
	Outcome        any       `json:"-"`
	Finished       time.Time `json:"finished"`
	// Raw is the stored outcome, as read back.
	Raw json.RawMessage `json:"outcome"`
}

// flightKeep is how long flights are kept: those with an idempotency key
// answer repeats of the key for a week; the others only matter to calls
// waiting right now.
const (
	flightKeep      = 24 * time.Hour
	flightKeepByKey = 7 * 24 * time.Hour
)

// Unlock releases the lock name held by owner and, when f is not nil,
// records the flight's outcome in the same transaction, so that a call
// waiting to join it finds the outcome as soon as the lock is free.
func (j *Journal) Unlock(ctx context.Context, name, owner string, f *Flight) error {
	err := j.retryConflicts(ctx, func() error { return j.unlock(ctx, name, owner, f) })
	if err != nil {
		return fmt.Errorf("journal: unlock %s: %w", name, err)
	}
	return nil
}

func (j *Journal) unlock(ctx context.Context, name, owner string, f *Flight) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.serialize(ctx, "lock:"+name); err != nil {
		return err
	}
	if f != nil {
		if err := j.recordFlight(ctx, tx, owner, f); err != nil {
			return fmt.Errorf("flight: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM locks WHERE name = ? AND owner = ?`, name, owner); err != nil {
		return err
	}
	return tx.Commit()
}

func (j *Journal) recordFlight(ctx context.Context, tx txn, owner string, f *Flight) error {
	raw, err := encodeJSON(j.reg.Value("", f.Outcome))
	if err != nil {
		return err
	}
	var attempt any
	if f.AttemptID > 0 {
		attempt = f.AttemptID
	}
	now := j.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO flights (owner, intent_hash, scope, target, idempotency_key,
		client, finished_ns, attempt_id, status, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner) DO UPDATE SET intent_hash = excluded.intent_hash, scope = excluded.scope,
		target = excluded.target, idempotency_key = excluded.idempotency_key, client = excluded.client,
		finished_ns = excluded.finished_ns, attempt_id = excluded.attempt_id, status = excluded.status,
		outcome = excluded.outcome`,
		owner, f.IntentHash, j.clean(f.Scope), j.clean(f.Target), j.clean(f.IdempotencyKey), j.clean(f.Client),
		now.UnixNano(), attempt, j.clean(f.Status), string(raw)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM flights WHERE finished_ns < ? AND (idempotency_key = '' OR finished_ns < ?)`,
		now.Add(-flightKeep).UnixNano(), now.Add(-flightKeepByKey).UnixNano())
	return err
}

const flightColumns = `owner, intent_hash, scope, target, idempotency_key, client, finished_ns, attempt_id, status, outcome`

func scanFlight(row *sql.Row) (*Flight, error) {
	var (
		f       Flight
		ns      int64
		attempt sql.NullInt64
		raw     string
	)
	if err := row.Scan(&f.Owner, &f.IntentHash, &f.Scope, &f.Target, &f.IdempotencyKey, &f.Client, &ns, &attempt,
		&f.Status, &raw); err != nil {
		return nil, err
	}
	f.Finished = time.Unix(0, ns).UTC()
	f.AttemptID = attempt.Int64
	f.Raw = json.RawMessage(raw)
	return &f, nil
}

// FlightOf returns the recorded outcome of owner's flight, or ErrNotFound
// (the owner is still working, or died without recording one).
func (j *Journal) FlightOf(ctx context.Context, owner string) (*Flight, error) {
	return j.flight(ctx, "owner "+owner, `WHERE owner = ?`, owner)
}

// FlightByKey returns the newest flight recorded with the idempotency key,
// or ErrNotFound.
func (j *Journal) FlightByKey(ctx context.Context, key string) (*Flight, error) {
	return j.flight(ctx, "with key", `WHERE idempotency_key = ? ORDER BY finished_ns DESC LIMIT 1`, j.clean(key))
}

// LatestFlight returns the newest flight of the intent finished at or after
// since with one of the statuses, or ErrNotFound.
func (j *Journal) LatestFlight(ctx context.Context, hash string, since time.Time, statuses ...string) (*Flight, error) {
	q := `WHERE intent_hash = ? AND finished_ns >= ?`
	args := []any{hash, since.UnixNano()}
	if len(statuses) > 0 {
		q += ` AND status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, s := range statuses {
			args = append(args, s)
		}
	}
	return j.flight(ctx, "of intent "+hash, q+` ORDER BY finished_ns DESC LIMIT 1`, args...)
}

func (j *Journal) flight(ctx context.Context, what, tail string, args ...any) (*Flight, error) {
	f, err := scanFlight(j.db.QueryRowContext(ctx, `SELECT `+flightColumns+` FROM flights `+tail, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("journal: flight %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: flight %s: %w", what, err)
	}
	return f, nil
}
