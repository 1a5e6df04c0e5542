package aliyun

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// TestRunClusterGolden pins the shown RunCluster request of two examples
// (testdata holds the golden files that lived in internal/spec).
func TestRunClusterGolden(t *testing.T) {
	p := &Provider{}
	for _, tt := range []struct{ file, golden string }{
		{"dev-cluster.yaml", "aliyun-request-dev.json"},
		{"production-separated.yaml", "aliyun-request-production-separated.json"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := defaulted(t, tt.file)
			r := prepared(t, p, c, resolveFake(t, c))
			if r.API() != "RunCluster" || !r.ClientToken() {
				t.Errorf("API, ClientToken: got %s %v, want RunCluster true", r.API(), r.ClientToken())
			}
			out, err := json.MarshalIndent(r.Shown(), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, append(out, '\n'))
		})
	}
}

// TestRunClusterFollowsTemplates checks the request as sent: the
// hidden-required items of cluster-lifecycle.md in order, with the real
// metastore password, vSwitches on every group, and the node attributes.
func TestRunClusterFollowsTemplates(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	req := prepared(t, &Provider{}, c, resolveFake(t, c)).req
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
	if req.ClientToken != "" || slices.ContainsFunc(req.Tags, func(t emrwire.Tag) bool { return t.Key == provider.RequestTagKey }) {
		t.Errorf("PrepareCreate: got ClientToken %q and tags %v, want neither token nor request tag (CreateCluster adds them)", req.ClientToken, req.Tags)
	}
}

func TestPrepareCreateRefuses(t *testing.T) {
	tests := []struct {
		name    string
		spec    func(t *testing.T) *spec.Cluster
		secrets func(t *testing.T, c *spec.Cluster) *spec.Resolved
	}{
		{
			name:    "USER_RDS without secrets",
			spec:    func(t *testing.T) *spec.Cluster { return defaulted(t, "production-separated.yaml") },
			secrets: func(*testing.T, *spec.Cluster) *spec.Resolved { return nil },
		},
		{
			name: "root password not resolved",
			spec: func(t *testing.T) *spec.Cluster {
				c := defaulted(t, "dev-cluster.yaml")
				c.Network.MasterRootPasswordEnv = spec.DefaultRootPasswordEnv
				return c
			},
			secrets: func(*testing.T, *spec.Cluster) *spec.Resolved { return &spec.Resolved{} },
		},
		{
			name:    "aws spec",
			spec:    func(t *testing.T) *spec.Cluster { return defaulted(t, "aws-spark-cluster.yaml") },
			secrets: func(*testing.T, *spec.Cluster) *spec.Resolved { return nil },
		},
		{
			name: "no room for the request tag",
			spec: func(t *testing.T) *spec.Cluster {
				c := defaulted(t, "dev-cluster.yaml")
				c.Tags = map[string]string{}
				for i := range maxTags {
					c.Tags[fmt.Sprintf("k%02d", i)] = "v"
				}
				return c
			},
			secrets: resolveFake,
		},
		{
			name: "the request tag in the spec",
			spec: func(t *testing.T) *spec.Cluster {
				c := defaulted(t, "dev-cluster.yaml")
				c.Tags = map[string]string{provider.RequestTagKey: "mine"}
				return c
			},
			secrets: resolveFake,
		},
		{
			name: "a group without count",
			spec: func(t *testing.T) *spec.Cluster {
				c := defaulted(t, "dev-cluster.yaml")
				c.NodeGroups[1].Count = nil
				return c
			},
			secrets: resolveFake,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.spec(t)
			_, err := (&Provider{}).PrepareCreate(c, tt.secrets(t, c))
			if !errors.Is(err, spec.ErrNotMappable) {
				t.Errorf("PrepareCreate: got %v, want spec.ErrNotMappable", err)
			}
		})
	}
}

func TestPrepareCreateWithRootPassword(t *testing.T) {
	c := defaulted(t, "dev-cluster.yaml")
	c.Network.MasterRootPasswordEnv = spec.DefaultRootPasswordEnv
	r := prepared(t, &Provider{}, c, resolveFake(t, c))
	if got := r.req.NodeAttributes.MasterRootPassword; got != fakeRootPassword {
		t.Errorf("sent MasterRootPassword: got %q, want the resolved one", got)
	}
	if got := r.shown.NodeAttributes.MasterRootPassword; got != spec.RedactedValue {
		t.Errorf("shown MasterRootPassword: got %q, want %s", got, spec.RedactedValue)
	}
}

