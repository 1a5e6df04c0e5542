package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
)

// The ECS 2014-05-26 look-ups a cluster tool makes before creating a
// cluster: regions, zones, security groups, key pairs, instance types and
// their stock, and prices. They answer from the seeded inventory, whose
// stock moves as EMR nodes come and go.

func registerECS(s *Server) error {
	for _, h := range []struct {
		name string
		fn   handlerFunc
	}{
		{"DescribeRegions", ecsDescribeRegions},
		{"DescribeZones", ecsDescribeZones},
		{"DescribeSecurityGroups", ecsDescribeSecurityGroups},
		{"DescribeKeyPairs", ecsDescribeKeyPairs},
		{"DescribeAvailableResource", ecsDescribeAvailableResource},
		{"DescribeInstanceTypes", ecsDescribeInstanceTypes},
		{"DescribePrice", ecsDescribePrice},
	} {
		if err := s.handle(contract.ECS, h.name, false, h.fn); err != nil {
			return err
		}
	}
	return nil
}

func ecsDescribeRegions(c *call, w *World) (any, error) {
	var req ecswire.DescribeRegionsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	for _, p := range [][2]string{{"AcceptLanguage", req.AcceptLanguage}, {"InstanceChargeType", req.InstanceChargeType}, {"ResourceType", req.ResourceType}} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	resp := &ecswire.DescribeRegionsResponse{RequestId: c.requestID, Regions: &ecswire.DescribeRegionsResponseRegions{}}
	for _, r := range w.Regions.Select(nil) {
		resp.Regions.Region = append(resp.Regions.Region, ecswire.DescribeRegionsResponseRegionsRegionItem{
			RegionId: r.ID, LocalName: regionLocalName(r, req.AcceptLanguage),
			RegionEndpoint: endpointOf(c.spec, r.ID), Status: "available",
		})
	}
	return resp, nil
}

// familySpec holds what an instance family shares: processor, clocks, the
// disk categories it takes and its price factor (see ecsDescribePrice).
type familySpec struct {
	cpuModel     string
	base, turbo  float64
	generation   string
	nvme         string
	disks        []string
	gpuSpec      string
	gpuMemoryGiB float64
	localDisk    string
	priceFactor  float64
}

var (
	disks8th = []string{"cloud_essd", "cloud_auto", "cloud_essd_entry"}
	disksOld = []string{"cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto"}
)

var families = map[string]familySpec{
	"ecs.g8i":  {cpuModel: "Intel Xeon(Emerald Rapids) Platinum 8575C", base: 3.2, turbo: 4.0, generation: "ecs-6", nvme: "required", disks: disks8th, priceFactor: 1.0},
	"ecs.c8i":  {cpuModel: "Intel Xeon(Emerald Rapids) Platinum 8575C", base: 3.2, turbo: 4.0, generation: "ecs-6", nvme: "required", disks: disks8th, priceFactor: 1.0},
	"ecs.r8i":  {cpuModel: "Intel Xeon(Emerald Rapids) Platinum 8575C", base: 3.2, turbo: 4.0, generation: "ecs-6", nvme: "required", disks: disks8th, priceFactor: 1.0},
	"ecs.g8y":  {cpuModel: "Yitian 710", base: 2.75, generation: "ecs-6", nvme: "required", disks: disks8th, priceFactor: 0.85},
	"ecs.g7":   {cpuModel: "Intel Xeon(Ice Lake) Platinum 8369B", base: 2.7, turbo: 3.5, generation: "ecs-5", nvme: "unsupported", disks: disksOld, priceFactor: 0.95},
	"ecs.g6":   {cpuModel: "Intel Xeon(Cascade Lake) Platinum 8269CY", base: 2.5, turbo: 3.2, generation: "ecs-4", nvme: "unsupported", disks: []string{"cloud_efficiency", "cloud_ssd", "cloud_essd"}, priceFactor: 0.9},
	"ecs.hfg6": {cpuModel: "Intel Xeon(Cascade Lake) Platinum 8269CY", base: 3.1, turbo: 3.5, generation: "ecs-4", nvme: "unsupported", disks: []string{"cloud_efficiency", "cloud_ssd", "cloud_essd"}, priceFactor: 1.05},
	"ecs.d3s":  {cpuModel: "Intel Xeon(Ice Lake) Platinum 8369B", base: 2.7, turbo: 3.5, generation: "ecs-5", nvme: "unsupported", disks: disksOld, localDisk: "local_hdd_pro", priceFactor: 1.1},
	"ecs.gn7i": {cpuModel: "Intel Xeon(Ice Lake) Platinum 8369B", base: 2.9, turbo: 3.5, generation: "ecs-5", nvme: "unsupported", disks: disksOld, gpuSpec: "NVIDIA A10", gpuMemoryGiB: 24, priceFactor: 1.0},
}

