package emulator

import (
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// Semantics of the VPC and ECS look-ups over the seeded inventory.

func TestVPCLookups(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)

	var regions vpcwire.DescribeRegionsResponse
	h.do(contract.VPC, "DescribeRegions", &vpcwire.DescribeRegionsRequest{AcceptLanguage: "zh-CN"}, &regions)
	if n := len(regions.Regions.Region); n != 4 {
		t.Errorf("DescribeRegions: got %d regions, want 4", n)
	}
	for _, r := range regions.Regions.Region {
		if r.RegionId == region && (r.LocalName != "华东1（杭州）" || r.RegionEndpoint != "vpc.aliyuncs.com") {
			t.Errorf("cn-hangzhou: got %q at %s, want the Chinese name at vpc.aliyuncs.com", r.LocalName, r.RegionEndpoint)
		}
	}
	_, err := h.call(contract.VPC, "DescribeZones", &vpcwire.DescribeZonesRequest{RegionId: "hangzhou"})
	wantCode(t, err, "InvalidRegionId")

	vswitches := func(req *vpcwire.DescribeVSwitchesRequest) *vpcwire.DescribeVSwitchesResponse {
		t.Helper()
		var resp vpcwire.DescribeVSwitchesResponse
		h.do(contract.VPC, "DescribeVSwitches", req, &resp)
		return &resp
	}
	byVpc := vswitches(&vpcwire.DescribeVSwitchesRequest{VpcId: vpcID})
	if i64(byVpc.TotalCount) != 3 {
		t.Errorf("DescribeVSwitches by VpcId alone: got %d, want the 3 vSwitches", i64(byVpc.TotalCount))
	}
	_, err = h.call(contract.VPC, "DescribeVSwitches", &vpcwire.DescribeVSwitchesRequest{ZoneId: zoneH})
	wantCode(t, err, "MissingParameter")
	ipsOf := func() int64 {
		sw := vswitches(&vpcwire.DescribeVSwitchesRequest{RegionId: region, VSwitchId: vswH}).VSwitches.VSwitch
		if len(sw) != 1 || sw[0].ZoneId != zoneH || sw[0].VpcId != vpcID {
			t.Fatalf("DescribeVSwitches %s: got %+v", vswH, sw)
		}
		return i64(sw[0].AvailableIpAddressCount)
	}
	free := ipsOf()
	h.runCluster(goodCluster("ips")) // 3 nodes
	if got := ipsOf(); got != free-3 {
		t.Errorf("free IPs after a 3-node cluster: got %d, want %d", got, free-3)
	}
	if got := vswitches(&vpcwire.DescribeVSwitchesRequest{RegionId: region, VSwitchId: vswJ}).VSwitches.VSwitch[0].AvailableIpAddressCount; i64(got) != 3 {
		t.Errorf("nearly full vSwitch: got %d free IPs, want 3", i64(got))
	}

	var vpcs vpcwire.DescribeVpcsResponse
	h.do(contract.VPC, "DescribeVpcs", &vpcwire.DescribeVpcsRequest{RegionId: region, VpcName: "emrctl-sandbox-vpc"}, &vpcs)
	if i64(vpcs.TotalCount) != 1 || len(vpcs.Vpcs.Vpc[0].VSwitchIds.VSwitchId) != 3 || vpcs.Vpcs.Vpc[0].Status != "Available" {
		t.Errorf("DescribeVpcs: got %+v, want the Available sandbox VPC with 3 vSwitches", vpcs.Vpcs)
	}
	for _, c := range []struct {
		name string
		req  *vpcwire.DescribeVpcsRequest
		code string
	}{
		{"page size over 50", &vpcwire.DescribeVpcsRequest{RegionId: region, PageSize: i64p(51)}, "InvalidParameter"},
		{"page 0", &vpcwire.DescribeVpcsRequest{RegionId: region, PageNumber: i64p(0)}, "InvalidParameter"},
		{"dry run", &vpcwire.DescribeVpcsRequest{RegionId: region, DryRun: dara.Bool(true)}, "DryRunOperation"},
		{"no region", &vpcwire.DescribeVpcsRequest{}, "MissingParameter"},
	} {
		_, err := h.call(contract.VPC, "DescribeVpcs", c.req)
		if codeOf(err) != c.code {
			t.Errorf("DescribeVpcs %s: got %s, want %s", c.name, describe(err), c.code)
		}
	}
}

