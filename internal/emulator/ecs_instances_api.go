package emulator

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
)

// DescribeInstances, DescribeDisks and DescribeInstanceRamRole over the
// instances of ecs_instances.go.
//
// Error codes chosen (from the ECS API reference and its error center):
// a malformed or too long InstanceIds / DiskIds list is
// InvalidInstanceIds.Malformed / InvalidDiskIds.Malformed (400); an unknown
// ID in DescribeInstances or DescribeDisks filters, as on ECS, to an empty
// list; DescribeInstanceRamRole answers an unknown instance with
// InvalidInstanceId.NotFound (404, "The specified InstanceId does not
// exist."), and needs InstanceIds or RamRoleName (MissingParameter).

func registerInstances(s *Server) error {
	for _, h := range []struct {
		name string
		fn   handlerFunc
	}{
		{"DescribeInstances", ecsDescribeInstances},
		{"DescribeDisks", ecsDescribeDisks},
		{"DescribeInstanceRamRole", ecsDescribeInstanceRamRole},
	} {
		if err := s.handle(contract.ECS, h.name, false, h.fn); err != nil {
			return err
		}
	}
	return nil
}

// idArray parses a JSON array of IDs sent as one string parameter.
func idArray(param, code, text string, limit int) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(text), &ids); err != nil {
		return nil, newError(http.StatusBadRequest, code, `The specified parameter %s is not valid: it must be a JSON array of IDs such as ["i-1","i-2"] (%v)`, param, err)
	}
	if len(ids) > limit {
		return nil, newError(http.StatusBadRequest, code, "The specified parameter %s holds %d IDs; at most %d are allowed", param, len(ids), limit)
	}
	return ids, nil
}

// pagedInstances is the paging both DescribeInstances and DescribeDisks
// use: PageNumber/PageSize (being retired; they get TotalCount) or
// MaxResults/NextToken, where MaxResults below lo counts as lo and above
// hi as hi, as the ECS reference says.
type pagedInstances struct {
	from, to            int
	next                string
	number, size, total *int64
}

func pageInstances(n int, pageNumber, pageSize, maxResults *int64, nextToken string, lo, hi, sizeLimit int64) (pagedInstances, error) {
	tokenMode := maxResults != nil || nextToken != ""
	if tokenMode && (pageNumber != nil || pageSize != nil) {
		return pagedInstances{}, errInvalidParameter("page with either MaxResults/NextToken or PageNumber/PageSize, not both")
	}
	if pageNumber != nil || pageSize != nil {
		pg, err := pageNumbers(n, pageNumber, pageSize, sizeLimit)
		if err != nil {
			return pagedInstances{}, err
		}
		return pagedInstances{from: pg.start, to: pg.end, number: ptr(pg.number), size: ptr(pg.pageSize), total: ptr(int64(n))}, nil
	}
	var max *int64
	if maxResults != nil {
		max = ptr(min(hi, *maxResults))
		if *max < lo {
			max = ptr(lo)
		}
	}
	pg, err := tokenPage(n, max, nextToken, lo, hi)
	if err != nil {
		return pagedInstances{}, err
	}
	return pagedInstances{from: pg.start, to: pg.end, next: pg.next}, nil
}

func ecsDescribeInstances(c *call, w *World) (any, error) {
	var req ecswire.DescribeInstancesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if _, err := c.regionOf(w); err != nil {
		return nil, err
	}
	if err := c.checkEnum("Status", req.Status); err != nil {
		return nil, err
	}
	ids, err := idArray("InstanceIds", "InvalidInstanceIds.Malformed", req.InstanceIds, 100)
	if err != nil {
		return nil, err
	}
	if err := dryRun(req.DryRun); err != nil {
		return nil, err
	}
	var matched []ecsInstance
	for _, in := range instancesIn(w, c.region, c.now) {
		switch {
		case len(ids) > 0 && !contains(ids, in.ID),
			req.VpcId != "" && in.VpcID != req.VpcId,
			req.VSwitchId != "" && in.VSwitchID != req.VSwitchId,
			req.ZoneId != "" && in.ZoneID != req.ZoneId,
			req.SecurityGroupId != "" && !contains(in.SecurityGroupIDs, req.SecurityGroupId),
			req.Status != "" && !strings.EqualFold(in.Status, req.Status),
			req.InstanceName != "" && !wildcard(req.InstanceName, in.Name),
			req.InstanceType != "" && in.InstanceType != req.InstanceType,
			req.InstanceChargeType != "" && in.ChargeType != req.InstanceChargeType,
			filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
			continue
		}
		matched = append(matched, in)
	}
	pg, err := pageInstances(len(matched), req.PageNumber, req.PageSize, req.MaxResults, req.NextToken, 10, 100, 100)
	if err != nil {
		return nil, err
	}
	resp := &ecswire.DescribeInstancesResponse{
		RequestId: c.requestID, Instances: &ecswire.DescribeInstancesResponseInstances{},
		NextToken: pg.next, PageNumber: pg.number, PageSize: pg.size, TotalCount: pg.total,
	}
	for _, in := range matched[pg.from:pg.to] {
		resp.Instances.Instance = append(resp.Instances.Instance, instanceItem(in))
	}
	return resp, nil
}

