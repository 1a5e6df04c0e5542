package journal

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func lockReq(name string, o Owner, hash string) LockRequest {
	return LockRequest{Name: name, Owner: o, Actor: "alice", IntentHash: hash, Operation: "IncreaseNodes"}
}

func testLockIsExclusiveAndReentrant(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	a, b := NewOwner(), NewOwner()
	if h, err := j.TryLock(ctx, lockReq("scope|c-1/ng-1", a, "h1")); err != nil || h != nil {
		t.Fatalf("first TryLock = %+v, %v, want acquired", h, err)
	}
	h, err := j.TryLock(ctx, lockReq("scope|c-1/ng-1", b, "h2"))
	if err != nil {
		t.Fatalf("second TryLock: %v", err)
	}
	if h == nil || h.Owner.ID != a.ID || h.IntentHash != "h1" || h.Actor != "alice" || h.Operation != "IncreaseNodes" {
		t.Fatalf("second TryLock holder = %+v, want owner %s with intent h1", h, a.ID)
	}
	if h, err := j.TryLock(ctx, lockReq("scope|c-1/ng-2", b, "h2")); err != nil || h != nil {
		t.Errorf("another target: TryLock = %+v, %v, want acquired", h, err)
	}
	if h, err := j.TryLock(ctx, lockReq("scope|c-1/ng-1", a, "h1")); err != nil || h != nil {
		t.Errorf("holder again: TryLock = %+v, %v, want re-entrant success", h, err)
	}
	if err := j.Unlock(ctx, "scope|c-1/ng-1", a.ID, nil); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if h, err := j.TryLock(ctx, lockReq("scope|c-1/ng-1", b, "h2")); err != nil || h != nil {
		t.Errorf("after unlock: TryLock = %+v, %v, want acquired", h, err)
	}
}

func testLockTakenOverAfterLease(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	// An owner on another host: only its lease tells whether it lives.
	far := Owner{ID: "elsewhere:42:abc", Host: "elsewhere", PID: 42}
	req := lockReq("s|c-1", far, "h")
	req.Lease = 30 * time.Second
	if h, err := j.TryLock(ctx, req); err != nil || h != nil {
		t.Fatalf("TryLock = %+v, %v", h, err)
	}
	me := NewOwner()
	c.Set(t0.Add(29 * time.Second))
	if h, _ := j.TryLock(ctx, lockReq("s|c-1", me, "h")); h == nil {
		t.Fatal("within the lease: lock taken over, want it held")
	}
	if err := j.Renew(ctx, far.ID, 30*time.Second); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	c.Set(t0.Add(58 * time.Second))
	if h, _ := j.TryLock(ctx, lockReq("s|c-1", me, "h")); h == nil {
		t.Fatal("within the renewed lease: lock taken over, want it held")
	}
	c.Set(t0.Add(60 * time.Second))
	if h, err := j.TryLock(ctx, lockReq("s|c-1", me, "h")); err != nil || h != nil {
		t.Fatalf("after the lease: TryLock = %+v, %v, want taken over", h, err)
	}
	if err := j.Renew(ctx, far.ID, time.Minute); !errors.Is(err, ErrLockLost) {
		t.Errorf("Renew by the old owner = %v, want ErrLockLost", err)
	}
}

// A process on this host that died holding a lock (kill -9) gives it up at
// once: nobody waits for its lease.
func testLockOfDeadProcessIsFree(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start a process: %v", err)
	}
	host, _ := os.Hostname()
	dead := Owner{ID: "dead", Host: host, PID: cmd.Process.Pid}
	if h, err := j.TryLock(ctx, lockReq("s|c-1", dead, "h")); err != nil || h != nil {
		t.Fatalf("TryLock = %+v, %v", h, err)
	}
	me := NewOwner()
	if h, _ := j.TryLock(ctx, lockReq("s|c-1", me, "h")); h == nil {
		t.Fatal("while the process runs: lock taken over, want it held")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if h, err := j.TryLock(ctx, lockReq("s|c-1", me, "h")); err != nil || h != nil {
		t.Fatalf("after the kill: TryLock = %+v, %v, want taken over", h, err)
	}
	if h, err := j.LockHolder(ctx, "s|c-1"); err != nil || h == nil || h.Owner.ID != me.ID {
		t.Errorf("LockHolder = %+v, %v, want %s", h, err, me.ID)
	}
}