func familyOf(it instanceTypeInfo) familySpec {
	if f, ok := families[it.Family]; ok {
		return f
	}
	return familySpec{cpuModel: "Intel Xeon", base: 2.5, generation: "ecs-5", nvme: "unsupported", disks: disksOld, priceFactor: 1}
}

// diskRange is the size range (GiB) of a disk category as data disk; a
// system disk is 20 to 2048 GiB in every category.
var diskRange = map[string][2]int64{
	"cloud": {5, 2000}, "cloud_efficiency": {20, 32768}, "cloud_ssd": {20, 32768},
	"cloud_essd": {20, 65536}, "cloud_auto": {1, 65536}, "cloud_essd_entry": {10, 32768},
}

const systemDiskMin, systemDiskMax = 20, 2048

func stockStatus(n int) (status, category string) {
	if n > 0 {
		return "Available", "WithStock"
	}
	return "SoldOut", "WithoutStock"
}

func ecsDescribeZones(c *call, w *World) (any, error) {
	var req ecswire.DescribeZonesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	for _, p := range [][2]string{{"AcceptLanguage", req.AcceptLanguage}, {"InstanceChargeType", req.InstanceChargeType}, {"SpotStrategy", req.SpotStrategy}} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	if req.InstanceChargeType == "PrePaid" && req.SpotStrategy != "" && req.SpotStrategy != "NoSpot" {
		return nil, errInvalidParameter("SpotStrategy %s applies only to PostPaid (pay-as-you-go) instances", req.SpotStrategy)
	}
	verbose := req.Verbose == nil || *req.Verbose
	resp := &ecswire.DescribeZonesResponse{RequestId: c.requestID, Zones: &ecswire.DescribeZonesResponseZones{}}
	for _, z := range reg.Zones {
		item := ecswire.DescribeZonesResponseZonesZoneItem{ZoneId: z.ID, LocalName: zoneLocalName(reg, z, req.AcceptLanguage), ZoneType: "AvailabilityZone"}
		if verbose {
			fillZoneDetail(&item, reg, z.ID)
		}
		resp.Zones.Zone = append(resp.Zones.Zone, item)
	}
	return resp, nil
}

// fillZoneDetail lists what can be created in a zone now: instance types
// with stock left, their families and disk categories.
func fillZoneDetail(item *ecswire.DescribeZonesResponseZonesZoneItem, reg *regionRec, zone string) {
	var types, fams, gens, diskCats []string
	for _, it := range reg.InstanceTypes {
		if reg.Stock[zone][it.Type] <= 0 {
			continue
		}
		f := familyOf(it)
		types = append(types, it.Type)
		fams = appendNew(fams, it.Family)
		gens = appendNew(gens, f.generation)
		for _, d := range f.disks {
			diskCats = appendNew(diskCats, d)
		}
	}
	item.AvailableResourceCreation = &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourceCreation{ResourceTypes: []string{"VSwitch", "IoOptimized", "Instance", "Disk"}}
	item.AvailableInstanceTypes = &ecswire.DescribeZonesResponseZonesZoneItemAvailableInstanceTypes{InstanceTypes: types}
	item.AvailableDiskCategories = &ecswire.DescribeZonesResponseZonesZoneItemAvailableDiskCategories{DiskCategories: diskCats}
	item.AvailableResources = &ecswire.DescribeZonesResponseZonesZoneItemAvailableResources{
		ResourcesInfo: []ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItem{{
			IoOptimized:          ptr(true),
			InstanceTypes:        &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemInstanceTypes{SupportedInstanceType: types},
			InstanceTypeFamilies: &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemInstanceTypeFamilies{SupportedInstanceTypeFamily: fams},
			InstanceGenerations:  &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemInstanceGenerations{SupportedInstanceGeneration: gens},
			NetworkTypes:         &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemNetworkTypes{SupportedNetworkCategory: []string{"vpc"}},
			SystemDiskCategories: &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemSystemDiskCategories{SupportedSystemDiskCategory: diskCats},
			DataDiskCategories:   &ecswire.DescribeZonesResponseZonesZoneItemAvailableResourcesResourcesInfoItemDataDiskCategories{SupportedDataDiskCategory: diskCats},
		}},
	}
}

