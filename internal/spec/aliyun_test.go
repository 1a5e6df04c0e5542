package spec

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// resolveFake resolves the example's secrets from fake variables.
func resolveFake(t *testing.T, c *Cluster) *Resolved {
	t.Helper()
	r, err := Resolve(c, fakeEnv(map[string]string{
		DefaultMetastorePasswordEnv: fakeRDSPassword,
		DefaultRootPasswordEnv:      fakeRootPassword,
	}))
	if err != nil {
		t.Fatalf("Resolve: got error %v, want nil", err)
	}
	return r
}

func TestAliyunRequestGolden(t *testing.T) {
	for _, tt := range []struct{ file, golden string }{
		{"dev-cluster.yaml", "aliyun-request-dev.json"},
		{"production-separated.yaml", "aliyun-request-production-separated.json"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := defaulted(t, tt.file)
			req, err := c.AliyunRequest(resolveFake(t, c).Redacted())
			if err != nil {
				t.Fatalf("AliyunRequest: got error %v, want nil", err)
			}
			out, err := json.MarshalIndent(req, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, append(out, '\n'))
		})
	}
}

// TestAliyunRequestFollowsTemplates checks the hidden-required items of
// cluster-lifecycle.md: order, files, keys and values.
func TestAliyunRequestFollowsTemplates(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	req, err := c.AliyunRequest(resolveFake(t, c))
	if err != nil {
		t.Fatal(err)
	}
	type item struct{ App, File, Key, Value string }
	var got []item
	for _, ac := range req.ApplicationConfigs {
		got = append(got, item{ac.ApplicationName, ac.ConfigFileName, ac.ConfigItemKey, ac.ConfigItemValue})
	}
	url := "jdbc:mysql://rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com:3306/hivemeta?createDatabaseIfNotExist=true&characterEncoding=UTF-8"
	want := []item{
		{"OSS-HDFS", "common.conf", "OSS_ROOT_URI", "oss://emrctl-sandbox-datalake.cn-hangzhou.oss-dls.aliyuncs.com/"},
		{"HIVE", "hivemetastore-site.xml", "hive.metastore.type", "USER_RDS"},
		{"HIVE", "hivemetastore-site.xml", "javax.jdo.option.ConnectionURL", url},
		{"HIVE", "hivemetastore-site.xml", "javax.jdo.option.ConnectionUserName", "hive_user"},
		{"HIVE", "hivemetastore-site.xml", "javax.jdo.option.ConnectionPassword", fakeRDSPassword},
		{"SPARK3", "hive-site.xml", "hive.metastore.type", "USER_RDS"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplicationConfigs mismatch (-want +got):\n%s", diff)
	}
	for i, ng := range req.NodeGroups {
		if len(ng.VSwitchIds) == 0 {
			t.Errorf("NodeGroups[%d].VSwitchIds: got none, want the network's", i)
		}
	}
	na := req.NodeAttributes
	if na == nil || na.VpcId == "" || na.ZoneId == "" || na.SecurityGroupId == "" {
		t.Errorf("NodeAttributes: got %+v, want VpcId, ZoneId and SecurityGroupId", na)
	}
}

func TestAliyunRequestNeedsResolvedSecrets(t *testing.T) {
	ha := defaulted(t, "production-separated.yaml")
	if _, err := ha.AliyunRequest(nil); !errors.Is(err, ErrNotMappable) {
		t.Errorf("USER_RDS without secrets: got %v, want ErrNotMappable", err)
	}
	dev := defaulted(t, "dev-cluster.yaml")
	dev.Network.MasterRootPasswordEnv = DefaultRootPasswordEnv
	if _, err := dev.AliyunRequest(&Resolved{}); !errors.Is(err, ErrNotMappable) {
		t.Errorf("root password not resolved: got %v, want ErrNotMappable", err)
	}
	req, err := dev.AliyunRequest(resolveFake(t, dev))
	if err != nil {
		t.Fatal(err)
	}
	if req.NodeAttributes.MasterRootPassword != fakeRootPassword {
		t.Errorf("MasterRootPassword: got %q, want the resolved one", req.NodeAttributes.MasterRootPassword)
	}
	aws := defaulted(t, "aws-spark-cluster.yaml")
	if _, err := aws.AliyunRequest(nil); !errors.Is(err, ErrNotMappable) {
		t.Errorf("aws spec: got %v, want ErrNotMappable", err)
	}
}

// cloneMeta is what GetClusterCloneMeta returns for a cluster created from
// req: node groups with IDs, states and running counts, the connection
// password among the configs, no root password.
func cloneMeta(req *emrwire.RunClusterRequest) *emrwire.GetClusterCloneMetaResponseClusterCloneMeta {
	meta := &emrwire.GetClusterCloneMetaResponseClusterCloneMeta{
		ClusterId: "c-b933c5aac8fe4a1d", ClusterState: "RUNNING", RegionId: req.RegionId,
		ClusterName: req.ClusterName, ClusterType: req.ClusterType, ReleaseVersion: req.ReleaseVersion,
		DeployMode: req.DeployMode, SecurityMode: req.SecurityMode, PaymentType: req.PaymentType,
		DeletionProtection: req.DeletionProtection, ResourceGroupId: req.ResourceGroupId,
		SubscriptionConfig: req.SubscriptionConfig, Tags: req.Tags, Applications: req.Applications,
		ApplicationConfigs: req.ApplicationConfigs, BootstrapScripts: req.BootstrapScripts,
	}
	if req.NodeAttributes != nil {
		na := *req.NodeAttributes
		na.MasterRootPassword = ""
		meta.NodeAttributes = &na
	}
	for i, ng := range req.NodeGroups {
		meta.NodeGroups = append(meta.NodeGroups, emrwire.NodeGroup{
			NodeGroupId: "ng-" + strings.Repeat(string(rune('a'+i)), 16), NodeGroupState: "RUNNING", ZoneId: req.NodeAttributes.ZoneId,
			NodeGroupName: ng.NodeGroupName, NodeGroupType: ng.NodeGroupType, RunningNodeCount: ng.NodeCount,
			InstanceTypes: ng.InstanceTypes, VSwitchIds: ng.VSwitchIds, SystemDisk: ng.SystemDisk, DataDisks: ng.DataDisks,
			WithPublicIp: ng.WithPublicIp, PaymentType: ng.PaymentType, SpotStrategy: ng.SpotStrategy, SpotBidPrices: ng.SpotBidPrices,
			GracefulShutdown: ng.GracefulShutdown, SpotInstanceRemedy: ng.SpotInstanceRemedy, CompensateWithOnDemand: ng.CompensateWithOnDemand,
			NodeResizeStrategy: ng.NodeResizeStrategy, CostOptimizedConfig: ng.CostOptimizedConfig, DeploymentSetStrategy: ng.DeploymentSetStrategy,
			AdditionalSecurityGroupIds: ng.AdditionalSecurityGroupIds, PrivatePoolOptions: ng.PrivatePoolOptions,
		})
	}
	return meta
}

// TestCloneRoundTrip checks FromCloneMeta(AliyunRequest(x)) ≈ x after
// SetDefaults. The clone metadata has no description and no RDS VPC, so
// those are not compared.
func TestCloneRoundTrip(t *testing.T) {
	for _, file := range sortedValues(exampleFiles()) {
		t.Run(file, func(t *testing.T) {
			x := defaulted(t, file)
			req, err := x.AliyunRequest(resolveFake(t, x))
			if err != nil {
				t.Fatal(err)
			}
			y := FromCloneMeta(cloneMeta(req), "")
			SetDefaults(y)
			opts := cmp.Options{
				cmpopts.IgnoreFields(Cluster{}, "Description"),
				cmpopts.IgnoreFields(RDS{}, "VpcID"),
			}
			if diff := cmp.Diff(x, y, opts); diff != "" {
				t.Errorf("round trip mismatch (-spec +clone):\n%s", diff)
			}
			out, err := Marshal(y)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), fakeRDSPassword) || strings.Contains(string(out), fakeRootPassword) {
				t.Errorf("cloned spec contains a password:\n%s", out)
			}
		})
	}
}

