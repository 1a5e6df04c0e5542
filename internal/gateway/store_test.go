package gateway

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// newTestStore returns a store under a temporary root whose clock advances
// one second per call.
func newTestStore(t *testing.T) *Store {
	t.Helper()
	s := NewStore(t.TempDir())
	clock := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	return s
}

func mustRender(t *testing.T, files []File) Set {
	t.Helper()
	set, err := Render(files, RenderOptions{Root: "/"})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return set
}

func mustApply(t *testing.T, s *Store, set Set, cluster string) *ApplyResult {
	t.Helper()
	res, err := s.Apply(set, Meta{ClusterID: cluster, Region: "cn-hangzhou", EmrctlVersion: "test"})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// visible reads the files of paths through the standard locations under
// root; absent files are left out.
func visible(t *testing.T, root string, paths ...Set) Set {
	t.Helper()
	out := Set{}
	for _, set := range paths {
		for p := range set {
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatalf("read %s: %v", p, err)
			}
			out[p] = b
		}
	}
	return out
}

func setOf(t *testing.T, fsDefault string, extra ...File) Set {
	t.Helper()
	files := append([]File{{App: "HDFS", Name: "core-site.xml", Items: []Item{{"fs.defaultFS", fsDefault}}}}, extra...)
	return mustRender(t, files)
}

func TestApplyWritesStandardPaths(t *testing.T) {
	s := newTestStore(t)
	set := setOf(t, "hdfs://a:9000", File{App: "SPARK3", Name: "spark-defaults.conf", Items: []Item{{"spark.master", "yarn"}}})
	res := mustApply(t, s, set, "c-1")
	if res.Previous != "" || res.Unchanged {
		t.Errorf("first apply: got %+v, want a fresh generation", res)
	}
	if diff := cmp.Diff(set, visible(t, s.Root, set)); diff != "" {
		t.Errorf("visible files (-want +got):\n%s", diff)
	}
	m, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hashes(set), m.Files); diff != "" {
		t.Errorf("manifest hashes (-want +got):\n%s", diff)
	}
	if m.ClusterID != "c-1" || m.Region != "cn-hangzhou" || m.EmrctlVersion != "test" || m.Generation != res.Generation {
		t.Errorf("manifest meta = %+v, want cluster c-1, region cn-hangzhou, version test, generation %s", m, res.Generation)
	}
	fi, err := os.Lstat(filepath.Join(s.Root, "etc/hadoop/conf"))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("etc/hadoop/conf: got %v %v, want a symlink through current", fi, err)
	}
}