func appendNew(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func ecsDescribeSecurityGroups(c *call, w *World) (any, error) {
	var req ecswire.DescribeSecurityGroupsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	for _, p := range [][2]string{{"SecurityGroupType", req.SecurityGroupType}, {"NetworkType", req.NetworkType}} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	ids, err := securityGroupIDs(req.SecurityGroupIds)
	if err != nil {
		return nil, err
	}
	tokenMode := req.MaxResults != nil || req.NextToken != ""
	if tokenMode && (req.PageNumber != nil || req.PageSize != nil) {
		return nil, errInvalidParameter("page with either MaxResults/NextToken or PageNumber/PageSize, not both")
	}
	if err := dryRun(req.DryRun); err != nil {
		return nil, err
	}
	var matched []securityGroupInfo
	for _, g := range reg.SecurityGroups {
		switch {
		case req.SecurityGroupId != "" && g.ID != req.SecurityGroupId,
			len(ids) > 0 && !contains(ids, g.ID),
			req.VpcId != "" && g.VpcID != req.VpcId,
			req.SecurityGroupType != "" && g.Type != req.SecurityGroupType,
			req.SecurityGroupName != "" && g.Name != req.SecurityGroupName,
			req.NetworkType == "classic", // every seeded group is a VPC group
			boolv(req.ServiceManaged),
			filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
			continue
		}
		matched = append(matched, g)
	}
	resp := &ecswire.DescribeSecurityGroupsResponse{RequestId: c.requestID, RegionId: reg.ID, SecurityGroups: &ecswire.DescribeSecurityGroupsResponseSecurityGroups{}}
	// Page numbers are being retired: only a caller that pages by number
	// gets them (and TotalCount) back; token paging is the default.
	var from, to int
	if req.PageNumber != nil || req.PageSize != nil {
		pg, err := pageNumbers(len(matched), req.PageNumber, req.PageSize, 50)
		if err != nil {
			return nil, err
		}
		from, to = pg.start, pg.end
		resp.PageNumber, resp.PageSize, resp.TotalCount = ptr(pg.number), ptr(pg.pageSize), ptr(int64(len(matched)))
	} else {
		pg, err := tokenPage(len(matched), req.MaxResults, req.NextToken, 10, 100)
		if err != nil {
			return nil, err
		}
		from, to, resp.NextToken = pg.start, pg.end, pg.next
	}
	for _, g := range matched[from:to] {
		item := ecswire.DescribeSecurityGroupsResponseSecurityGroupsSecurityGroupItem{
			SecurityGroupId: g.ID, SecurityGroupName: g.Name, SecurityGroupType: g.Type, VpcId: g.VpcID,
			CreationTime: isoMinute(seededAt), Description: "Security group of the emrctl sandbox",
			RuleCount: ptr(int64(3)), GroupToGroupRuleCount: ptr(int64(1)), ServiceManaged: ptr(false),
		}
		if boolv(req.IsQueryEcsCount) {
			used := int64(nodesUsing(w, g.ID, c.now))
			item.EcsCount, item.AvailableInstanceAmount = ptr(used), ptr(max(0, sgCapacity(g)-used))
		}
		resp.SecurityGroups.SecurityGroup = append(resp.SecurityGroups.SecurityGroup, item)
	}
	return resp, nil
}

// sgCapacity is how many private IP addresses a group may hold: basic
// groups 2,000, enterprise groups 65,536.
func sgCapacity(g securityGroupInfo) int64 {
	if g.Type == "enterprise" {
		return 65536
	}
	return 2000
}

// securityGroupIDs parses SecurityGroupIds, a JSON array of up to 100 IDs
// in one string parameter.
func securityGroupIDs(text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(text), &ids); err != nil {
		return nil, errInvalidParameter(`SecurityGroupIds must be a JSON array of IDs such as ["sg-1","sg-2"]: %v`, err)
	}
	if len(ids) > 100 {
		return nil, errInvalidParameter("SecurityGroupIds takes at most 100 IDs, got %d", len(ids))
	}
	return ids, nil
}