func TestSecurityGroupsAndKeyPairs(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	groups := func(req *ecswire.DescribeSecurityGroupsRequest) *ecswire.DescribeSecurityGroupsResponse {
		t.Helper()
		var resp ecswire.DescribeSecurityGroupsResponse
		h.do(contract.ECS, "DescribeSecurityGroups", req, &resp)
		return &resp
	}
	first := groups(&ecswire.DescribeSecurityGroupsRequest{RegionId: region, MaxResults: i64p(1)})
	if len(first.SecurityGroups.SecurityGroup) != 1 || first.NextToken == "" || first.TotalCount != nil {
		t.Fatalf("token mode page 1: got %+v, want 1 group, a NextToken and no TotalCount", first)
	}
	second := groups(&ecswire.DescribeSecurityGroupsRequest{RegionId: region, MaxResults: i64p(1), NextToken: first.NextToken})
	if len(second.SecurityGroups.SecurityGroup) != 1 || second.NextToken != "" ||
		second.SecurityGroups.SecurityGroup[0].SecurityGroupId == first.SecurityGroups.SecurityGroup[0].SecurityGroupId {
		t.Errorf("token mode page 2: got %+v, want the other group and no NextToken", second.SecurityGroups)
	}
	paged := groups(&ecswire.DescribeSecurityGroupsRequest{RegionId: region, PageNumber: i64p(1), PageSize: i64p(10)})
	if i64(paged.TotalCount) != 2 || i64(paged.PageNumber) != 1 {
		t.Errorf("page mode: got TotalCount %d, PageNumber %d; want 2 and 1", i64(paged.TotalCount), i64(paged.PageNumber))
	}
	ent := groups(&ecswire.DescribeSecurityGroupsRequest{RegionId: region, SecurityGroupType: "enterprise"}).SecurityGroups.SecurityGroup
	if len(ent) != 1 || ent[0].SecurityGroupId != sgEnterpr {
		t.Errorf("enterprise filter: got %+v, want %s", ent, sgEnterpr)
	}
	h.runCluster(goodCluster("sg"))
	used := groups(&ecswire.DescribeSecurityGroupsRequest{RegionId: region, SecurityGroupIds: `["` + sgNormal + `"]`, IsQueryEcsCount: dara.Bool(true)}).SecurityGroups.SecurityGroup
	if len(used) != 1 || i64(used[0].EcsCount) != 3 || i64(used[0].AvailableInstanceAmount) != 1997 {
		t.Errorf("capacity of %s after a 3-node cluster: got %+v, want EcsCount 3, AvailableInstanceAmount 1997", sgNormal, used)
	}
	for _, c := range []struct {
		name string
		req  *ecswire.DescribeSecurityGroupsRequest
	}{
		{"ids not JSON", &ecswire.DescribeSecurityGroupsRequest{RegionId: region, SecurityGroupIds: sgNormal + "," + sgEnterpr}},
		{"MaxResults 101", &ecswire.DescribeSecurityGroupsRequest{RegionId: region, MaxResults: i64p(101)}},
		{"both paging styles", &ecswire.DescribeSecurityGroupsRequest{RegionId: region, MaxResults: i64p(5), PageSize: i64p(5)}},
		{"bad type", &ecswire.DescribeSecurityGroupsRequest{RegionId: region, SecurityGroupType: "basic"}},
	} {
		_, err := h.call(contract.ECS, "DescribeSecurityGroups", c.req)
		if codeOf(err) != "InvalidParameter" {
			t.Errorf("%s: got %s, want InvalidParameter", c.name, describe(err))
		}
	}

	for _, c := range []struct {
		pattern string
		want    []string
	}{
		{"emrctl-sandbox", []string{"emrctl-sandbox"}},
		{"emrctl-*", []string{"emrctl-sandbox"}},
		{"*key*", []string{"dev-keypair"}},
		{"*", []string{"emrctl-sandbox", "dev-keypair"}},
		{"emrctl", nil},
	} {
		var resp ecswire.DescribeKeyPairsResponse
		h.do(contract.ECS, "DescribeKeyPairs", &ecswire.DescribeKeyPairsRequest{RegionId: region, KeyPairName: c.pattern}, &resp)
		var got []string
		for _, k := range resp.KeyPairs.KeyPair {
			got = append(got, k.KeyPairName)
		}
		if !cmp.Equal(got, c.want) || i64(resp.TotalCount) != int64(len(c.want)) {
			t.Errorf("KeyPairName %q: got %v (TotalCount %d), want %v", c.pattern, got, i64(resp.TotalCount), c.want)
		}
	}
	var page ecswire.DescribeKeyPairsResponse
	h.do(contract.ECS, "DescribeKeyPairs", &ecswire.DescribeKeyPairsRequest{RegionId: region, PageNumber: i64p(2), PageSize: i64p(1)}, &page)
	if len(page.KeyPairs.KeyPair) != 1 || i64(page.TotalCount) != 2 {
		t.Errorf("page 2 of size 1: got %d key pairs of %d, want 1 of 2", len(page.KeyPairs.KeyPair), i64(page.TotalCount))
	}
}

