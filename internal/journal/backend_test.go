package journal

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend is a kind of journal store the suite runs against.
type backend struct {
	name    string
	dialect Dialect
	// location returns where a fresh journal lives: a file in a temporary
	// directory, or the URL of a new PostgreSQL database.
	location func(t testing.TB) string
}

var backends = []backend{
	{name: "sqlite", dialect: SQLite, location: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "journal.db")
	}},
	{name: "postgres", dialect: Postgres, location: func(t testing.TB) string {
		return pgtest.Shared(t).NewDatabase(t)
	}},
}

// openTest opens a fresh journal of the backend on a test clock.
func (bk backend) openTest(t testing.TB) (*Journal, *clock) {
	t.Helper()
	c := newClock()
	return openAt(t, bk.location(t), Options{Now: c.Now}), c
}

// suite is every journal test that holds for both stores.
var suite = []struct {
	name string
	fn   func(*testing.T, backend)
}{
	{"BeginFirstAttempt", testBeginFirstAttempt},
	{"BeginRejectsBadIntent", testBeginRejectsBadIntent},
	{"BeginTokenReuse", testBeginTokenReuse},
	{"BeginWindowCountsFromFirstUse", testBeginWindowCountsFromFirstUse},
	{"BeginAfterSuccessIsANewWrite", testBeginAfterSuccessIsANewWrite},
	{"BeginConcurrentHandlesShareToken", testBeginConcurrentHandlesShareToken},
	{"IntentHash", testIntentHash},
	{"FinishRecordsOutcome", testFinishRecordsOutcome},
	{"FinishErrors", testFinishErrors},
	{"StalePendingReadsUnknown", testStalePendingReadsUnknown},
	{"MarkStaleOlderThan", testMarkStaleOlderThan},
	{"LatestForIntentNotFound", testLatestForIntentNotFound},
	{"ListFilters", testListFilters},
	{"AuditEvents", testAuditEvents},
	{"EntryJSONFieldNames", testEntryJSONFieldNames},
	{"MigrationsIdempotentOnReopen", testMigrationsIdempotentOnReopen},
	{"OpenNewerSchema", testOpenNewerSchema},
	{"ConcurrentOpenOfANewJournal", testConcurrentOpenOfANewJournal},
	{"LockIsExclusiveAndReentrant", testLockIsExclusiveAndReentrant},
	{"LockTakenOverAfterLease", testLockTakenOverAfterLease},
	{"LockOfDeadProcessIsFree", testLockOfDeadProcessIsFree},
	{"UnlockRecordsTheFlight", testUnlockRecordsTheFlight},
	{"AttemptLeaseFollowsTheOwner", testAttemptLeaseFollowsTheOwner},
	{"ByKeyAndLastSent", testByKeyAndLastSent},
	{"NoSecretsStored", testNoSecretsStored},
	{"SchemaVersion", testSchemaVersion},
	{"ParallelBeginsOneToken", testParallelBeginsOneToken},
	{"TryLockRaceOneHolder", testTryLockRaceOneHolder},
	{"SilentHolderTakenOverAfterLease", testSilentHolderTakenOverAfterLease},
	{"UniqueViolation", testUniqueViolation},
}

// TestStores runs the suite against SQLite and PostgreSQL (skipped without
// PostgreSQL binaries unless EMRCTL_REQUIRE_POSTGRES=1).
func TestStores(t *testing.T) {
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, bk) })
			}
		})
	}
}

func testSchemaVersion(t *testing.T, bk backend) {
	j, _ := bk.openTest(t)
	ms, err := migrations(bk.dialect)
	if err != nil {
		t.Fatal(err)
	}
	got, err := j.SchemaVersion(context.Background())
	if err != nil {
		t.Fatalf("SchemaVersion: %v", err)
	}
	if want := ms[len(ms)-1].version; got != want {
		t.Errorf("SchemaVersion = %d, want %d", got, want)
	}
	if j.Dialect() != bk.dialect || DialectOf(j.DB()) != bk.dialect {
		t.Errorf("Dialect = %v, DialectOf(DB) = %v, want %v", j.Dialect(), DialectOf(j.DB()), bk.dialect)
	}
}

