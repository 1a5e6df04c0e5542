package aliyun

import (
	"context"

	"github.com/emrctl/emrctl/internal/provider"
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

// CreateNodeGroup adds a node group to a cluster.
func (p *Provider) CreateNodeGroup(ctx context.Context, clusterID string, cfg *emrwire.NodeGroupConfig) (nodeGroupID, requestID string, err error) {
	var resp emrwire.CreateNodeGroupResponse
	err = p.emr(ctx, "CreateNodeGroup", &emrwire.CreateNodeGroupRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroup: cfg}, &resp)
	return resp.NodeGroupId, resp.RequestId, err
}

// IncreaseNodes adds nodes to a group. The API has no ClientToken: the
// engine must never re-send it blindly.
func (p *Provider) IncreaseNodes(ctx context.Context, clusterID, groupID string, in provider.IncreaseInput) (operationID, requestID string, err error) {
	req := &emrwire.IncreaseNodesRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: groupID, IncreaseNodeCount: ptr(int64(in.Count)), AutoPayOrder: in.AutoPay, AutoRenew: in.AutoRenew}
	if in.MinCount > 0 {
		req.MinIncreaseNodeCount = ptr(int64(in.MinCount))
	}
	if in.PaymentDuration > 0 {
		req.PaymentDuration, req.PaymentDurationUnit = ptr(int64(in.PaymentDuration)), orDefault(in.PaymentUnit, "Month")
	}
	var resp emrwire.IncreaseNodesResponse
	err = p.emr(ctx, "IncreaseNodes", req, &resp)
	return resp.OperationId, resp.RequestId, err
}

// DecreaseNodes releases the given nodes of a TASK group (one call; the
// engine batches larger scale-ins).
func (p *Provider) DecreaseNodes(ctx context.Context, clusterID, groupID string, nodeIDs []string) (operationID, requestID string, err error) {
	req := &emrwire.DecreaseNodesRequest{RegionId: p.Region(), ClusterId: clusterID, NodeGroupId: groupID, NodeIds: nodeIDs}
	var resp emrwire.DecreaseNodesResponse
	err = p.emr(ctx, "DecreaseNodes", req, &resp)
	return resp.OperationId, resp.RequestId, err
}
