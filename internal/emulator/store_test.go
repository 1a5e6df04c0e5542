package emulator

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// stores returns a fresh store of every kind, closed with the test.
func stores(t *testing.T) map[string]func() Store {
	return map[string]func() Store{
		"memory": func() Store { return NewMemoryStore() },
		"sqlite": func() Store {
			s, err := OpenSQLiteStore(filepath.Join(t.TempDir(), "sandbox.db"))
			if err != nil {
				t.Fatalf("OpenSQLiteStore: %v", err)
			}
			return s
		},
	}
}

// TestStoreConformance runs the conformance scenario on every store, in
// process (TestConformance covers HTTP).
func TestStoreConformance(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, newServer(t, Options{Store: open()}), false)
			runConformance(t, h)
		})
	}
}

// TestSQLiteSharedFile shows two handles on one file (two emrctl
// processes) see each other's changes.
func TestSQLiteSharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *harness {
		s, err := OpenSQLiteStore(path)
		if err != nil {
			t.Fatalf("OpenSQLiteStore: %v", err)
		}
		return newHarness(t, newServer(t, Options{Store: s}), false)
	}
	first, second := open(), open()
	id := first.runCluster(goodCluster("shared"))
	if got := second.getCluster(id).ClusterName; got != "shared" {
		t.Fatalf("second handle: got cluster name %q, want shared", got)
	}
	second.do(contract.EMR, "UpdateClusterAttribute", &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: id, ClusterName: "renamed"}, nil)
	if got := first.getCluster(id).ClusterName; got != "renamed" {
		t.Errorf("first handle after the second renamed it: got %q, want renamed", got)
	}
	other := second.runCluster(goodCluster("second"))
	if other == id {
		t.Fatalf("the second handle reused ID %s: its ID counter did not see the first handle's cluster", id)
	}
	var list emrwire.ListClustersResponse
	first.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}, &list)
	if got := i64(list.TotalCount); got != 2 {
		t.Errorf("first handle: got %d clusters, want 2", got)
	}
}

// TestFailedUpdateLeavesNothing changes records of several tables and
// fails: nothing of it may remain, in memory or on disk.
func TestFailedUpdateLeavesNothing(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			st := open()
			srv := newServer(t, Options{Store: st})
			h := newHarness(t, srv, false)
			id := h.runCluster(goodCluster("kept"))
			type snapshot struct {
				clusterName string
				stock       int
				groups      int
				counter     int64
				ghost       bool
			}
			snap := func() snapshot {
				var s snapshot
				if err := st.View(func(w *World) error {
					cl, _ := w.Clusters.Get(id)
					reg, _ := w.Regions.Get(region)
					_, s.ghost = w.Clusters.Get("c-ghost")
					s.clusterName, s.stock, s.counter = cl.Name, reg.Stock[zoneH][goodType], w.meta().Counter
					s.groups = len(w.NodeGroups.Select(func(g *nodeGroupRec) bool { return g.ClusterID == id }))
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				return s
			}
			before := snap()
			boom := errors.New("boom")
			err := st.Update(func(w *World) error {
				cl, _ := w.Clusters.Get(id)
				cl.Name = "changed"
				reg, _ := w.Regions.Get(region)
				reg.Stock[zoneH][goodType] -= 100
				for _, g := range w.NodeGroups.Select(func(g *nodeGroupRec) bool { return g.ClusterID == id }) {
					w.NodeGroups.Delete(g.ID)
				}
				w.newID("c-", 16)
				w.Clusters.Put("c-ghost", &clusterRec{ID: "c-ghost", Region: region})
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update: got %v, want the handler's error", err)
			}
			if after := snap(); after != before {
				t.Errorf("after a failed update: got %+v, want %+v", after, before)
			}
			if got := h.getCluster(id).ClusterName; got != "kept" {
				t.Errorf("through the API: got name %q, want kept", got)
			}
			if next := h.runCluster(goodCluster("next")); next == "c-ghost" || next == id {
				t.Errorf("next cluster got ID %s", next)
			}
		})
	}
}