// handles opens n journals on one store, each with its own pool, as n
// processes would, all on clock c.
func handles(t *testing.T, bk backend, n int, c *clock) []*Journal {
	loc := bk.location(t)
	out := make([]*Journal, n)
	for i := range out {
		out[i] = openAt(t, loc, Options{Now: c.Now})
	}
	return out
}

// together runs fn(i) for i in [0, n) in goroutines released at once.
func together(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func testParallelBeginsOneToken(t *testing.T, bk backend) {
	ctx := context.Background()
	const n = 8
	js := handles(t, bk, n, newClock())
	in := createCluster("etl")
	attempts := make([]*Attempt, n)
	errs := make([]error, n)
	together(n, func(i int) { attempts[i], errs[i] = js[i].Begin(ctx, in) })
	fresh, tokens := 0, map[string]bool{}
	numbers := map[int]bool{}
	for i, a := range attempts {
		if errs[i] != nil {
			t.Fatalf("Begin on handle %d: %v", i, errs[i])
		}
		tokens[a.Token] = true
		numbers[a.Attempt] = true
		if !a.Reused {
			fresh++
		}
	}
	if len(tokens) != 1 || fresh != 1 || len(numbers) != n {
		t.Errorf("got %d tokens, %d fresh, %d distinct attempt numbers; want 1 token, 1 fresh, %d numbers",
			len(tokens), fresh, len(numbers), n)
	}
}

// remoteOwner is an owner on another host: only its lease says it lives.
func remoteOwner(i int) Owner {
	return Owner{ID: fmt.Sprintf("other-host:%d:x", i), Host: "other-host", PID: 1000 + i}
}

func testTryLockRaceOneHolder(t *testing.T, bk backend) {
	ctx := context.Background()
	const n = 8
	js := handles(t, bk, n, newClock())
	for round := range 5 {
		name := fmt.Sprintf("s|ng-%d", round)
		holders := make([]*Holder, n)
		errs := make([]error, n)
		together(n, func(i int) { holders[i], errs[i] = js[i].TryLock(ctx, lockReq(name, remoteOwner(i), "h")) })
		winner := -1
		for i, h := range holders {
			if errs[i] != nil {
				t.Fatalf("round %d: TryLock on handle %d: %v", round, i, errs[i])
			}
			if h == nil {
				if winner >= 0 {
					t.Fatalf("round %d: handles %d and %d both got the lock", round, winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody got the lock", round)
		}
		for i, h := range holders {
			if h != nil && h.Owner.ID != remoteOwner(winner).ID {
				t.Errorf("round %d: handle %d sees holder %s, want %s", round, i, h.Owner.ID, remoteOwner(winner).ID)
			}
		}
	}
}

func testSilentHolderTakenOverAfterLease(t *testing.T, bk backend) {
	ctx := context.Background()
	c := newClock()
	js := handles(t, bk, 2, c)
	first, second := remoteOwner(1), remoteOwner(2)
	req := lockReq("s|c-1", first, "h")
	req.Lease = 30 * time.Second
	if h, err := js[0].TryLock(ctx, req); err != nil || h != nil {
		t.Fatalf("first TryLock = %+v, %v", h, err)
	}
	c.Set(t0.Add(20 * time.Second))
	if h, err := js[1].TryLock(ctx, lockReq("s|c-1", second, "h")); err != nil || h == nil || h.Owner.ID != first.ID {
		t.Fatalf("within the lease: TryLock = %+v, %v, want held by %s", h, err, first.ID)
	}
	c.Set(t0.Add(31 * time.Second))
	if h, err := js[1].TryLock(ctx, lockReq("s|c-1", second, "h")); err != nil || h != nil {
		t.Fatalf("after the lease: TryLock = %+v, %v, want taken over", h, err)
	}
	if err := js[0].Renew(ctx, first.ID, time.Minute); !errors.Is(err, ErrLockLost) {
		t.Errorf("Renew by the silent holder = %v, want %v", err, ErrLockLost)
	}
	h, err := js[0].LockHolder(ctx, "s|c-1")
	if err != nil || h == nil || h.Owner.ID != second.ID {
		t.Errorf("LockHolder = %+v, %v, want %s", h, err, second.ID)
	}
}
