package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetDefaultsFillsDocumentedValues(t *testing.T) {
	c := &Cluster{
		Applications: []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE"},
		Network:      &Network{VSwitchIDs: []string{"vsw-bp1sandboxzoneh00001"}},
		NodeGroups: []NodeGroup{
			{Name: "master", Role: RoleMaster, Count: ptr(1)},
			{Name: "core", Role: RoleCore, Count: ptr(2), VSwitchIDs: []string{"vsw-bp1sandboxzonei00001"}, DataDisks: []DataDisk{{Size: 200}}},
		},
		BootstrapScripts: []BootstrapScript{{Name: "init", Path: "oss://b/init.sh"}},
	}
	SetDefaults(c)
	want := &Cluster{
		Provider:     ProviderAliyun,
		DeployMode:   DeployNormal,
		SecurityMode: SecurityNormal,
		Payment:      &Payment{Type: PaymentPayAsYouGo},
		Applications: []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "MYSQL"},
		Metastore:    &Metastore{Type: MetastoreLocal},
		Network:      &Network{VSwitchIDs: []string{"vsw-bp1sandboxzoneh00001"}, RAMRole: DefaultRAMRole},
		NodeGroups: []NodeGroup{
			{Name: "master", Role: RoleMaster, Count: ptr(1), PaymentType: PaymentPayAsYouGo,
				VSwitchIDs: []string{"vsw-bp1sandboxzoneh00001"},
				SystemDisk: &SystemDisk{Category: DiskESSD, Size: 120}, DataDisks: []DataDisk{{Category: DiskESSD, Size: 80, Count: 1}}},
			{Name: "core", Role: RoleCore, Count: ptr(2), PaymentType: PaymentPayAsYouGo,
				VSwitchIDs: []string{"vsw-bp1sandboxzonei00001"},
				SystemDisk: &SystemDisk{Category: DiskESSD, Size: 120}, DataDisks: []DataDisk{{Category: DiskESSD, Size: 200, Count: 1}}},
		},
		BootstrapScripts: []BootstrapScript{{Name: "init", Path: "oss://b/init.sh", Moment: BeforeInstall, FailStrategy: FailedBlock,
			NodeSelector: &NodeSelector{Type: SelectCluster}}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("SetDefaults mismatch (-want +got):\n%s", diff)
	}
}

func TestSetDefaultsNeverChoosesCostOrSafety(t *testing.T) {
	c := &Cluster{
		Applications: []string{"HIVE"},
		DeployMode:   DeployHA,
		Payment:      &Payment{Subscription: &Subscription{Duration: 1}},
		NodeGroups:   []NodeGroup{{Name: "task", Role: RoleTask}},
	}
	SetDefaults(c)
	g := c.NodeGroups[0]
	if g.Count != nil {
		t.Errorf("count: got %d, want unset", *g.Count)
	}
	if g.Spot != nil || g.PublicIP {
		t.Errorf("spot/publicIp: got %v/%v, want unset", g.Spot, g.PublicIP)
	}
	if c.Payment.Type != "" {
		t.Errorf("payment.type with a subscription block: got %q, want it left for the writer", c.Payment.Type)
	}
	if c.Metastore != nil {
		t.Errorf("metastore in HA: got %+v, want none (HA needs an external one chosen by the writer)", c.Metastore)
	}
	if c.DeletionProtection {
		t.Errorf("deletionProtection: got true, want the writer's choice (false)")
	}
	if c.Payment.Subscription.AutoRenew {
		t.Errorf("autoRenew: got true, want false")
	}
}

func TestSetDefaultsKeepsRawMetastoreConfig(t *testing.T) {
	c := &Cluster{
		Applications:       []string{"HIVE"},
		ApplicationConfigs: []AppConfig{{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "DLF"}},
	}
	SetDefaults(c)
	if c.Metastore != nil {
		t.Errorf("metastore: got %+v, want none when applicationConfigs set the type", c.Metastore)
	}
}

func TestSetDefaultsAWS(t *testing.T) {
	c := &Cluster{Provider: ProviderAWS, AWS: &AWS{Steps: []AWSStep{{Name: "s", Type: StepSpark}}}, NodeGroups: []NodeGroup{{Name: "m", Role: RoleMaster}}}
	SetDefaults(c)
	if c.AWS.KeepAlive == nil || !*c.AWS.KeepAlive {
		t.Errorf("keepAlive: got %v, want true", c.AWS.KeepAlive)
	}
	if got := c.AWS.Steps[0].ActionOnFailure; got != "CONTINUE" {
		t.Errorf("actionOnFailure: got %q, want CONTINUE", got)
	}
	if c.NodeGroups[0].SystemDisk != nil || c.Payment != nil || c.DeployMode != "" {
		t.Errorf("aws spec: got Alibaba defaults %+v, want none", c)
	}
	off := &Cluster{Provider: ProviderAWS, AWS: &AWS{KeepAlive: ptr(false)}}
	SetDefaults(off)
	if *off.AWS.KeepAlive {
		t.Errorf("explicit keepAlive false: got true, want false kept")
	}
}

func TestSetDefaultsIsIdempotent(t *testing.T) {
	for _, file := range append(sortedValues(exampleFiles()), "aws-spark-cluster.yaml", "bad-cluster.yaml") {
		t.Run(file, func(t *testing.T) {
			once := defaulted(t, file)
			twice := defaulted(t, file)
			SetDefaults(twice)
			if diff := cmp.Diff(once, twice); diff != "" {
				t.Errorf("second SetDefaults changed the spec (-once +twice):\n%s", diff)
			}
		})
	}
	SetDefaults(nil) // must not panic
}

func sortedValues(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}
