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

// Node states (ListNodes NodeStates).
const (
	NodePending    = "Pending"
	NodeStarting   = "Starting"
	NodeRunning    = "Running"
	NodeStopping   = "Stopping"
	NodeStopped    = "Stopped"
	NodeTerminated = "Terminated"
)

// NodeStates lists the node states in lifecycle order.
func NodeStates() []string {
	return []string{NodePending, NodeStarting, NodeRunning, NodeStopping, NodeStopped, NodeTerminated}
}

// AbnormalNodeStates are the states operations.md looks for when checking
// node health ("list-nodes --node-states Stopped Terminated").
func AbnormalNodeStates() []string { return []string{NodeStopped, NodeTerminated} }

// ListNodeGroups returns the node groups of a cluster matching f, each
// with its nodes counted by state.
func (e *Engine) ListNodeGroups(ctx context.Context, clusterID string, f provider.NodeGroupFilter) ([]NodeGroupView, error) {
	if err := e.checkGroupFilter(clusterID, f); err != nil {
		return nil, err
	}
	p, err := e.aliyun("listing node groups")
	if err != nil {
		return nil, err
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) { return p.ListNodeGroups(ctx, clusterID, f) })
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
	errs := []*validate.Error{validate.ID(validate.ClusterID, "cluster ID", clusterID)}
	for _, id := range f.IDs {
		errs = append(errs, validate.ID(validate.NodeGroupID, "node group ID", id))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	for _, r := range f.Roles {
		if !slices.Contains(NodeGroupTypes(), r) {
			return inputError("role", fmt.Sprintf("%q is not a node group role", validate.Render(r)), "use one of "+strings.Join(NodeGroupTypes(), ", "))
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
	if err := checkInput(validate.ID(validate.ClusterID, "cluster ID", clusterID), validate.ID(validate.NodeGroupID, "node group ID", groupID)); err != nil {
		return nil, err
	}
	p, err := e.aliyun("reading node groups")
	if err != nil {
		return nil, err
	}
	g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) { return p.GetNodeGroup(ctx, clusterID, groupID) })
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
	sp, err := read(ctx, e, func(ctx context.Context) (*provider.ScalingPolicy, error) {
		return p.GetAutoScalingPolicy(ctx, clusterID, groupID)
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
	errs := []*validate.Error{validate.ID(validate.ClusterID, "cluster ID", clusterID)}
	for _, id := range f.NodeGroupIDs {
		errs = append(errs, validate.ID(validate.NodeGroupID, "node group ID", id))
	}
	for _, id := range f.NodeIDs {
		errs = append(errs, validate.ID(validate.NodeID, "node ID", id))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	for _, s := range f.States {
		if !slices.Contains(NodeStates(), s) {
			return inputError("state", fmt.Sprintf("%q is not a node state", validate.Render(s)), "use one of "+strings.Join(NodeStates(), ", "))
		}
	}
	p, err := e.aliyun("listing nodes")
	if err != nil {
		return err
	}
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