// TestSQLiteReopen shows the state survives closing the store.
func TestSQLiteReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Store: s, Clock: NewClock(SpeedInstant)})
	if err != nil {
		t.Fatal(err)
	}
	id := newHarness(t, srv, false).runCluster(goodCluster("durable"))
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, newServer(t, Options{Store: s2}), false)
	if got := h.getCluster(id).ClusterState; got != stateRunning {
		t.Errorf("after reopening: got %s, want RUNNING", got)
	}
}

// sharedPair opens two Servers on one SQLite file, as two emrctl commands
// of the embedded sandbox do, each with its own Clock at the profile speed.
func sharedPair(t *testing.T) (first, second *harness) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *harness {
		s, err := OpenSQLiteStore(path)
		if err != nil {
			t.Fatalf("OpenSQLiteStore: %v", err)
		}
		return newHarness(t, newServer(t, Options{Store: s, Clock: NewClock(SpeedInteractive)}), false)
	}
	return open(), open()
}

// TestSharedClock shows a clock moved through one Server's controls is the
// clock of every Server on the same state, including one opened later.
func TestSharedClock(t *testing.T) {
	first, second := sharedPair(t)
	var clock ClockState
	if code := first.control(http.MethodPost, "/_emulator/clock", map[string]any{"advance": "1h", "speed": 0}, &clock); code != http.StatusOK {
		t.Fatalf("POST /_emulator/clock: got status %d", code)
	}
	second.control(http.MethodGet, "/_emulator/clock", nil, &clock)
	if got := time.Duration(clock.Offset); got != time.Hour || clock.Speed != SpeedInstant {
		t.Errorf("second server's clock: got offset %s, speed %v; want 1h0m0s and 0", got, clock.Speed)
	}
	if d := time.Until(clock.Now); d < 59*time.Minute {
		t.Errorf("second server's now: got %s ahead, want about 1h", d)
	}
	// The second was opened at interactive speed; speed 0 came through, so
	// its cluster is RUNNING at once.
	id := second.runCluster(goodCluster("instant"))
	if got := second.getCluster(id).ClusterState; got != stateRunning {
		t.Errorf("cluster created by the second server: got %s, want RUNNING", got)
	}
	if err := second.srv.AdvanceClock(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	first.control(http.MethodGet, "/_emulator/clock", nil, &clock)
	if got := time.Duration(clock.Offset); got != 90*time.Minute {
		t.Errorf("first server after the second advanced: got offset %s, want 1h30m0s", got)
	}
	if code := first.control(http.MethodPost, "/_emulator/reset", nil, nil); code != http.StatusOK {
		t.Fatalf("reset: got status %d", code)
	}
	second.control(http.MethodGet, "/_emulator/clock", nil, &clock)
	if got := time.Duration(clock.Offset); got != 90*time.Minute || clock.Speed != SpeedInstant {
		t.Errorf("after reset: got offset %s, speed %v; want the clock kept (1h30m0s, 0)", got, clock.Speed)
	}
}

// TestSharedFaults shows fault rules installed through one Server apply to
// requests served by another on the same state, and counted rules are
// used up once in total.
func TestSharedFaults(t *testing.T) {
	first, second := sharedPair(t)
	_, get := action(t, contract.EMR, "GetCluster")
	getReq := sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: "c-none"})

	first.addFault(FaultRule{Action: "GetCluster", ThrottleNext: 2})
	_, err := second.send(get, getReq, clientOpts{})
	wantCode(t, err, "Throttling.User")
	_, err = first.send(get, getReq, clientOpts{})
	wantCode(t, err, "Throttling.User")
	_, err = second.send(get, getReq, clientOpts{})
	wantCode(t, err, "ClusterNotFound") // two in total, whoever served them
	var rules []FaultRule
	second.control(http.MethodGet, "/_emulator/faults", nil, &rules)
	if len(rules) != 1 || rules[0].ThrottleNext != 0 {
		t.Errorf("faults seen by the second server: got %+v, want the rule with no throttles left", rules)
	}

	first.clearFaults()
	first.addFault(FaultRule{Action: "RunCluster", DropResponses: 1})
	_, err = second.call(contract.EMR, "RunCluster", goodCluster("dropped"))
	if !errors.Is(err, ErrResponseDropped) {
		t.Fatalf("RunCluster on the second server: got %v, want the response dropped", err)
	}
	if n := first.clusterCount("dropped"); n != 1 {
		t.Errorf("after the dropped response: got %d clusters, want 1 (applied)", n)
	}
	first.runCluster(goodCluster("dropped")) // the drop was used up
	if n := second.clusterCount("dropped"); n != 2 {
		t.Errorf("after a second RunCluster: got %d clusters, want 2", n)
	}

	second.addFault(FaultRule{Action: "ListClusters", ErrorRate: 1, ErrorCode: "ServiceUnavailable"})
	_, err = first.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region})
	wantCode(t, err, "ServiceUnavailable")
	second.clearFaults()
	if _, err := first.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}); err != nil {
		t.Errorf("after the second server cleared the faults: got %s, want success", describe(err))
	}
}