func ecsDescribeKeyPairs(c *call, w *World) (any, error) {
	var req ecswire.DescribeKeyPairsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	var matched []keyPairInfo
	for _, k := range reg.KeyPairs {
		switch {
		case req.KeyPairName != "" && !wildcard(req.KeyPairName, k.Name),
			req.KeyPairFingerPrint != "" && req.KeyPairFingerPrint != k.Fingerprint,
			filtersOutSeeded(len(req.Tag), req.ResourceGroupId):
			continue
		}
		matched = append(matched, k)
	}
	pg, err := pageNumbers(len(matched), req.PageNumber, req.PageSize, 50)
	if err != nil {
		return nil, err
	}
	resp := &ecswire.DescribeKeyPairsResponse{
		RequestId: c.requestID, PageNumber: ptr(pg.number), PageSize: ptr(pg.pageSize),
		TotalCount: ptr(int64(len(matched))), KeyPairs: &ecswire.DescribeKeyPairsResponseKeyPairs{},
	}
	for _, k := range matched[pg.start:pg.end] {
		item := ecswire.DescribeKeyPairsResponseKeyPairsKeyPairItem{KeyPairName: k.Name, KeyPairFingerPrint: k.Fingerprint, CreationTime: isoMinute(seededAt)}
		if boolv(req.IncludePublicKey) {
			item.PublicKey = publicKeyOf(k.Name)
		}
		resp.KeyPairs.KeyPair = append(resp.KeyPairs.KeyPair, item)
	}
	return resp, nil
}

// publicKeyOf makes a stable, obviously fake public key for a key pair.
func publicKeyOf(name string) string {
	sum := sha256.Sum256([]byte("emrctl-sandbox/" + name))
	return "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + base64.RawStdEncoding.EncodeToString(sum[:]) + " " + name
}

// Values of DescribeAvailableResource DestinationResource, in the order the
// API chains them (Zone > IoOptimized > InstanceType = Network = ddh >
// SystemDisk > DataDisk).
const (
	destZone         = "Zone"
	destIoOptimized  = "IoOptimized"
	destInstanceType = "InstanceType"
	destNetwork      = "Network"
	destDDH          = "ddh"
	destSystemDisk   = "SystemDisk"
	destDataDisk     = "DataDisk"
)

type availableItem = ecswire.DescribeAvailableResourceResponseAvailableZonesAvailableZoneItem
type supportedItem = ecswire.DescribeAvailableResourceResponseAvailableZonesAvailableZoneItemAvailableResourcesAvailableResourceItemSupportedResourcesSupportedResourceItem

