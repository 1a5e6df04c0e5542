package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// NodeStates lists the provider's node states in lifecycle order.
func (e *Engine) NodeStates() []string { return e.Traits().NodeStates }

// AbnormalNodeStates are the states a health check looks for
// (operations.md: "list-nodes --node-states Stopped Terminated").
func (e *Engine) AbnormalNodeStates() []string { return e.Traits().AbnormalNodeStates }

// ListNodeGroups returns the node groups of a cluster matching f, each
// with its nodes counted by state.
func (e *Engine) ListNodeGroups(ctx context.Context, clusterID string, f provider.NodeGroupFilter) ([]NodeGroupView, error) {
	if err := distinctEach(namedList{"ids", &f.IDs}, namedList{"names", &f.Names}, namedList{"roles", &f.Roles}, namedList{"states", &f.States}); err != nil {
		return nil, err
	}
	if err := e.checkGroupFilter(clusterID, f); err != nil {
		return nil, err
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return e.opts.Provider.ListNodeGroups(ctx, clusterID, f)
	})
	if err != nil {
		return nil, err
	}
	out := make([]NodeGroupView, 0, len(groups))
	if len(groups) == 0 {
		return out, nil
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	counts, err := e.countNodes(ctx, clusterID, ids)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		out = append(out, NodeGroupView{NodeGroup: g, NodeStates: orEmpty(counts[g.ID])})
	}
	return out, nil
}

func (e *Engine) checkGroupFilter(clusterID string, f provider.NodeGroupFilter) error {
	errs := []*validate.Error{e.clusterID(clusterID)}
	for _, id := range f.IDs {
		errs = append(errs, e.groupID("node group ID", id))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	roles := e.Traits().NodeGroupRoles
	for _, r := range f.Roles {
		if len(roles) > 0 && !slices.Contains(roles, r) {
			return inputError("role", fmt.Sprintf("%q is not a node group role", validate.Render(r)), "use one of "+strings.Join(roles, ", "))
		}
	}
	return nil
}

// countNodes counts the nodes of the given groups by state, reading every
// page of ListNodes once.
func (e *Engine) countNodes(ctx context.Context, clusterID string, groupIDs []string) (map[string]map[string]int, error) {
	counts := map[string]map[string]int{}
	err := e.ListNodes(ctx, clusterID, provider.NodeFilter{NodeGroupIDs: groupIDs}, 100, func(page []provider.Node) error {
		for _, n := range page {
			if counts[n.NodeGroupID] == nil {
				counts[n.NodeGroupID] = map[string]int{}
			}
			counts[n.NodeGroupID][n.State]++
		}
		return nil
	})
	return counts, err
}

// NodeGroupDetail is one node group with its nodes and auto scaling
// limits: what 'nodegroup get' shows.
type NodeGroupDetail struct {
	NodeGroupView
	Nodes []provider.Node `json:"nodes"`
	// AutoScaling is the group's policy, nil when it has none.
	AutoScaling *provider.ScalingPolicy `json:"autoScaling,omitempty"`
}

// GetNodeGroup returns a node group with its nodes counted by state, the
// nodes themselves and its auto scaling policy.
func (e *Engine) GetNodeGroup(ctx context.Context, clusterID, groupID string) (*NodeGroupDetail, error) {
	if err := e.checkGroup(clusterID, groupID); err != nil {
		return nil, err
	}
	g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) {
		return e.opts.Provider.GetNodeGroup(ctx, clusterID, groupID)
	})
	if err != nil {
		return nil, err
	}
	d := &NodeGroupDetail{NodeGroupView: NodeGroupView{NodeGroup: *g, NodeStates: map[string]int{}}, Nodes: []provider.Node{}}
	err = e.ListNodes(ctx, clusterID, provider.NodeFilter{NodeGroupIDs: []string{groupID}}, 100, func(page []provider.Node) error {
		for _, n := range page {
			d.NodeStates[n.State]++
		}
		d.Nodes = append(d.Nodes, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a, ok := e.opts.Provider.(provider.AutoScaler)
	if !ok {
		return d, nil
	}
	sp, err := read(ctx, e, func(ctx context.Context) (*provider.ScalingPolicy, error) {
		return a.GetAutoScalingPolicy(ctx, clusterID, groupID)
	})
	switch {
	case err == nil:
		d.AutoScaling = sp
	case !errors.Is(err, provider.ErrNotFound):
		return nil, err
	}
	return d, nil
}

// ListNodes streams every page of a cluster's nodes matching f to each,
// one page at a time, so memory does not grow with the number of nodes.
func (e *Engine) ListNodes(ctx context.Context, clusterID string, f provider.NodeFilter, pageSize int, each func([]provider.Node) error) error {
	if err := distinctEach(namedList{"nodeGroupIds", &f.NodeGroupIDs}, namedList{"nodeIds", &f.NodeIDs}, namedList{"states", &f.States}); err != nil {
		return err
	}
	errs := []*validate.Error{e.clusterID(clusterID)}
	for _, id := range f.NodeGroupIDs {
		errs = append(errs, e.groupID("node group ID", id))
	}
	for _, id := range f.NodeIDs {
		errs = append(errs, e.nodeID("node ID", id))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	states := e.Traits().NodeStates
	for _, s := range f.States {
		if len(states) > 0 && !slices.Contains(states, s) {
			return inputError("state", fmt.Sprintf("%q is not a node state", validate.Render(s)), "use one of "+strings.Join(states, ", "))
		}
	}
	p := e.opts.Provider
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.Node], error) {
			return p.ListNodes(ctx, clusterID, f, token, pageSize)
		})
		if err != nil {
			return err
		}
		if len(page.Items) > 0 {
			if err := each(page.Items); err != nil {
				return err
			}
		}
		if token = page.NextToken; token == "" {
			return nil
		}
	}
}
