package aliyun

import (
	"context"
	"fmt"
	"slices"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// ListNodeGroups implements provider.NodeGroups (all pages).
func (p *Provider) ListNodeGroups(ctx context.Context, clusterID string, f provider.NodeGroupFilter) ([]provider.NodeGroup, error) {
	var out []provider.NodeGroup
	token := ""
	for {
		req := &emrwire.ListNodeGroupsRequest{
			RegionId: p.Region(), ClusterId: clusterID, NodeGroupIds: f.IDs, NodeGroupNames: f.Names,
			NodeGroupTypes: f.Roles, NodeGroupStates: f.States, NextToken: token, MaxResults: ptr(int64(100)),
		}
		var resp emrwire.ListNodeGroupsResponse
		if err := p.emr(ctx, "ListNodeGroups", req, &resp); err != nil {
			return nil, err
		}
		for i := range resp.NodeGroups {
			out = append(out, *nodeGroupOf(clusterID, &resp.NodeGroups[i]))
		}
		if token = resp.NextToken; token == "" {
			return out, nil
		}
	}
}

// GetNodeGroup implements provider.NodeGroups.
func (p *Provider) GetNodeGroup(ctx context.Context, clusterID, id string) (*provider.NodeGroup, error) {
	var resp emrwire.GetNodeGroupResponse
	if err := p.emr(ctx, "GetNodeGroup", &emrwire.GetNodeGroupRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: id}, &resp); err != nil {
		return nil, err
	}
	if resp.NodeGroup == nil {
		return nil, &provider.APIError{Provider: provider.Aliyun, Action: "GetNodeGroup", Kind: provider.KindNotFound, Code: "NodeGroupNotFound"}
	}
	return nodeGroupOf(clusterID, resp.NodeGroup), nil
}

func nodeGroupOf(clusterID string, g *emrwire.NodeGroup) *provider.NodeGroup {
	out := &provider.NodeGroup{
		ClusterID: clusterID, ID: g.NodeGroupId, Name: g.NodeGroupName, Role: g.NodeGroupType,
		State: orDefault(g.NodeGroupState, g.Status), RunningNodes: i64(g.RunningNodeCount),
		InstanceTypes: g.InstanceTypes, PaymentType: g.PaymentType, SpotStrategy: g.SpotStrategy,
		ZoneID: g.ZoneId, VSwitchIDs: g.VSwitchIds,
	}
	if r := g.StateChangeReason; r != nil {
		out.StateReason = reasonOf(r.Code, r.Message)
	}
	if d := g.SystemDisk; d != nil {
		out.SystemDisk = &provider.Disk{Category: d.Category, Size: i64(d.Size), Count: i64(d.Count), PerformanceLevel: d.PerformanceLevel}
	}
	for _, d := range g.DataDisks {
		out.DataDisks = append(out.DataDisks, provider.Disk{Category: d.Category, Size: i64(d.Size), Count: i64(d.Count), PerformanceLevel: d.PerformanceLevel})
	}
	return out
}

// ListNodes implements provider.NodeGroups: one page.
func (p *Provider) ListNodes(ctx context.Context, clusterID string, f provider.NodeFilter, token string, size int) (*provider.Page[provider.Node], error) {
	req := &emrwire.ListNodesRequest{
		RegionId: p.Region(), ClusterId: clusterID, NodeGroupIds: f.NodeGroupIDs, NodeIds: f.NodeIDs,
		NodeStates: f.States, NextToken: token, MaxResults: pageSize(size),
	}
	var resp emrwire.ListNodesResponse
	if err := p.emr(ctx, "ListNodes", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.Node]{NextToken: resp.NextToken, Total: i64(resp.TotalCount)}
	for _, n := range resp.Nodes {
		page.Items = append(page.Items, provider.Node{
			ClusterID: clusterID, ID: n.NodeId, Name: n.NodeName, NodeGroupID: n.NodeGroupId, Role: n.NodeGroupType,
			State: n.NodeState, InstanceType: n.InstanceType, PrivateIP: n.PrivateIp, PublicIP: n.PublicIp,
			ZoneID: n.ZoneId, Maintenance: n.MaintenanceStatus, CreateTime: fromMillis(n.CreateTime),
			ExpireTime: fromMillis(n.ExpireTime), AutoRenew: boolv(n.AutoRenew), PaymentType: paymentOfNode(n),
			Phase: nodePhase(n.NodeState),
		})
	}
	return page, nil
}

// paymentOfNode infers the billing of a node: only subscription nodes
// carry an expiry time.
func paymentOfNode(n emrwire.Node) string {
	if n.ExpireTime != nil && *n.ExpireTime > 0 {
		return "Subscription"
	}
	return "PayAsYouGo"
}

