package aliyun

import (
	"context"
	"encoding/json"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
)

// Machine implements provider.Machines with three ECS reads:
// DescribeInstances (network, status), DescribeDisks with DiskType=system
// (category and size) and DescribeInstanceRamRole (the role's name only).
// An instance unknown in the region is a not-found error.
func (p *Provider) Machine(ctx context.Context, id string) (*provider.Machine, error) {
	ids, err := json.Marshal([]string{id})
	if err != nil {
		return nil, err
	}
	var resp ecswire.DescribeInstancesResponse
	req := &ecswire.DescribeInstancesRequest{RegionId: p.Region(), InstanceIds: string(ids)}
	if err := p.c.Call(ctx, contract.ECS, "DescribeInstances", req, &resp); err != nil {
		return nil, err
	}
	item, ok := findInstance(&resp, id)
	if !ok {
		return nil, &provider.APIError{
			Provider: provider.Aliyun, Action: "DescribeInstances", Kind: provider.KindNotFound, Code: "InvalidInstanceId.NotFound",
			Message: "instance " + id + " does not exist in region " + p.Region(), RequestID: resp.RequestId,
		}
	}
	m := machineOf(item)
	if m.SystemDisk, err = p.systemDisk(ctx, id); err != nil {
		return nil, err
	}
	if m.RAMRole, err = p.ramRole(ctx, string(ids), id); err != nil {
		return nil, err
	}
	return m, nil
}

func findInstance(resp *ecswire.DescribeInstancesResponse, id string) (*ecswire.DescribeInstancesResponseInstancesInstanceItem, bool) {
	if resp.Instances == nil {
		return nil, false
	}
	for i := range resp.Instances.Instance {
		if resp.Instances.Instance[i].InstanceId == id {
			return &resp.Instances.Instance[i], true
		}
	}
	return nil, false
}

func machineOf(in *ecswire.DescribeInstancesResponseInstancesInstanceItem) *provider.Machine {
	m := &provider.Machine{ID: in.InstanceId, Name: in.InstanceName, Status: in.Status, RegionID: in.RegionId, ZoneID: in.ZoneId}
	if in.SecurityGroupIds != nil {
		m.SecurityGroupIDs = in.SecurityGroupIds.SecurityGroupId
	}
	if va := in.VpcAttributes; va != nil {
		m.VpcID, m.VSwitchID = va.VpcId, va.VSwitchId
		if va.PrivateIpAddress != nil {
			m.PrivateIPs = va.PrivateIpAddress.IpAddress
		}
	}
	return m
}

// systemDisk returns nil when ECS lists no system disk for the instance.
func (p *Provider) systemDisk(ctx context.Context, id string) (*provider.MachineDisk, error) {
	var resp ecswire.DescribeDisksResponse
	req := &ecswire.DescribeDisksRequest{RegionId: p.Region(), InstanceId: id, DiskType: "system"}
	if err := p.c.Call(ctx, contract.ECS, "DescribeDisks", req, &resp); err != nil {
		return nil, err
	}
	if resp.Disks == nil {
		return nil, nil
	}
	for _, d := range resp.Disks.Disk {
		if d.Type == "system" && d.InstanceId == id {
			return &provider.MachineDisk{ID: d.DiskId, Category: d.Category, SizeGiB: int(i64(d.Size))}, nil
		}
	}
	return nil, nil
}

// ramRole returns the name of the instance's RAM role, "" when none.
func (p *Provider) ramRole(ctx context.Context, idsJSON, id string) (string, error) {
	var resp ecswire.DescribeInstanceRamRoleResponse
	req := &ecswire.DescribeInstanceRamRoleRequest{RegionId: p.Region(), InstanceIds: idsJSON}
	if err := p.c.Call(ctx, contract.ECS, "DescribeInstanceRamRole", req, &resp); err != nil {
		return "", err
	}
	if resp.InstanceRamRoleSets == nil {
		return "", nil
	}
	for _, s := range resp.InstanceRamRoleSets.InstanceRamRoleSet {
		if s.InstanceId == id {
			return s.RamRoleName, nil
		}
	}
	return "", nil
}
