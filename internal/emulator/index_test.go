package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wantIndex computes from scratch what an index over the table must hold.
func wantIndex[T any](t *Table[T], x *Index[T]) map[string][]indexKey {
	t.ensure()
	want := map[string][]indexKey{}
	for id, r := range t.rows {
		g := x.group(r)
		want[g] = append(want[g], x.keyOf(id, r))
	}
	for _, list := range want {
		slices.SortFunc(list, x.cmp)
	}
	return want
}

// groupKeys returns the keys an index holds, group by group.
func groupKeys[T any](x *Index[T]) map[string][]indexKey {
	x.t.ensure()
	out := map[string][]indexKey{}
	for g, list := range x.groups {
		for _, e := range list {
			out[g] = append(out[g], e.key)
		}
	}
	return out
}

// checkIndex fails unless x holds the keys of t's records, in order, each
// entry with the very record the table holds (not a replaced one).
func checkIndex[T any](t *testing.T, when, name string, tab *Table[T], x *Index[T]) {
	t.Helper()
	if diff := cmp.Diff(wantIndex(tab, x), groupKeys(x), cmp.AllowUnexported(indexKey{})); diff != "" {
		t.Errorf("%s: index %s differs from its records (-want +got):\n%s", when, name, diff)
	}
	for _, list := range x.groups {
		for _, e := range list {
			if r, ok := tab.rows[e.key.ID]; ok && r != e.rec {
				t.Errorf("%s: index %s holds a stale record for %s", when, name, e.key.ID)
			}
		}
	}
}

// checkIndexes fails unless every index and the ID order of the world's
// node and cluster tables match their records.
func checkIndexes(t *testing.T, w *World, when string) {
	t.Helper()
	checkIndex(t, when, "clustersByRegion", w.Clusters, w.clustersByRegion)
	checkIndex(t, when, "nodesByGroup", w.Nodes, w.nodesByGroup)
	checkIndex(t, when, "nodesByCluster", w.Nodes, w.nodesByCluster)
	w.Nodes.ensure()
	ids := make([]string, 0, len(w.Nodes.rows))
	for id := range w.Nodes.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, w.Nodes.order) {
		t.Errorf("%s: node order %v, want %v", when, w.Nodes.order, ids)
	}
}

// TestIndexesFollowChanges puts, replaces and deletes records at random
// in committed and failed updates, on both stores (a failed update on
// SQLite also reloads the state), and reopens the SQLite state: the
// indexes always match the records.
func TestIndexesFollowChanges(t *testing.T) {
	t.Run("memory", func(t *testing.T) { churn(t, NewMemoryStore()) })
	path := filepath.Join(t.TempDir(), "sandbox.db")
	st, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Run("sqlite", func(t *testing.T) { churn(t, st) })
	reopened, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	var before, after map[string][]indexKey
	_ = st.View(func(w *World) error { before = groupKeys(w.nodesByCluster); return nil })
	_ = reopened.View(func(w *World) error {
		checkIndexes(t, w, "reloaded")
		after = groupKeys(w.nodesByCluster)
		return nil
	})
	if len(before) == 0 || !cmp.Equal(before, after, cmp.AllowUnexported(indexKey{})) {
		t.Errorf("reloaded nodesByCluster %v, want %v (as the writer holds it)", after, before)
	}
}

// churn changes records at random, every third update failing.
func churn(t *testing.T, st Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	boom := errors.New("boom")
	for round := range 60 {
		fail := round%3 == 2
		err := st.Update(func(w *World) error {
			for range 8 {
				id := fmt.Sprintf("i-%02d", rng.IntN(30))
				cl := fmt.Sprintf("c-%d", rng.IntN(4))
				switch rng.IntN(3) {
				case 0, 1:
					w.Nodes.Put(id, &nodeRec{ID: id, ClusterID: cl, NodeGroupID: cl + "-g" + fmt.Sprint(rng.IntN(2))})
					w.Clusters.Put(cl, &clusterRec{ID: cl, Region: fmt.Sprintf("r%d", rng.IntN(2)), CreatedAt: base.Add(time.Duration(rng.IntN(3)) * time.Hour)})
				case 2:
					w.Nodes.Delete(id)
					w.Clusters.Delete(cl)
				}
			}
			if fail {
				return boom
			}
			return nil
		})
		if fail != errors.Is(err, boom) {
			t.Fatalf("round %d: Update returned %v", round, err)
		}
		_ = st.View(func(w *World) error { checkIndexes(t, w, fmt.Sprintf("round %d", round)); return nil })
		if t.Failed() {
			return
		}
	}
}

