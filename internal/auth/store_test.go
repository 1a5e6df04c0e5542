package auth_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/auth/authtest"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/pgtest"
)

func TestMemoryStore(t *testing.T) {
	authtest.Run(t, func(t *testing.T, now func() time.Time) auth.Store {
		return auth.NewMemoryStore(auth.WithClock(now))
	})
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// journals are the two kinds of journal database a SQLStore lives in; each
// returns the location of a fresh one.
var journals = []struct {
	name     string
	location func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "journal.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }},
}

func TestSQLStore(t *testing.T) {
	for _, jt := range journals {
		t.Run(jt.name, func(t *testing.T) {
			authtest.Run(t, func(t *testing.T, now func() time.Time) auth.Store {
				return auth.NewSQLStore(openJournal(t, jt.location(t)), auth.WithClock(now))
			})
		})
	}
}

// TestSQLStoreNameRace creates one name from several journal handles (own
// pools, like separate processes) at once: one wins, the rest are told
// the name is taken.
func TestSQLStoreNameRace(t *testing.T) {
	for _, jt := range journals {
		t.Run(jt.name, func(t *testing.T) {
			ctx := context.Background()
			loc := jt.location(t)
			const n = 6
			stores := make([]*auth.SQLStore, n)
			for i := range stores {
				stores[i] = auth.NewSQLStore(openJournal(t, loc))
			}
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, errs[i] = s.Create(ctx, "ci", auth.Operator, time.Hour, "ana")
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for i, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, auth.ErrNameTaken):
					t.Errorf("store %d: Create = %v, want nil or %v", i, err, auth.ErrNameTaken)
				}
			}
			if won != 1 {
				t.Errorf("%d stores created the name, want 1", won)
			}
			list, err := stores[0].List(ctx)
			if err != nil || len(list) != 1 {
				t.Errorf("List = %d tokens, %v, want 1", len(list), err)
			}
		})
	}
}

func openJournal(t *testing.T, path string) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), path, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// TestSQLiteStoreKeepsOnlyAHash reads the table and then every byte of the
// database files: the raw token and its secret are nowhere, the hash is.
func TestSQLiteStoreKeepsOnlyAHash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	j, err := journal.Open(ctx, path, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := auth.NewSQLiteStore(j)
	raw, tok, err := s.Create(ctx, "ci", auth.Operator, time.Hour, "ana")
	if err != nil {
		t.Fatal(err)
	}
	secret := raw[len(auth.Prefix)+len(tok.ID)+1:]

	var stored string
	if err := j.DB().QueryRowContext(ctx, `SELECT secret_hash FROM api_tokens WHERE id = ?`, tok.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 64 || stored == secret || stored == raw {
		t.Errorf("stored secret_hash %q, want a 64-hex SHA-256, not the secret", stored)
	}
	// A raw token in text elsewhere in the journal is redacted too.
	if err := j.Audit(ctx, journal.AuditEvent{Event: "test", Detail: "pasted " + raw}); err != nil {
		t.Fatal(err)
	}
	inspectFiles := func(when string) {
		t.Helper()
		files, err := filepath.Glob(path + "*")
		if err != nil || len(files) == 0 {
			t.Fatalf("journal files: %v, %v", files, err)
		}
		sawHash := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, needle := range []string{raw, secret} {
				if bytes.Contains(b, []byte(needle)) {
					t.Errorf("%s: %s holds the token's secret", when, filepath.Base(f))
				}
			}
			sawHash = sawHash || bytes.Contains(b, []byte(stored))
		}
		if !sawHash {
			t.Errorf("%s: no journal file holds the hash: the check reads the wrong files", when)
		}
	}
	inspectFiles("open (WAL)")
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	inspectFiles("closed")
}
