package approval

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
)

// Store keeps approvals in the journal's database (table approvals), a
// SQLite file or PostgreSQL, so every process of a profile, and every
// server on a shared database, sees one queue.
type Store struct {
	db     *sql.DB
	d      journal.Dialect
	sealer *Sealer
	now    func() time.Time
	ttl    time.Duration
}

// NewStore returns the queue in db (the journal's, from Journal.DB; its
// dialect follows the database), sealing replay
// requests with sealer. ttl <= 0 means DefaultTTL; now nil means
// time.Now.
func NewStore(db *sql.DB, sealer *Sealer, ttl time.Duration, now func() time.Time) *Store {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, d: journal.DialectOf(db), sealer: sealer, now: now, ttl: ttl}
}

const columns = `id, route, idempotency_key, confirmation, request_hash, requested_by, requested_via, created_ns, expires_ns,
	status, decided_by, decided_ns, reason, answer, result, finished_ns`

// Enqueue records a pending approval for a, or returns the pending one
// with the same request hash and requester: an identical request asked
// again while it waits is the same approval.
func (s *Store) Enqueue(ctx context.Context, a *Approval, payload []byte) (*Approval, error) {
	q, err := json.Marshal(a.Question)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// PostgreSQL: one Enqueue of a request by a requester at a time, so
	// the second finds the first's approval (SQLite's transactions all
	// run alone).
	if err := s.d.Serialize(ctx, tx, "approval:"+a.Route+"|"+a.RequestedBy+"|"+a.RequestHash+"|"+a.IdempotencyKey); err != nil {
		return nil, err
	}
	now := s.now()
	if old, err := scanOne(tx.QueryRowContext(ctx, s.d.Rebind(`SELECT `+columns+` FROM approvals
		WHERE request_hash = ? AND requested_by = ? AND route = ? AND idempotency_key = ? AND status = 'pending' AND expires_ns > ?
		ORDER BY created_ns DESC LIMIT 1`), a.RequestHash, a.RequestedBy, a.Route, a.IdempotencyKey, now.UnixNano())); err == nil {
		return old, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	id, err := newID()
	if err != nil {
		return nil, err
	}
	sealed, err := s.sealer.Seal(id, payload)
	if err != nil {
		return nil, err
	}
	out := *a
	out.ID, out.Status, out.CreatedAt, out.ExpiresAt = id, Pending, now.UTC(), now.Add(s.ttl).UTC()
	if _, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO approvals (id, operation, target, route, idempotency_key, confirmation, request_hash,
		requested_by, requested_via, created_ns, expires_ns, status, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`),
		id, a.Question.API, a.Question.Target, a.Route, a.IdempotencyKey, string(q), a.RequestHash, a.RequestedBy, a.Via,
		now.UnixNano(), out.ExpiresAt.UnixNano(), sealed); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns the approval id; a pending one past its expiry is reported
// (and recorded) expired.
func (s *Store) Get(ctx context.Context, id string) (*Approval, error) {
	if err := s.expire(ctx); err != nil {
		return nil, err
	}
	return scanOne(s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+columns+` FROM approvals WHERE id = ?`), id))
}

// Filter selects approvals for List: by status, after a cursor (the
// last ID of the previous page, in creation order), at most Limit.
type Filter struct {
	Statuses []Status
	After    string
	Limit    int
}

// List returns approvals oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Approval, error) {
	if err := s.expire(ctx); err != nil {
		return nil, err
	}
	where, args := []string{"1 = 1"}, []any{}
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			marks[i], args = "?", append(args, string(st))
		}
		where = append(where, "status IN ("+strings.Join(marks, ", ")+")")
	}
	if f.After != "" {
		where = append(where, "(created_ns, id) > (SELECT created_ns, id FROM approvals WHERE id = ?)")
		args = append(args, f.After)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT `+columns+` FROM approvals WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_ns, id LIMIT ?`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// Decide records an approver's decision on a pending approval, once: a
// compare-and-set on its status in one transaction, so two approvers (or
// two servers) racing get one decision and one error. On approval it
// returns the request to replay, which is then removed from the store.
func (s *Store) Decide(ctx context.Context, id string, d Decision) (*Approval, []byte, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	// FOR UPDATE on PostgreSQL: racing deciders wait here, then read the
	// decision made, as on SQLite where the transaction runs alone.
	a, err := scanOne(tx.QueryRowContext(ctx, s.d.Rebind(`SELECT `+columns+` FROM approvals WHERE id = ?`+s.d.ForUpdate()), id))
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	switch {
	case a.Status == Pending && !now.Before(a.ExpiresAt):
		if _, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE approvals SET status = 'expired', sealed = NULL WHERE id = ?`), id); err != nil {
			return nil, nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, nil, err
		}
		return nil, nil, &DecidedError{Status: Expired}
	case a.Status != Pending:
		return nil, nil, &DecidedError{Status: a.Status}
	case d.By == a.RequestedBy:
		return nil, nil, ErrSelfApproval
	}
	if err := checkAnswer(a.Question, d); err != nil {
		return nil, nil, err
	}
	var sealed []byte
	if err := tx.QueryRowContext(ctx, s.d.Rebind(`SELECT sealed FROM approvals WHERE id = ?`), id).Scan(&sealed); err != nil {
		return nil, nil, err
	}
	status, answer := Rejected, []byte(`{}`)
	if d.Approve {
		status = Approved
		yes := d.Answer
		yes.Yes = true
		if answer, err = json.Marshal(yes); err != nil {
			return nil, nil, err
		}
	}
	res, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE approvals SET status = ?, decided_by = ?, decided_ns = ?, reason = ?, answer = ?, sealed = NULL
		WHERE id = ? AND status = 'pending'`), string(status), d.By, now.UnixNano(), d.Reason, string(answer), id)
	if err != nil {
		return nil, nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, nil, &DecidedError{Status: a.Status}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	a.Status, a.DecidedBy, a.DecidedAt, a.Reason = status, d.By, now.UTC(), d.Reason
	if d.Approve {
		a.Answer = d.Answer
		a.Answer.Yes = true
	}
	if !d.Approve {
		return a, nil, nil
	}
	payload, err := s.sealer.Open(id, sealed)
	if err != nil {
		return a, nil, err
	}
	return a, payload, nil
}

// Finish records what the approved write came to.
func (s *Store) Finish(ctx context.Context, id string, ok bool, result any) (*Approval, error) {
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	status := Executed
	if !ok {
		status = Failed
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE approvals SET status = ?, result = ?, finished_ns = ? WHERE id = ? AND status = 'approved'`),
		string(status), string(raw), s.now().UnixNano(), id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("finish approval %s: it is not approved and waiting for its result", id)
	}
	return s.Get(ctx, id)
}

// expire records every pending approval past its expiry as expired and
// drops its sealed request.
func (s *Store) expire(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE approvals SET status = 'expired', sealed = NULL WHERE status = 'pending' AND expires_ns <= ?`),
		s.now().UnixNano())
	return err
}

type scanner interface{ Scan(dest ...any) error }

func scanOne(row *sql.Row) (*Approval, error) {
	a, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return a, err
}

func scan(r scanner) (*Approval, error) {
	var (
		a                   Approval
		q, status, result   string
		answer              string
		created, expires    int64
		decided, finishedNs sql.NullInt64
	)
	if err := r.Scan(&a.ID, &a.Route, &a.IdempotencyKey, &q, &a.RequestHash, &a.RequestedBy, &a.Via, &created, &expires,
		&status, &a.DecidedBy, &decided, &a.Reason, &answer, &result, &finishedNs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(q), &a.Question); err != nil {
		return nil, fmt.Errorf("approval %s: %w", a.ID, err)
	}
	a.Status = Status(status)
	if answer != "" {
		if err := json.Unmarshal([]byte(answer), &a.Answer); err != nil {
			return nil, fmt.Errorf("approval %s: answer: %w", a.ID, err)
		}
	}
	a.CreatedAt, a.ExpiresAt = time.Unix(0, created).UTC(), time.Unix(0, expires).UTC()
	if decided.Valid {
		a.DecidedAt = time.Unix(0, decided.Int64).UTC()
	}
	if finishedNs.Valid {
		a.FinishedAt = time.Unix(0, finishedNs.Int64).UTC()
	}
	if result != "" {
		a.Result = json.RawMessage(result)
	}
	return &a, nil
}

// Withdraw ends a pending approval whose requester stopped waiting (an
// MCP call that gave up): a compare-and-set, so an approver racing it
// either decided first or finds it expired.
func (s *Store) Withdraw(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE approvals SET status = 'expired', sealed = NULL, reason = 'the requester stopped waiting'
		WHERE id = ? AND status = 'pending'`), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		a, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		return &DecidedError{Status: a.Status}
	}
	return nil
}
