// Package journal records every write emrctl sends to a cloud, before it is
// sent and with its outcome after, in a SQLite file shared by all emrctl
// processes of a user, or in a PostgreSQL database shared by a team (Open
// with a postgres:// URL). It hands out the idempotency token of each
// attempt so that a retry of the same intent within the token window reuses
// the token instead of creating a duplicate, and it keeps audit events that
// are not writes (policy denials, declined confirmations, MCP tool calls).
//
// Nothing secret is stored: parameters, details and messages pass through
// package redact, and through the caller's redact.Registry, before they reach
// the database.
package journal

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/emrctl/emrctl/internal/redact"
)

// Defaults for Options.
const (
	// DefaultWindow is how long a token is reused for retries of the same
	// intent: the 30 minutes for which Alibaba Cloud APIs remember a
	// ClientToken.
	DefaultWindow = 30 * time.Minute
	// DefaultStaleAfter is the write deadline: an attempt still pending
	// after it has no outcome coming and is reported as unknown.
	DefaultStaleAfter = 60 * time.Second
)

// DefaultBusyTimeout is how long a statement waits for another process's
// write lock before failing. Journal transactions are short, so this only
// matters when many emrctl processes write at once.
const DefaultBusyTimeout = 10 * time.Second

// Errors callers branch on.
var (
	// ErrNotFound is returned when no attempt matches.
	ErrNotFound = errors.New("not found")
	// ErrFinished is returned by Finish for an attempt whose outcome
	// (succeeded or failed) is already recorded.
	ErrFinished = errors.New("outcome already recorded")
	// ErrNewerSchema is returned by Open for a journal written by a newer
	// emrctl.
	ErrNewerSchema = errors.New("journal was written by a newer emrctl")
)

// Options configure a Journal. The zero value uses the defaults.
type Options struct {
	// Registry holds explicit secrets (the configured AccessKeySecret, a
	// password from an environment variable) scrubbed from every stored
	// string. May be nil.
	Registry *redact.Registry
	// Window is how long after an intent's token was first used a retry
	// reuses it, and how far back Begin looks for earlier attempts.
	// Zero means DefaultWindow.
	Window time.Duration
	// StaleAfter is the write deadline after which a pending attempt is
	// reported as unknown. Zero means DefaultStaleAfter.
	StaleAfter time.Duration
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Retryable reports whether a failed attempt's error code leaves the
	// outcome open enough that a retry must reuse its token. Nil means
	// DefaultRetryable.
	Retryable func(code string) bool
	// IntegrityEvery is how often Open checks the file's integrity; zero
	// means DefaultIntegrityEvery, negative means at every Open. SQLite
	// only.
	IntegrityEvery time.Duration
	// BusyTimeout is how long a statement waits for another connection's
	// write lock; zero means DefaultBusyTimeout. Tests shorten it to make
	// a held lock fail a write quickly. SQLite only: on PostgreSQL a
	// statement waits for a lock as long as ctx allows.
	BusyTimeout time.Duration
}

// Journal is an open journal. It is safe for concurrent use, also by
// several processes holding the same file or database open: on SQLite
// every transaction takes the file's write lock; on PostgreSQL each takes
// an advisory lock on what it decides on (see Dialect.Serialize).
type Journal struct {
	db conn
	// path is the file, or the URL with its password redacted.
	path       string
	reg        *redact.Registry
	window     time.Duration
	staleAfter time.Duration
	now        func() time.Time
	retryable  func(code string) bool

	mu sync.Mutex
	// untrusted is why writes are refused (see ErrUntrusted), or nil.
	untrusted error
}

// Open opens the journal at location and applies any pending migrations.
// A location starting with postgres:// or postgresql:// is a PostgreSQL
// database (its password, if any, is best left to PGPASSWORD or
// ~/.pgpass; it never appears in errors). Anything else is the path of a
// SQLite file, created (0600, directory 0700) when missing.
func Open(ctx context.Context, location string, opts Options) (*Journal, error) {
	if location == "" {
		return nil, errors.New("journal: open: empty path")
	}
	shown := RedactURL(location)
	if opts.Window < 0 || opts.StaleAfter < 0 || opts.BusyTimeout < 0 {
		return nil, fmt.Errorf("journal: open %s: negative window, stale-after or busy timeout", shown)
	}
	j := &Journal{
		path:       shown,
		reg:        opts.Registry,
		window:     opts.Window,
		staleAfter: opts.StaleAfter,
		now:        opts.Now,
		retryable:  opts.Retryable,
	}
	if j.window == 0 {
		j.window = DefaultWindow
	}
	if j.staleAfter == 0 {
		j.staleAfter = DefaultStaleAfter
	}
	if j.now == nil {
		j.now = time.Now
	}
	if j.retryable == nil {
		j.retryable = DefaultRetryable
	}
	var (
		db  *sql.DB
		err error
	)
	if IsURL(location) {
		db, err = openPostgres(location)
		j.db = conn{DB: db, d: Postgres}
	} else {
		db, err = openSQLite(location, opts.BusyTimeout)
		j.db = conn{DB: db, d: SQLite}
	}
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", shown, err)
	}
	if err := whileBusy(ctx, func() error { return db.PingContext(ctx) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s: %w", shown, err)
	}
	every := opts.IntegrityEvery
	if every == 0 {
		every = DefaultIntegrityEvery
	}
	err = whileBusy(ctx, func() error { return j.migrate(ctx) })
	if err == nil {
		err = j.checkIntegrity(ctx, every)
	}
	if corrupt(err) {
		// A damaged file still opens: reads of the cloud need no journal,
		// and writes are refused with what to do.
		j.distrust(err)
		return j, nil
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s: %w", shown, err)
	}
	return j, nil
}

