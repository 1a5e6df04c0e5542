package emulator

import (
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// IDs of the seeded sandbox inventory (inventory.go).
const (
	region      = "cn-hangzhou"
	vpcID       = "vpc-bp1sandbox0000000001"
	zoneH       = "cn-hangzhou-h"
	zoneI       = "cn-hangzhou-i"
	zoneJ       = "cn-hangzhou-j"
	vswH        = "vsw-bp1sandboxzoneh00001"
	vswI        = "vsw-bp1sandboxzonei00001"
	vswJ        = "vsw-bp1sandboxzonej00001"
	sgNormal    = "sg-bp1sandboxnormal0001"
	sgEnterpr   = "sg-bp1sandboxenterprise1"
	keyPair     = "emrctl-sandbox"
	goodType    = "ecs.g8i.xlarge"
	release     = "EMR-5.21.0"
	clusterType = "DATALAKE"
)

func i64p(v int64) *int64 { return &v }

func group(kind, name string, count int64, vsw, instanceType string) emrwire.NodeGroupConfig {
	return emrwire.NodeGroupConfig{
		NodeGroupType: kind, NodeGroupName: name, NodeCount: i64p(count),
		InstanceTypes: []string{instanceType}, VSwitchIds: []string{vsw},
		SystemDisk: &emrwire.SystemDisk{Category: "cloud_essd", Size: i64p(120)},
		DataDisks:  []emrwire.DataDisk{{Category: "cloud_essd", Size: i64p(80), Count: i64p(4)}},
	}
}

// goodCluster is a RunCluster request that ends RUNNING: a master, two
// core nodes and an empty task group in zone h.
func goodCluster(name string) *emrwire.RunClusterRequest {
	return &emrwire.RunClusterRequest{
		RegionId: region, ClusterName: name, ClusterType: clusterType, ReleaseVersion: release,
		DeployMode: "NORMAL", PaymentType: "PayAsYouGo",
		Applications: []emrwire.Application{{ApplicationName: "HADOOP-COMMON"}, {ApplicationName: "HDFS"}, {ApplicationName: "YARN"}},
		NodeAttributes: &emrwire.NodeAttributes{
			VpcId: vpcID, ZoneId: zoneH, SecurityGroupId: sgNormal, KeyPairName: keyPair,
		},
		NodeGroups: []emrwire.NodeGroupConfig{
			group("MASTER", "master", 1, vswH, goodType),
			group("CORE", "core", 2, vswH, goodType),
			group("TASK", "task", 0, vswH, goodType),
		},
		Tags: []emrwire.Tag{{Key: "env", Value: "test"}},
	}
}

// runCluster creates a cluster and returns its ID.
func (h *harness) runCluster(req *emrwire.RunClusterRequest) string {
	h.t.Helper()
	var resp emrwire.RunClusterResponse
	h.do(contract.EMR, "RunCluster", req, &resp)
	if resp.ClusterId == "" {
		h.t.Fatalf("RunCluster returned no ClusterId")
	}
	return resp.ClusterId
}

func (h *harness) getCluster(id string) *emrwire.Cluster {
	h.t.Helper()
	var resp emrwire.GetClusterResponse
	h.do(contract.EMR, "GetCluster", &emrwire.GetClusterRequest{RegionId: region, ClusterId: id}, &resp)
	if resp.Cluster == nil {
		h.t.Fatalf("GetCluster %s returned no cluster", id)
	}
	return resp.Cluster
}

// groupID returns the ID of the cluster's node group of a type.
func (h *harness) groupID(clusterID, kind string) string {
	h.t.Helper()
	var resp emrwire.ListNodeGroupsResponse
	h.do(contract.EMR, "ListNodeGroups", &emrwire.ListNodeGroupsRequest{RegionId: region, ClusterId: clusterID, NodeGroupTypes: []string{kind}}, &resp)
	if len(resp.NodeGroups) == 0 {
		h.t.Fatalf("cluster %s has no %s node group", clusterID, kind)
	}
	return resp.NodeGroups[0].NodeGroupId
}

func (h *harness) nodeGroup(clusterID, groupID string) *emrwire.NodeGroup {
	h.t.Helper()
	var resp emrwire.GetNodeGroupResponse
	h.do(contract.EMR, "GetNodeGroup", &emrwire.GetNodeGroupRequest{RegionId: region, ClusterId: clusterID, NodeGroupId: groupID}, &resp)
	return resp.NodeGroup
}

// nodeStates returns the states of a group's nodes, oldest first.
func (h *harness) nodeStates(clusterID, groupID string) []string {
	h.t.Helper()
	var resp emrwire.ListNodesResponse
	h.do(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: region, ClusterId: clusterID, NodeGroupIds: []string{groupID}, MaxResults: i64p(100)}, &resp)
	out := make([]string, len(resp.Nodes))
	for i, n := range resp.Nodes {
		out[i] = n.NodeState
	}
	return out
}

// advance moves the emulator clock forward.
func (h *harness) advance(d time.Duration) { h.srv.Clock().Advance(d) }

// newLifecycle returns an in-process harness whose clock runs at real
// speed and moves only when the test advances it.
func newLifecycle(t *testing.T, opts Options) *harness {
	t.Helper()
	opts.Clock = NewClock(SpeedRealistic)
	return newHarness(t, newServer(t, opts), false)
}
