package emulator

import (
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// SeedClusters is a benchmark fixture: it writes n RUNNING clusters to the
// store of region (one master group of one node each), created a
// millisecond apart and ready before now. It writes the records directly,
// in batches, without the checks and the stock of CreateCluster, so a
// state with 100,000 clusters takes seconds to make. The store must have
// been seeded by New first (the region inventory). Not for tests of
// behaviour: use the API there.
func SeedClusters(st Store, region string, n int, now time.Time) error {
	const batch = 5000
	base := now.Add(-2*time.Hour - time.Duration(n)*time.Millisecond)
	for done := 0; done < n; done += batch {
		err := st.Update(func(w *World) error {
			reg, ok := w.region(region)
			if !ok {
				return fmt.Errorf("seed clusters: no region %s; open the store with New first", region)
			}
			for i := done; i < min(done+batch, n); i++ {
				seedCluster(w, reg, i, base.Add(time.Duration(i)*time.Millisecond))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// seedCluster writes one RUNNING cluster created at at.
func seedCluster(w *World, reg *regionRec, i int, at time.Time) {
	zone, vsw := reg.VSwitches[0].ZoneID, reg.VSwitches[0].ID
	ready := at.Add(startingFor + bootstrappingFor)
	cl := &clusterRec{
		ID: w.newID("c-", 16), Region: reg.ID, Name: fmt.Sprintf("seed-%06d", i), Type: "DATALAKE",
		Release: "EMR-5.21.0", DeployMode: "NORMAL", PaymentType: "PayAsYouGo", SecurityMode: "NORMAL",
		NodeAttributes: emrwire.NodeAttributes{
			VpcId: reg.VSwitches[0].VpcID, ZoneId: zone, SecurityGroupId: seedSecurityGroup(reg),
			RamRole: "AliyunECSInstanceForEMRRole",
		},
		Applications: []string{"HADOOP-COMMON"}, Requested: []string{"HADOOP-COMMON"},
		CreatedAt: at, BootstrapAt: at.Add(startingFor), ReadyAt: ready,
	}
	op := &operationRec{ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "CREATE_CLUSTER", Description: "Create cluster " + cl.Name, CreatedAt: at, DoneAt: ready}
	cl.CreateOperation = op.ID
	g := &nodeGroupRec{
		ID: w.newID("ng-", 16), ClusterID: cl.ID, ZoneID: zone, CreatedAt: at, Created: 1,
		Config: emrwire.NodeGroupConfig{
			NodeGroupType: "MASTER", NodeGroupName: "master", NodeCount: ptr(int64(1)), PaymentType: "PayAsYouGo",
			InstanceTypes: []string{"ecs.g8i.xlarge"}, VSwitchIds: []string{vsw},
		},
	}
	node := &nodeRec{
		ID: w.newID("i-", 20), ClusterID: cl.ID, NodeGroupID: g.ID, Name: "master-1", InstanceType: "ecs.g8i.xlarge",
		ZoneID: zone, VSwitchID: vsw, PrivateIP: fmt.Sprintf("10.%d.%d.%d", 100+i>>16&63, i>>8&255, i&255),
		PaymentType: "PayAsYouGo", CreatedAt: at, StartingAt: at.Add(nodeStartAfter), RunningAt: at.Add(startingFor),
	}
	w.Clusters.Put(cl.ID, cl)
	w.Operations.Put(op.ID, op)
	w.NodeGroups.Put(g.ID, g)
	w.Nodes.Put(node.ID, node)
}

func seedSecurityGroup(reg *regionRec) string {
	if len(reg.SecurityGroups) > 0 {
		return reg.SecurityGroups[0].ID
	}
	return ""
}