// TestClusterRequestNeverPrintsSecrets formats and marshals a request
// holding both passwords every way a log or an error could.
func TestClusterRequestNeverPrintsSecrets(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	c.Network.MasterRootPasswordEnv = spec.DefaultRootPasswordEnv
	r := prepared(t, &Provider{}, c, resolveFake(t, c))
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := json.Marshal(r.Shown())
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", r, r, r, r), string(js), string(shown)} {
		if strings.Contains(out, fakeRootPassword) || strings.Contains(out, fakeRDSPassword) {
			t.Errorf("got %q, want no secret", out)
		}
	}
	if n := strings.Count(string(shown), spec.RedactedValue); n != 2 {
		t.Errorf("shown request: got %d redaction markers, want 2: %s", n, shown)
	}
}

func TestRedactRunCluster(t *testing.T) {
	req := &emrwire.RunClusterRequest{
		NodeAttributes: &emrwire.NodeAttributes{MasterRootPassword: fakeRootPassword},
		ApplicationConfigs: []emrwire.ApplicationConfig{
			{ConfigItemKey: "javax.jdo.option.ConnectionPassword", ConfigItemValue: fakeRDSPassword},
			{ConfigItemKey: "fs.oss.accessKeySecret", ConfigItemValue: "secret-value-1"},
			{ConfigItemKey: "dfs.replication", ConfigItemValue: "2"},
		},
	}
	red := redactRunCluster(req)
	want := &emrwire.RunClusterRequest{
		NodeAttributes: &emrwire.NodeAttributes{MasterRootPassword: spec.RedactedValue},
		ApplicationConfigs: []emrwire.ApplicationConfig{
			{ConfigItemKey: "javax.jdo.option.ConnectionPassword", ConfigItemValue: spec.RedactedValue},
			{ConfigItemKey: "fs.oss.accessKeySecret", ConfigItemValue: spec.RedactedValue},
			{ConfigItemKey: "dfs.replication", ConfigItemValue: "2"},
		},
	}
	if diff := cmp.Diff(want, red); diff != "" {
		t.Errorf("redacted (-want +got):\n%s", diff)
	}
	if req.NodeAttributes.MasterRootPassword != fakeRootPassword || req.ApplicationConfigs[0].ConfigItemValue != fakeRDSPassword {
		t.Errorf("redactRunCluster changed the original request")
	}
	if redactRunCluster(nil) != nil {
		t.Errorf("redactRunCluster(nil): got a request, want nil")
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

// TestCloneRoundTrip checks fromCloneMeta(sent request of x) ≈ x after
// SetDefaults, with the request tag CreateCluster adds dropped again. The
// clone metadata has no description and no RDS VPC, so those are not
// compared.
func TestCloneRoundTrip(t *testing.T) {
	for _, file := range exampleFiles() {
		t.Run(file, func(t *testing.T) {
			x := defaulted(t, file)
			req := sendable(prepared(t, &Provider{}, x, resolveFake(t, x)).req, testRegion, "token-1")
			y := fromCloneMeta(cloneMeta(req), "")
			spec.SetDefaults(y)
			opts := cmp.Options{
				cmpopts.IgnoreFields(spec.Cluster{}, "Description"),
				cmpopts.IgnoreFields(spec.RDS{}, "VpcID"),
			}
			if diff := cmp.Diff(x, y, opts); diff != "" {
				t.Errorf("round trip mismatch (-spec +clone):\n%s", diff)
			}
			out, err := spec.Marshal(y)
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
		Tags:         []emrwire.Tag{{Key: "team", Value: "etl"}, {Key: provider.RequestTagKey, Value: "token-of-the-source"}},
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
	c := fromCloneMeta(meta, "")
	out, err := spec.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{fakeRDSPassword, fakeRootPassword, "secret-value-1", "c-b933c5aac8fe4a1d", "ng-aaaa", provider.RequestTagKey} {
		if strings.Contains(string(out), secret) {
			t.Errorf("cloned spec contains %q:\n%s", secret, out)
		}
	}
	if diff := cmp.Diff(map[string]string{"team": "etl"}, c.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if got := c.Metastore; got == nil || got.Type != spec.MetastoreUserRDS || got.RDS == nil || got.RDS.PasswordEnv != spec.DefaultMetastorePasswordEnv {
		t.Errorf("metastore: got %+v, want USER_RDS with passwordEnv %s", got, spec.DefaultMetastorePasswordEnv)
	}
	if got := c.Network.MasterRootPasswordEnv; got != spec.DefaultRootPasswordEnv {
		t.Errorf("masterRootPasswordEnv without a key pair: got %q, want %s", got, spec.DefaultRootPasswordEnv)
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
		t.Errorf("different vSwitches per group: got network %v, group %v; want them kept on the groups", c.Network.VSwitchIDs, c.NodeGroups[0].VSwitchIDs)
	}
	if c.Region != "cn-hangzhou" {
		t.Errorf("region: got %q, want the metadata's", c.Region)
	}
	if fromCloneMeta(nil, "cn-hangzhou") != nil {
		t.Errorf("fromCloneMeta(nil): got a spec, want nil")
	}
}
