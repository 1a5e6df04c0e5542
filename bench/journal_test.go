package bench

// Journal store benchmarks: how many writes per second the journal
// records, and how long a write waits for a target's lock, with 1, 8 and
// 32 concurrent writers on each store (a SQLite file, as one person has;
// a PostgreSQL database, as a team shares). Each writer has its own
// handle on the store, as each emrctl process or serve replica has.
//
//	go test ./bench -run '^$' -bench Journal -benchtime 2000x
//
// PostgreSQL comes from internal/pgtest, on this machine's loopback, and
// runs without durability (fsync=off), while the SQLite journal syncs
// every commit (synchronous=FULL): read the postgres figures as the cost
// of the protocol and the locking, not of a durable server's disk. Without
// the server binaries the postgres sub-benchmarks skip
// (EMRCTL_REQUIRE_POSTGRES=1 fails them).

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// store is a kind of journal store the benchmarks run on.
type store struct {
	name string
	// location returns where a fresh journal lives.
	location func(tb testing.TB) string
}

var stores = []store{
	{"sqlite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "journal.db") }},
	{"postgres", func(tb testing.TB) string { return pgtest.Shared(tb).NewDatabase(tb) }},
}

// writerCounts are the concurrent writers each store is measured with.
var writerCounts = []int{1, 8, 32}

// lockRetry is how long a writer that found the lock held waits before it
// tries again. The engine waits 150-300 ms, which would measure its
// polling instead of the store; 10 ms keeps the store the bottleneck
// without the waiters' polls swamping it (at 1 ms, 32 writers poll 32,000
// times a second, and a PostgreSQL server on the same small machine
// spends its time answering them instead of the holder's Unlock).
const lockRetry = 10 * time.Millisecond

// openHandles opens the journal at location once per writer (the first
// Open applies the migrations). The caller closes them with closeAll, at
// the end of each benchmark run: a benchmark function runs several times,
// and handles left open until its cleanup would pile up connections.
func openHandles(tb testing.TB, location string, n int) []*journal.Journal {
	tb.Helper()
	ctx := context.Background()
	js := make([]*journal.Journal, n)
	for i := range js {
		j, err := journal.Open(ctx, location, journal.Options{})
		if err != nil {
			closeAll(js[:i])
			tb.Fatal(err)
		}
		js[i] = j
	}
	return js
}

func closeAll(js []*journal.Journal) {
	for _, j := range js {
		_ = j.Close()
	}
}

// spread runs ops operations over the writers, each writer taking the
// next operation number until none is left, and returns the first error.
func spread(writers, ops int, op func(writer, n int) error) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first error
		once  sync.Once
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := int(next.Add(1)); n <= ops; n = int(next.Add(1)) {
				if err := op(w, n); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// write records one write of a distinct intent, as the engine does around
// a send: Begin before, Finish after.
func write(ctx context.Context, j *journal.Journal, owner journal.Owner, n int) error {
	a, err := j.Begin(ctx, journal.Intent{
		Actor: "bench", ActorKind: "user", Client: "bench", Profile: "bench", Provider: "sandbox", Region: "cn-hangzhou",
		Scope: "bench", Operation: "IncreaseNodes", Target: fmt.Sprintf("c-bench/ng-%d", n),
		Params: map[string]any{"IncreaseNodeCount": 2}, TokenKind: journal.TokenNone, Owner: owner,
	})
	if err != nil {
		return err
	}
	return j.Finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: []string{fmt.Sprintf("op-%d", n)}})
}