// openSQLite opens the journal file at path.
func openSQLite(path string, busy time.Duration) (*sql.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, errors.New("path must not contain '?' or '#'")
	}
	if busy == 0 {
		busy = DefaultBusyTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// Create the file ourselves so it gets 0600; SQLite gives its -wal and
	// -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	// _txlock=immediate: every transaction takes the write lock when it
	// starts, so two processes racing to Begin the same intent run one
	// after the other and the second sees the first's token.
	// synchronous(FULL): an intent recorded before sending must survive a
	// crash, not only a process exit.
	dsn := path + "?_txlock=immediate&_busy_timeout=" + strconv.FormatInt(max(busy.Milliseconds(), 1), 10) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	return sql.Open("sqlite", dsn)
}

// openPostgres opens a pool on the database at url. Transactions there
// are READ COMMITTED; what SQLite gets from BEGIN IMMEDIATE (one writer
// at a time) they get from advisory locks on what they decide on (see
// Dialect.Serialize), so unrelated writes do not wait for each other.
//
// Crashed holders: advisory locks are transaction-scoped, so a process
// that dies mid-transaction loses them with its connection. The rows of
// the locks table (held for a whole write call, across transactions) are
// freed the same way as on SQLite: by their lease running out without a
// renewal, which works across hosts, and at once when the holder's
// process on this host is gone.
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's parse errors quote the connection string; say what is
		// wrong without it.
		return nil, errors.New("invalid PostgreSQL URL: want postgres://user@host:port/database?sslmode=...")
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxIdleConns(4)
	return db, nil
}

// Close closes the journal.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("journal: close: %w", err)
	}
	return nil
}

// DB returns the journal's database, for stores that keep their own tables
// in the journal (the API tokens of package auth, the approvals of package
// approval) and so share its migrations, locking and backups. Their
// queries go through DialectOf(db).Rebind. Callers must not close it.
func (j *Journal) DB() *sql.DB { return j.db.DB }

// Dialect returns the journal's SQL dialect.
func (j *Journal) Dialect() Dialect { return j.db.d }

// Location returns the journal's file, or its URL with any password
// redacted.
func (j *Journal) Location() string { return j.path }

// SchemaVersion returns the newest migration applied to the journal.
func (j *Journal) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := j.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("journal: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Migrations are embedded per dialect: migrations/sqlite and
// migrations/postgres hold the same versions of the same schema.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// LatestSchemaVersion is the schema version this emrctl migrates to (the
// same for every dialect: a test keeps them in step).
func LatestSchemaVersion() int {
	ms, err := migrations(SQLite)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrations returns the embedded migrations of d in version order. Files
// are named NNNN_description.sql.
func migrations(d Dialect) ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/"+d.String()+"/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := make(map[int]string)
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version and '_'", base)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, base, v)
		}
		seen[v] = base
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].version < out[b].version })
	return out, nil
}

// migrate applies the migrations not yet recorded in schema_migrations, all
// in one transaction so that concurrent first opens apply each exactly once
// (on PostgreSQL under the advisory lock "migrate", taken before anything
// else, since even CREATE TABLE IF NOT EXISTS races there).
func (j *Journal) migrate(ctx context.Context) error {
	ms, err := migrations(j.db.d)
	if err != nil {
		return err
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if err := tx.serialize(ctx, "migrate"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_ns BIGINT  NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	for v := range applied {
		if v > latest {
			return fmt.Errorf("schema version %d, this emrctl knows up to %d: %w", v, latest, ErrNewerSchema)
		}
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_ns) VALUES (?, ?, ?)`,
			m.version, m.name, j.now().UnixNano()); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func appliedVersions(ctx context.Context, tx txn) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int]bool)
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

// DefaultRetryable reports whether a failure with code may have been
// transient or left the outcome open (throttling, internal and
// availability errors, timeouts, or no code at all); a retry of such an
// attempt reuses its token. Definite rejections (invalid parameter, denied,
// quota) get a fresh token.
func DefaultRetryable(code string) bool {
	c := strings.ToLower(code)
	if c == "" {
		return true
	}
	for _, prefix := range []string{
		"throttling", "serviceunavailable", "service.unavailable", "internalerror", "internal.error",
		"internalservererror", "internalfailure", "unknownerror", "requesttimeout", "timeout",
		"requestlimitexceeded", "toomanyrequests", "slowdown",
	} {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// clean scrubs a string for storage.
func (j *Journal) clean(s string) string {
	return j.reg.String(s)
}