func instanceItem(in ecsInstance) ecswire.DescribeInstancesResponseInstancesInstanceItem {
	it, _ := instanceTypeByName(in.InstanceType)
	item := ecswire.DescribeInstancesResponseInstancesInstanceItem{
		InstanceId: in.ID, InstanceName: in.Name, HostName: in.HostName, RegionId: in.Region, ZoneId: in.ZoneID,
		Status: in.Status, InstanceType: in.InstanceType, InstanceTypeFamily: it.Family,
		Cpu: ptr(int64(it.Cores)), Memory: ptr(int64(it.MemoryGiB) * 1024), InstanceChargeType: in.ChargeType,
		InstanceNetworkType: "vpc", InternetChargeType: "PayByTraffic", IoOptimized: ptr(true),
		CreationTime: isoMinute(in.CreatedAt), StartTime: isoMinute(in.CreatedAt), OSType: "linux",
		OSName: "Alibaba Cloud Linux  3.2104 LTS 64 bit", OSNameEn: "Alibaba Cloud Linux  3.2104 LTS 64 bit",
		ImageId: "aliyun_3_x64_20G_alibase_20240528.vhd", StoppedMode: "Not-applicable", DeletionProtection: ptr(false),
		SecurityGroupIds: &ecswire.DescribeInstancesResponseInstancesInstanceItemSecurityGroupIds{SecurityGroupId: in.SecurityGroupIDs},
		VpcAttributes: &ecswire.DescribeInstancesResponseInstancesInstanceItemVpcAttributes{
			VpcId: in.VpcID, VSwitchId: in.VSwitchID,
			PrivateIpAddress: &ecswire.DescribeInstancesResponseInstancesInstanceItemVpcAttributesPrivateIpAddress{IpAddress: []string{in.PrivateIP}},
		},
		PublicIpAddress: &ecswire.DescribeInstancesResponseInstancesInstanceItemPublicIpAddress{},
		NetworkInterfaces: &ecswire.DescribeInstancesResponseInstancesInstanceItemNetworkInterfaces{
			NetworkInterface: []ecswire.DescribeInstancesResponseInstancesInstanceItemNetworkInterfacesNetworkInterfaceItem{{
				NetworkInterfaceId: "eni-" + strings.TrimPrefix(in.ID, "i-"), PrimaryIpAddress: in.PrivateIP, Type: "Primary",
			}},
		},
	}
	if in.PublicIP != "" {
		item.PublicIpAddress.IpAddress = []string{in.PublicIP}
	}
	if in.ClusterID != "" {
		item.Description = "EMR node of cluster " + in.ClusterID
	}
	return item
}

// instanceTypeByName finds an instance type of the catalogue.
func instanceTypeByName(name string) (instanceTypeInfo, bool) {
	for _, it := range catalogue {
		if it.Type == name {
			return it, true
		}
	}
	return instanceTypeInfo{Type: name}, false
}

func ecsDescribeDisks(c *call, w *World) (any, error) {
	var req ecswire.DescribeDisksRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if _, err := c.regionOf(w); err != nil {
		return nil, err
	}
	diskType := strings.ToLower(orDefault(req.DiskType, "all"))
	if !contains([]string{"all", "system", "data"}, diskType) {
		return nil, newError(http.StatusBadRequest, "InvalidDiskType.ValueNotSupported", "The specified parameter DiskType %q is not valid; use all, system or data", req.DiskType)
	}
	ids, err := idArray("DiskIds", "InvalidDiskIds.Malformed", req.DiskIds, 100)
	if err != nil {
		return nil, err
	}
	if err := dryRun(req.DryRun); err != nil {
		return nil, err
	}
	type attached struct {
		disk diskRec
		in   ecsInstance
	}
	var matched []attached
	for _, in := range instancesIn(w, c.region, c.now) {
		if req.InstanceId != "" && in.ID != req.InstanceId || req.ZoneId != "" && in.ZoneID != req.ZoneId {
			continue
		}
		for _, d := range in.Disks {
			switch {
			case diskType != "all" && d.Type != diskType,
				len(ids) > 0 && !contains(ids, d.ID),
				req.Category != "" && req.Category != "all" && d.Category != req.Category,
				filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
				continue
			}
			matched = append(matched, attached{d, in})
		}
	}
	pg, err := pageInstances(len(matched), req.PageNumber, req.PageSize, req.MaxResults, req.NextToken, 10, 500, 100)
	if err != nil {
		return nil, err
	}
	resp := &ecswire.DescribeDisksResponse{
		RequestId: c.requestID, Disks: &ecswire.DescribeDisksResponseDisks{},
		NextToken: pg.next, PageNumber: pg.number, PageSize: pg.size, TotalCount: pg.total,
	}
	for _, a := range matched[pg.from:pg.to] {
		resp.Disks.Disk = append(resp.Disks.Disk, diskItem(a.disk, a.in))
	}
	return resp, nil
}