func TestAvailableResource(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	status := func(zone, instanceType string) (string, string) {
		t.Helper()
		var resp ecswire.DescribeAvailableResourceResponse
		h.do(contract.ECS, "DescribeAvailableResource", &ecswire.DescribeAvailableResourceRequest{
			RegionId: region, DestinationResource: "InstanceType", ZoneId: zone, InstanceType: instanceType, IoOptimized: "optimized",
		}, &resp)
		z := resp.AvailableZones.AvailableZone
		if len(z) != 1 {
			t.Fatalf("%s in %s: got %d zones, want 1", instanceType, zone, len(z))
		}
		s := z[0].AvailableResources.AvailableResource[0].SupportedResources.SupportedResource[0]
		if s.Value != instanceType {
			t.Fatalf("got %s, want %s", s.Value, instanceType)
		}
		return s.Status, s.StatusCategory
	}
	for _, c := range []struct{ zone, typ, status, category string }{
		{zoneH, "ecs.g8i.4xlarge", "Available", "WithStock"},
		{zoneJ, "ecs.g8i.4xlarge", "SoldOut", "WithoutStock"},
		{zoneI, "ecs.d3s.4xlarge", "Available", "WithStock"},
		{zoneH, "ecs.d3s.4xlarge", "SoldOut", "WithoutStock"},
	} {
		if st, cat := status(c.zone, c.typ); st != c.status || cat != c.category {
			t.Errorf("%s in %s: got %s/%s, want %s/%s", c.typ, c.zone, st, cat, c.status, c.category)
		}
	}
	var zones ecswire.DescribeAvailableResourceResponse
	h.do(contract.ECS, "DescribeAvailableResource", &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "Zone"}, &zones)
	if n := len(zones.AvailableZones.AvailableZone); n != 3 {
		t.Errorf("DestinationResource Zone: got %d zones, want 3", n)
	}
	var disks ecswire.DescribeAvailableResourceResponse
	h.do(contract.ECS, "DescribeAvailableResource", &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "SystemDisk", ZoneId: zoneH, InstanceType: "ecs.g6.xlarge"}, &disks)
	var cats []string
	for _, s := range disks.AvailableZones.AvailableZone[0].AvailableResources.AvailableResource[0].SupportedResources.SupportedResource {
		cats = append(cats, s.Value)
		if i64(s.Min) != 20 || i64(s.Max) != 2048 || s.Unit != "GiB" {
			t.Errorf("system disk %s: got %d..%d %s, want 20..2048 GiB", s.Value, i64(s.Min), i64(s.Max), s.Unit)
		}
	}
	if want := []string{"cloud_efficiency", "cloud_ssd", "cloud_essd"}; !cmp.Equal(cats, want) {
		t.Errorf("system disks of ecs.g6.xlarge: got %v, want %v", cats, want)
	}
	for _, c := range []struct {
		name string
		req  *ecswire.DescribeAvailableResourceRequest
		code string
	}{
		{"no destination", &ecswire.DescribeAvailableResourceRequest{RegionId: region}, "MissingParameter"},
		{"unknown destination", &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "Instance"}, "InvalidParameter"},
		{"disks without a type", &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "DataDisk"}, "MissingParameter"},
		{"unknown zone", &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "Zone", ZoneId: "cn-hangzhou-z"}, "InvalidZoneId.NotFound"},
	} {
		_, err := h.call(contract.ECS, "DescribeAvailableResource", c.req)
		if codeOf(err) != c.code {
			t.Errorf("%s: got %s, want %s", c.name, describe(err), c.code)
		}
	}
}