// TestTableKeepsNoJSON shows a table keeps no JSON copy of its records
// between updates, writes only the records an update really changed,
// deletes only records the store has, and rolls back from the JSON it
// captured.
func TestTableKeepsNoJSON(t *testing.T) {
	tab := newTable[nodeRec]("node")
	tab.begin()
	tab.Put("i-1", &nodeRec{ID: "i-1", Name: "a"})
	tab.Put("i-2", &nodeRec{ID: "i-2", Name: "b"})
	put, _, err := tab.changes()
	if err != nil || len(put) != 2 {
		t.Fatalf("first update: got %d records to write (%v), want 2", len(put), err)
	}
	tab.commit()
	if tab.pre != nil || tab.deleted != nil {
		t.Fatalf("after commit: pre %v, deleted %v; want nothing kept", tab.pre, tab.deleted)
	}
	tab.begin()
	tab.Get("i-1") // read only
	n, _ := tab.Get("i-2")
	n.Name = "changed"
	tab.Put("i-3", &nodeRec{ID: "i-3"})
	tab.Delete("i-3") // created and deleted: the store never had it
	tab.Put("i-4", &nodeRec{ID: "i-4"})
	put, del, err := tab.changes()
	if err != nil || len(put) != 2 || put["i-2"] == nil || put["i-4"] == nil || len(del) != 0 {
		t.Errorf("second update: got put %v, del %v (%v), want i-2 and i-4, no deletes", put, del, err)
	}
	tab.rollback()
	if n, _ := tab.Get("i-2"); n.Name != "b" || tab.pre != nil || tab.Len() != 2 {
		t.Errorf("after rollback: got name %q, %d records, pre %v; want b, 2 records and no JSON kept", n.Name, tab.Len(), tab.pre)
	}
	tab.begin()
	tab.Delete("i-1")
	if _, del, _ := tab.changes(); !slices.Equal(del, []string{"i-1"}) {
		t.Errorf("deleting a stored record: got del %v, want [i-1]", del)
	}
}

// TestIndexReadsTouch shows Walk and Count mark the records they pass as
// touched in an update (so a change made through them is written) and
// read records directly outside one.
func TestIndexReadsTouch(t *testing.T) {
	tab := newTable[nodeRec]("node")
	x := tab.addIndex(func(n *nodeRec) string { return n.ClusterID }, nil)
	tab.begin()
	for _, id := range []string{"i-1", "i-2", "i-3"} {
		tab.Put(id, &nodeRec{ID: id, ClusterID: "c-1", Name: "a"})
	}
	tab.commit()
	if n := x.Count("c-1", func(r *nodeRec) bool { return r.ID != "i-2" }); n != 2 || tab.pre != nil {
		t.Fatalf("Count outside an update: got %d, pre %v; want 2 and nothing touched", n, tab.pre)
	}
	tab.begin()
	x.Count("c-1", func(r *nodeRec) bool { r.Name = "counted"; return true })
	put, _, _ := tab.changes()
	tab.commit()
	tab.begin()
	x.Walk("c-1", &indexKey{ID: "i-1"}, func(_ indexKey, r *nodeRec) bool { r.Name = "walked"; return false })
	walked, _, _ := tab.changes()
	if len(put) != 3 || len(walked) != 1 || walked["i-2"] == nil {
		t.Errorf("changes: after Count %d records, after Walk %v; want 3, then i-2 only", len(put), walked)
	}
}