func testUnlockRecordsTheFlight(t *testing.T, bk backend) {
	ctx := context.Background()
	j, _ := bk.openTest(t)
	o := NewOwner()
	if _, err := j.TryLock(ctx, lockReq("s|c-1", o, "h")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.FlightOf(ctx, o.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FlightOf before unlock = %v, want ErrNotFound", err)
	}
	out := map[string]string{"status": "sent", "password": "hunter2-secret"}
	fl := &Flight{IntentHash: "h", Scope: "s", Target: "c-1", IdempotencyKey: "key-1", AttemptID: 7, Status: "sent", Outcome: out}
	if err := j.Unlock(ctx, "s|c-1", o.ID, fl); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	f, err := j.FlightOf(ctx, o.ID)
	if err != nil {
		t.Fatalf("FlightOf: %v", err)
	}
	if f.AttemptID != 7 || f.IntentHash != "h" || f.Owner != o.ID || f.Status != "sent" || f.Target != "c-1" {
		t.Errorf("flight = %+v, want attempt 7 of intent h", f)
	}
	if byKey, err := j.FlightByKey(ctx, "key-1"); err != nil || byKey.Owner != o.ID {
		t.Errorf("FlightByKey = %+v, %v, want %s", byKey, err, o.ID)
	}
	if latest, err := j.LatestFlight(ctx, "h", t0); err != nil || latest.Owner != o.ID {
		t.Errorf("LatestFlight = %+v, %v, want %s", latest, err, o.ID)
	}
	if _, err := j.LatestFlight(ctx, "h", t0.Add(time.Second)); !errors.Is(err, ErrNotFound) {
		t.Errorf("LatestFlight after it = %v, want ErrNotFound", err)
	}
	if got := string(f.Raw); got != `{"password":"[REDACTED]","status":"sent"}` {
		t.Errorf("stored outcome = %s, want the redacted JSON", got)
	}
	if h, _ := j.LockHolder(ctx, "s|c-1"); h != nil {
		t.Errorf("LockHolder after unlock = %+v, want free", h)
	}
}

// Pending attempts of a live owner stay pending while it renews; those of
// a dead one read unknown.
func testAttemptLeaseFollowsTheOwner(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	in := createCluster("etl")
	in.Owner = Owner{ID: "far:1:a", Host: "far", PID: 1}
	in.Lease = 20 * time.Second
	a, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(15 * time.Second))
	if err := j.Renew(ctx, in.Owner.ID, 20*time.Second); !errors.Is(err, ErrLockLost) {
		t.Fatalf("Renew without a lock = %v, want ErrLockLost (the attempt lease is renewed anyway)", err)
	}
	c.Set(t0.Add(30 * time.Second))
	if e, _ := j.Get(ctx, a.ID); e.Status != StatusPending {
		t.Errorf("within the renewed lease: status %s, want pending", e.Status)
	}
	c.Set(t0.Add(40 * time.Second))
	if e, _ := j.Get(ctx, a.ID); e.Status != StatusUnknown || !e.Stale {
		t.Errorf("after the lease: status %s stale %v, want unknown", e.Status, e.Stale)
	}
	if es, err := j.OpenOn(ctx, "", "etl"); err != nil || len(es) != 1 || es[0].ID != a.ID {
		t.Errorf("OpenOn = %+v, %v, want attempt %d", es, err, a.ID)
	}
	if e, _ := j.Get(ctx, a.ID); e.Owner != in.Owner {
		t.Errorf("owner = %+v, want %+v", e.Owner, in.Owner)
	}
}

func testByKeyAndLastSent(t *testing.T, bk backend) {
	ctx := context.Background()
	j, c := bk.openTest(t)
	if _, err := j.ByKey(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ByKey on an empty journal = %v, want ErrNotFound", err)
	}
	in := createCluster("etl")
	in.Operation, in.Scope, in.IdempotencyKey = "DecreaseNodes", "s1", "k1"
	a, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := j.ByKey(ctx, "k1"); err != nil || e.ID != a.ID {
		t.Fatalf("ByKey = %+v, %v, want %d", e, err, a.ID)
	}
	if err := j.Finish(ctx, a.ID, Outcome{Status: StatusFailed, ErrorCode: "InvalidParameter"}); err != nil {
		t.Fatal(err)
	}
	if e, err := j.LastSent(ctx, "s1", "etl", "DecreaseNodes"); err != nil || e != nil {
		t.Fatalf("LastSent after a definite failure = %+v, %v, want none", e, err)
	}
	c.Set(t0.Add(time.Minute))
	in.Params = map[string]any{"nodes": 2}
	b, err := j.Begin(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := j.LastSent(ctx, "s1", "etl", "DecreaseNodes"); err != nil || e == nil || e.ID != b.ID {
		t.Fatalf("LastSent with a pending attempt = %+v, %v, want %d", e, err, b.ID)
	}
	if e, err := j.LastSent(ctx, "s2", "etl", "DecreaseNodes"); err != nil || e != nil {
		t.Errorf("LastSent in another scope = %+v, %v, want none", e, err)
	}
}

// A journal file with a damaged page still opens (reads of the cloud need
// no journal) but refuses writes, saying what to do.
func TestDamagedJournalRefusesWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		in := createCluster("etl")
		in.Params = map[string]any{"n": i, "pad": string(make([]byte, 200))}
		if _, err := j.Begin(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var root int
	if err := j.db.QueryRowContext(ctx, `SELECT rootpage FROM sqlite_master WHERE name = 'attempts'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	damage(t, path, root)

	j2, err := Open(ctx, path, Options{IntegrityEvery: -1})
	if err != nil {
		t.Fatalf("Open of a damaged journal: %v, want it opened untrusted", err)
	}
	defer j2.Close()
	_, err = j2.Begin(ctx, createCluster("etl"))
	var ue *UntrustedError
	if !errors.Is(err, ErrUntrusted) || !errors.As(err, &ue) {
		t.Fatalf("Begin on a damaged journal = %v, want ErrUntrusted", err)
	}
	if ue.Path != path || ue.Cause == nil {
		t.Errorf("UntrustedError = %+v, want the path and the cause", ue)
	}
}

// damage overwrites the header of a b-tree page with garbage.
func damage(t *testing.T, path string, page int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pageSize = 4096
	garbage := make([]byte, 64)
	for i := range garbage {
		garbage[i] = 0xEE
	}
	if _, err := f.WriteAt(garbage, int64((page-1)*pageSize)); err != nil {
		t.Fatal(err)
	}
}