func ecsDescribeAvailableResource(c *call, w *World) (any, error) {
	var req ecswire.DescribeAvailableResourceRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if err := checkAvailableRequest(c, reg, &req); err != nil {
		return nil, err
	}
	types := candidateTypes(reg, &req)
	resp := &ecswire.DescribeAvailableResourceResponse{RequestId: c.requestID, AvailableZones: &ecswire.DescribeAvailableResourceResponseAvailableZones{}}
	for _, z := range reg.Zones {
		if req.ZoneId != "" && z.ID != req.ZoneId {
			continue
		}
		if item, ok := availableInZone(reg, z.ID, req.DestinationResource, types, &req); ok {
			resp.AvailableZones.AvailableZone = append(resp.AvailableZones.AvailableZone, item)
		}
	}
	return resp, nil
}

func checkAvailableRequest(c *call, reg *regionRec, req *ecswire.DescribeAvailableResourceRequest) error {
	for _, p := range [][2]string{
		{"DestinationResource", req.DestinationResource}, {"ResourceType", req.ResourceType}, {"IoOptimized", req.IoOptimized},
		{"InstanceChargeType", req.InstanceChargeType}, {"SpotStrategy", req.SpotStrategy}, {"NetworkCategory", req.NetworkCategory},
		{"SystemDiskCategory", req.SystemDiskCategory}, {"DataDiskCategory", req.DataDiskCategory}, {"Scope", req.Scope},
	} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return err
		}
	}
	if req.ZoneId != "" && !reg.zone(req.ZoneId) {
		return errNotFound("InvalidZoneId.NotFound", "The specified zone %s does not exist in %s; call DescribeZones", req.ZoneId, reg.ID)
	}
	d := req.DestinationResource
	if (d == destSystemDisk || d == destDataDisk) && req.InstanceType == "" {
		return errMissing("MissingParameter", "InstanceType is mandatory when DestinationResource is %s: disk categories depend on the instance type", d)
	}
	return nil
}

// candidateTypes are the instance types the filters leave. Every seeded
// type is I/O optimized and VPC-only, and the sandbox has no dedicated
// hosts.
func candidateTypes(reg *regionRec, req *ecswire.DescribeAvailableResourceRequest) []instanceTypeInfo {
	if req.IoOptimized == "none" || req.NetworkCategory == "classic" || req.DedicatedHostId != "" ||
		(req.ResourceType != "" && req.ResourceType != "instance" && req.ResourceType != "disk") {
		return nil
	}
	var out []instanceTypeInfo
	for _, it := range reg.InstanceTypes {
		if (req.InstanceType != "" && it.Type != req.InstanceType) ||
			(req.Cores != nil && int64(it.Cores) != *req.Cores) ||
			(req.Memory != nil && float64(it.MemoryGiB) != *req.Memory) {
			continue
		}
		out = append(out, it)
	}
	return out
}

// availableInZone builds one zone's answer; ok is false when the zone has
// nothing of the kind asked for.
func availableInZone(reg *regionRec, zone, dest string, types []instanceTypeInfo, req *ecswire.DescribeAvailableResourceRequest) (availableItem, bool) {
	stockAny := 0
	for _, it := range types {
		stockAny += max(0, reg.Stock[zone][it.Type])
	}
	var supported []supportedItem
	whole := func(v string) {
		st, cat := stockStatus(stockAny)
		supported = append(supported, supportedItem{Value: v, Status: st, StatusCategory: cat})
	}
	switch dest {
	case destZone:
		whole(zone)
	case destIoOptimized:
		whole("optimized")
	case destNetwork:
		whole("vpc")
	case destInstanceType:
		for _, it := range types {
			st, cat := stockStatus(reg.Stock[zone][it.Type])
			supported = append(supported, supportedItem{Value: it.Type, Status: st, StatusCategory: cat})
		}
	case destSystemDisk, destDataDisk:
		supported = diskResources(reg, zone, dest, types, req)
	}
	if len(types) == 0 || len(supported) == 0 {
		return availableItem{}, false // ddh: the sandbox has no dedicated hosts
	}
	st, cat := "SoldOut", "WithoutStock"
	for _, s := range supported {
		if s.Status == "Available" {
			st, cat = "Available", "WithStock"
			break
		}
	}
	return availableItem{
		ZoneId: zone, RegionId: reg.ID, Status: st, StatusCategory: cat,
		AvailableResources: &ecswire.DescribeAvailableResourceResponseAvailableZonesAvailableZoneItemAvailableResources{
			AvailableResource: []ecswire.DescribeAvailableResourceResponseAvailableZonesAvailableZoneItemAvailableResourcesAvailableResourceItem{{
				Type: dest,
				SupportedResources: &ecswire.DescribeAvailableResourceResponseAvailableZonesAvailableZoneItemAvailableResourcesAvailableResourceItemSupportedResources{
					SupportedResource: supported,
				},
			}},
		},
	}, true
}

