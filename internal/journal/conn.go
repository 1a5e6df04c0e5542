package journal

import (
	"context"
	"database/sql"
)

// conn is the journal's database with its queries rebound for its
// dialect: journal code writes '?' placeholders whatever the database.
type conn struct {
	*sql.DB
	d Dialect
}

func (c conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, c.d.Rebind(q), args...)
}

func (c conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.DB.QueryContext(ctx, c.d.Rebind(q), args...)
}

func (c conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.DB.QueryRowContext(ctx, c.d.Rebind(q), args...)
}

// BeginTx starts a transaction: BEGIN IMMEDIATE on SQLite (see Open), a
// READ COMMITTED one on PostgreSQL, which serializes what it decides on
// with txn.serialize.
func (c conn) BeginTx(ctx context.Context, opts *sql.TxOptions) (txn, error) {
	tx, err := c.DB.BeginTx(ctx, opts)
	return txn{Tx: tx, d: c.d}, err
}

// txn is a transaction of conn, rebinding likewise.
type txn struct {
	*sql.Tx
	d Dialect
}

func (t txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

func (t txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

func (t txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// serialize takes the transaction's lock on key (see Dialect.Serialize).
func (t txn) serialize(ctx context.Context, key string) error {
	return t.d.Serialize(ctx, t.Tx, key)
}