// AllNodes returns every node of a cluster matching f.
func (p *Provider) AllNodes(ctx context.Context, clusterID string, f provider.NodeFilter) ([]provider.Node, error) {
	var out []provider.Node
	token := ""
	for {
		page, err := p.ListNodes(ctx, clusterID, f, token, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if token = page.NextToken; token == "" {
			return out, nil
		}
	}
}

// NodeGroupRequest is a CreateNodeGroup request built from a spec group.
type NodeGroupRequest struct {
	req *emrwire.CreateNodeGroupRequest
}

// Shown implements provider.NodeGroupRequest: the exact request (a node
// group carries no secrets).
func (r *NodeGroupRequest) Shown() any { return r.req }

// PrepareNodeGroup implements provider.NodeGroupCreator: it maps a
// validated group (spec.ValidateNodeGroup) to CreateNodeGroup. Nothing is
// sent.
func (p *Provider) PrepareNodeGroup(clusterID string, g spec.NodeGroup) (provider.NodeGroupRequest, error) {
	cfg, err := nodeGroupConfig(g)
	if err != nil {
		return nil, fmt.Errorf("aliyun: node group %s: %w", g.Name, err)
	}
	return &NodeGroupRequest{req: &emrwire.CreateNodeGroupRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroup: &cfg}}, nil
}

// CreateNodeGroup implements provider.NodeGroupCreator. CreateNodeGroup
// has no ClientToken: the engine looks for a group of that name before it
// sends again after an unknown outcome.
func (p *Provider) CreateNodeGroup(ctx context.Context, clusterID string, r provider.NodeGroupRequest) (*provider.WriteResult, error) {
	nr, ok := r.(*NodeGroupRequest)
	if !ok || nr == nil || nr.req == nil {
		return nil, fmt.Errorf("aliyun: CreateNodeGroup needs a request from this provider's PrepareNodeGroup, got %T", r)
	}
	if nr.req.ClusterId != clusterID {
		return nil, fmt.Errorf("aliyun: CreateNodeGroup: the request was prepared for cluster %s, not %s", nr.req.ClusterId, clusterID)
	}
	var resp emrwire.CreateNodeGroupResponse
	if err := p.emr(ctx, "CreateNodeGroup", nr.req, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.NodeGroupId}, RequestID: resp.RequestId}, nil
}

// IncreaseRequest implements provider.NodeScaler: the IncreaseNodes
// request. The subscription term is sent only with a duration (the unit
// defaults to Month), so a PayAsYouGo group never gets one.
func (p *Provider) IncreaseRequest(clusterID, groupID string, in provider.IncreaseInput) any {
	return increaseRequest(p.Region(), clusterID, groupID, in)
}

func increaseRequest(region, clusterID, groupID string, in provider.IncreaseInput) *emrwire.IncreaseNodesRequest {
	req := &emrwire.IncreaseNodesRequest{RegionId: region, ClusterId: clusterID, NodeGroupId: groupID, IncreaseNodeCount: ptr(int64(in.Count)), AutoPayOrder: in.AutoPay, AutoRenew: in.AutoRenew}
	if in.MinCount > 0 {
		req.MinIncreaseNodeCount = ptr(int64(in.MinCount))
	}
	if in.PaymentDuration > 0 {
		req.PaymentDuration, req.PaymentDurationUnit = ptr(int64(in.PaymentDuration)), orDefault(in.PaymentUnit, "Month")
	}
	return req
}

// IncreaseNodes implements provider.NodeScaler. The API has no
// ClientToken: the engine must never re-send it blindly.
func (p *Provider) IncreaseNodes(ctx context.Context, clusterID, groupID string, in provider.IncreaseInput) (*provider.WriteResult, error) {
	var resp emrwire.IncreaseNodesResponse
	if err := p.emr(ctx, "IncreaseNodes", increaseRequest(p.Region(), clusterID, groupID, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.OperationId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}

// DecreaseRequest implements provider.NodeScaler: the DecreaseNodes
// request, naming the nodes only. BatchSize and BatchInterval are not
// sent: the engine releases in batches of its own and spaces them.
func (p *Provider) DecreaseRequest(clusterID, groupID string, in provider.DecreaseInput) any {
	return decreaseRequest(p.Region(), clusterID, groupID, in)
}

func decreaseRequest(region, clusterID, groupID string, in provider.DecreaseInput) *emrwire.DecreaseNodesRequest {
	return &emrwire.DecreaseNodesRequest{RegionId: region, ClusterId: clusterID, NodeGroupId: groupID, NodeIds: slices.Clone(in.NodeIDs)}
}

// DecreaseNodes implements provider.NodeScaler: it releases the given
// nodes of a TASK group in one call.
func (p *Provider) DecreaseNodes(ctx context.Context, clusterID, groupID string, in provider.DecreaseInput) (*provider.WriteResult, error) {
	var resp emrwire.DecreaseNodesResponse
	if err := p.emr(ctx, "DecreaseNodes", decreaseRequest(p.Region(), clusterID, groupID, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{resp.OperationId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}
