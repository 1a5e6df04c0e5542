package emulator

import (
	"errors"
	"path/filepath"
	"testing"

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
