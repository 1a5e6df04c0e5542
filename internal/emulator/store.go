package emulator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store keeps the World. View gives read access; Update runs a change
// atomically: if fn fails, nothing it did is kept.
type Store interface {
	View(fn func(*World) error) error
	Update(fn func(*World) error) error
	Close() error
}

// MemoryStore keeps the world in memory only.
type MemoryStore struct {
	mu sync.RWMutex
	w  *World
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{w: newWorld()}
}

// View implements Store.
func (s *MemoryStore) View(fn func(*World) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(s.w)
}

// Update implements Store.
func (s *MemoryStore) Update(fn func(*World) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return runUpdate(s.w, fn, nil)
}

// Close implements Store.
func (s *MemoryStore) Close() error { return nil }

// runUpdate runs fn with change tracking, hands the changes to persist (if
// any) and commits or rolls back the in-memory tables.
func runUpdate(w *World, fn func(*World) error, persist func([]table) error) error {
	tabs := w.tables()
	for _, t := range tabs {
		t.begin()
	}
	err := withReads(fn, w)
	if err == nil && persist != nil {
		err = persist(tabs)
	}
	for _, t := range tabs {
		if err != nil {
			t.rollback()
		} else {
			t.commit()
		}
	}
	return err
}

// SQLiteStore keeps the world in a SQLite file, so consecutive emrctl
// commands (separate processes) see the same clusters. Every update bumps a
// generation number; a process whose cached world is older reloads it, which
// makes concurrent processes safe.
type SQLiteStore struct {
	mu  sync.Mutex
	db  *sql.DB
	w   *World
	gen int64
}

const storeSchema = `
CREATE TABLE IF NOT EXISTS records (
	kind TEXT NOT NULL,
	id   TEXT NOT NULL,
	body BLOB NOT NULL,
	PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS generation (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	gen INTEGER NOT NULL,
	schema INTEGER NOT NULL
);
INSERT OR IGNORE INTO generation (id, gen, schema) VALUES (1, 0, 1);
`

// storeSchemaVersion changes when records change incompatibly.
const storeSchemaVersion = 1

// OpenSQLiteStore opens (creating if needed) the store at path.
func OpenSQLiteStore(path string) (*SQLiteStore, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := whileBusy(func() error { _, err := db.Exec(storeSchema); return err }); err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox state %s: %w", path, err)
	}
	var schema int
	if err := db.QueryRow(`SELECT schema FROM generation WHERE id = 1`).Scan(&schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox state %s: %w", path, err)
	}
	if schema != storeSchemaVersion {
		db.Close()
		return nil, fmt.Errorf("sandbox state %s was written by another emrctl version (schema %d, want %d); run 'emrctl sandbox reset'", path, schema, storeSchemaVersion)
	}
	return &SQLiteStore{db: db, w: newWorld(), gen: -1}, nil
}

// View implements Store. Tables the call reads for the first time are
// read in their own transaction; if another process changed the state
// since the world was cached, the call starts again on the new state (a
// view only reads, so running it again is safe).
func (s *SQLiteStore) View(fn func(*World) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	read := func(kind string, each func(id string, body []byte) error) error {
		return s.readSnapshot(ctx, conn, kind, each)
	}
	for range 5 {
		if err := s.refresh(ctx, conn); err != nil {
			return err
		}
		if err := s.call(fn, read); !errors.Is(err, errStateMoved) {
			return err
		}
	}
	return fmt.Errorf("sandbox state: other processes kept changing it while this call read it; try again")
}

// errStateMoved: the file is newer than the cached world.
var errStateMoved = errors.New("sandbox state changed")

// call runs fn on the cached world, whose tables read through read, and
// fails with the first failed read (dropping the world, which may be
// partly filled).
func (s *SQLiteStore) call(fn func(*World) error, read func(string, func(string, []byte) error) error) error {
	src := s.w.src
	src.read, src.err = read, nil
	err := withReads(fn, s.w)
	if src.err != nil {
		s.gen = -1
	}
	src.read, src.err = nil, nil
	return err
}

// readSnapshot reads one kind's records in a read transaction, after
// checking the file is still at the cached world's generation.
func (s *SQLiteStore) readSnapshot(ctx context.Context, conn *sql.Conn, kind string, each func(id string, body []byte) error) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(ctx, "ROLLBACK"); err == nil && rerr != nil {
			err = fmt.Errorf("sandbox state: %w", rerr)
		}
	}()
	var gen int64
	if err := conn.QueryRowContext(ctx, `SELECT gen FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	if gen != s.gen {
		return errStateMoved
	}
	return readKind(ctx, conn, kind, each)
}

// readKind reads the records of one kind, in ID order. body is only
// valid during each (RawBytes): load decodes it and keeps no reference.
func readKind(ctx context.Context, conn *sql.Conn, kind string, each func(id string, body []byte) error) error {
	rows, err := conn.QueryContext(ctx, `SELECT id, body FROM records WHERE kind = ?`, kind)
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	defer rows.Close()
	var body sql.RawBytes
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &body); err != nil {
			return fmt.Errorf("sandbox state: %w", err)
		}
		if err := each(id, body); err != nil {
			return fmt.Errorf("sandbox state: %s %s: %w", kind, id, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	return nil
}

// Update implements Store.
func (s *SQLiteStore) Update(fn func(*World) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
		}
	}()
	if err := s.refresh(ctx, conn); err != nil {
		return err
	}
	read := func(kind string, each func(id string, body []byte) error) error {
		return readKind(ctx, conn, kind, each) // the update's transaction holds the file still
	}
	err = s.call(func(w *World) error {
		return runUpdate(w, fn, func(tabs []table) error {
			if err := writeChanges(ctx, conn, tabs); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `UPDATE generation SET gen = gen + 1 WHERE id = 1`); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
				return err
			}
			committed = true
			return nil
		})
	}, read)
	if err != nil {
		s.gen = -1 // the cache may be ahead of the file; reload next time
		return err
	}
	s.gen++
	return nil
}

func writeChanges(ctx context.Context, conn *sql.Conn, tabs []table) error {
	for _, t := range tabs {
		put, del, err := t.changes()
		if err != nil {
			return err
		}
		for id, raw := range put {
			if _, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO records (kind, id, body) VALUES (?, ?, ?)`, t.kind(), id, raw); err != nil {
				return err
			}
		}
		for _, id := range del {
			if _, err := conn.ExecContext(ctx, `DELETE FROM records WHERE kind = ? AND id = ?`, t.kind(), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// refresh drops the cached world if another process changed the file.
// The new world starts empty; each table is read on its first use.
func (s *SQLiteStore) refresh(ctx context.Context, conn *sql.Conn) error {
	var gen int64
	if err := conn.QueryRowContext(ctx, `SELECT gen FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	if gen == s.gen {
		return nil
	}
	w := newWorld()
	w.src = &tableSource{w: w}
	for _, t := range w.tables() {
		t.setSource(w.src)
	}
	s.w, s.gen = w, gen
	return nil
}

// Close implements Store.
func (s *SQLiteStore) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	return s.db.Close()
}

// whileBusy runs fn again while SQLite answers busy, for a few seconds:
// switching a new file to WAL does not wait for the busy timeout, so
// commands that open a new sandbox state at the same moment need this.
func whileBusy(fn func() error) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := fn()
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		<-time.After(20 * time.Millisecond)
	}
}