// TestGeneration shows a state has a generation from its creation, the
// same for every Server on it, replaced by every reset.
func TestGeneration(t *testing.T) {
	first, second := sharedPair(t)
	gen := first.srv.Generation()
	if len(gen) != 16 || strings.Trim(gen, "0123456789abcdef") != "" {
		t.Fatalf("Generation: got %q, want 16 hex digits", gen)
	}
	if got := second.srv.Generation(); got != gen {
		t.Errorf("second server on the same state: got generation %q, want %q", got, gen)
	}
	var got struct {
		Generation string `json:"generation"`
	}
	if code := second.control(http.MethodGet, "/_emulator/generation", nil, &got); code != http.StatusOK || got.Generation != gen {
		t.Errorf("GET /_emulator/generation: got %d %q, want 200 %q", code, got.Generation, gen)
	}
	first.control(http.MethodPost, "/_emulator/reset", map[string]any{"seed": 0}, nil)
	after := second.srv.Generation()
	if after == gen || len(after) != 16 {
		t.Errorf("after reset with the same seed: got generation %q, want a new one (was %q)", after, gen)
	}
	if err := first.srv.Reset(0); err != nil {
		t.Fatal(err)
	}
	if again := first.srv.Generation(); again == after {
		t.Errorf("after Reset: got generation %q again, want a new one", again)
	}
	other := newServer(t, Options{})
	if other.Generation() == "" || other.Generation() == gen {
		t.Errorf("a new memory state: got generation %q, want its own", other.Generation())
	}
}

// TestGenerationOfOldState gives a state file written before generations
// existed one, once, when it is opened.
func TestGenerationOfOldState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, Options{Store: s})
	id := newHarness(t, srv, false).runCluster(goodCluster("old"))
	if err := s.Update(func(w *World) error { w.meta().Generation = ""; return nil }); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	reopened := newServer(t, Options{Store: s2})
	gen := reopened.Generation()
	if len(gen) != 16 {
		t.Fatalf("old state: got generation %q, want one made on opening", gen)
	}
	if got := newHarness(t, reopened, false).getCluster(id).ClusterName; got != "old" {
		t.Errorf("old state's cluster: got name %q, want old (opening must not reset)", got)
	}
	if got := srv.Generation(); got != gen {
		t.Errorf("the first server: got generation %q, want %q", got, gen)
	}
}

// TestStaleClockSnapshot shows a clock setting read before a newer one
// was applied (a request racing a clock change) does not undo it.
func TestStaleClockSnapshot(t *testing.T) {
	srv := newServer(t, Options{})
	srv.syncClock(controlRec{ClockRev: 2, ClockOffset: 2 * time.Hour})
	srv.syncClock(controlRec{ClockRev: 1, ClockOffset: time.Hour})
	if got := srv.Clock().Offset(); got != 2*time.Hour {
		t.Errorf("after a stale snapshot: got offset %s, want 2h0m0s", got)
	}
}
