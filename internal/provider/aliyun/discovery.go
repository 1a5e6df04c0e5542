package aliyun

import (
	"context"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// ListReleaseVersions implements provider.ReleaseLister: the EMR releases
// of q.ClusterType.
func (p *Provider) ListReleaseVersions(ctx context.Context, q provider.ReleaseQuery) ([]provider.ReleaseVersion, error) {
	var resp emrwire.ListReleaseVersionsResponse
	if err := p.emr(ctx, "ListReleaseVersions", &emrwire.ListReleaseVersionsRequest{RegionId: p.Region(), ClusterType: q.ClusterType}, &resp); err != nil {
		return nil, err
	}
	out := make([]provider.ReleaseVersion, 0, len(resp.ReleaseVersions))
	for _, r := range resp.ReleaseVersions {
		out = append(out, provider.ReleaseVersion{Version: r.ReleaseVersion, Series: r.Series})
	}
	return out, nil
}

// ListInstanceTypes returns the instance types offered for a node group,
// with stock from ECS DescribeAvailableResource when it can be read.
func (p *Provider) ListInstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	req := &emrwire.ListInstanceTypesRequest{
		RegionId: p.Region(), ZoneId: q.ZoneID, ClusterType: q.ClusterType, PaymentType: q.PaymentType,
		NodeGroupType: q.NodeGroupType, ReleaseVersion: q.ReleaseVersion, DeployMode: q.DeployMode, InstanceType: q.InstanceType,
	}
	var resp emrwire.ListInstanceTypesResponse
	if err := p.emr(ctx, "ListInstanceTypes", req, &resp); err != nil {
		return nil, err
	}
	out := make([]provider.InstanceType, 0, len(resp.InstanceTypes))
	names := make([]string, 0, len(resp.InstanceTypes))
	for _, it := range resp.InstanceTypes {
		out = append(out, provider.InstanceType{
			Type: it.InstanceType, Family: it.InstanceTypeFamily, Category: it.InstanceCategory, Arch: it.CpuArchitecture,
			VCPUs: i64(it.CpuCore), LocalDisks: i64(it.LocalStorageAmount), LocalDiskGB: i64(it.LocalStorageCapacity),
		})
		names = append(names, it.InstanceType)
	}
	if stock, err := p.Stock(ctx, q.ZoneID, names); err == nil {
		for i := range out {
			out[i].Stock = stock[out[i].Type]
		}
	}
	if mem, err := p.memory(ctx, names); err == nil {
		for i := range out {
			out[i].MemoryGiB = mem[out[i].Type]
		}
	}
	return out, nil
}

// Regions implements provider.RegionLister with VPC DescribeRegions, in
// English, sorted by ID.
func (p *Provider) Regions(ctx context.Context) ([]provider.Region, error) {
	var resp vpcwire.DescribeRegionsResponse
	if err := p.c.Call(ctx, contract.VPC, "DescribeRegions", &vpcwire.DescribeRegionsRequest{AcceptLanguage: "en-US"}, &resp); err != nil {
		return nil, err
	}
	var out []provider.Region
	if resp.Regions != nil {
		for _, r := range resp.Regions.Region {
			out = append(out, provider.Region{ID: r.RegionId, Name: r.LocalName})
		}
	}
	slices.SortFunc(out, func(a, b provider.Region) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
