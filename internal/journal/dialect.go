package journal

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL flavour of a journal's database: SQLite (a file) or
// PostgreSQL (a URL). Queries are written once, with '?' placeholders and
// the syntax both share (ON CONFLICT ... DO UPDATE, RETURNING); Dialect
// covers what still differs.
type Dialect struct{ postgres bool }

// The two dialects.
var (
	SQLite   = Dialect{}
	Postgres = Dialect{postgres: true}
)

// DialectOf returns the dialect of db, a database opened by Open (and
// handed out by Journal.DB).
func DialectOf(db *sql.DB) Dialect {
	if _, ok := db.Driver().(*stdlib.Driver); ok {
		return Postgres
	}
	return SQLite
}

// Postgres reports whether d is PostgreSQL.
func (d Dialect) Postgres() bool { return d.postgres }

// String names the dialect: "sqlite" or "postgres".
func (d Dialect) String() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// Rebind rewrites q's '?' placeholders for d: unchanged for SQLite, $1,
// $2, ... for PostgreSQL. A '?' inside a quoted string or identifier is
// left alone.
func (d Dialect) Rebind(q string) string {
	if !d.postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Serialize makes tx the only transaction working on key until it ends.
// On SQLite every journal transaction already is (BEGIN IMMEDIATE takes
// the one write lock), so this does nothing. On PostgreSQL it takes the
// transaction-scoped advisory lock for key, released by commit or
// rollback, also when the connection dies with its process.
//
// Keys name what a transaction decides on: "intent:<hash>" (Begin),
// "lock:<name>" (TryLock, Unlock), and, where a transaction's domain is
// not one row or name, a key for the whole table ("migrate",
// "auth.tokens", "approval.queue").
func (d Dialect) Serialize(ctx context.Context, tx *sql.Tx, key string) error {
	if !d.postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(key))
	return err
}

// ForUpdate is the clause that locks the rows a SELECT in a transaction
// reads until it ends: " FOR UPDATE" on PostgreSQL, nothing on SQLite,
// where the transaction holds the database's write lock anyway.
func (d Dialect) ForUpdate() string {
	if d.postgres {
		return ` FOR UPDATE`
	}
	return ``
}

// advisoryKey maps a key to PostgreSQL's 64-bit advisory lock space.
func advisoryKey(key string) int64 {
	sum := sha256.Sum256([]byte("emrctl:" + key))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// IsURL reports whether location names a PostgreSQL journal
// (postgres:// or postgresql://) rather than a SQLite file.
func IsURL(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// RedactURL returns location fit for errors and logs: a URL's password,
// in its user part or its query, is replaced by "xxxxx". Paths are
// returned as they are.
func RedactURL(location string) string {
	if !IsURL(location) {
		return location
	}
	u, err := url.Parse(location)
	if err != nil {
		// Unparsable: keep only the scheme, the rest may hold a password.
		scheme, _, _ := strings.Cut(location, "://")
		return scheme + "://(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// URLHasPassword reports whether a PostgreSQL URL carries a password (in
// its user part or as the password parameter).
func URLHasPassword(location string) bool {
	u, err := url.Parse(location)
	if err != nil {
		return strings.Contains(location, "@")
	}
	if _, set := u.User.Password(); set {
		return true
	}
	return u.Query().Has("password")
}

// PostgreSQL error codes (SQLSTATE) the journal branches on.
const (
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgUniqueViolation      = "23505"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// busy reports an error after which the same transaction, run again, may
// succeed: SQLite's "database is locked" (SQLITE_BUSY), PostgreSQL's
// serialization failure or deadlock.
func busy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	switch pgCode(err) {
	case pgSerializationFailure, pgDeadlockDetected:
		return true
	}
	return false
}

// IsUniqueViolation reports whether err is a unique or primary key
// constraint failing, on either dialect.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return pgCode(err) == pgUniqueViolation
}