func TestApplySameSet(t *testing.T) {
	tests := []struct {
		name          string
		damage        func(root string) error
		wantUnchanged bool
	}{
		{"untouched", func(string) error { return nil }, true},
		{"file edited", func(root string) error {
			return os.WriteFile(filepath.Join(root, "etc/hadoop/conf/core-site.xml"), []byte("edited"), 0o644)
		}, false},
		{"link removed", func(root string) error { return os.Remove(filepath.Join(root, "etc/hadoop/conf")) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			set := setOf(t, "hdfs://a:9000")
			first := mustApply(t, s, set, "c-1")
			if err := tt.damage(s.Root); err != nil {
				t.Fatal(err)
			}
			again := mustApply(t, s, set, "c-1")
			if again.Unchanged != tt.wantUnchanged || (again.Generation == first.Generation) != tt.wantUnchanged {
				t.Errorf("got %+v, want unchanged %v (first generation %s)", again, tt.wantUnchanged, first.Generation)
			}
			if diff := cmp.Diff(set, visible(t, s.Root, set)); diff != "" {
				t.Errorf("visible after re-apply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyKeepsBackupsAndRollsBack(t *testing.T) {
	s := newTestStore(t)
	old := setOf(t, "hdfs://old:9000", File{App: "HIVE", Name: "hive-site.xml", Items: []Item{{"hive.x", "1"}}})
	newSet := setOf(t, "hdfs://new:9000", File{App: "FLINK", Name: "flink-conf.yaml", Items: []Item{{"a", "b"}}})
	first := mustApply(t, s, old, "c-1")
	second := mustApply(t, s, newSet, "c-1")
	if second.Previous != first.Generation || second.PreviousClusterID != "" {
		t.Errorf("second apply: got %+v, want previous %s on the same cluster", second, first.Generation)
	}
	if diff := cmp.Diff(newSet, visible(t, s.Root, old, newSet)); diff != "" {
		t.Errorf("after apply, visible (-want +got):\n%s", diff)
	}
	rb, err := s.Rollback()
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if rb.From != second.Generation || rb.To != first.Generation {
		t.Errorf("rollback: got %+v, want from %s to %s", rb, second.Generation, first.Generation)
	}
	if diff := cmp.Diff(old, visible(t, s.Root, old, newSet)); diff != "" {
		t.Errorf("after rollback, visible (-want +got):\n%s", diff)
	}
	if _, err := s.Rollback(); !errors.Is(err, ErrNoPrevious) {
		t.Errorf("second rollback: got %v, want ErrNoPrevious", err)
	}
	hist, err := s.History()
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, h := range hist {
		actions = append(actions, h.Action+" "+h.To)
	}
	want := []string{"apply " + first.Generation, "apply " + second.Generation, "rollback " + first.Generation}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

func TestRollbackWithNothingApplied(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Rollback(); !errors.Is(err, ErrNoGeneration) {
		t.Errorf("got %v, want ErrNoGeneration", err)
	}
}

func TestApplyPrunesToKeep(t *testing.T) {
	s := newTestStore(t)
	s.Keep = 3
	var gens []string
	for i := range 6 {
		gens = append(gens, mustApply(t, s, setOf(t, "hdfs://m:"+string(rune('0'+i))), "c-1").Generation)
	}
	got, err := s.Generations()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gens[3:], got); diff != "" {
		t.Errorf("kept generations (-want +got):\n%s", diff)
	}
}

func TestApplyOtherClusterKeepsOldAsBackup(t *testing.T) {
	s := newTestStore(t)
	set := setOf(t, "hdfs://a:9000")
	first := mustApply(t, s, set, "c-1")
	// The same files from another cluster still make a new generation.
	res := mustApply(t, s, set, "c-2")
	if res.Unchanged || res.PreviousClusterID != "c-1" || res.Previous != first.Generation {
		t.Errorf("got %+v, want a new generation with c-1's set %s kept as backup", res, first.Generation)
	}
	if _, err := os.Stat(filepath.Join(s.State, "generations", first.Generation, "etc/hadoop/conf/core-site.xml")); err != nil {
		t.Errorf("backup of c-1: %v", err)
	}
	rb, err := s.Rollback()
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	m, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	if rb.ToClusterID != "c-1" || m.ClusterID != "c-1" {
		t.Errorf("after rollback: result %+v, current cluster %q, want c-1", rb, m.ClusterID)
	}
}

func TestApplyMovesAsideForeignLink(t *testing.T) {
	s := newTestStore(t)
	foreign := filepath.Join(s.Root, "etc/taihao-apps/hadoop-conf")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(s.Root, "etc/hadoop/conf")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(foreign, link); err != nil {
		t.Fatal(err)
	}
	set := setOf(t, "hdfs://a:9000")
	res := mustApply(t, s, set, "c-1")
	aside, ok := res.MovedAside[link]
	if !ok {
		t.Fatalf("MovedAside = %v, want %s", res.MovedAside, link)
	}
	if got, err := os.Readlink(aside); err != nil || got != foreign {
		t.Errorf("moved-aside link points at %q (%v), want %s", got, err, foreign)
	}
	if diff := cmp.Diff(set, visible(t, s.Root, set)); diff != "" {
		t.Errorf("visible (-want +got):\n%s", diff)
	}
}

func TestApplyMovesAsideExistingConfDir(t *testing.T) {
	s := newTestStore(t)
	dir := filepath.Join(s.Root, "etc/hadoop/conf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "core-site.xml"), []byte("by emr-cli"), 0o644); err != nil {
		t.Fatal(err)
	}
	set := setOf(t, "hdfs://a:9000")
	res := mustApply(t, s, set, "c-1")
	aside, ok := res.MovedAside[dir]
	if !ok {
		t.Fatalf("MovedAside = %v, want %s", res.MovedAside, dir)
	}
	if b, err := os.ReadFile(filepath.Join(aside, "core-site.xml")); err != nil || string(b) != "by emr-cli" {
		t.Errorf("moved-aside copy: got %q %v, want the old file", b, err)
	}
	if diff := cmp.Diff(set, visible(t, s.Root, set)); diff != "" {
		t.Errorf("visible (-want +got):\n%s", diff)
	}
}

func TestApplyRejectsUnsafePaths(t *testing.T) {
	s := newTestStore(t)
	for _, p := range []string{"../etc/x", "/etc/x", "etc/../../x", "var/x"} {
		_, err := s.Apply(Set{p: []byte("x")}, Meta{})
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("Apply(%q): got %v, want *InputError", p, err)
		}
	}
}

func TestStatusDrift(t *testing.T) {
	s := newTestStore(t)
	set := setOf(t, "hdfs://a:9000",
		File{App: "HDFS", Name: "hdfs-site.xml", Items: []Item{{"dfs.replication", "2"}}},
		File{App: "HIVE", Name: "hive-site.xml", Items: []Item{{"hive.x", "1"}}})
	mustApply(t, s, set, "c-1")
	// Edited on this machine, deleted on this machine.
	if err := os.WriteFile(filepath.Join(s.Root, "etc/hadoop/conf/hdfs-site.xml"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(s.Root, "etc/hive/conf/hive-site.xml")); err != nil {
		t.Fatal(err)
	}
	// On the cluster: core-site changed, hive gone, spark added.
	cluster := setOf(t, "hdfs://b:9000",
		File{App: "HDFS", Name: "hdfs-site.xml", Items: []Item{{"dfs.replication", "2"}}},
		File{App: "SPARK3", Name: "spark-defaults.conf", Items: []Item{{"spark.master", "yarn"}}})
	cluster[ProfilePath] = set[ProfilePath] // keep the profile equal for the test
	st, err := s.Status(cluster)
	if err != nil {
		t.Fatal(err)
	}
	want := []FileStatus{
		{Path: "etc/hadoop/conf/core-site.xml", Local: LocalUnchanged, Cluster: ClusterChanged},
		{Path: "etc/hadoop/conf/hdfs-site.xml", Local: LocalModified, Cluster: ClusterSame},
		{Path: "etc/hive/conf/hive-site.xml", Local: LocalMissing, Cluster: ClusterRemoved},
		{Path: ProfilePath, Local: LocalUnchanged, Cluster: ClusterSame},
		{Path: "etc/spark3/conf/spark-defaults.conf", Local: LocalAbsent, Cluster: ClusterAdded},
	}
	if diff := cmp.Diff(want, st.Files); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	var drifted []string
	for _, f := range st.Files {
		if f.Drifted() {
			drifted = append(drifted, f.Path)
		}
	}
	if len(drifted) != 4 {
		t.Errorf("drifted = %v, want every file but the profile", drifted)
	}

	// Without a cluster set, only local drift is reported.
	st, err = s.Status(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Files {
		if f.Cluster != ClusterUnknown {
			t.Errorf("%s: cluster state %q without a cluster set, want unknown", f.Path, f.Cluster)
		}
	}

	// Re-applying the cluster's set repairs the local edits.
	mustApply(t, s, cluster, "c-1")
	st, err = s.Status(cluster)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Files {
		if f.Drifted() {
			t.Errorf("after refresh, %s drifted: %+v", f.Path, f)
		}
	}
}

func TestPlanRedactsSecrets(t *testing.T) {
	s := newTestStore(t)
	oldFiles := []File{
		{App: "HDFS", Name: "core-site.xml", Items: []Item{{"fs.defaultFS", "hdfs://a:9000"}, {"fs.oss.accessKeySecret", "old-s3cr3t"}, {"k1", "v"}, {"k2", "v"}, {"k3", "v"}, {"k4", "v"}, {"k5", "v"}, {"k6", "v"}, {"k7", "v"}, {"k8", "v"}}},
		{App: "HIVE", Name: "hive-site.xml", Items: []Item{{"hive.x", "1"}}},
	}
	mustApply(t, s, mustRender(t, oldFiles), "c-1")
	newFiles := []File{
		{App: "HDFS", Name: "core-site.xml", Items: []Item{{"fs.defaultFS", "hdfs://b:9000"}, {"fs.oss.accessKeySecret", "new-s3cr3t"}, {"k1", "v"}, {"k2", "v"}, {"k3", "v"}, {"k4", "v"}, {"k5", "v"}, {"k6", "v"}, {"k7", "v"}, {"k8", "changed"}}},
		{App: "SPARK3", Name: "spark-env.sh", Items: []Item{{"SPARK_TOKEN", "tok-123"}, {"SPARK_HOME", "/opt/spark"}}},
	}
	changes, err := s.Plan(mustRender(t, newFiles))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range changes {
		b.WriteString("## " + string(c.Kind) + " " + c.Path + "\n" + c.Diff)
	}
	got := b.String()
	for _, secret := range []string{"old-s3cr3t", "new-s3cr3t", "tok-123"} {
		if strings.Contains(got, secret) {
			t.Errorf("plan shows secret %q:\n%s", secret, got)
		}
	}
	golden(t, "plan.golden", got)
}

func TestPlanWithNothingApplied(t *testing.T) {
	s := newTestStore(t)
	set := setOf(t, "hdfs://a:9000")
	changes, err := s.Plan(set)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, string(c.Kind)+" "+c.Path)
	}
	want := []string{"added etc/hadoop/conf/core-site.xml", "added " + ProfilePath}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}