func diskResources(reg *regionRec, zone, dest string, types []instanceTypeInfo, req *ecswire.DescribeAvailableResourceRequest) []supportedItem {
	var out []supportedItem
	for _, it := range types {
		st, cat := stockStatus(reg.Stock[zone][it.Type])
		for _, d := range familyOf(it).disks {
			want := req.SystemDiskCategory
			lo, hi := int64(systemDiskMin), int64(systemDiskMax)
			if dest == destDataDisk {
				want = req.DataDiskCategory
				lo, hi = diskRange[d][0], diskRange[d][1]
			}
			if want != "" && want != d {
				continue
			}
			out = append(out, supportedItem{Value: d, Status: st, StatusCategory: cat, Min: ptr(lo), Max: ptr(hi), Unit: "GiB"})
		}
	}
	return out
}

type instanceTypeItem = ecswire.DescribeInstanceTypesResponseInstanceTypesInstanceTypeItem

func ecsDescribeInstanceTypes(c *call, w *World) (any, error) {
	var req ecswire.DescribeInstanceTypesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if err := checkInstanceTypesRequest(c, &req); err != nil {
		return nil, err
	}
	var items []instanceTypeItem
	for _, it := range offeredTypes(w) {
		v := instanceTypeView(it, req.AdditionalAttributes)
		if instanceTypeMatches(&req, it, &v) {
			items = append(items, v)
		}
	}
	pg, err := tokenPage(len(items), req.MaxResults, req.NextToken, 1600, 1600)
	if err != nil {
		return nil, err
	}
	return &ecswire.DescribeInstanceTypesResponse{
		RequestId: c.requestID, NextToken: pg.next,
		InstanceTypes: &ecswire.DescribeInstanceTypesResponseInstanceTypes{InstanceType: items[pg.start:pg.end]},
	}, nil
}

