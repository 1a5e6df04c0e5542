package aws

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
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

// TestShownIsStableAndHidesTheToken checks that the request shown, hashed
// and journaled is the same for every attempt: the request tag, whose
// value is each attempt's token, is added only when it is sent. The
// description travels as a tag.
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
	want := []struct{ Key, Value string }{{"env", "test"}, {"team", "data"}, {DescriptionTagKey, "nightly ETL of team data"}}
	if diff := cmp.Diff(want, shown.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestBuildClusterRefusesTagsItCannotCarry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*spec.Cluster)
		field  string
	}{
		{name: "the request tag", mutate: func(c *spec.Cluster) { c.Tags[provider.RequestTagKey] = "x" }, field: "tags." + provider.RequestTagKey},
		{name: "the description tag", mutate: func(c *spec.Cluster) { c.Tags[DescriptionTagKey] = "x" }, field: "tags." + DescriptionTagKey},
		{name: "a description EMR tags refuse", mutate: func(c *spec.Cluster) { c.Description = "ETL, nightly" }, field: "description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadSpec(t, "groups.yaml")
			tc.mutate(c)
			_, err := BuildCluster(c)
			if !errors.Is(err, provider.ErrInvalid) || !strings.Contains(err.Error(), tc.field+":") {
				t.Errorf("got %v, want an invalid-parameter error naming %s", err, tc.field)
			}
		})
	}
}

func TestPrepareCreateIsTheRunJobFlowRequest(t *testing.T) {
	p := providerAt(t, "http://127.0.0.1:1") // nothing is sent
	r, err := p.PrepareCreate(loadSpec(t, "groups.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.API() != "RunJobFlow" || r.ClientToken() {
		t.Errorf("got API %s, client token %v; want RunJobFlow without a client token", r.API(), r.ClientToken())
	}
	want, err := BuildCluster(loadSpec(t, "groups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Shown(), r.Shown()); diff != "" {
		t.Errorf("Shown (-want +got):\n%s", diff)
	}
}
