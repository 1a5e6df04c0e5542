package aliyun

import (
	"context"
	"encoding/json"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// Zones implements provider.Network.
func (p *Provider) Zones(ctx context.Context) ([]provider.Zone, error) {
	var resp vpcwire.DescribeZonesResponse
	if err := p.c.Call(ctx, contract.VPC, "DescribeZones", &vpcwire.DescribeZonesRequest{RegionId: p.Region()}, &resp); err != nil {
		return nil, err
	}
	var out []provider.Zone
	if resp.Zones != nil {
		for _, z := range resp.Zones.Zone {
			out = append(out, provider.Zone{ID: z.ZoneId, Name: z.LocalName})
		}
	}
	return out, nil
}

// VPCs implements provider.Network (all pages).
func (p *Provider) VPCs(ctx context.Context, vpcID string) ([]provider.VPC, error) {
	var out []provider.VPC
	for page := int64(1); ; page++ {
		var resp vpcwire.DescribeVpcsResponse
		req := &vpcwire.DescribeVpcsRequest{RegionId: p.Region(), VpcId: vpcID, PageNumber: ptr(page), PageSize: ptr(int64(50))}
		if err := p.c.Call(ctx, contract.VPC, "DescribeVpcs", req, &resp); err != nil {
			return nil, err
		}
		if resp.Vpcs != nil {
			for _, v := range resp.Vpcs.Vpc {
				out = append(out, provider.VPC{ID: v.VpcId, Name: v.VpcName, CIDR: v.CidrBlock, Status: v.Status})
			}
		}
		if len(out) >= i64(resp.TotalCount) || resp.Vpcs == nil || len(resp.Vpcs.Vpc) == 0 {
			return out, nil
		}
	}
}

// VSwitches implements provider.Network (all pages).
func (p *Provider) VSwitches(ctx context.Context, vpcID, vswitchID string) ([]provider.VSwitch, error) {
	var out []provider.VSwitch
	for page := int64(1); ; page++ {
		var resp vpcwire.DescribeVSwitchesResponse
		req := &vpcwire.DescribeVSwitchesRequest{RegionId: p.Region(), VpcId: vpcID, VSwitchId: vswitchID, PageNumber: ptr(page), PageSize: ptr(int64(50))}
		if err := p.c.Call(ctx, contract.VPC, "DescribeVSwitches", req, &resp); err != nil {
			return nil, err
		}
		if resp.VSwitches != nil {
			for _, v := range resp.VSwitches.VSwitch {
				out = append(out, provider.VSwitch{ID: v.VSwitchId, Name: v.VSwitchName, VpcID: v.VpcId, ZoneID: v.ZoneId, CIDR: v.CidrBlock, Status: v.Status, AvailableIPs: i64(v.AvailableIpAddressCount)})
			}
		}
		if len(out) >= i64(resp.TotalCount) || resp.VSwitches == nil || len(resp.VSwitches.VSwitch) == 0 {
			return out, nil
		}
	}
}

// SecurityGroups implements provider.Network (all pages, token mode).
func (p *Provider) SecurityGroups(ctx context.Context, vpcID, sgID string) ([]provider.SecurityGroup, error) {
	var out []provider.SecurityGroup
	token := ""
	for {
		var resp ecswire.DescribeSecurityGroupsResponse
		req := &ecswire.DescribeSecurityGroupsRequest{RegionId: p.Region(), VpcId: vpcID, SecurityGroupId: sgID, NextToken: token, MaxResults: ptr(int64(100))}
		if err := p.c.Call(ctx, contract.ECS, "DescribeSecurityGroups", req, &resp); err != nil {
			return nil, err
		}
		if resp.SecurityGroups != nil {
			for _, g := range resp.SecurityGroups.SecurityGroup {
				out = append(out, provider.SecurityGroup{ID: g.SecurityGroupId, Name: g.SecurityGroupName, VpcID: g.VpcId, Type: g.SecurityGroupType})
			}
		}
		if token = resp.NextToken; token == "" {
			return out, nil
		}
	}
}

// KeyPairs implements provider.Network. The name is matched exactly:
// DescribeKeyPairs treats it as a pattern.
func (p *Provider) KeyPairs(ctx context.Context, name string) ([]provider.KeyPair, error) {
	var out []provider.KeyPair
	for page := int64(1); ; page++ {
		var resp ecswire.DescribeKeyPairsResponse
		req := &ecswire.DescribeKeyPairsRequest{RegionId: p.Region(), KeyPairName: name, PageNumber: ptr(page), PageSize: ptr(int64(50))}
		if err := p.c.Call(ctx, contract.ECS, "DescribeKeyPairs", req, &resp); err != nil {
			return nil, err
		}
		n := 0
		if resp.KeyPairs != nil {
			n = len(resp.KeyPairs.KeyPair)
			for _, k := range resp.KeyPairs.KeyPair {
				if name == "" || k.KeyPairName == name {
					out = append(out, provider.KeyPair{Name: k.KeyPairName, Fingerprint: k.KeyPairFingerPrint})
				}
			}
		}
		if n == 0 || int(page)*50 >= i64(resp.TotalCount) {
			return out, nil
		}
	}
}

// Stock implements provider.Network with DescribeAvailableResource.
func (p *Provider) Stock(ctx context.Context, zoneID string, types []string) (map[string]string, error) {
	var resp ecswire.DescribeAvailableResourceResponse
	req := &ecswire.DescribeAvailableResourceRequest{RegionId: p.Region(), DestinationResource: "InstanceType", ZoneId: zoneID, IoOptimized: "optimized"}
	if err := p.c.Call(ctx, contract.ECS, "DescribeAvailableResource", req, &resp); err != nil {
		return nil, err
	}
	// The response nests five levels deep; walk it generically.
	raw, _ := json.Marshal(resp)
	var doc struct {
		AvailableZones struct {
			AvailableZone []struct {
				ZoneId             string
				AvailableResources struct {
					AvailableResource []struct {
						SupportedResources struct {
							SupportedResource []struct{ Value, Status, StatusCategory string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	out := map[string]string{}
	for _, z := range doc.AvailableZones.AvailableZone {
		if z.ZoneId != zoneID {
			continue
		}
		for _, ar := range z.AvailableResources.AvailableResource {
			for _, sr := range ar.SupportedResources.SupportedResource {
				if len(want) == 0 || want[sr.Value] {
					out[sr.Value] = sr.StatusCategory
				}
			}
		}
	}
	return out, nil
}

// memory returns the memory (GiB) of instance types from ECS.
func (p *Provider) memory(ctx context.Context, types []string) (map[string]float64, error) {
	out := map[string]float64{}
	for start := 0; start < len(types); start += 10 {
		batch := types[start:min(start+10, len(types))]
		var resp ecswire.DescribeInstanceTypesResponse
		if err := p.c.Call(ctx, contract.ECS, "DescribeInstanceTypes", &ecswire.DescribeInstanceTypesRequest{InstanceTypes: batch}, &resp); err != nil {
			return nil, err
		}
		if resp.InstanceTypes != nil {
			for _, it := range resp.InstanceTypes.InstanceType {
				if it.MemorySize != nil {
					out[it.InstanceTypeId] = *it.MemorySize
				}
			}
		}
	}
	return out, nil
}
