package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestListNodeGroups(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	tests := []struct {
		name      string
		filter    provider.NodeGroupFilter
		wantNames []string
		wantNodes map[string]map[string]int
	}{
		{name: "all", wantNames: []string{"master", "core"}, wantNodes: map[string]map[string]int{"master": {"Running": 1}, "core": {"Running": 2}}},
		{name: "by role", filter: provider.NodeGroupFilter{Roles: []string{"CORE"}}, wantNames: []string{"core"}, wantNodes: map[string]map[string]int{"core": {"Running": 2}}},
		{name: "no match", filter: provider.NodeGroupFilter{Roles: []string{"TASK"}}, wantNames: nil, wantNodes: map[string]map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups, err := env.eng.ListNodeGroups(context.Background(), id, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			nodes := map[string]map[string]int{}
			for _, g := range groups {
				names = append(names, g.Name)
				nodes[g.Name] = g.NodeStates
			}
			if diff := cmp.Diff(tt.wantNames, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNodes, nodes); diff != "" {
				t.Errorf("node states (-want +got):\n%s", diff)
			}
		})
	}
	_, err := env.eng.ListNodeGroups(context.Background(), id, provider.NodeGroupFilter{Roles: []string{"WORKER"}})
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		t.Errorf("bad role: got %v, want an input error", err)
	}
}

func TestGetNodeGroupAndListNodes(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	groups, err := env.eng.ListNodeGroups(context.Background(), id, provider.NodeGroupFilter{Roles: []string{"CORE"}})
	if err != nil {
		t.Fatal(err)
	}
	core := groups[0].ID
	if _, err := env.srv.Inject(emulator.Injection{Kind: "node-failure", Region: "cn-hangzhou", ClusterID: id, NodeGroupID: core}); err != nil {
		t.Fatal(err)
	}
	d, err := env.eng.GetNodeGroup(context.Background(), id, core)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"Running": 1, "Stopped": 1}, d.NodeStates); diff != "" {
		t.Errorf("node states (-want +got):\n%s", diff)
	}
	if len(d.Nodes) != 2 || d.AutoScaling != nil {
		t.Errorf("got %d nodes and policy %v, want 2 nodes and no policy", len(d.Nodes), d.AutoScaling)
	}

	t.Run("streams page by page", func(t *testing.T) {
		var pages []int
		err := env.eng.ListNodes(context.Background(), id, provider.NodeFilter{}, 1, func(p []provider.Node) error {
			pages = append(pages, len(p))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{1, 1, 1}, pages); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}
	})
	t.Run("abnormal", func(t *testing.T) {
		var states []string
		err := env.eng.ListNodes(context.Background(), id, provider.NodeFilter{States: env.eng.AbnormalNodeStates()}, 100, func(p []provider.Node) error {
			for _, n := range p {
				states = append(states, n.State)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"Stopped"}, states); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
	})
	t.Run("bad input is refused", func(t *testing.T) {
		for _, f := range []provider.NodeFilter{{States: []string{"stopped"}}, {NodeGroupIDs: []string{"g-1"}}} {
			err := env.eng.ListNodes(context.Background(), id, f, 100, func([]provider.Node) error { return nil })
			var ie *engine.InputError
			if !errors.As(err, &ie) {
				t.Errorf("%+v: got %v, want an input error", f, err)
			}
		}
	})
	t.Run("unknown group", func(t *testing.T) {
		_, err := env.eng.GetNodeGroup(context.Background(), id, "ng-0000000000000000")
		if !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("got %v, want not found", err)
		}
	})
}