// BenchmarkJournalWrites measures recorded writes per second (Begin and
// Finish of distinct intents) by concurrent writers.
func BenchmarkJournalWrites(b *testing.B) {
	for _, s := range stores {
		for _, writers := range writerCounts {
			b.Run(fmt.Sprintf("store=%s/writers=%d", s.name, writers), func(b *testing.B) {
				js := openHandles(b, s.location(b), writers)
				defer closeAll(js)
				ctx := context.Background()
				owners := newOwners(writers)
				b.ResetTimer()
				err := spread(writers, b.N, func(w, n int) error { return write(ctx, js[w], owners[w], n) })
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}

// BenchmarkJournalLockWait measures how long a writer waits for one
// shared lock (TryLock until it is free, then Unlock at once) with
// concurrent writers, and reports the 99th percentile.
func BenchmarkJournalLockWait(b *testing.B) {
	for _, s := range stores {
		for _, writers := range writerCounts {
			b.Run(fmt.Sprintf("store=%s/writers=%d", s.name, writers), func(b *testing.B) {
				js := openHandles(b, s.location(b), writers)
				defer closeAll(js)
				owners := newOwners(writers)
				waits := make([][]time.Duration, writers)
				b.ResetTimer()
				err := spread(writers, b.N, func(w, _ int) error {
					d, err := lockOnce(context.Background(), js[w], owners[w], nil)
					waits[w] = append(waits[w], d)
					return err
				})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "locks/s")
				all := slices.Concat(waits...)
				slices.Sort(all)
				// Takers are not queued: a writer can lose the race many
				// times, so the longest wait is shown next to the p99.
				b.ReportMetric(ms(p99(all)), "p99-lock-wait-ms")
				b.ReportMetric(ms(all[len(all)-1]), "max-lock-wait-ms")
			})
		}
	}
}

// sharedLock is the one target every writer of the lock benchmark wants.
const sharedLock = "bench/c-bench/ng-shared"

// lockOnce takes the shared lock, waiting while another writer holds it,
// runs holding (when not nil) while it has it, releases it, and returns
// how long it waited.
func lockOnce(ctx context.Context, j *journal.Journal, owner journal.Owner, holding func() error) (time.Duration, error) {
	start := time.Now()
	for {
		h, err := j.TryLock(ctx, journal.LockRequest{Name: sharedLock, Owner: owner, Actor: "bench", Operation: "DecreaseNodes"})
		if err != nil {
			return 0, err
		}
		if h == nil {
			break
		}
		time.Sleep(lockRetry)
	}
	waited := time.Since(start)
	var err error
	if holding != nil {
		err = holding()
	}
	return waited, errors.Join(err, j.Unlock(ctx, sharedLock, owner.ID, nil))
}

func newOwners(n int) []journal.Owner {
	owners := make([]journal.Owner, n)
	for i := range owners {
		owners[i] = journal.NewOwner()
	}
	return owners
}

// p99 is the 99th percentile (nearest rank) of sorted, which is not
// empty.
func p99(sorted []time.Duration) time.Duration {
	rank := (len(sorted)*99 + 99) / 100 // ceil(0.99 n)
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestJournalBenchHarness runs the benchmarks' work at a small scale on
// each store and checks that it does what they count: every write is
// recorded as succeeded, the shared lock is never held by two writers at
// once, and it is free at the end.
func TestJournalBenchHarness(t *testing.T) {
	const writers, ops = 8, 40
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			js := openHandles(t, s.location(t), writers)
			defer closeAll(js)
			ctx := context.Background()
			owners := newOwners(writers)
			if err := spread(writers, ops, func(w, n int) error { return write(ctx, js[w], owners[w], n) }); err != nil {
				t.Fatal(err)
			}
			got, err := js[0].Count(ctx, journal.Filter{Status: string(journal.StatusSucceeded)})
			if err != nil {
				t.Fatal(err)
			}
			if got != ops {
				t.Errorf("succeeded writes in the journal: got %d, want %d", got, ops)
			}

			// holding fails when another writer has the lock too.
			var held atomic.Int32
			holding := func() error {
				defer held.Add(-1)
				if n := held.Add(1); n != 1 {
					return fmt.Errorf("%d writers held the lock %s at once, want 1", n, sharedLock)
				}
				return nil
			}
			err = spread(writers, ops, func(w, _ int) error {
				_, err := lockOnce(ctx, js[w], owners[w], holding)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if h, err := js[0].LockHolder(ctx, sharedLock); err != nil || h != nil {
				t.Errorf("the shared lock after the run: holder %v, error %v; want free", h, err)
			}
		})
	}
}

func TestP99(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int // waits of 1..n ms
		want time.Duration
	}{
		{name: "one", n: 1, want: time.Millisecond},
		{name: "hundred", n: 100, want: 99 * time.Millisecond},
		{name: "hundred and one", n: 101, want: 100 * time.Millisecond},
		{name: "thousand", n: 1000, want: 990 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sorted []time.Duration
			for i := 1; i <= tc.n; i++ {
				sorted = append(sorted, time.Duration(i)*time.Millisecond)
			}
			if got := p99(sorted); got != tc.want {
				t.Errorf("p99 of 1..%d ms: got %s, want %s", tc.n, got, tc.want)
			}
		})
	}
}
