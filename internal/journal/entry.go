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

// Status is the state of an attempt.
type Status string

// Attempt statuses.
const (
	// StatusPending: recorded before sending, no outcome yet.
	StatusPending Status = "pending"
	// StatusSucceeded: the cloud accepted the write.
	StatusSucceeded Status = "succeeded"
	// StatusFailed: the cloud rejected the write with an error code.
	StatusFailed Status = "failed"
	// StatusUnknown: the outcome is not known (timeout, lost response,
	// process died before recording it); the engine reconciles from state.
	StatusUnknown Status = "unknown"
)

func (s Status) valid() bool {
	switch s {
	case StatusPending, StatusSucceeded, StatusFailed, StatusUnknown:
		return true
	}
	return false
}

// Entry is one stored write attempt, as shown by `emrctl audit list|show`.
type Entry struct {
	ID        int64     `json:"id"`
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	ActorKind string    `json:"actorKind"`
	Client    string    `json:"client"`
	Profile   string    `json:"profile"`
	Provider  string    `json:"provider"`
	Region    string    `json:"region"`
	Operation string    `json:"operation"`
	Target    string    `json:"target"`
	// Params are the redacted request parameters.
	Params json.RawMessage `json:"params"`
	// Observed is the state seen before sending (for reconciliation).
	Observed       json.RawMessage `json:"observed,omitempty"`
	IntentHash     string          `json:"intentHash"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
	// TokenKind is "client-token", "request-tag" or "none".
	TokenKind string `json:"tokenKind"`
	// Token is the ClientToken or request tag sent with the write.
	Token string `json:"token"`
	// Attempt numbers the attempts sharing one token: 1, 2, ...
	Attempt int    `json:"attempt"`
	Status  Status `json:"status"`
	// Stale is set when the stored status is pending but the write
	// deadline has passed, so Status reads unknown.
	Stale        bool            `json:"stale,omitempty"`
	ResultIDs    []string        `json:"resultIds"`
	RequestID    string          `json:"requestId"`
	ErrorCode    string          `json:"errorCode"`
	ErrorMessage string          `json:"errorMessage"`
	FinishedAt   *time.Time      `json:"finishedAt,omitempty"`
	Detail       json.RawMessage `json:"detail,omitempty"`
	// Scope is the endpoint (and sandbox generation) the write went to.
	Scope string `json:"scope,omitempty"`
	// Owner is the process that sent it.
	Owner Owner `json:"owner"`
}

// Open reports whether the attempt's outcome is not known yet: pending or
// unknown.
func (e *Entry) Open() bool { return e.Status == StatusPending || e.Status == StatusUnknown }

// Outcome is the result of an attempt, recorded by Finish.
type Outcome struct {
	// Status is StatusSucceeded, StatusFailed or StatusUnknown.
	Status Status
	// ResultIDs are the IDs the write created or touched (cluster, node
	// group, operation, node IDs).
	ResultIDs []string
	RequestID string
	ErrorCode string
	// ErrorMessage is scrubbed before it is stored.
	ErrorMessage string
	// Detail is small extra data (for example the nodes a scale-in
	// released), redacted before it is stored.
	Detail any
}

// Filter selects entries for List, Count and ListAudit. Zero fields match
// everything.
type Filter struct {
	// Since and Until bound the entry time: Since <= time < Until.
	Since, Until time.Time
	Operation    string
	Target       string
	// Status matches the reported status, so "unknown" includes stale
	// pending attempts and "pending" excludes them. Ignored by ListAudit.
	Status    string
	ActorKind string
	// Provider and Scope are ignored by ListAudit.
	Provider string
	Scope    string
	// Event matches audit events only (ListAudit).
	Event string
	// Limit caps the number of entries returned; 0 means no limit.
	Limit int
}

const entryColumns = `id, time_ns, actor, actor_kind, client, profile, provider, region, operation, target,
	params, intent_hash, idempotency_key, token_kind, token, attempt, status, result_ids, request_id,
	error_code, error_message, finished_ns, detail, observed, scope, owner, owner_host, owner_pid, lease_ns`

// effectiveStatus is the status readers report: pending past its owner's
// lease (or, for attempts recorded before leases, past the write deadline)
// reads unknown. Its parameters are now and the deadline in Unix ns.
const effectiveStatus = `(CASE WHEN status = 'pending' AND (lease_ns < ? OR (lease_ns IS NULL AND time_ns < ?)) THEN 'unknown' ELSE status END)`

type scanner interface {
	Scan(dest ...any) error
}

// scanEntry reads one row of entryColumns and applies the write deadline.
func (j *Journal) scanEntry(s scanner, now time.Time) (Entry, error) {
	var (
		e                 Entry
		timeNS            int64
		params, resultIDs string
		status            string
		finished, lease   sql.NullInt64
		detail, observed  sql.NullString
	)
	err := s.Scan(&e.ID, &timeNS, &e.Actor, &e.ActorKind, &e.Client, &e.Profile, &e.Provider, &e.Region,
		&e.Operation, &e.Target, &params, &e.IntentHash, &e.IdempotencyKey, &e.TokenKind, &e.Token,
		&e.Attempt, &status, &resultIDs, &e.RequestID, &e.ErrorCode, &e.ErrorMessage, &finished, &detail, &observed,
		&e.Scope, &e.Owner.ID, &e.Owner.Host, &e.Owner.PID, &lease)
	if err != nil {
		return Entry{}, err
	}
	e.Time = time.Unix(0, timeNS).UTC()
	e.Params = json.RawMessage(params)
	e.Status = Status(status)
	if err := json.Unmarshal([]byte(resultIDs), &e.ResultIDs); err != nil {
		return Entry{}, fmt.Errorf("attempt %d: result ids: %w", e.ID, err)
	}
	if finished.Valid {
		t := time.Unix(0, finished.Int64).UTC()
		e.FinishedAt = &t
	}
	if detail.Valid {
		e.Detail = json.RawMessage(detail.String)
	}
	if observed.Valid {
		e.Observed = json.RawMessage(observed.String)
	}
	if e.Status == StatusPending && j.abandoned(e, lease, now) {
		e.Status, e.Stale = StatusUnknown, true
	}
	return e, nil
}

// abandoned reports whether a pending attempt's owner can no longer record
// its outcome: its lease ran out, its process on this host is gone, or
// (attempts from before leases) the write deadline passed.
func (j *Journal) abandoned(e Entry, lease sql.NullInt64, now time.Time) bool {
	if !lease.Valid {
		return e.Time.Before(now.Add(-j.staleAfter))
	}
	return !alive(e.Owner.Host, e.Owner.PID, lease.Int64, now)
}

// queryEntries runs a SELECT of entryColumns from attempts with the given
// tail (WHERE, ORDER BY, LIMIT) and arguments.
func (j *Journal) queryEntries(ctx context.Context, now time.Time, tail string, args ...any) ([]Entry, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT `+entryColumns+` FROM attempts `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := j.scanEntry(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns the attempt with the given id.
func (j *Journal) Get(ctx context.Context, id int64) (*Entry, error) {
	es, err := j.queryEntries(ctx, j.now(), `WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("journal: get attempt %d: %w", id, err)
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("journal: get attempt %d: %w", id, ErrNotFound)
	}
	return &es[0], nil
}

// LatestForIntent returns the newest attempt of the intent with the given
// hash (see IntentHash), whatever its age, or ErrNotFound.
func (j *Journal) LatestForIntent(ctx context.Context, hash string) (*Entry, error) {
	es, err := j.queryEntries(ctx, j.now(), `WHERE intent_hash = ? ORDER BY id DESC LIMIT 1`, hash)
	if err != nil {
		return nil, fmt.Errorf("journal: latest attempt of intent %s: %w", hash, err)
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("journal: latest attempt of intent %s: %w", hash, ErrNotFound)
	}
	return &es[0], nil
}

// Pending returns the attempts of the intent with the given hash whose
// outcome is not known (pending or unknown), newest first: the ones the
// engine must reconcile before sending a token-less write again.
func (j *Journal) Pending(ctx context.Context, hash string) ([]Entry, error) {
	es, err := j.queryEntries(ctx, j.now(),
		`WHERE intent_hash = ? AND status IN ('pending', 'unknown') ORDER BY id DESC`, hash)
	if err != nil {
		return nil, fmt.Errorf("journal: pending attempts of intent %s: %w", hash, err)
	}
	return es, nil
}

// ByKey returns the newest attempt recorded with the idempotency key, or
// ErrNotFound.
func (j *Journal) ByKey(ctx context.Context, key string) (*Entry, error) {
	es, err := j.queryEntries(ctx, j.now(), `WHERE idempotency_key = ? ORDER BY id DESC LIMIT 1`, j.clean(key))
	if err != nil {
		return nil, fmt.Errorf("journal: attempt with key: %w", err)
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("journal: attempt with key: %w", ErrNotFound)
	}
	return &es[0], nil
}

// OpenOn returns the attempts on target within scope whose outcome is
// open (pending or unknown), oldest first, whatever their intent: what a
// new write on the target settles before it decides anything.
func (j *Journal) OpenOn(ctx context.Context, scope, target string) ([]Entry, error) {
	es, err := j.queryEntries(ctx, j.now(),
		`WHERE scope = ? AND target = ? AND status IN ('pending', 'unknown') ORDER BY id`, j.clean(scope), j.clean(target))
	if err != nil {
		return nil, fmt.Errorf("journal: open attempts on %s: %w", target, err)
	}
	return es, nil
}

// LastSent returns the newest attempt of operation on target within scope
// that may have been applied (succeeded, pending or unknown), or nil: the
// start of the interval rules that space writes apart.
func (j *Journal) LastSent(ctx context.Context, scope, target, operation string) (*Entry, error) {
	es, err := j.queryEntries(ctx, j.now(),
		`WHERE scope = ? AND target = ? AND operation = ? AND status IN ('succeeded', 'pending', 'unknown') ORDER BY id DESC LIMIT 1`,
		j.clean(scope), j.clean(target), j.clean(operation))
	if err != nil {
		return nil, fmt.Errorf("journal: last %s on %s: %w", operation, target, err)
	}
	if len(es) == 0 {
		return nil, nil
	}
	return &es[0], nil
}

// where builds the WHERE clause of f for attempts.
func (j *Journal) where(f Filter, now time.Time) (string, []any, error) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, `time_ns >= ?`), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, `time_ns < ?`), append(args, f.Until.UnixNano())
	}
	for _, c := range []struct{ col, val string }{
		{"operation", f.Operation}, {"target", f.Target}, {"actor_kind", f.ActorKind}, {"provider", f.Provider},
		{"scope", f.Scope},
	} {
		if c.val != "" {
			conds, args = append(conds, c.col+` = ?`), append(args, c.val)
		}
	}
	if f.Status != "" {
		if !Status(f.Status).valid() {
			return "", nil, fmt.Errorf("unknown status %q (want pending, succeeded, failed or unknown)", f.Status)
		}
		conds = append(conds, effectiveStatus+` = ?`)
		args = append(args, now.UnixNano(), now.Add(-j.staleAfter).UnixNano(), f.Status)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return `WHERE ` + strings.Join(conds, ` AND `), args, nil
}

// List returns the attempts matching f, newest first.
func (j *Journal) List(ctx context.Context, f Filter) ([]Entry, error) {
	now := j.now()
	where, args, err := j.where(f, now)
	if err != nil {
		return nil, fmt.Errorf("journal: list: %w", err)
	}
	tail := where + ` ORDER BY time_ns DESC, id DESC`
	if f.Limit > 0 {
		tail += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	es, err := j.queryEntries(ctx, now, tail, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: list: %w", err)
	}
	return es, nil
}

// Count returns how many attempts match f (its Limit is ignored).
func (j *Journal) Count(ctx context.Context, f Filter) (int, error) {
	where, args, err := j.where(f, j.now())
	if err != nil {
		return 0, fmt.Errorf("journal: count: %w", err)
	}
	var n int
	if err := j.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("journal: count: %w", err)
	}
	return n, nil
}

// Finish records the outcome of attempt id. An attempt that is pending or
// unknown can be finished (reconciliation may resolve an unknown one later);
// one that already succeeded or failed gives ErrFinished.
func (j *Journal) Finish(ctx context.Context, id int64, out Outcome) error {
	switch out.Status {
	case StatusSucceeded, StatusFailed, StatusUnknown:
	default:
		return fmt.Errorf("journal: finish attempt %d: status %q is not an outcome", id, out.Status)
	}
	ids := make([]string, len(out.ResultIDs))
	for i, s := range out.ResultIDs {
		ids[i] = j.clean(s)
	}
	resultIDs, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("journal: finish attempt %d: %w", id, err)
	}
	var detail sql.NullString
	if out.Detail != nil {
		b, err := encodeJSON(j.reg.Value("", out.Detail))
		if err != nil {
			return fmt.Errorf("journal: finish attempt %d: detail: %w", id, err)
		}
		detail = sql.NullString{String: string(b), Valid: true}
	}
	res, err := j.db.ExecContext(ctx, `UPDATE attempts
		SET status = ?, result_ids = ?, request_id = ?, error_code = ?, error_message = ?, finished_ns = ?, detail = ?
		WHERE id = ? AND status IN ('pending', 'unknown')`,
		string(out.Status), string(resultIDs), j.clean(out.RequestID), j.clean(out.ErrorCode),
		j.clean(out.ErrorMessage), j.now().UnixNano(), detail, id)
	if err != nil {
		return fmt.Errorf("journal: finish attempt %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("journal: finish attempt %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	e, err := j.Get(ctx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("journal: finish attempt %d: %w", id, ErrNotFound)
		}
		return err
	}
	return fmt.Errorf("journal: finish attempt %d (%s): %w", id, e.Status, ErrFinished)
}

// MarkStale stores unknown as the status of every attempt pending for longer
// than olderThan (the write deadline when olderThan <= 0), and returns how
// many it changed. Readers already report such attempts as unknown; this
// makes it permanent, for example before reconciling.
func (j *Journal) MarkStale(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan <= 0 {
		olderThan = j.staleAfter
	}
	res, err := j.db.ExecContext(ctx, `UPDATE attempts SET status = 'unknown' WHERE status = 'pending' AND time_ns < ?`,
		j.now().Add(-olderThan).UnixNano())
	if err != nil {
		return 0, fmt.Errorf("journal: mark stale: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("journal: mark stale: %w", err)
	}
	return int(n), nil
}
