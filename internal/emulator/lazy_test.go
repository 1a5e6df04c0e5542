package emulator

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// loadedKinds lists the tables of the store's cached world read so far.
func loadedKinds(s *SQLiteStore) map[string]bool {
	out := map[string]bool{}
	for _, t := range s.w.tables() {
		if t.complete() {
			out[t.kind()] = true
		}
	}
	return out
}

// openSeeded opens a state holding n seeded clusters, as a new emrctl
// command does, with a server on it.
func openSeeded(t *testing.T, n int) (*SQLiteStore, *harness) {
	t.Helper()
	path, _ := seededState(t, n)
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s, newHarness(t, newServer(t, Options{Store: s}), false)
}

// TestListingReadsOnlyWhatItTouches: on a state opened anew (each emrctl
// command on the embedded sandbox), a cluster listing decodes the
// clusters and never a node, node group or operation; GetCluster then
// reads what it shows, and ListNodes the nodes.
func TestListingReadsOnlyWhatItTouches(t *testing.T) {
	s, h := openSeeded(t, 20)
	var list emrwire.ListClustersResponse
	h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: "cn-hangzhou", MaxResults: ptr(int64(100))}, &list)
	if len(list.Clusters) != 20 {
		t.Fatalf("listed %d clusters, want 20", len(list.Clusters))
	}
	got := loadedKinds(s)
	if !got["cluster"] {
		t.Errorf("the listing did not read the clusters: read %v", got)
	}
	for _, kind := range []string{"node", "nodegroup", "operation", "policy", "activity", "jobrun"} {
		if got[kind] {
			t.Errorf("a cluster listing read the %s table: read %v", kind, got)
		}
	}
	id := list.Clusters[0].ClusterId
	var nodes emrwire.ListNodesResponse
	h.do(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: "cn-hangzhou", ClusterId: id}, &nodes)
	if len(nodes.Nodes) == 0 {
		t.Fatalf("cluster %s: no nodes listed", id)
	}
	if !loadedKinds(s)["node"] {
		t.Errorf("ListNodes answered without reading the nodes")
	}
}

// TestLazyReadFollowsAnotherProcess: when another process changes the
// state after a call began and before it first reads a table, the call
// starts again on the new state, so an answer never mixes two states.
func TestLazyReadFollowsAnotherProcess(t *testing.T) {
	path, _ := seededState(t, 3)
	first, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	var clusterID string
	if err := first.View(func(w *World) error { clusterID = w.Clusters.Select(nil)[0].ID; return nil }); err != nil {
		t.Fatal(err)
	}
	rename := func() error {
		return second.Update(func(w *World) error {
			cl, _ := w.Clusters.Get(clusterID)
			cl.Name = "renamed"
			for _, n := range w.nodesByCluster.Select(clusterID, nil) {
				n.Name = "renamed-node"
			}
			return nil
		})
	}
	runs := 0
	var clusterName, nodeName string
	err = first.View(func(w *World) error {
		runs++
		cl, _ := w.Clusters.Get(clusterID) // cached before the rename
		if runs == 1 {
			if err := rename(); err != nil {
				return err
			}
		}
		n := w.nodesByCluster.Select(clusterID, nil)[0] // first read of the nodes
		clusterName, nodeName = cl.Name, n.Name
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 || clusterName != "renamed" || nodeName != "renamed-node" {
		t.Errorf("ran %d times, read cluster %q and node %q; want 2 runs, both renamed", runs, clusterName, nodeName)
	}
}

// TestLazyReadFailureFailsTheCall: a record that cannot be decoded fails
// the call that first reads its table, naming the record, and an update
// that read it writes nothing, not even its other changes.
func TestLazyReadFailureFailsTheCall(t *testing.T) {
	path, _ := seededState(t, 2)
	var nodeID string
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT id FROM records WHERE kind = 'node' LIMIT 1`).Scan(&nodeID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE records SET body = '{broken' WHERE kind = 'node' AND id = ?`, nodeID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var clusterID string
	if err := s.View(func(w *World) error { clusterID = w.Clusters.Select(nil)[0].ID; return nil }); err != nil {
		t.Fatalf("a read of the clusters failed on a broken node: %v", err)
	}
	err = s.Update(func(w *World) error {
		cl, _ := w.Clusters.Get(clusterID)
		cl.Name = "must-not-stick"
		w.Nodes.Len()
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("node %s", nodeID)) {
		t.Fatalf("update reading a broken node: err %v, want one naming node %s", err, nodeID)
	}
	if err := s.View(func(w *World) error {
		if cl, _ := w.Clusters.Get(clusterID); cl.Name == "must-not-stick" {
			t.Errorf("the failed update's rename of %s was kept", clusterID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSharesIDsInAnyOrder: tables read nodes first still share the
// IDs they repeat with the clusters read after them.
func TestLoadSharesIDsInAnyOrder(t *testing.T) {
	path, _ := seededState(t, 3)
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(w *World) error {
		nodes := w.Nodes.Select(nil)
		for _, n := range nodes {
			c, ok := w.Clusters.Get(n.ClusterID)
			if !ok || !sameString(n.ClusterID, c.ID) {
				t.Errorf("node %s: cluster ID not shared with cluster %s read after it", n.ID, n.ClusterID)
			}
		}
		if len(nodes) == 0 {
			t.Error("no nodes read")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
