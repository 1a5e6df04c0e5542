package emulator

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"testing"
	"unsafe"
)

func TestIDPoolKeepsFirstCopy(t *testing.T) {
	p := idPool{}
	first := string([]byte("c-abc"))
	second := string([]byte("c-abc"))
	if got := p.id(first); unsafe.StringData(got) != unsafe.StringData(first) {
		t.Errorf("first id: got another copy")
	}
	if got := p.id(second); got != "c-abc" || unsafe.StringData(got) != unsafe.StringData(first) {
		t.Errorf("second id: got %q, not the pooled copy", got)
	}
	if got := p.id(""); got != "" || len(p) != 1 {
		t.Errorf("empty id: got %q, pool size %d, want \"\" and 1", got, len(p))
	}
}

// seededState writes a SQLite state of n seeded clusters and returns its
// path and the JSON of every cluster, group, node and operation by ID.
func seededState(t *testing.T, n int) (string, map[string]string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Store: s, Clock: NewClock(SpeedInstant)})
	if err != nil {
		t.Fatal(err)
	}
	if err := SeedClusters(s, "cn-hangzhou", n, srv.Clock().Now()); err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := s.View(func(w *World) error { want = recordJSON(t, w); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	return path, want
}

func recordJSON(t *testing.T, w *World) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(id string, r any) {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = string(raw)
	}
	for _, c := range w.Clusters.Select(nil) {
		add(c.ID, c)
	}
	for _, g := range w.NodeGroups.Select(nil) {
		add(g.ID, g)
	}
	for _, n := range w.Nodes.Select(nil) {
		add(n.ID, n)
	}
	for _, o := range w.Operations.Select(nil) {
		add(o.ID, o)
	}
	return out
}

// sameString reports whether a and b share their bytes.
func sameString(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

// A loaded state keeps one copy of each ID that records repeat, and the
// records load unchanged.
func TestLoadSharesIDs(t *testing.T) {
	path, want := seededState(t, 3)
	s, err := OpenSQLiteStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(w *World) error {
		if got := recordJSON(t, w); len(got) != 12 || !maps.Equal(got, want) {
			t.Errorf("loaded records differ from the written ones:\n got %v\nwant %v", got, want)
		}
		for _, n := range w.Nodes.Select(nil) {
			c, ok := w.Clusters.Get(n.ClusterID)
			if !ok || !sameString(n.ClusterID, c.ID) {
				t.Errorf("node %s: cluster ID not shared with cluster %s", n.ID, n.ClusterID)
			}
			g, ok := w.NodeGroups.Get(n.NodeGroupID)
			if !ok || !sameString(n.NodeGroupID, g.ID) || !sameString(g.ClusterID, c.ID) {
				t.Errorf("node %s: group IDs not shared with group %s", n.ID, n.NodeGroupID)
			}
		}
		for _, o := range w.Operations.Select(nil) {
			c, ok := w.Clusters.Get(o.ClusterID)
			if !ok || !sameString(o.ClusterID, c.ID) || !sameString(c.CreateOperation, o.ID) {
				t.Errorf("operation %s: IDs not shared with cluster %s", o.ID, o.ClusterID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
