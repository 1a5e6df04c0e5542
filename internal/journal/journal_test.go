package journal

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// t0 is the start of every test clock.
var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// clock is a settable time source for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// openAt opens the journal at path and closes it when the test ends.
func openAt(t testing.TB, path string, opts Options) *Journal {
	t.Helper()
	j, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := j.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return j
}

// openTest opens a fresh journal in a temporary directory on a test clock.
func openTest(t testing.TB) (*Journal, *clock) {
	t.Helper()
	c := newClock()
	return openAt(t, filepath.Join(t.TempDir(), "journal.db"), Options{Now: c.Now}), c
}

// createCluster is a typical intent with a ClientToken.
func createCluster(name string) Intent {
	return Intent{
		Actor:     "alice",
		ActorKind: "cli-terminal",
		Client:    "emrctl/test",
		Profile:   "sandbox",
		Provider:  "aliyun",
		Region:    "cn-hangzhou",
		Operation: "CreateCluster",
		Target:    name,
		Params:    map[string]any{"ClusterName": name, "ClusterType": "DATALAKE", "PaymentType": "PayAsYouGo"},
		TokenKind: TokenClient,
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "emrctl")
	path := filepath.Join(dir, "journal.db")
	j := openAt(t, path, Options{})
	if _, err := j.Begin(context.Background(), createCluster("etl")); err != nil {
		t.Fatalf("Begin: %v", err)
	}
	for _, tt := range []struct {
		path string
		want os.FileMode
	}{
		{path: dir, want: 0o700 | os.ModeDir},
		{path: path, want: 0o600},
		{path: path + "-wal", want: 0o600},
	} {
		fi, err := os.Stat(tt.path)
		if err != nil {
			t.Fatalf("stat: %v", err)
		}
		if got := fi.Mode(); got != tt.want {
			t.Errorf("mode of %s = %v, want %v", tt.path, got, tt.want)
		}
	}
	var mode string
	if err := j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatalf("journal_mode: %v", err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestOpenRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts Options
	}{
		{name: "empty path", path: ""},
		{name: "query in path", path: filepath.Join(dir, "j.db?mode=ro")},
		{name: "negative window", path: filepath.Join(dir, "j.db"), opts: Options{Window: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Open(context.Background(), tt.path, tt.opts)
			if err == nil {
				j.Close()
				t.Fatalf("Open(%q) succeeded, want error", tt.path)
			}
		})
	}
}

func testMigrationsIdempotentOnReopen(t *testing.T, bk backend) {
	ctx := context.Background()
	path := bk.location(t)
	ms, err := migrations(bk.dialect)
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	var id int64
	for i := range 3 {
		j, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if i == 0 {
			a, err := j.Begin(ctx, createCluster("etl"))
			if err != nil {
				t.Fatalf("Begin: %v", err)
			}
			id = a.ID
		}
		var n int
		if err := j.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatalf("count migrations: %v", err)
		}
		if n != len(ms) {
			t.Errorf("open %d: schema_migrations has %d rows, want %d", i, n, len(ms))
		}
		if _, err := j.Get(ctx, id); err != nil {
			t.Errorf("open %d: Get(%d): %v", i, id, err)
		}
		if err := j.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
}

func testOpenNewerSchema(t *testing.T, bk backend) {
	ctx := context.Background()
	path := bk.location(t)
	j, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := j.db.Exec(`INSERT INTO schema_migrations (version, name, applied_ns) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatalf("insert: %v", err)
	}
	j.Close()
	j, err = Open(ctx, path, Options{})
	if !errors.Is(err, ErrNewerSchema) {
		if err == nil {
			j.Close()
		}
		t.Fatalf("Open = %v, want %v", err, ErrNewerSchema)
	}
}

func TestMigrationFilesAreOrdered(t *testing.T) {
	lite, err := migrations(SQLite)
	if err != nil {
		t.Fatalf("sqlite migrations: %v", err)
	}
	if len(lite) == 0 {
		t.Fatal("got no migrations, want at least one")
	}
	for i, m := range lite {
		if m.version != i+1 {
			t.Errorf("migration %d is %s (version %d), want version %d", i, m.name, m.version, i+1)
		}
	}
	// Both dialects have the same versions under the same names, so a
	// schema version means one schema.
	pg, err := migrations(Postgres)
	if err != nil {
		t.Fatalf("postgres migrations: %v", err)
	}
	names := func(ms []migration) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	if diff := cmp.Diff(names(lite), names(pg)); diff != "" {
		t.Errorf("postgres migrations differ from sqlite's (-sqlite +postgres):\n%s", diff)
	}
}

func TestDefaultRetryable(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{code: "Throttling", want: true},
		{code: "Throttling.User", want: true},
		{code: "Throttling.Api", want: true},
		{code: "ThrottlingException", want: true},
		{code: "ServiceUnavailable", want: true},
		{code: "InternalError", want: true},
		{code: "", want: true},
		{code: "InvalidParameter", want: false},
		{code: "OperationDenied.ClusterStatus", want: false},
		{code: "IdempotentParameterMismatch", want: false},
		{code: "Forbidden.RAM", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := DefaultRetryable(tt.code); got != tt.want {
				t.Errorf("DefaultRetryable(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

// Processes that start at the same moment on a new data directory all
// open the journal: the first switches it to WAL while the others wait.
func testConcurrentOpenOfANewJournal(t *testing.T, bk backend) {
	for round := range 20 {
		path := bk.location(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				j, err := Open(context.Background(), path, Options{})
				if err == nil {
					err = j.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, opener %d: %v", round, i, err)
			}
		}
	}
}
