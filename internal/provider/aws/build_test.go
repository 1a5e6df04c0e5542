package aws

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/spec"
)

// TestBuildClusterGolden pins the RunJobFlow request each spec maps to:
// instance groups with a spot TASK group, bootstrap actions, nested
// configurations, typed steps with their arguments kept whole,
// termination protection, auto-termination, tags; and instance fleets with
// spot and on-demand capacity, a spot timeout, managed scaling and a
// transient cluster (KeepJobFlowAliveWhenNoSteps false).
func TestBuildClusterGolden(t *testing.T) {
	for _, tc := range []struct {
		name, spec, golden string
	}{
		{name: "instance groups", spec: "groups.yaml", golden: "build-groups.golden.json"},
		{name: "instance fleets", spec: "fleets.yaml", golden: "build-fleets.golden.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := BuildCluster(loadSpec(t, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(r.Shown(), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
				t.Errorf("RunJobFlow request mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildClusterRefusesOtherProviders(t *testing.T) {
	if _, err := BuildCluster(&spec.Cluster{Name: "x", Provider: spec.ProviderAliyun}); err == nil {
		t.Fatal("got nil error for an aliyun spec, want an error")
	}
}

func TestShownIsStableAndHidesTheToken(t *testing.T) {
	r, err := BuildCluster(loadSpec(t, "groups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(r.Shown())
	b, _ := json.Marshal(r.Shown())
	if string(a) != string(b) {
		t.Errorf("Shown differs between calls:\n%s\n%s", a, b)
	}
	var shown struct{ Tags []struct{ Key, Value string } }
	if err := json.Unmarshal(a, &shown); err != nil {
		t.Fatal(err)
	}
	want := []struct{ Key, Value string }{{"env", "test"}, {"team", "data"}, {RequestTagKey, requestTagShown}}
	if diff := cmp.Diff(want, shown.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}