func TestInstanceTypes(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	ids := func(req *ecswire.DescribeInstanceTypesRequest) ([]string, string) {
		t.Helper()
		var resp ecswire.DescribeInstanceTypesResponse
		h.do(contract.ECS, "DescribeInstanceTypes", req, &resp)
		var out []string
		for _, it := range resp.InstanceTypes.InstanceType {
			out = append(out, it.InstanceTypeId)
		}
		return out, resp.NextToken
	}
	for _, c := range []struct {
		name string
		req  *ecswire.DescribeInstanceTypesRequest
		want []string
	}{
		{"ARM", &ecswire.DescribeInstanceTypesRequest{CpuArchitecture: "ARM"}, []string{"ecs.g8y.2xlarge"}},
		{"GPU", &ecswire.DescribeInstanceTypesRequest{MinimumGPUAmount: i64p(1)}, []string{"ecs.gn7i-c8g1.2xlarge"}},
		{"local disks", &ecswire.DescribeInstanceTypesRequest{LocalStorageCategory: "local_hdd_pro"}, []string{"ecs.d3s.4xlarge"}},
		{"family and memory", &ecswire.DescribeInstanceTypesRequest{InstanceTypeFamily: "ecs.g8i", MinimumMemorySize: ptr(64.0)}, []string{"ecs.g8i.4xlarge", "ecs.g8i.8xlarge"}},
		{"listed types", &ecswire.DescribeInstanceTypesRequest{InstanceTypes: []string{"ecs.g7.xlarge", "ecs.g6.xlarge"}}, []string{"ecs.g7.xlarge", "ecs.g6.xlarge"}},
		{"cores range", &ecswire.DescribeInstanceTypesRequest{MinimumCpuCoreCount: i64p(16), MaximumCpuCoreCount: i64p(16)}, []string{"ecs.g8i.4xlarge", "ecs.d3s.4xlarge"}},
	} {
		if got, _ := ids(c.req); !cmp.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	all, _ := ids(&ecswire.DescribeInstanceTypesRequest{})
	var paged []string
	token := ""
	for i := 0; i < 10; i++ {
		got, next := ids(&ecswire.DescribeInstanceTypesRequest{MaxResults: i64p(5), NextToken: token})
		paged = append(paged, got...)
		if token = next; token == "" {
			break
		}
	}
	if len(all) != len(catalogue) || !cmp.Equal(paged, all) {
		t.Errorf("paging by 5: got %v, want %v (%d types)", paged, all, len(catalogue))
	}
	many := make([]string, 11)
	for i := range many {
		many[i] = goodType
	}
	_, err := h.call(contract.ECS, "DescribeInstanceTypes", &ecswire.DescribeInstanceTypesRequest{InstanceTypes: many})
	wantCode(t, err, "InvalidParameter")
}

func TestDescribePrice(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	price := func(req *ecswire.DescribePriceRequest) *ecswire.DescribePriceResponsePriceInfoPrice {
		t.Helper()
		req.RegionId = region
		var resp ecswire.DescribePriceResponse
		h.do(contract.ECS, "DescribePrice", req, &resp)
		return resp.PriceInfo.Price
	}
	hour := price(&ecswire.DescribePriceRequest{InstanceType: goodType})
	// 4 vCPU × 0.12 + 16 GiB × 0.03 = 0.96, plus 40 GiB cloud_essd PL1 at
	// 1.00 per GiB and month: 40/720 = 0.0556.
	if got := *hour.TradePrice; got != 1.0156 || hour.Currency != "CNY" || len(hour.DetailInfos.DetailInfo) != 2 {
		t.Errorf("hourly g8i.xlarge: got %v %s with %d lines, want 1.0156 CNY with 2 lines", got, hour.Currency, len(hour.DetailInfos.DetailInfo))
	}
	month := price(&ecswire.DescribePriceRequest{InstanceType: goodType, PriceUnit: "Month", Period: i64p(1)})
	year := price(&ecswire.DescribePriceRequest{InstanceType: goodType, PriceUnit: "Year", Period: i64p(1)})
	if !(*month.TradePrice > *hour.TradePrice*100 && *year.DiscountPrice > 0 && *year.TradePrice < *month.TradePrice*12) {
		t.Errorf("got hour %v, month %v, year %v (discount %v); want month > 100 h and a discounted year below 12 months",
			*hour.TradePrice, *month.TradePrice, *year.TradePrice, *year.DiscountPrice)
	}
	three := price(&ecswire.DescribePriceRequest{InstanceType: goodType, Amount: i64p(3)})
	// Each line is rounded on its own: 3 × 0.96 + 3 × 40/720 = 2.88 + 0.1667.
	if got := *three.OriginalPrice; got != 3.0467 {
		t.Errorf("Amount 3: got %v, want 3.0467", got)
	}
	spot := price(&ecswire.DescribePriceRequest{InstanceType: goodType, SpotStrategy: "SpotAsPriceGo"})
	if *spot.TradePrice >= *hour.TradePrice {
		t.Errorf("spot: got %v, want less than on-demand %v", *spot.TradePrice, *hour.TradePrice)
	}
	for _, c := range []struct {
		name string
		req  *ecswire.DescribePriceRequest
		code string
	}{
		{"no instance type", &ecswire.DescribePriceRequest{}, "MissingParameter"},
		{"unknown instance type", &ecswire.DescribePriceRequest{InstanceType: "ecs.nope.large"}, "InvalidInstanceType.NotFound"},
		{"system disk the type does not take", &ecswire.DescribePriceRequest{InstanceType: goodType, SystemDisk: &ecswire.DescribePriceRequestSystemDisk{Category: "cloud_efficiency"}}, "InvalidSystemDiskCategory.ValueNotSupported"},
		{"data disk without size", &ecswire.DescribePriceRequest{InstanceType: goodType, DataDisk: []ecswire.DescribePriceRequestDataDiskItem{{Category: "cloud_essd"}}}, "InvalidParameter"},
		{"ten months", &ecswire.DescribePriceRequest{InstanceType: goodType, PriceUnit: "Month", Period: i64p(10)}, "InvalidParameter"},
		{"spot by the month", &ecswire.DescribePriceRequest{InstanceType: goodType, PriceUnit: "Month", SpotStrategy: "SpotAsPriceGo"}, "InvalidParameter"},
		{"bad unit", &ecswire.DescribePriceRequest{InstanceType: goodType, PriceUnit: "Day"}, "InvalidParameter"},
	} {
		c.req.RegionId = region
		_, err := h.call(contract.ECS, "DescribePrice", c.req)
		if codeOf(err) != c.code {
			t.Errorf("%s: got %s, want %s", c.name, describe(err), c.code)
		}
	}
}

func TestECSRegionsAndZones(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	var regions ecswire.DescribeRegionsResponse
	h.do(contract.ECS, "DescribeRegions", &ecswire.DescribeRegionsRequest{}, &regions)
	got := map[string]string{}
	for _, r := range regions.Regions.Region {
		got[r.RegionId] = r.RegionEndpoint + " " + r.Status
	}
	if got[region] != "ecs-cn-hangzhou.aliyuncs.com available" || got["cn-beijing"] != "ecs.cn-beijing.aliyuncs.com available" {
		t.Errorf("DescribeRegions endpoints: got %v", got)
	}
	var zones ecswire.DescribeZonesResponse
	h.do(contract.ECS, "DescribeZones", &ecswire.DescribeZonesRequest{RegionId: region}, &zones)
	for _, z := range zones.Zones.Zone {
		types := z.AvailableInstanceTypes.InstanceTypes
		has := func(it string) bool { return contains(types, it) }
		if z.ZoneId == zoneJ && (has("ecs.g8i.4xlarge") || !has(goodType)) {
			t.Errorf("zone j: got types %v, want no sold-out ecs.g8i.4xlarge but %s", types, goodType)
		}
	}
	var brief ecswire.DescribeZonesResponse
	h.do(contract.ECS, "DescribeZones", &ecswire.DescribeZonesRequest{RegionId: region, Verbose: dara.Bool(false)}, &brief)
	if z := brief.Zones.Zone[0]; z.AvailableInstanceTypes != nil || z.ZoneType != "AvailabilityZone" {
		t.Errorf("Verbose false: got %+v, want only the zone's name and type", z)
	}
}
