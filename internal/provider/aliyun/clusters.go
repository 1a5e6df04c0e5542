package aliyun

import (
	"context"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// GetCluster implements provider.Clusters.
func (p *Provider) GetCluster(ctx context.Context, id string) (*provider.Cluster, error) {
	var resp emrwire.GetClusterResponse
	if err := p.emr(ctx, "GetCluster", &emrwire.GetClusterRequest{RegionId: p.Region(), ClusterId: id}, &resp); err != nil {
		return nil, err
	}
	if resp.Cluster == nil {
		return nil, &provider.APIError{Provider: provider.Aliyun, Action: "GetCluster", Kind: provider.KindNotFound, Code: "ClusterNotFound", Message: "empty response", RequestID: resp.RequestId}
	}
	return clusterOf(p.Region(), resp.Cluster), nil
}

func clusterOf(region string, c *emrwire.Cluster) *provider.Cluster {
	out := &provider.Cluster{
		Provider: provider.Aliyun, Region: orDefault(c.RegionId, region), ID: c.ClusterId, Name: c.ClusterName,
		Type: c.ClusterType, State: c.ClusterState, ReleaseVersion: c.ReleaseVersion, DeployMode: c.DeployMode,
		PaymentType: c.PaymentType, DeletionProtection: boolv(c.DeletionProtection), Description: c.Description,
		CreateTime: fromMillis(c.CreateTime), ReadyTime: fromMillis(c.ReadyTime), EndTime: fromMillis(c.EndTime),
		ExpireTime: fromMillis(c.ExpireTime), Tags: tagsOf(c.Tags),
		Aliyun: &provider.AliyunInfo{ResourceGroupID: c.ResourceGroupId, SecurityMode: c.SecurityMode, EmrDefaultRole: c.EmrDefaultRole},
	}
	if c.StateChangeReason != nil {
		out.StateReason = reasonOf(c.StateChangeReason.Code, c.StateChangeReason.Message)
	}
	if na := c.NodeAttributes; na != nil {
		out.Aliyun.VpcID, out.Aliyun.ZoneID, out.Aliyun.SecurityGroupID = na.VpcId, na.ZoneId, na.SecurityGroupId
		out.Aliyun.KeyPairName, out.Aliyun.RamRole = na.KeyPairName, na.RamRole
	}
	if s := c.SubscriptionConfig; s != nil {
		out.Aliyun.Subscription = &provider.Subscription{
			Duration: i64(s.PaymentDuration), Unit: s.PaymentDurationUnit, AutoRenew: boolv(s.AutoRenew),
			AutoRenewDuration: i64(s.AutoRenewDuration), AutoRenewUnit: s.AutoRenewDurationUnit,
		}
	}
	return out
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ListClusters implements provider.Clusters: one page.
func (p *Provider) ListClusters(ctx context.Context, f provider.ClusterFilter, pageToken string, size int) (*provider.Page[provider.Cluster], error) {
	req := &emrwire.ListClustersRequest{
		RegionId: p.Region(), ClusterIds: f.IDs, ClusterName: f.Name, ClusterStates: f.States,
		ClusterTypes: f.Types, PaymentTypes: f.PaymentTypes, ResourceGroupId: f.ResourceGroupID,
		NextToken: pageToken, MaxResults: pageSize(size),
	}
	var resp emrwire.ListClustersResponse
	if err := p.emr(ctx, "ListClusters", req, &resp); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.Cluster]{NextToken: resp.NextToken, Total: i64(resp.TotalCount), Items: make([]provider.Cluster, 0, len(resp.Clusters))}
	for _, s := range resp.Clusters {
		c := clusterOf(p.Region(), &emrwire.Cluster{
			ClusterId: s.ClusterId, ClusterName: s.ClusterName, ClusterState: s.ClusterState, ClusterType: s.ClusterType,
			CreateTime: s.CreateTime, DeletionProtection: s.DeletionProtection, Description: s.Description,
			EmrDefaultRole: s.EmrDefaultRole, EndTime: s.EndTime, ExpireTime: s.ExpireTime, PaymentType: s.PaymentType,
			ReadyTime: s.ReadyTime, ReleaseVersion: s.ReleaseVersion, ResourceGroupId: s.ResourceGroupId,
			StateChangeReason: s.StateChangeReason, Tags: s.Tags,
		})
		if !f.CreatedAfter.IsZero() && c.CreateTime.Before(f.CreatedAfter) || !f.CreatedBefore.IsZero() && c.CreateTime.After(f.CreatedBefore) {
			continue
		}
		page.Items = append(page.Items, *c)
	}
	return page, nil
}

// ListApplications returns the applications installed on a cluster.
func (p *Provider) ListApplications(ctx context.Context, clusterID string) ([]provider.Application, error) {
	var out []provider.Application
	token := ""
	for {
		var resp emrwire.ListApplicationsResponse
		req := &emrwire.ListApplicationsRequest{RegionId: p.Region(), ClusterId: clusterID, NextToken: token, MaxResults: ptr(int64(100))}
		if err := p.emr(ctx, "ListApplications", req, &resp); err != nil {
			return nil, err
		}
		for _, a := range resp.Applications {
			out = append(out, provider.Application{Name: a.ApplicationName, Version: a.ApplicationVersion, CommunityVersion: a.CommunityVersion, State: a.ApplicationState})
		}
		if token = resp.NextToken; token == "" {
			return out, nil
		}
	}
}

// AttributesRequest implements provider.AttributeUpdater: the
// UpdateClusterAttribute request, with only the fields being changed.
func (p *Provider) AttributesRequest(clusterID string, a provider.ClusterAttributes) any {
	return attributesRequest(p.Region(), clusterID, a)
}

func attributesRequest(region, clusterID string, a provider.ClusterAttributes) *emrwire.UpdateClusterAttributeRequest {
	return &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: clusterID, ClusterName: a.Name, Description: a.Description, DeletionProtection: a.DeletionProtection}
}

