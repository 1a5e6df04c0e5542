package journal

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultIntegrityEvery is how often Open runs SQLite's quick_check on the
// journal file (the time of the last check is stored in the journal).
const DefaultIntegrityEvery = 10 * time.Minute

// ErrUntrusted is returned by Begin when the journal cannot be trusted to
// remember a write: its file failed an integrity check, or an attempt did
// not read back as written. Reads of the cloud go on; writes are refused,
// since a write that cannot be journaled could be repeated after a crash.
var ErrUntrusted = errors.New("the journal cannot be trusted with writes")

// UntrustedError says why the journal is not trusted and what to do.
type UntrustedError struct {
	Path  string
	Cause error
}

func (e *UntrustedError) Error() string {
	if IsURL(e.Path) {
		return fmt.Sprintf("the journal %s cannot be trusted with writes (%v); nothing was sent. Check the "+
			"database, then check with 'emrctl audit list' what it recorded as pending or unknown before "+
			"repeating those writes", e.Path, e.Cause)
	}
	return fmt.Sprintf("the journal %s cannot be trusted with writes (%v); nothing was sent. Move it aside "+
		"(mv %s %s.damaged; emrctl starts a new one) and check with 'emrctl audit list' what the old one "+
		"recorded as pending or unknown before repeating those writes", e.Path, e.Cause, e.Path, e.Path)
}

// Unwrap returns the cause.
func (e *UntrustedError) Unwrap() error { return e.Cause }

// Is matches ErrUntrusted.
func (e *UntrustedError) Is(target error) bool { return target == ErrUntrusted }

// trusted returns nil, or the reason writes are refused.
func (j *Journal) trusted() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.untrusted == nil {
		return nil
	}
	return &UntrustedError{Path: j.path, Cause: j.untrusted}
}

// distrust refuses writes from now on, for cause.
func (j *Journal) distrust(cause error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.untrusted == nil {
		j.untrusted = cause
	}
}

// Trusted returns nil when the journal accepts writes, or the
// UntrustedError explaining why not.
func (j *Journal) Trusted() error { return j.trusted() }

// corrupt reports whether err is SQLite saying the file is damaged.
func corrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB
}

// checkIntegrity runs quick_check when the last one is older than every
// (always when every is negative), and distrusts the journal when it
// finds damage.
//
// On PostgreSQL there is nothing to do: quick_check is SQLite's, and the
// server owns the integrity of its files (checksums, WAL); a damaged
// database shows as errors from the server, not as a file emrctl can move
// aside.
func (j *Journal) checkIntegrity(ctx context.Context, every time.Duration) error {
	if j.db.d.Postgres() {
		return nil
	}
	now := j.now()
	if every >= 0 {
		var v string
		err := j.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'integrity_checked_ns'`).Scan(&v)
		if last, perr := strconv.ParseInt(v, 10, 64); err == nil && perr == nil && now.Sub(time.Unix(0, last)) < every {
			return nil
		}
	}
	rows, err := j.db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return err
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		j.distrust(fmt.Errorf("integrity check: %s", strings.Join(problems, "; ")))
		return nil
	}
	_, err = j.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('integrity_checked_ns', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		strconv.FormatInt(now.UnixNano(), 10))
	return err
}

// whileBusy runs fn again while the database answers busy (see busy), for
// a few seconds.
// Switching a new file to WAL does not wait for the busy timeout, so
// processes that open a new journal at the same moment need this.
func whileBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := fn()
		if !busy(err) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// retryConflicts runs fn, a whole transaction, again while PostgreSQL
// answers that it failed to serialize or deadlocked: the transaction was
// rolled back, so running it again is safe. On SQLite fn runs once; its
// busy timeout already waits for the write lock.
func (j *Journal) retryConflicts(ctx context.Context, fn func() error) error {
	if !j.db.d.Postgres() {
		return fn()
	}
	return whileBusy(ctx, fn)
}
