package emulator

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
)

const (
	gwGood, gwOtherZone, gwOtherVpc, gwOtherSG = "i-sandboxgw0000001", "i-sandboxgw0000002", "i-sandboxgw0000003", "i-sandboxgw0000004"
	gwSmallDisk, gwEfficiency, gwNoRole        = "i-sandboxgw0000005", "i-sandboxgw0000006", "i-sandboxgw0000007"
)

func (h *harness) instances(req *ecswire.DescribeInstancesRequest) *ecswire.DescribeInstancesResponse {
	h.t.Helper()
	var resp ecswire.DescribeInstancesResponse
	h.do(contract.ECS, "DescribeInstances", req, &resp)
	return &resp
}

func instanceIDs(resp *ecswire.DescribeInstancesResponse) []string {
	var ids []string
	if resp.Instances != nil {
		for _, in := range resp.Instances.Instance {
			ids = append(ids, in.InstanceId)
		}
	}
	return ids
}

// TestDescribeInstancesFilters checks each filter against the seeded
// gateway candidates, over HTTP with the generic client.
func TestDescribeInstancesFilters(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	all := []string{gwGood, gwOtherZone, gwOtherVpc, gwOtherSG, gwSmallDisk, gwEfficiency, gwNoRole}
	for _, tc := range []struct {
		name string
		req  ecswire.DescribeInstancesRequest
		want []string
	}{
		{"all", ecswire.DescribeInstancesRequest{}, all},
		{"zone", ecswire.DescribeInstancesRequest{ZoneId: zoneI}, []string{gwOtherZone}},
		{"vpc", ecswire.DescribeInstancesRequest{VpcId: "vpc-bp1othervpc000000001"}, []string{gwOtherVpc}},
		{"security group", ecswire.DescribeInstancesRequest{SecurityGroupId: sgEnterpr}, []string{gwOtherSG}},
		{"ids", ecswire.DescribeInstancesRequest{InstanceIds: `["` + gwNoRole + `","` + gwGood + `","i-unknown"]`}, []string{gwGood, gwNoRole}},
		{"name wildcard", ecswire.DescribeInstancesRequest{InstanceName: "*-disk"}, []string{gwSmallDisk, gwEfficiency}},
		{"status", ecswire.DescribeInstancesRequest{Status: "Stopped"}, nil},
		{"network of the examples", ecswire.DescribeInstancesRequest{VpcId: vpcID, ZoneId: zoneH, SecurityGroupId: sgNormal}, []string{gwGood, gwSmallDisk, gwEfficiency, gwNoRole}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.RegionId, req.MaxResults = region, i64p(100)
			if diff := cmp.Diff(tc.want, instanceIDs(h.instances(&req))); diff != "" {
				t.Errorf("instance IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribeInstancesGoodCandidate(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	resp := h.instances(&ecswire.DescribeInstancesRequest{RegionId: region, InstanceIds: `["` + gwGood + `"]`})
	if len(resp.Instances.Instance) != 1 {
		t.Fatalf("got %d instances, want 1", len(resp.Instances.Instance))
	}
	in := resp.Instances.Instance[0]
	got := []string{in.RegionId, in.ZoneId, in.VpcAttributes.VpcId, in.VpcAttributes.VSwitchId, in.Status}
	want := []string{region, zoneH, vpcID, vswH, "Running"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("region, zone, VPC, vSwitch, status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{sgNormal}, in.SecurityGroupIds.SecurityGroupId); diff != "" {
		t.Errorf("security groups (-want +got):\n%s", diff)
	}
}

// TestDescribeInstancesClusterNodes shows cluster nodes are instances in
// their cluster's network, and that a node ID is not a standalone machine.
func TestDescribeInstancesClusterNodes(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	cl := h.runCluster(goodCluster("nodes-as-instances"))
	resp := h.instances(&ecswire.DescribeInstancesRequest{RegionId: region, MaxResults: i64p(100)})
	var nodes []ecswire.DescribeInstancesResponseInstancesInstanceItem
	for _, in := range resp.Instances.Instance {
		if in.Description == "EMR node of cluster "+cl {
			nodes = append(nodes, in)
		}
	}
	if len(nodes) != 3 {
		t.Fatalf("got %d instances of cluster %s, want 3 (master + 2 core)", len(nodes), cl)
	}
	for _, n := range nodes {
		if n.VpcAttributes.VpcId != vpcID || n.ZoneId != zoneH || n.VpcAttributes.VSwitchId != vswH {
			t.Errorf("node %s: got VPC %s zone %s vSwitch %s, want %s %s %s", n.InstanceId, n.VpcAttributes.VpcId, n.ZoneId, n.VpcAttributes.VSwitchId, vpcID, zoneH, vswH)
		}
		if diff := cmp.Diff([]string{sgNormal}, n.SecurityGroupIds.SecurityGroupId); diff != "" {
			t.Errorf("node %s security groups (-want +got):\n%s", n.InstanceId, diff)
		}
	}
	var disks ecswire.DescribeDisksResponse
	h.do(contract.ECS, "DescribeDisks", &ecswire.DescribeDisksRequest{RegionId: region, InstanceId: nodes[0].InstanceId, DiskType: "all"}, &disks)
	if got := len(disks.Disks.Disk); got != 5 {
		t.Errorf("node disks: got %d, want 5 (system + 4 data, as the node group says)", got)
	}
}

func TestDescribeInstancesPaging(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for i := 0; i < 8; i++ { // 15 instances in all
		if _, err := h.srv.AddMachine(MachineSpec{}); err != nil {
			t.Fatal(err)
		}
	}
	var byToken []string
	req := &ecswire.DescribeInstancesRequest{RegionId: region, MaxResults: i64p(1)} // below 10 counts as 10
	for pages := 0; ; pages++ {
		resp := h.instances(req)
		if n := len(resp.Instances.Instance); n > 10 {
			t.Fatalf("page of %d, want at most 10", n)
		}
		byToken = append(byToken, instanceIDs(resp)...)
		if resp.NextToken == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		req.NextToken = resp.NextToken
	}
	second := h.instances(&ecswire.DescribeInstancesRequest{RegionId: region, PageNumber: i64p(2), PageSize: i64p(10)})
	if got := i64(second.TotalCount); got != 15 {
		t.Errorf("TotalCount: got %d, want 15", got)
	}
	if diff := cmp.Diff(byToken[10:], instanceIDs(second)); diff != "" {
		t.Errorf("page 2 by number vs by token (-token +number):\n%s", diff)
	}
	if len(byToken) != 15 {
		t.Errorf("token pages: got %d instances, want 15", len(byToken))
	}
}

func TestDescribeDisksSystemDisks(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for _, tc := range []struct {
		instance, category string
		size               int64
	}{
		{gwGood, "cloud_essd", 80},
		{gwSmallDisk, "cloud_essd", 40},
		{gwEfficiency, "cloud_efficiency", 80},
	} {
		t.Run(tc.instance, func(t *testing.T) {
			var resp ecswire.DescribeDisksResponse
			h.do(contract.ECS, "DescribeDisks", &ecswire.DescribeDisksRequest{RegionId: region, InstanceId: tc.instance, DiskType: "system"}, &resp)
			if len(resp.Disks.Disk) != 1 {
				t.Fatalf("got %d system disks, want 1", len(resp.Disks.Disk))
			}
			d := resp.Disks.Disk[0]
			if d.Category != tc.category || i64(d.Size) != tc.size || d.Type != "system" || d.InstanceId != tc.instance {
				t.Errorf("got %s %d GiB %s of %s, want %s %d GiB system of %s", d.Category, i64(d.Size), d.Type, d.InstanceId, tc.category, tc.size, tc.instance)
			}
		})
	}
	var data ecswire.DescribeDisksResponse
	h.do(contract.ECS, "DescribeDisks", &ecswire.DescribeDisksRequest{RegionId: region, InstanceId: gwGood, DiskType: "data"}, &data)
	if data.Disks != nil && len(data.Disks.Disk) > 0 {
		t.Errorf("data disks of %s: got %d, want none", gwGood, len(data.Disks.Disk))
	}
}

func TestDescribeInstanceRamRole(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for _, tc := range []struct {
		name string
		req  ecswire.DescribeInstanceRamRoleRequest
		want map[string]string
	}{
		{"attached", ecswire.DescribeInstanceRamRoleRequest{InstanceIds: `["` + gwGood + `"]`}, map[string]string{gwGood: GatewayRAMRole}},
		{"none attached", ecswire.DescribeInstanceRamRoleRequest{InstanceIds: `["` + gwNoRole + `"]`}, map[string]string{gwNoRole: ""}},
		{"by role", ecswire.DescribeInstanceRamRoleRequest{RamRoleName: GatewayRAMRole, PageSize: i64p(50)}, map[string]string{
			gwGood: GatewayRAMRole, gwOtherZone: GatewayRAMRole, gwOtherVpc: GatewayRAMRole, gwOtherSG: GatewayRAMRole,
			gwSmallDisk: GatewayRAMRole, gwEfficiency: GatewayRAMRole,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.RegionId = region
			var resp ecswire.DescribeInstanceRamRoleResponse
			h.do(contract.ECS, "DescribeInstanceRamRole", &req, &resp)
			got := map[string]string{}
			for _, s := range resp.InstanceRamRoleSets.InstanceRamRoleSet {
				got[s.InstanceId] = s.RamRoleName
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if i64(resp.TotalCount) != int64(len(tc.want)) {
				t.Errorf("TotalCount: got %d, want %d", i64(resp.TotalCount), len(tc.want))
			}
		})
	}
}

// TestInstanceRefusals shows the error codes of the three actions.
func TestInstanceRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for _, tc := range []struct {
		name, action string
		req          any
		code         string
	}{
		{"malformed InstanceIds", "DescribeInstances", &ecswire.DescribeInstancesRequest{RegionId: region, InstanceIds: "i-a,i-b"}, "InvalidInstanceIds.Malformed"},
		{"bad status", "DescribeInstances", &ecswire.DescribeInstancesRequest{RegionId: region, Status: "Sleeping"}, "InvalidParameter"},
		{"both pagings", "DescribeInstances", &ecswire.DescribeInstancesRequest{RegionId: region, MaxResults: i64p(10), PageNumber: i64p(1)}, "InvalidParameter"},
		{"no region", "DescribeInstances", &ecswire.DescribeInstancesRequest{}, "MissingParameter"},
		{"bad disk type", "DescribeDisks", &ecswire.DescribeDisksRequest{RegionId: region, DiskType: "boot"}, "InvalidDiskType.ValueNotSupported"},
		{"malformed DiskIds", "DescribeDisks", &ecswire.DescribeDisksRequest{RegionId: region, DiskIds: "[d-1"}, "InvalidDiskIds.Malformed"},
		{"unknown instance", "DescribeInstanceRamRole", &ecswire.DescribeInstanceRamRoleRequest{RegionId: region, InstanceIds: `["i-nosuchinstance"]`}, "InvalidInstanceId.NotFound"},
		{"neither ids nor role", "DescribeInstanceRamRole", &ecswire.DescribeInstanceRamRoleRequest{RegionId: region}, "MissingParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.call(contract.ECS, tc.action, tc.req)
			wantCode(t, err, tc.code)
		})
	}
}

// TestCreateInstanceControl adds machines through POST /_emulator/instances.
func TestCreateInstanceControl(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	var got MachineSpec
	noRole := ""
	if code := h.control(http.MethodPost, "/_emulator/instances", MachineSpec{Name: "tiny", RAMRole: &noRole, SystemDisk: &MachineDisk{SizeGiB: 30}}, &got); code != http.StatusOK {
		t.Fatalf("POST /_emulator/instances: got %d, want 200", code)
	}
	if got.InstanceID == "" || *got.RAMRole != "" || got.SystemDisk.SizeGiB != 30 || got.ZoneID != zoneH || got.SystemDisk.Category != "cloud_essd" {
		t.Errorf("created %+v: want a new ID, no role, 30 GiB cloud_essd in %s", got, zoneH)
	}
	resp := h.instances(&ecswire.DescribeInstancesRequest{RegionId: region, InstanceIds: `["` + got.InstanceID + `"]`})
	if diff := cmp.Diff([]string{got.InstanceID}, instanceIDs(resp)); diff != "" {
		t.Errorf("DescribeInstances of the new machine (-want +got):\n%s", diff)
	}
	for _, bad := range []MachineSpec{
		{InstanceID: gwGood},
		{Status: "Sleeping"},
		{SystemDisk: &MachineDisk{Category: "floppy"}},
		{RegionID: "mars-1"},
	} {
		if code := h.control(http.MethodPost, "/_emulator/instances", bad, nil); code != http.StatusBadRequest {
			t.Errorf("POST %+v: got %d, want 400", bad, code)
		}
	}
}