// UpdateClusterAttributes implements provider.AttributeUpdater.
func (p *Provider) UpdateClusterAttributes(ctx context.Context, clusterID string, a provider.ClusterAttributes) (*provider.WriteResult, error) {
	var resp emrwire.UpdateClusterAttributeResponse
	if err := p.emr(ctx, "UpdateClusterAttribute", attributesRequest(p.Region(), clusterID, a), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{clusterID}, RequestID: resp.RequestId}, nil
}

// AutoRenewRequest implements provider.Renewer: the UpdateClusterAutoRenew
// request. The renewal term is sent only when enabling with a duration
// (the unit defaults to Month).
func (p *Provider) AutoRenewRequest(clusterID string, in provider.AutoRenewInput) any {
	return autoRenewRequest(p.Region(), clusterID, in)
}

func autoRenewRequest(region, clusterID string, in provider.AutoRenewInput) *emrwire.UpdateClusterAutoRenewRequest {
	req := &emrwire.UpdateClusterAutoRenewRequest{RegionId: region, ClusterId: clusterID, ClusterAutoRenew: ptr(in.Enable), RenewAllInstances: ptr(in.AllInstances)}
	if in.Enable && in.Duration > 0 {
		req.ClusterAutoRenewDuration, req.ClusterAutoRenewDurationUnit = ptr(int64(in.Duration)), orDefault(in.Unit, "Month")
	}
	return req
}

// UpdateAutoRenew implements provider.Renewer.
func (p *Provider) UpdateAutoRenew(ctx context.Context, clusterID string, in provider.AutoRenewInput) (*provider.WriteResult, error) {
	var resp emrwire.UpdateClusterAutoRenewResponse
	if err := p.emr(ctx, "UpdateClusterAutoRenew", autoRenewRequest(p.Region(), clusterID, in), &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{clusterID}, RequestID: resp.RequestId}, nil
}

// GetOperation returns an asynchronous operation.
func (p *Provider) GetOperation(ctx context.Context, clusterID, operationID string) (*provider.Operation, error) {
	var resp emrwire.GetOperationResponse
	if err := p.emr(ctx, "GetOperation", &emrwire.GetOperationRequest{RegionId: p.Region(), ClusterId: clusterID, OperationId: operationID}, &resp); err != nil {
		return nil, err
	}
	o := resp.Operation
	if o == nil {
		return nil, &provider.APIError{Provider: provider.Aliyun, Action: "GetOperation", Kind: provider.KindNotFound, Code: "OperationNotFound"}
	}
	op := &provider.Operation{ClusterID: o.ClusterId, ID: o.OperationId, Type: o.OperationType, State: o.OperationState, Description: o.Description, CreateTime: fromMillis(o.CreateTime), EndTime: fromMillis(o.EndTime)}
	if r := o.StateChangeReason; r != nil {
		op.StateReason = reasonOf(r.Code, r.Message)
	}
	return op, nil
}

// TerminateCluster implements provider.Terminator with DeleteCluster.
// The engine reaches it only through the policy, which refuses it to
// everyone by default.
func (p *Provider) TerminateCluster(ctx context.Context, clusterID string) (*provider.WriteResult, error) {
	var resp emrwire.DeleteClusterResponse
	if err := p.emr(ctx, "DeleteCluster", &emrwire.DeleteClusterRequest{RegionId: p.Region(), ClusterId: clusterID}, &resp); err != nil {
		return nil, err
	}
	return &provider.WriteResult{IDs: []string{clusterID, resp.OperationId}, OperationID: resp.OperationId, RequestID: resp.RequestId}, nil
}
