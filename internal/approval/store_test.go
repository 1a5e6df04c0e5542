package approval

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/pgtest"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/safetext"
)

// fakeClock is a settable clock for expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend is a kind of journal database the queue lives in.
type backend struct {
	name string
	// location returns a fresh journal's file or URL.
	location func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "journal.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }},
}

// newTestStore opens a real journal of bk and a queue in it; it returns
// the journal's location too.
func newTestStore(t *testing.T, bk backend) (*Store, *fakeClock, string) {
	t.Helper()
	loc := bk.location(t)
	clk := &fakeClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	return openStore(t, loc, clk), clk, loc
}

// openStore opens the journal at loc (a handle of its own, as another
// process would have) and a queue in it on clk.
func openStore(t *testing.T, loc string, clk *fakeClock) *Store {
	t.Helper()
	j, err := journal.Open(context.Background(), loc, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	sealer, err := NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return NewStore(j.DB(), sealer, time.Hour, clk.now)
}

func question() Question {
	return Question{API: "IncreaseNodes", Target: "ng-1 of c-1", Lines: []string{"API: IncreaseNodes"}, Request: []byte(`{"count":2}`)}
}

func enqueue(t *testing.T, s *Store, by, hash string, payload string) *Approval {
	t.Helper()
	a, err := s.Enqueue(context.Background(), &Approval{Route: "scaleOut", Question: question(), RequestHash: hash, RequestedBy: by, Via: "rest"}, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func testEnqueueIdenticalPendingIsOneApproval(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	a := enqueue(t, s, "ci", "h1", "p")
	b := enqueue(t, s, "ci", "h1", "p")
	c := enqueue(t, s, "other", "h1", "p")
	if a.ID != b.ID {
		t.Errorf("identical pending request: got approvals %s and %s, want one", a.ID, b.ID)
	}
	if c.ID == a.ID {
		t.Errorf("another requester got the same approval %s", c.ID)
	}
	if !ValidID(a.ID) || a.Status != Pending {
		t.Errorf("approval = %+v, want a valid ID, pending", a)
	}
}

func testDecideOnceUnderRace(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	a := enqueue(t, s, "ci", "h1", "the request")
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, payload, err := s.Decide(context.Background(), a.ID, Decision{Approve: i%2 == 0, By: "alice"})
			var de *DecidedError
			switch {
			case err == nil:
				wins.Add(1)
				if i%2 == 0 && string(payload) != "the request" {
					t.Errorf("payload = %q", payload)
				}
			case errors.As(err, &de):
			default:
				t.Errorf("decide: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d decisions succeeded, want exactly 1", wins.Load())
	}
	got, err := s.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Approved && got.Status != Rejected {
		t.Errorf("status = %s", got.Status)
	}
}

func testExpiredApprovalCannotBeDecided(t *testing.T, bk backend) {
	s, clk, _ := newTestStore(t, bk)
	a := enqueue(t, s, "ci", "h1", "p")
	clk.advance(time.Hour)
	_, payload, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice"})
	var de *DecidedError
	if !errors.As(err, &de) || de.Status != Expired || payload != nil {
		t.Fatalf("decide after expiry: %v, payload %q; want expired", err, payload)
	}
	got, _ := s.Get(context.Background(), a.ID)
	if got.Status != Expired {
		t.Errorf("status = %s, want expired", got.Status)
	}
}

func testDecideRefusals(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	a := enqueue(t, s, "ci", "h1", "p")
	if _, _, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "ci"}); !errors.Is(err, ErrSelfApproval) {
		t.Errorf("self approval: %v", err)
	}
	if _, _, err := s.Decide(context.Background(), "apv-aaaaaaaaaaaaaaaaaaaaaaaaaa", Decision{Approve: true, By: "alice"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ID: %v", err)
	}
	q := question()
	q.NeedsCostAck, q.Cost = true, "4 nodes more"
	b, err := s.Enqueue(context.Background(), &Approval{Route: "scaleOut", Question: q, RequestHash: "h2", RequestedBy: "ci"}, []byte("p"))
	if err != nil {
		t.Fatal(err)
	}
	var ae *AnswerError
	if _, _, err := s.Decide(context.Background(), b.ID, Decision{Approve: true, By: "alice"}); !errors.As(err, &ae) || ae.Field != "costAck" {
		t.Fatalf("approval without cost ack: %v", err)
	}
	if got, _ := s.Get(context.Background(), b.ID); got.Status != Pending {
		t.Errorf("after a refused answer the approval is %s, want still pending", got.Status)
	}
	if _, _, err := s.Decide(context.Background(), b.ID, Decision{Approve: true, By: "alice", Answer: engine.Answer{CostAck: true}}); err != nil {
		t.Errorf("approval with cost ack: %v", err)
	}
}

func testSealedRequestNeverInTheClear(t *testing.T, bk backend) {
	s, _, path := newTestStore(t, bk)
	secret := "RootPassword-Do-Not-Leak-42"
	a := enqueue(t, s, "ci", "h1", `{"password":"`+secret+`"}`)
	files := []string{path, path + "-wal"}
	if journal.IsURL(path) {
		files = nil // the server's files; the column check below covers PostgreSQL
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Fatalf("%s holds the request in the clear", filepath.Base(f))
		}
	}
	_, payload, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice"})
	if err != nil || !bytes.Contains(payload, []byte(secret)) {
		t.Fatalf("decide: %v, payload %q", err, payload)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM approvals WHERE sealed IS NOT NULL`).Scan(&n); err != nil || n != 0 {
		t.Errorf("sealed requests left after the decision: %d (%v)", n, err)
	}
}

func TestSealerBindsTheApproval(t *testing.T) {
	sl, err := NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sl.Seal("apv-a", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sl.Open("apv-b", sealed); err == nil {
		t.Error("a request sealed for one approval opened for another")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{2}, 32))
	if _, err := other.Open("apv-a", sealed); err == nil {
		t.Error("a request opened with another key")
	}
}

func testListPagesAndFilters(t *testing.T, bk backend) {
	s, clk, _ := newTestStore(t, bk)
	var ids []string
	for i := range 5 {
		clk.advance(time.Second)
		ids = append(ids, enqueue(t, s, "ci", string(rune('a'+i)), "p").ID)
	}
	if _, _, err := s.Decide(context.Background(), ids[1], Decision{By: "alice"}); err != nil {
		t.Fatal(err)
	}
	page, err := s.List(context.Background(), Filter{Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != ids[0] || page[1].ID != ids[1] {
		t.Fatalf("first page = %v, %v", page, err)
	}
	next, err := s.List(context.Background(), Filter{Limit: 2, After: page[1].ID})
	if err != nil || len(next) != 2 || next[0].ID != ids[2] {
		t.Fatalf("second page = %v, %v", next, err)
	}
	pending, err := s.List(context.Background(), Filter{Statuses: []Status{Pending}})
	if err != nil || len(pending) != 4 {
		t.Fatalf("pending = %d, %v; want 4", len(pending), err)
	}
}

func testFinishOnlyAfterApproval(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	a := enqueue(t, s, "ci", "h1", "p")
	if _, err := s.Finish(context.Background(), a.ID, true, map[string]string{"status": "sent"}); err == nil {
		t.Fatal("a pending approval was finished")
	}
	if _, _, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Finish(context.Background(), a.ID, true, map[string]string{"status": "sent"})
	if err != nil || got.Status != Executed || string(got.Result) != `{"status":"sent"}` {
		t.Fatalf("finish = %+v, %v", got, err)
	}
	if _, err := s.Finish(context.Background(), a.ID, true, nil); err == nil {
		t.Error("an approval was finished twice")
	}
}

func TestGrantedAnswersOnlyTheApprovedRequest(t *testing.T) {
	asked := engine.Confirmation{RequestHash: "h1", Summary: policy.Summary{API: "IncreaseNodes", Impact: safetext.F("the group grows from 2 to 4 nodes")}}
	g := &Granted{Approval: &Approval{ID: "apv-x", RequestHash: "h1", Question: QuestionOf(asked)}, Answer: engine.Answer{CostAck: true}}
	ans, err := g.Confirm(context.Background(), asked)
	if err != nil || !ans.Yes || !ans.CostAck {
		t.Fatalf("same request: %+v, %v", ans, err)
	}
	var se *StaleError
	changedRequest := asked
	changedRequest.RequestHash = "h2"
	if _, err := g.Confirm(context.Background(), changedRequest); !errors.As(err, &se) {
		t.Fatalf("changed request: %v, want StaleError", err)
	}
	// The same request from another size is another write: the impact
	// the approver read no longer holds.
	movedOn := asked
	movedOn.Summary.Impact = safetext.F("the group grows from 3 to 5 nodes")
	if _, err := g.Confirm(context.Background(), movedOn); !errors.As(err, &se) {
		t.Fatalf("same request, changed impact: %v, want StaleError", err)
	}
}

func testWithdrawRacesDecide(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	a := enqueue(t, s, "agent", "h1", "p")
	if err := s.Withdraw(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	var de *DecidedError
	if _, _, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice"}); !errors.As(err, &de) || de.Status != Expired {
		t.Fatalf("decide after withdraw: %v, want expired", err)
	}
	b := enqueue(t, s, "agent", "h2", "p")
	if _, _, err := s.Decide(context.Background(), b.ID, Decision{Approve: true, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(context.Background(), b.ID); !errors.As(err, &de) || de.Status != Approved {
		t.Fatalf("withdraw after approval: %v, want already approved", err)
	}
}

func testApprovalKeepsTheApproversAnswer(t *testing.T, bk backend) {
	s, _, _ := newTestStore(t, bk)
	q := question()
	q.NeedsCostAck, q.Cost, q.RequireTypedName = true, "more nodes", "prod"
	a, err := s.Enqueue(context.Background(), &Approval{Route: "r", Question: q, RequestHash: "h", RequestedBy: "ci"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice", Answer: engine.Answer{CostAck: true, TypedName: "prod"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (engine.Answer{Yes: true, CostAck: true, TypedName: "prod"}); got.Answer != want {
		t.Errorf("answer = %+v, want %+v", got.Answer, want)
	}
}

// suite is every queue test; TestStores runs it on SQLite and PostgreSQL.
var suite = []struct {
	name string
	fn   func(*testing.T, backend)
}{
	{"EnqueueIdenticalPendingIsOneApproval", testEnqueueIdenticalPendingIsOneApproval},
	{"DecideOnceUnderRace", testDecideOnceUnderRace},
	{"ExpiredApprovalCannotBeDecided", testExpiredApprovalCannotBeDecided},
	{"DecideRefusals", testDecideRefusals},
	{"SealedRequestNeverInTheClear", testSealedRequestNeverInTheClear},
	{"ListPagesAndFilters", testListPagesAndFilters},
	{"FinishOnlyAfterApproval", testFinishOnlyAfterApproval},
	{"WithdrawRacesDecide", testWithdrawRacesDecide},
	{"ApprovalKeepsTheApproversAnswer", testApprovalKeepsTheApproversAnswer},
	{"EnqueueRaceAcrossHandles", testEnqueueRaceAcrossHandles},
	{"DecideRaceAcrossHandles", testDecideRaceAcrossHandles},
}

func TestStores(t *testing.T) {
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, bk) })
			}
		})
	}
}

// stores opens n queues on one fresh journal, each through its own
// journal handle, as n server replicas would.
func stores(t *testing.T, bk backend, n int) []*Store {
	loc := bk.location(t)
	clk := &fakeClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	out := make([]*Store, n)
	for i := range out {
		out[i] = openStore(t, loc, clk)
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

func testEnqueueRaceAcrossHandles(t *testing.T, bk backend) {
	const n = 6
	ss := stores(t, bk, n)
	ids := make([]string, n)
	errs := make([]error, n)
	together(n, func(i int) {
		a, err := ss[i].Enqueue(context.Background(), &Approval{Route: "scaleOut", Question: question(), RequestHash: "h1",
			RequestedBy: "ci", Via: "rest"}, []byte("p"))
		if err == nil {
			ids[i] = a.ID
		}
		errs[i] = err
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Enqueue on replica %d: %v", i, err)
		}
		if ids[i] != ids[0] {
			t.Errorf("replica %d got approval %s, replica 0 got %s: want one approval", i, ids[i], ids[0])
		}
	}
	list, err := ss[0].List(context.Background(), Filter{})
	if err != nil || len(list) != 1 {
		t.Errorf("List = %d approvals, %v, want 1", len(list), err)
	}
}

func testDecideRaceAcrossHandles(t *testing.T, bk backend) {
	const n = 6
	ss := stores(t, bk, n)
	a := enqueue(t, ss[0], "ci", "h1", "the request")
	errs := make([]error, n)
	together(n, func(i int) {
		_, _, errs[i] = ss[i].Decide(context.Background(), a.ID, Decision{Approve: true, By: "alice"})
	})
	wins := 0
	for i, err := range errs {
		var de *DecidedError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &de):
			if de.Status != Approved {
				t.Errorf("replica %d: DecidedError status %s, want %s", i, de.Status, Approved)
			}
		default:
			t.Errorf("replica %d: Decide = %v", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d replicas decided, want exactly 1", wins)
	}
}
