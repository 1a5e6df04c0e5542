package spec

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// TestExpandConfigsFollowsTemplates checks the hidden-required items of
// cluster-lifecycle.md: order, files, keys and values.
func TestExpandConfigsFollowsTemplates(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	got, err := c.ExpandConfigs(resolveFake(t, c))
	if err != nil {
		t.Fatal(err)
	}
	url := "jdbc:mysql://rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com:3306/hivemeta?createDatabaseIfNotExist=true&characterEncoding=UTF-8"
	want := []AppConfig{
		{Application: "OSS-HDFS", File: "common.conf", Key: "OSS_ROOT_URI", Value: "oss://emrctl-sandbox-datalake.cn-hangzhou.oss-dls.aliyuncs.com/"},
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "USER_RDS"},
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "javax.jdo.option.ConnectionURL", Value: url},
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "javax.jdo.option.ConnectionUserName", Value: "hive_user"},
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "javax.jdo.option.ConnectionPassword", Value: fakeRDSPassword},
		{Application: "SPARK3", File: "hive-site.xml", Key: "hive.metastore.type", Value: "USER_RDS"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ExpandConfigs mismatch (-want +got):\n%s", diff)
	}
}

func TestExpandConfigsNeedsResolvedSecrets(t *testing.T) {
	c := defaulted(t, "production-separated.yaml")
	if _, err := c.ExpandConfigs(nil); !errors.Is(err, ErrNotMappable) {
		t.Errorf("USER_RDS without secrets: got %v, want ErrNotMappable", err)
	}
	c.Metastore.RDS = nil
	if _, err := c.ExpandConfigs(resolveFake(t, defaulted(t, "production-separated.yaml"))); !errors.Is(err, ErrNotMappable) {
		t.Errorf("USER_RDS without a connection: got %v, want ErrNotMappable", err)
	}
}

// TestCollapseConfigsRoundTrip checks that CollapseConfigs(ExpandConfigs(x))
// gives back x's metastore, ossHdfs and applicationConfigs blocks, without
// the password (the RDS VPC is not among the items).
func TestCollapseConfigsRoundTrip(t *testing.T) {
	for _, file := range sortedValues(exampleFiles()) {
		t.Run(file, func(t *testing.T) {
			x := defaulted(t, file)
			items, err := x.ExpandConfigs(resolveFake(t, x))
			if err != nil {
				t.Fatal(err)
			}
			y := &Cluster{Applications: x.Applications}
			y.CollapseConfigs(items)
			type blocks struct {
				Metastore *Metastore
				OSSHDFS   *OSSHDFS
				Configs   []AppConfig
			}
			want := blocks{x.Metastore, x.OSSHDFS, x.ApplicationConfigs}
			got := blocks{y.Metastore, y.OSSHDFS, y.ApplicationConfigs}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(RDS{}, "VpcID"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip mismatch (-spec +collapsed):\n%s", diff)
			}
		})
	}
}

func TestCollapseConfigsDropsSecrets(t *testing.T) {
	c := &Cluster{Applications: []string{"HIVE", "SPARK3"}}
	c.CollapseConfigs([]AppConfig{
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "USER_RDS"},
		{Application: "HIVE", File: "hivemetastore-site.xml", Key: "javax.jdo.option.ConnectionPassword", Value: fakeRDSPassword},
		{Application: "HDFS", File: "core-site.xml", Key: "fs.oss.accessKeySecret", Value: "secret-value-1"},
		{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2", Scope: ScopeNodeGroup, NodeGroupName: "core"},
	})
	want := &Cluster{
		Applications:       []string{"HIVE", "SPARK3"},
		Metastore:          &Metastore{Type: MetastoreUserRDS, RDS: &RDS{PasswordEnv: DefaultMetastorePasswordEnv}},
		ApplicationConfigs: []AppConfig{{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2", Scope: ScopeNodeGroup, NodeGroupName: "core"}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("CollapseConfigs mismatch (-want +got):\n%s", diff)
	}
}

func TestLiftVSwitches(t *testing.T) {
	tests := []struct {
		name        string
		groups      [][]string
		wantNetwork []string
	}{
		{name: "shared", groups: [][]string{{"vsw-a"}, {"vsw-a"}}, wantNetwork: []string{"vsw-a"}},
		{name: "different", groups: [][]string{{"vsw-a"}, {"vsw-b"}}},
		{name: "none", groups: [][]string{nil, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cluster{Network: &Network{}}
			for _, v := range tt.groups {
				c.NodeGroups = append(c.NodeGroups, NodeGroup{VSwitchIDs: v})
			}
			c.LiftVSwitches()
			if diff := cmp.Diff(tt.wantNetwork, c.Network.VSwitchIDs); diff != "" {
				t.Errorf("network vSwitches (-want +got):\n%s", diff)
			}
			lifted := tt.wantNetwork != nil
			if got := c.NodeGroups[0].VSwitchIDs == nil; lifted && !got {
				t.Errorf("group vSwitches: got %v, want them moved to the network", c.NodeGroups[0].VSwitchIDs)
			}
		})
	}
}