func checkInstanceTypesRequest(c *call, req *ecswire.DescribeInstanceTypesRequest) error {
	for _, l := range []struct {
		name string
		n    int
		max  int
	}{
		{"InstanceTypes", len(req.InstanceTypes), 10}, {"InstanceTypeFamilies", len(req.InstanceTypeFamilies), 10},
		{"InstanceCategories", len(req.InstanceCategories), 10}, {"CpuArchitectures", len(req.CpuArchitectures), 2},
		{"GpuSpecs", len(req.GpuSpecs), 10}, {"LocalStorageCategories", len(req.LocalStorageCategories), 2},
		{"PhysicalProcessorModels", len(req.PhysicalProcessorModels), 10},
	} {
		if l.n > l.max {
			return errInvalidParameter("%s takes 1 to %d values, got %d", l.name, l.max, l.n)
		}
	}
	for _, p := range [][2]string{
		{"CpuArchitecture", req.CpuArchitecture}, {"InstanceFamilyLevel", req.InstanceFamilyLevel},
		{"LocalStorageCategory", req.LocalStorageCategory}, {"NvmeSupport", req.NvmeSupport},
	} {
		if err := c.checkEnum(p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// offeredTypes is every instance type of any region, in catalogue order
// (DescribeInstanceTypes takes no RegionId: the catalogue is global).
func offeredTypes(w *World) []instanceTypeInfo {
	var out []instanceTypeInfo
	seen := map[string]bool{}
	for _, r := range w.Regions.Select(nil) {
		for _, it := range r.InstanceTypes {
			if !seen[it.Type] {
				seen[it.Type] = true
				out = append(out, it)
			}
		}
	}
	return out
}

// instanceTypeView derives the full specification of a type from its
// cores, memory and family, with the ratios of current ECS families.
func instanceTypeView(it instanceTypeInfo, extra []string) instanceTypeItem {
	f := familyOf(it)
	eni, ips := int64(4), int64(15)
	if it.Cores > 8 {
		eni, ips = 8, 30
	}
	cores, threads := int64(it.Cores/2), int64(2)
	if it.Arch == "ARM" {
		cores, threads = int64(it.Cores), 1
	}
	queues := int64(min(it.Cores, 32))
	v := instanceTypeItem{
		InstanceTypeId: it.Type, InstanceTypeFamily: it.Family, InstanceCategory: it.Category,
		InstanceFamilyLevel: "EnterpriseLevel", CpuArchitecture: it.Arch, CpuCoreCount: ptr(int64(it.Cores)),
		MemorySize: ptr(float64(it.MemoryGiB)), GPUAmount: ptr(int64(it.GPUs)), PhysicalProcessorModel: f.cpuModel,
		CpuSpeedFrequency: ptr(f.base), EniQuantity: ptr(eni), EniTotalQuantity: ptr(eni * 2),
		EniPrivateIpAddressQuantity: ptr(ips), EniIpv6AddressQuantity: ptr(ips), DiskQuantity: ptr(int64(17)),
		InstanceBandwidthRx: ptr(int64(it.Cores) * 640000), InstanceBandwidthTx: ptr(int64(it.Cores) * 640000),
		InstancePpsRx: ptr(int64(it.Cores) * 250000), InstancePpsTx: ptr(int64(it.Cores) * 250000),
		PrimaryEniQueueNumber: ptr(queues), SecondaryEniQueueNumber: ptr(queues), MaximumQueueNumberPerEni: ptr(queues),
		TotalEniQueueQuantity: ptr(queues * eni), EniTrunkSupported: ptr(true), EriQuantity: ptr(int64(0)),
		NvmeSupport: f.nvme, JumboFrameSupport: ptr(f.generation == "ecs-6"),
		CpuOptions: &ecswire.DescribeInstanceTypesResponseInstanceTypesInstanceTypeItemCpuOptions{
			Core: ptr(cores), ThreadsPerCore: ptr(threads), HyperThreadingAdjustable: ptr(threads == 2), CoreFactor: ptr(int64(1)),
		},
		SupportedBootModes: &ecswire.DescribeInstanceTypesResponseInstanceTypesInstanceTypeItemSupportedBootModes{SupportedBootMode: bootModes(it)},
	}
	if f.turbo > 0 {
		v.CpuTurboFrequency = ptr(f.turbo)
	}
	if it.GPUs > 0 {
		v.GPUSpec, v.GPUMemorySize = f.gpuSpec, ptr(f.gpuMemoryGiB)
	}
	if it.LocalDisks > 0 {
		v.LocalStorageAmount, v.LocalStorageCapacity, v.LocalStorageCategory = ptr(int64(it.LocalDisks)), ptr(int64(it.LocalDiskGB)), f.localDisk
	}
	if contains(extra, "NetworkCardInfo") {
		v.NetworkCardQuantity = ptr(int64(1))
		v.NetworkCards = &ecswire.DescribeInstanceTypesResponseInstanceTypesInstanceTypeItemNetworkCards{
			NetworkCardInfo: []ecswire.DescribeInstanceTypesResponseInstanceTypesInstanceTypeItemNetworkCardsNetworkCardInfoItem{{NetworkCardIndex: ptr(int64(0))}},
		}
	}
	if contains(extra, "NetworkEncryptionSupport") {
		v.NetworkEncryptionSupport = ptr(f.generation == "ecs-6")
	}
	return v
}

func bootModes(it instanceTypeInfo) []string {
	if it.Arch == "ARM" {
		return []string{"UEFI"}
	}
	return []string{"BIOS", "UEFI"}
}

// instanceTypeMatches applies the DescribeInstanceTypes filters to the
// derived specification.
func instanceTypeMatches(req *ecswire.DescribeInstanceTypesRequest, it instanceTypeInfo, v *instanceTypeItem) bool {
	lists := []struct {
		one  string
		many []string
		have string
	}{
		{"", req.InstanceTypes, it.Type},
		{req.CpuArchitecture, req.CpuArchitectures, it.Arch},
		{req.InstanceTypeFamily, req.InstanceTypeFamilies, it.Family},
		{req.InstanceCategory, req.InstanceCategories, it.Category},
		{req.GPUSpec, req.GpuSpecs, v.GPUSpec},
		{req.LocalStorageCategory, req.LocalStorageCategories, v.LocalStorageCategory},
		{req.PhysicalProcessorModel, req.PhysicalProcessorModels, v.PhysicalProcessorModel},
		{req.InstanceFamilyLevel, nil, v.InstanceFamilyLevel},
		{req.NvmeSupport, nil, v.NvmeSupport},
	}
	for _, l := range lists {
		if (l.one != "" && !strings.EqualFold(l.one, l.have)) || (len(l.many) > 0 && !contains(l.many, l.have)) {
			return false
		}
	}
	for _, b := range instanceTypeBounds(req, v) {
		if (b.lo != nil && b.v < *b.lo) || (b.hi != nil && b.v > *b.hi) {
			return false
		}
	}
	return true
}

type bound struct {
	lo, hi *float64
	v      float64
}

func instanceTypeBounds(req *ecswire.DescribeInstanceTypesRequest, v *instanceTypeItem) []bound {
	i := func(p *int64) *float64 {
		if p == nil {
			return nil
		}
		return ptr(float64(*p))
	}
	val := func(p *int64) float64 { return float64(i64(p)) }
	fv := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return []bound{
		{i(req.MinimumCpuCoreCount), i(req.MaximumCpuCoreCount), val(v.CpuCoreCount)},
		{req.MinimumMemorySize, req.MaximumMemorySize, fv(v.MemorySize)},
		{i(req.MinimumGPUAmount), i(req.MaximumGPUAmount), val(v.GPUAmount)},
		{req.MinimumCpuSpeedFrequency, req.MaximumCpuSpeedFrequency, fv(v.CpuSpeedFrequency)},
		{req.MinimumCpuTurboFrequency, req.MaximumCpuTurboFrequency, fv(v.CpuTurboFrequency)},
		{i(req.MinimumLocalStorageAmount), nil, val(v.LocalStorageAmount)},
		{i(req.MinimumLocalStorageCapacity), nil, val(v.LocalStorageCapacity)},
		{i(req.MinimumDiskQuantity), nil, val(v.DiskQuantity)},
		{i(req.MinimumEniQuantity), nil, val(v.EniQuantity)},
		{i(req.MinimumEniPrivateIpAddressQuantity), nil, val(v.EniPrivateIpAddressQuantity)},
		{i(req.MinimumEniIpv6AddressQuantity), nil, val(v.EniIpv6AddressQuantity)},
		{i(req.MinimumEriQuantity), nil, val(v.EriQuantity)},
		{i(req.MinimumInstanceBandwidthRx), nil, val(v.InstanceBandwidthRx)},
		{i(req.MinimumInstanceBandwidthTx), nil, val(v.InstanceBandwidthTx)},
		{i(req.MinimumInstancePpsRx), nil, val(v.InstancePpsRx)},
		{i(req.MinimumInstancePpsTx), nil, val(v.InstancePpsTx)},
		{i(req.MinimumPrimaryEniQueueNumber), nil, val(v.PrimaryEniQueueNumber)},
		{i(req.MinimumSecondaryEniQueueNumber), nil, val(v.SecondaryEniQueueNumber)},
		// No seeded type is burstable or has QueuePair/RDMA: their
		// baseline, credits and queue pairs are 0.
		{i(req.MinimumBaselineCredit), nil, 0},
		{i(req.MinimumInitialCredit), nil, 0},
		{i(req.MinimumQueuePairNumber), nil, 0},
	}
}
