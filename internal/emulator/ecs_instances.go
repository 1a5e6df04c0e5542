package emulator

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ECS instances of the sandbox account: every live node of an EMR cluster
// is an instance (in its cluster's VPC, zone, vSwitch and security group,
// with the cluster's RAM role), and standalone machines that are not part
// of any cluster. The standalone ones are the gateway candidates that
// emrctl's gateway prerequisite checks look at; tests add more through
// POST /_emulator/instances.

// machineRec is a standalone ECS instance (not a cluster node).
type machineRec struct {
	ID               string    `json:"id"`
	Region           string    `json:"region"`
	Name             string    `json:"name"`
	HostName         string    `json:"hostName"`
	ZoneID           string    `json:"zoneId"`
	VpcID            string    `json:"vpcId"`
	VSwitchID        string    `json:"vswitchId"`
	SecurityGroupIDs []string  `json:"securityGroupIds"`
	PrivateIP        string    `json:"privateIp"`
	InstanceType     string    `json:"instanceType"`
	Status           string    `json:"status"`
	RAMRole          string    `json:"ramRole,omitempty"`
	SystemDisk       diskRec   `json:"systemDisk"`
	CreatedAt        time.Time `json:"createdAt"`
}

// diskRec is a cloud disk of an instance.
type diskRec struct {
	ID               string `json:"id"`
	Category         string `json:"category"`
	PerformanceLevel string `json:"performanceLevel,omitempty"`
	SizeGiB          int64  `json:"sizeGiB"`
	Type             string `json:"type"` // system or data
}

// ecsInstance is the view DescribeInstances, DescribeDisks,
// DescribeInstanceRamRole and the metadata service answer from.
type ecsInstance struct {
	ID, Name, HostName, Region, ZoneID, VpcID, VSwitchID string
	SecurityGroupIDs                                     []string
	PrivateIP, PublicIP, InstanceType, Status, RAMRole   string
	ChargeType                                           string
	ClusterID                                            string // "" for a standalone machine
	Disks                                                []diskRec
	CreatedAt                                            time.Time
}

// Gateway candidates seeded in cn-hangzhou, in the network of the example
// specs (vpc-bp1sandbox0000000001, zone cn-hangzhou-h,
// vsw-bp1sandboxzoneh00001, sg-bp1sandboxnormal0001). Each bad one breaks
// exactly one gateway rule, except the other-VPC one, whose vSwitch and
// security group necessarily belong to that other VPC too:
//
//	i-sandboxgw0000001  good: ESSD PL1 80 GiB system disk, RAM role ECSForEMRGatewayRole
//	i-sandboxgw0000002  other zone (cn-hangzhou-i, vsw-bp1sandboxzonei00001)
//	i-sandboxgw0000003  other VPC (vpc-bp1othervpc000000001, its vSwitch and security group)
//	i-sandboxgw0000004  other security group (sg-bp1sandboxenterprise1, same VPC)
//	i-sandboxgw0000005  40 GiB system disk
//	i-sandboxgw0000006  cloud_efficiency system disk
//	i-sandboxgw0000007  no RAM role attached
//
// Their system disks are d-sandboxgw0000001 ... d-sandboxgw0000007.
const (
	GatewayCandidateID = "i-sandboxgw0000001"
	GatewayRAMRole     = "ECSForEMRGatewayRole"
	gatewayRegion      = "cn-hangzhou"
	gatewayZone        = "cn-hangzhou-h"
	gatewayVpc         = "vpc-bp1sandbox0000000001"
	gatewayVSwitch     = "vsw-bp1sandboxzoneh00001"
	gatewaySG          = "sg-bp1sandboxnormal0001"
)

// goodMachine is the good gateway candidate; the seeds and the control
// that creates machines start from it.
func goodMachine() machineRec {
	return machineRec{
		ID: GatewayCandidateID, Region: gatewayRegion, Name: "emrctl-gateway-good", HostName: "emrctl-gateway-good",
		ZoneID: gatewayZone, VpcID: gatewayVpc, VSwitchID: gatewayVSwitch, SecurityGroupIDs: []string{gatewaySG},
		PrivateIP: "192.168.15.201", InstanceType: "ecs.g7.xlarge", Status: "Running", RAMRole: GatewayRAMRole,
		SystemDisk: diskRec{ID: "d-sandboxgw0000001", Category: "cloud_essd", PerformanceLevel: "PL1", SizeGiB: 80, Type: "system"},
		CreatedAt:  seededAt,
	}
}

func seededMachines() []machineRec {
	variants := []struct {
		name string
		edit func(m *machineRec)
	}{
		{"good", func(*machineRec) {}},
		{"other-zone", func(m *machineRec) { m.ZoneID, m.VSwitchID = "cn-hangzhou-i", "vsw-bp1sandboxzonei00001" }},
		{"other-vpc", func(m *machineRec) {
			m.VpcID, m.VSwitchID, m.SecurityGroupIDs = "vpc-bp1othervpc000000001", "vsw-bp1othervpczoneh0001", []string{"sg-bp1othervpcsg0000001"}
			m.PrivateIP = "10.0.15.203"
		}},
		{"other-sg", func(m *machineRec) { m.SecurityGroupIDs = []string{"sg-bp1sandboxenterprise1"} }},
		{"small-disk", func(m *machineRec) { m.SystemDisk.SizeGiB = 40 }},
		{"efficiency-disk", func(m *machineRec) { m.SystemDisk.Category, m.SystemDisk.PerformanceLevel = "cloud_efficiency", "" }},
		{"no-role", func(m *machineRec) { m.RAMRole = "" }},
	}
	out := make([]machineRec, 0, len(variants))
	for i, v := range variants {
		m := goodMachine()
		n := i + 1
		m.ID, m.SystemDisk.ID = fmt.Sprintf("i-sandboxgw%07d", n), fmt.Sprintf("d-sandboxgw%07d", n)
		m.Name, m.HostName = "emrctl-gateway-"+v.name, "emrctl-gateway-"+v.name
		m.PrivateIP = fmt.Sprintf("192.168.15.%d", 200+n)
		v.edit(&m)
		out = append(out, m)
	}
	return out
}

