package emulator

import (
	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// The VPC 2016-04-28 look-ups a cluster tool makes before creating a
// cluster: regions, zones, VPCs and vSwitches of the seeded inventory.
// They only read; vSwitch free addresses move as nodes come and go.

func registerVPC(s *Server) error {
	for _, h := range []struct {
		name string
		fn   handlerFunc
	}{
		{"DescribeRegions", vpcDescribeRegions},
		{"DescribeZones", vpcDescribeZones},
		{"DescribeVpcs", vpcDescribeVpcs},
		{"DescribeVSwitches", vpcDescribeVSwitches},
	} {
		if err := s.handle(contract.VPC, h.name, false, h.fn); err != nil {
			return err
		}
	}
	return nil
}

func vpcDescribeRegions(c *call, w *World) (any, error) {
	var req vpcwire.DescribeRegionsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := c.checkEnum("AcceptLanguage", req.AcceptLanguage); err != nil {
		return nil, err
	}
	resp := &vpcwire.DescribeRegionsResponse{RequestId: c.requestID, Regions: &vpcwire.DescribeRegionsResponseRegions{}}
	for _, r := range w.Regions.Select(nil) {
		resp.Regions.Region = append(resp.Regions.Region, vpcwire.DescribeRegionsResponseRegionsRegionItem{
			RegionId: r.ID, LocalName: regionLocalName(r, req.AcceptLanguage), RegionEndpoint: endpointOf(c.spec, r.ID),
		})
	}
	return resp, nil
}

func vpcDescribeZones(c *call, w *World) (any, error) {
	var req vpcwire.DescribeZonesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if err := c.checkEnum("AcceptLanguage", req.AcceptLanguage); err != nil {
		return nil, err
	}
	resp := &vpcwire.DescribeZonesResponse{RequestId: c.requestID, Zones: &vpcwire.DescribeZonesResponseZones{}}
	// Every seeded zone is a standard zone; edge zones (LocalZone) have none.
	if req.ZoneType != "" && req.ZoneType != "AvailabilityZone" {
		return resp, nil
	}
	for _, z := range reg.Zones {
		resp.Zones.Zone = append(resp.Zones.Zone, vpcwire.DescribeZonesResponseZonesZoneItem{
			ZoneId: z.ID, LocalName: zoneLocalName(reg, z, req.AcceptLanguage), ZoneType: "AvailabilityZone",
		})
	}
	return resp, nil
}

func vpcDescribeVpcs(c *call, w *World) (any, error) {
	var req vpcwire.DescribeVpcsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if err := dryRun(req.DryRun); err != nil {
		return nil, err
	}
	ids := idList(req.VpcId)
	if len(ids) > 20 {
		return nil, errInvalidParameter("VpcId takes at most 20 IDs, got %d", len(ids))
	}
	var matched []vpcInfo
	for _, v := range reg.VPCs {
		switch {
		case len(ids) > 0 && !contains(ids, v.ID),
			req.VpcName != "" && req.VpcName != v.Name,
			boolv(req.IsDefault), // the seeded VPCs are not default VPCs
			boolv(req.EnableIpv6),
			req.DhcpOptionsSetId != "",
			req.VpcOwnerId != nil && *req.VpcOwnerId != sandboxAccountID,
			filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
			continue
		}
		matched = append(matched, v)
	}
	pg, err := pageNumbers(len(matched), req.PageNumber, req.PageSize, 50)
	if err != nil {
		return nil, err
	}
	resp := &vpcwire.DescribeVpcsResponse{
		RequestId: c.requestID, PageNumber: ptr(pg.number), PageSize: ptr(pg.pageSize),
		TotalCount: ptr(int64(len(matched))), Vpcs: &vpcwire.DescribeVpcsResponseVpcs{},
	}
	for _, v := range matched[pg.start:pg.end] {
		resp.Vpcs.Vpc = append(resp.Vpcs.Vpc, vpcView(reg, v))
	}
	return resp, nil
}

func vpcView(reg *regionRec, v vpcInfo) vpcwire.DescribeVpcsResponseVpcsVpcItem {
	router, table := vpcRouterIDs(v.ID)
	item := vpcwire.DescribeVpcsResponseVpcsVpcItem{
		VpcId: v.ID, VpcName: v.Name, CidrBlock: v.CIDR, Status: v.Status, RegionId: reg.ID,
		CreationTime: isoMinute(seededAt), IsDefault: ptr(false), EnabledIpv6: ptr(false),
		OwnerId: ptr(sandboxAccountID), VRouterId: router, CenStatus: "Detached", DnsHostnameStatus: "DISABLED",
		RouterTableIds: &vpcwire.DescribeVpcsResponseVpcsVpcItemRouterTableIds{RouterTableIds: []string{table}},
		VSwitchIds:     &vpcwire.DescribeVpcsResponseVpcsVpcItemVSwitchIds{},
		Description:    "VPC of the emrctl sandbox",
	}
	for _, s := range reg.VSwitches {
		if s.VpcID == v.ID {
			item.VSwitchIds.VSwitchId = append(item.VSwitchIds.VSwitchId, s.ID)
		}
	}
	return item
}

func vpcDescribeVSwitches(c *call, w *World) (any, error) {
	var req vpcwire.DescribeVSwitchesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := vswitchRegion(c, w, req.RegionId, req.VpcId)
	if err != nil {
		return nil, err
	}
	if err := dryRun(req.DryRun); err != nil {
		return nil, err
	}
	ids := idList(req.VSwitchId)
	var matched []vswitchInfo
	for _, s := range reg.VSwitches {
		_, table := vpcRouterIDs(s.VpcID)
		switch {
		case req.VpcId != "" && s.VpcID != req.VpcId,
			len(ids) > 0 && !contains(ids, s.ID),
			req.ZoneId != "" && s.ZoneID != req.ZoneId,
			req.VSwitchName != "" && s.Name != req.VSwitchName,
			req.RouteTableId != "" && req.RouteTableId != table,
			boolv(req.IsDefault), boolv(req.EnableIpv6),
			req.VSwitchOwnerId != nil && *req.VSwitchOwnerId != sandboxAccountID,
			filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
			continue
		}
		matched = append(matched, s)
	}
	pg, err := pageNumbers(len(matched), req.PageNumber, req.PageSize, 50)
	if err != nil {
		return nil, err
	}
	resp := &vpcwire.DescribeVSwitchesResponse{
		RequestId: c.requestID, PageNumber: ptr(pg.number), PageSize: ptr(pg.pageSize),
		TotalCount: ptr(int64(len(matched))), VSwitches: &vpcwire.DescribeVSwitchesResponseVSwitches{},
	}
	for _, s := range matched[pg.start:pg.end] {
		_, table := vpcRouterIDs(s.VpcID)
		resp.VSwitches.VSwitch = append(resp.VSwitches.VSwitch, vpcwire.DescribeVSwitchesResponseVSwitchesVSwitchItem{
			VSwitchId: s.ID, VSwitchName: s.Name, VpcId: s.VpcID, ZoneId: s.ZoneID, CidrBlock: s.CIDR,
			Status: s.Status, AvailableIpAddressCount: ptr(int64(s.AvailableIPs)), CreationTime: isoMinute(seededAt),
			IsDefault: ptr(false), EnabledIpv6: ptr(false), OwnerId: ptr(sandboxAccountID), ShareType: "Sharing",
			Description: "vSwitch of the emrctl sandbox",
			RouteTable:  &vpcwire.DescribeVSwitchesResponseVSwitchesVSwitchItemRouteTable{RouteTableId: table, RouteTableType: "System"},
		})
	}
	return resp, nil
}

// vswitchRegion resolves the region of DescribeVSwitches: RegionId, or the
// region of VpcId when only that is given (the API needs one of them).
func vswitchRegion(c *call, w *World, regionID, vpcID string) (*regionRec, error) {
	if regionID != "" {
		return c.regionOf(w)
	}
	if vpcID == "" {
		return nil, errMissing("MissingParameter", "RegionId or VpcId is mandatory for this action")
	}
	for _, r := range w.Regions.Select(nil) {
		if _, ok := r.vpc(vpcID); ok {
			c.region = r.ID
			return r, nil
		}
	}
	return nil, errNotFound("InvalidVpcId.NotFound", "Specified VPC %s does not exist in any region; pass RegionId or a valid VpcId", vpcID)
}