func diskItem(d diskRec, in ecsInstance) ecswire.DescribeDisksResponseDisksDiskItem {
	item := ecswire.DescribeDisksResponseDisksDiskItem{
		DiskId: d.ID, DiskName: in.Name + "-" + d.Type, Type: d.Type, Category: d.Category, PerformanceLevel: d.PerformanceLevel,
		Size: ptr(d.SizeGiB), Status: "In_use", InstanceId: in.ID, RegionId: in.Region, ZoneId: in.ZoneID,
		DiskChargeType: in.ChargeType, Portable: ptr(d.Type == "data"), DeleteWithInstance: ptr(true), Encrypted: ptr(false),
		CreationTime: isoMinute(in.CreatedAt), AttachedTime: isoMinute(in.CreatedAt), MultiAttach: "Disabled",
		Device: "/dev/xvda", SerialNumber: strings.TrimPrefix(d.ID, "d-"),
		Attachments: &ecswire.DescribeDisksResponseDisksDiskItemAttachments{
			Attachment: []ecswire.DescribeDisksResponseDisksDiskItemAttachmentsAttachmentItem{{InstanceId: in.ID, Device: "/dev/xvda", AttachedTime: isoMinute(in.CreatedAt)}},
		},
	}
	if d.Type == "system" {
		item.ImageId = "aliyun_3_x64_20G_alibase_20240528.vhd"
	} else {
		item.Device, item.Attachments.Attachment[0].Device = "/dev/xvdb", "/dev/xvdb"
	}
	return item
}

func ecsDescribeInstanceRamRole(c *call, w *World) (any, error) {
	var req ecswire.DescribeInstanceRamRoleRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	ids, err := idArray("InstanceIds", "InvalidInstanceIds.Malformed", req.InstanceIds, 50)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 && req.RamRoleName == "" {
		return nil, errMissing("MissingParameter", "InstanceIds or RamRoleName is mandatory for this action; give the instance IDs as a JSON array, or a role name")
	}
	all := instancesIn(w, reg.ID, c.now)
	for _, id := range ids {
		if !instanceListed(all, id) {
			return nil, errNotFound("InvalidInstanceId.NotFound", "The specified InstanceId does not exist: %s is not an instance of region %s", id, reg.ID)
		}
	}
	var sets []ecswire.DescribeInstanceRamRoleResponseInstanceRamRoleSetsInstanceRamRoleSetItem
	for _, in := range all {
		switch {
		case len(ids) > 0 && !contains(ids, in.ID),
			req.RamRoleName != "" && in.RAMRole != req.RamRoleName,
			len(ids) == 0 && in.RAMRole == "":
			continue
		}
		// An instance without a role is listed with an empty name.
		sets = append(sets, ecswire.DescribeInstanceRamRoleResponseInstanceRamRoleSetsInstanceRamRoleSetItem{InstanceId: in.ID, RamRoleName: in.RAMRole})
	}
	pg, err := pageNumbers(len(sets), req.PageNumber, req.PageSize, 50)
	if err != nil {
		return nil, err
	}
	return &ecswire.DescribeInstanceRamRoleResponse{
		RequestId: c.requestID, RegionId: reg.ID, TotalCount: ptr(int64(len(sets))),
		InstanceRamRoleSets: &ecswire.DescribeInstanceRamRoleResponseInstanceRamRoleSets{InstanceRamRoleSet: sets[pg.start:pg.end]},
	}, nil
}

func instanceListed(all []ecsInstance, id string) bool {
	for _, in := range all {
		if in.ID == id {
			return true
		}
	}
	return false
}