// seedMachines adds the gateway candidates to a new state.
func seedMachines(w *World) {
	for _, m := range seededMachines() {
		w.Machines.Put(m.ID, &m)
	}
}

func (m *machineRec) instance() ecsInstance {
	return ecsInstance{
		ID: m.ID, Name: m.Name, HostName: m.HostName, Region: m.Region, ZoneID: m.ZoneID, VpcID: m.VpcID, VSwitchID: m.VSwitchID,
		SecurityGroupIDs: m.SecurityGroupIDs, PrivateIP: m.PrivateIP, InstanceType: m.InstanceType, Status: m.Status,
		RAMRole: m.RAMRole, ChargeType: "PostPaid", Disks: []diskRec{m.SystemDisk}, CreatedAt: m.CreatedAt,
	}
}

// nodeInstance is the ECS view of a cluster node: its disks follow the
// node group's configuration, with IDs derived from the node's.
func nodeInstance(nd *nodeRec, cl *clusterRec, g *nodeGroupRec, status string) ecsInstance {
	suffix := strings.TrimPrefix(nd.ID, "i-")
	inst := ecsInstance{
		ID: nd.ID, Name: nd.Name, HostName: nd.Name, Region: cl.Region, ZoneID: nd.ZoneID, VpcID: cl.NodeAttributes.VpcId,
		VSwitchID: nd.VSwitchID, PrivateIP: nd.PrivateIP, PublicIP: nd.PublicIP, InstanceType: nd.InstanceType,
		Status: status, RAMRole: cl.NodeAttributes.RamRole, ClusterID: cl.ID, ChargeType: "PostPaid", CreatedAt: nd.CreatedAt,
	}
	if cl.NodeAttributes.SecurityGroupId != "" {
		inst.SecurityGroupIDs = []string{cl.NodeAttributes.SecurityGroupId}
	}
	if nd.PaymentType == "Subscription" {
		inst.ChargeType = "PrePaid"
	}
	sys := diskRec{ID: "d-" + suffix, Category: "cloud_essd", PerformanceLevel: "PL1", SizeGiB: 120, Type: "system"}
	if g != nil {
		if sd := g.Config.SystemDisk; sd != nil {
			sys.Category, sys.PerformanceLevel = orDefault(sd.Category, sys.Category), sd.PerformanceLevel
			if sd.Size != nil {
				sys.SizeGiB = *sd.Size
			}
		}
		inst.SecurityGroupIDs = append(inst.SecurityGroupIDs, g.Config.AdditionalSecurityGroupIds...)
	}
	inst.Disks = append(inst.Disks, sys)
	if g != nil {
		n := 0
		for _, dd := range g.Config.DataDisks {
			for range max(1, i64(dd.Count)) {
				n++
				inst.Disks = append(inst.Disks, diskRec{
					ID: fmt.Sprintf("d-%sd%d", suffix, n), Category: dd.Category, PerformanceLevel: dd.PerformanceLevel, SizeGiB: i64(dd.Size), Type: "data",
				})
			}
		}
	}
	return inst
}

// ecsStatus maps a node state to an ECS instance status; terminated nodes
// are gone from ECS.
func ecsStatus(state string) (string, bool) {
	switch state {
	case nodeTerminated:
		return "", false
	case nodePending, nodeStarting, nodeRunning, nodeStopping, nodeStopped:
		return state, true
	}
	return "Running", true
}

// instancesIn lists the instances of a region, sorted by ID.
func instancesIn(w *World, region string, now time.Time) []ecsInstance {
	var out []ecsInstance
	clusters := map[string]*clusterRec{}
	for _, cl := range w.Clusters.Select(func(cl *clusterRec) bool { return cl.Region == region }) {
		clusters[cl.ID] = cl
	}
	for _, nd := range w.Nodes.Select(func(nd *nodeRec) bool { return clusters[nd.ClusterID] != nil }) {
		status, ok := ecsStatus(nodeState(nd, now))
		if !ok {
			continue
		}
		g, _ := w.NodeGroups.Get(nd.NodeGroupID)
		out = append(out, nodeInstance(nd, clusters[nd.ClusterID], g, status))
	}
	for _, m := range w.Machines.Select(func(m *machineRec) bool { return m.Region == region }) {
		out = append(out, m.instance())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// findInstance looks an instance up in every region.
func findInstance(w *World, id string, now time.Time) (ecsInstance, bool) {
	if m, ok := w.Machines.Get(id); ok {
		return m.instance(), true
	}
	nd, ok := w.Nodes.Get(id)
	if !ok {
		return ecsInstance{}, false
	}
	cl, ok := w.Clusters.Get(nd.ClusterID)
	if !ok {
		return ecsInstance{}, false
	}
	status, ok := ecsStatus(nodeState(nd, now))
	if !ok {
		return ecsInstance{}, false
	}
	g, _ := w.NodeGroups.Get(nd.NodeGroupID)
	return nodeInstance(nd, cl, g, status), true
}