func TestFromCloneMetaDropsSecretsAndIDs(t *testing.T) {
	meta := &emrwire.GetClusterCloneMetaResponseClusterCloneMeta{
		ClusterId: "c-b933c5aac8fe4a1d", ClusterName: "prod", ClusterType: "DATALAKE", ReleaseVersion: "EMR-5.21.0",
		RegionId: "cn-hangzhou", DeployMode: "HA", PaymentType: "PayAsYouGo",
		Applications: []emrwire.Application{{ApplicationName: "HIVE"}, {ApplicationName: "SPARK3"}},
		ApplicationConfigs: []emrwire.ApplicationConfig{
			{ApplicationName: "HIVE", ConfigFileName: "hivemetastore-site.xml", ConfigItemKey: "hive.metastore.type", ConfigItemValue: "USER_RDS"},
			{ApplicationName: "HIVE", ConfigFileName: "hivemetastore-site.xml", ConfigItemKey: "javax.jdo.option.ConnectionPassword", ConfigItemValue: fakeRDSPassword},
			{ApplicationName: "HDFS", ConfigFileName: "core-site.xml", ConfigItemKey: "fs.oss.accessKeySecret", ConfigItemValue: "secret-value-1"},
			{ApplicationName: "HDFS", ConfigFileName: "hdfs-site.xml", ConfigItemKey: "dfs.replication", ConfigItemValue: "2",
				ConfigScope: "NODE_GROUP", NodeGroupId: "ng-aaaaaaaaaaaaaaaa"},
		},
		NodeAttributes: &emrwire.NodeAttributes{VpcId: "vpc-bp1sandbox0000000001", MasterRootPassword: fakeRootPassword},
		NodeGroups: []emrwire.NodeGroup{
			{NodeGroupId: "ng-aaaaaaaaaaaaaaaa", NodeGroupName: "core", NodeGroupType: "CORE", RunningNodeCount: ptr(int64(3)),
				VSwitchIds: []string{"vsw-a1234567890"}, SpotStrategy: "NoSpot"},
			{NodeGroupId: "ng-bbbbbbbbbbbbbbbb", NodeGroupName: "task", NodeGroupType: "TASK", RunningNodeCount: ptr(int64(0)),
				VSwitchIds: []string{"vsw-b1234567890"}},
		},
		BootstrapScripts: []emrwire.Script{{ScriptName: "init", ScriptPath: "oss://b/init.sh",
			NodeSelector: &emrwire.NodeSelector{NodeSelectType: "NODE_GROUP", NodeGroupIds: []string{"ng-bbbbbbbbbbbbbbbb"}}}},
	}
	c := FromCloneMeta(meta, "")
	out, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{fakeRDSPassword, fakeRootPassword, "secret-value-1", "c-b933c5aac8fe4a1d", "ng-aaaa"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("cloned spec contains %q:\n%s", secret, out)
		}
	}
	if got := c.Metastore; got == nil || got.Type != MetastoreUserRDS || got.RDS == nil || got.RDS.PasswordEnv != DefaultMetastorePasswordEnv {
		t.Errorf("metastore: got %+v, want USER_RDS with passwordEnv %s", got, DefaultMetastorePasswordEnv)
	}
	if got := c.Network.MasterRootPasswordEnv; got != DefaultRootPasswordEnv {
		t.Errorf("masterRootPasswordEnv without a key pair: got %q, want %s", got, DefaultRootPasswordEnv)
	}
	if got := c.ApplicationConfigs; len(got) != 1 || got[0].NodeGroupName != "core" {
		t.Errorf("applicationConfigs: got %+v, want dfs.replication on node group core", got)
	}
	if got := c.BootstrapScripts[0].NodeSelector.NodeGroupNames; !slices.Equal(got, []string{"task"}) {
		t.Errorf("script node groups: got %v, want [task]", got)
	}
	if c.NodeGroups[0].Spot != nil {
		t.Errorf("NoSpot: got spot %+v, want none", c.NodeGroups[0].Spot)
	}
	if c.Network.VSwitchIDs != nil || len(c.NodeGroups[0].VSwitchIDs) != 1 {
		t.Errorf("different vSwitches per group: got network %v, groups kept? %v; want them kept on the groups", c.Network.VSwitchIDs, c.NodeGroups[0].VSwitchIDs)
	}
	if c.Region != "cn-hangzhou" {
		t.Errorf("region: got %q, want the metadata's", c.Region)
	}
	if FromCloneMeta(nil, "cn-hangzhou") != nil {
		t.Errorf("FromCloneMeta(nil): got a spec, want nil")
	}
}

func TestRedactRequest(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	c.Network.MasterRootPasswordEnv = DefaultRootPasswordEnv
	req, err := c.AliyunRequest(resolveFake(t, c))
	if err != nil {
		t.Fatal(err)
	}
	red := RedactRequest(req)
	out, err := json.Marshal(red)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{fakeRDSPassword, fakeRootPassword} {
		if strings.Contains(string(out), secret) {
			t.Errorf("redacted request contains a secret: %s", out)
		}
	}
	if strings.Count(string(out), RedactedValue) != 2 {
		t.Errorf("redacted request: got %d markers, want 2: %s", strings.Count(string(out), RedactedValue), out)
	}
	if req.NodeAttributes.MasterRootPassword != fakeRootPassword {
		t.Errorf("RedactRequest changed the original request")
	}
	if RedactRequest(nil) != nil {
		t.Errorf("RedactRequest(nil): got a request, want nil")
	}
}
