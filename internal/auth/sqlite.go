package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
)

// SQLStore keeps tokens in the journal's database (table api_tokens,
// migration 0004), a SQLite file or PostgreSQL, so every emrctl process
// of a profile, and every server on a shared database, sees the same
// tokens. Only the SHA-256 of each secret is stored.
type SQLStore struct {
	db  *sql.DB
	d   journal.Dialect
	now func() time.Time
}

// SQLiteStore is the former name of SQLStore.
type SQLiteStore = SQLStore

// NewSQLStore returns a store in j's database. Options: WithClock.
func NewSQLStore(j *journal.Journal, opts ...Option) *SQLStore {
	o := buildOptions(opts)
	return &SQLStore{db: j.DB(), d: j.Dialect(), now: o.now}
}

// NewSQLiteStore is NewSQLStore, under its former name.
func NewSQLiteStore(j *journal.Journal, opts ...Option) *SQLStore { return NewSQLStore(j, opts...) }

// tokensKey serializes the transactions that check the whole table before
// writing (a live name is unique; a token is revoked once) on PostgreSQL;
// on SQLite every transaction already runs alone.
const tokensKey = "auth.tokens"

const tokenColumns = `id, name, role, created_ns, expires_ns, revoked_ns, created_by, last_used_ns`

// Create implements Store. The name check and the insert share one
// transaction, which the journal opens IMMEDIATE (SQLite) or serializes on
// an advisory lock (PostgreSQL): two processes creating the same name run
// one after the other and the second is refused.
func (s *SQLStore) Create(ctx context.Context, name string, role Role, ttl time.Duration, createdBy string) (string, *Token, error) {
	if err := checkCreate(name, role, ttl); err != nil {
		return "", nil, err
	}
	id, raw, hash, err := newRaw()
	if err != nil {
		return "", nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	defer tx.Rollback()
	if err := s.d.Serialize(ctx, tx, tokensKey); err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	at := s.now()
	now := timestamp(at)
	var n int
	if err := tx.QueryRowContext(ctx, s.d.Rebind(`SELECT count(*) FROM api_tokens WHERE name = ? AND revoked_ns IS NULL AND expires_ns > ?`),
		name, now.UnixNano()).Scan(&n); err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	if n > 0 {
		return "", nil, fmt.Errorf("create token %q: %w", name, ErrNameTaken)
	}
	t := &Token{ID: id, Name: name, Role: role, CreatedAt: now, ExpiresAt: expiry(at, ttl), CreatedBy: createdBy}
	if _, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO api_tokens (id, name, role, secret_hash, created_ns, expires_ns, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), t.ID, t.Name, string(t.Role), hash, now.UnixNano(), t.ExpiresAt.UnixNano(), createdBy); err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	return raw, t, nil
}

// Authenticate implements Store. It is a read, plus a write of
// last_used_ns at most once per TouchEvery per token.
func (s *SQLStore) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	id, secret, ok := parseRaw(raw)
	if !ok {
		return nil, ErrUnauthenticated
	}
	row := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+tokenColumns+`, secret_hash FROM api_tokens WHERE id = ?`), id)
	var hash string
	t, err := scanToken(row, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	at := s.now()
	if !secretMatches(secret, hash) || !t.live(at) {
		return nil, ErrUnauthenticated
	}
	now := timestamp(at)
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= TouchEvery {
		// The condition repeats the check so that concurrent requests
		// write once; a failure only leaves last-used stale.
		_, _ = s.db.ExecContext(ctx, s.d.Rebind(`UPDATE api_tokens SET last_used_ns = ? WHERE id = ? AND (last_used_ns IS NULL OR last_used_ns <= ?)`),
			now.UnixNano(), id, now.Add(-TouchEvery).UnixNano())
	}
	return t.principal(), nil
}

// List implements Store.
func (s *SQLStore) List(ctx context.Context) ([]Token, error) {
	out, err := s.query(ctx, s.db, ``)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// Revoke implements Store.
func (s *SQLStore) Revoke(ctx context.Context, idOrName string) (*Token, error) {
	idOrName = revokeRef(idOrName)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, err)
	}
	defer tx.Rollback()
	if err := s.d.Serialize(ctx, tx, tokensKey); err != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, err)
	}
	now := timestamp(s.now())
	candidates, err := s.query(ctx, tx, ` WHERE id = ? OR name = ?`, idOrName, idOrName)
	if err != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, err)
	}
	t, err := pickRevoke(candidates, idOrName, now)
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, ErrAlreadyRevoked)
	}
	if _, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE api_tokens SET revoked_ns = ? WHERE id = ?`), now.UnixNano(), t.ID); err != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("revoke %q: %w", idOrName, err)
	}
	t.RevokedAt = &now
	return t, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *SQLStore) query(ctx context.Context, q querier, where string, args ...any) ([]Token, error) {
	// Creation order: SQLite's rowid, PostgreSQL's seq column (its
	// migration 0004 adds it in rowid's place).
	order := ` ORDER BY created_ns, rowid`
	if s.d.Postgres() {
		order = ` ORDER BY created_ns, seq`
	}
	rows, err := q.QueryContext(ctx, s.d.Rebind(`SELECT `+tokenColumns+` FROM api_tokens`+where+order), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

// scanToken reads tokenColumns, then extra.
func scanToken(sc scanner, extra ...any) (*Token, error) {
	var t Token
	var role string
	var created, expires int64
	var revoked, used sql.NullInt64
	dest := append([]any{&t.ID, &t.Name, &role, &created, &expires, &revoked, &t.CreatedBy, &used}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	t.Role = Role(role)
	t.CreatedAt, t.ExpiresAt = fromNS(created), fromNS(expires)
	t.RevokedAt, t.LastUsedAt = optNS(revoked), optNS(used)
	return &t, nil
}

func fromNS(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func optNS(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNS(n.Int64)
	return &t
}
