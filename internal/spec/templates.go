package spec

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownTemplate is returned by Template for a name not in
// TemplateNames.
var ErrUnknownTemplate = errors.New("unknown template")

// Sandbox inventory of cn-hangzhou: the defaults of TemplateOptions.
const (
	SandboxRegion        = "cn-hangzhou"
	SandboxZone          = "cn-hangzhou-h"
	SandboxVpcID         = "vpc-bp1sandbox0000000001"
	SandboxVSwitchID     = "vsw-bp1sandboxzoneh00001"
	SandboxSecurityGroup = "sg-bp1sandboxnormal0001"
	SandboxKeyPair       = "emrctl-sandbox"
	SandboxRelease       = "EMR-5.21.0"
	// SandboxLocalDiskZone and SandboxLocalDiskVSwitch are where the
	// sandbox stocks the d-series (local disk) instances.
	SandboxLocalDiskZone    = "cn-hangzhou-i"
	SandboxLocalDiskVSwitch = "vsw-bp1sandboxzonei00001"
	sandboxBucket           = "emrctl-sandbox-datalake"
	sandboxRDSHost          = "rm-bp1sandboxhivemeta01.mysql.rds.aliyuncs.com"
)

// TemplateOptions fills the account-specific parts of a template. Empty
// fields take the sandbox inventory values above.
type TemplateOptions struct {
	Name            string
	Region          string
	ZoneID          string
	VpcID           string
	VSwitchID       string
	SecurityGroupID string
	KeyPairName     string
	ReleaseVersion  string
	// OSSBucket is the OSS-HDFS bucket of the storage-compute separated
	// templates.
	OSSBucket string
	// MetastoreURL is the JDBC URL of the RDS metastore of the HA templates.
	MetastoreURL string
}

// TemplateNames lists the templates of cluster-lifecycle.md.
func TemplateNames() []string {
	return []string{"dev", "production-separated", "production-integrated", "spot-task"}
}

// Template returns a spec following one of the four templates of
// cluster-lifecycle.md (section 2), filled with opts. The specs are not
// defaulted. Deviations from the document, each to make the template pass
// Validate: dev adds ZOOKEEPER (HDFS and YARN need it); the HA templates
// enable deletion protection and read the RDS password from
// HIVE_RDS_PASSWORD; production-integrated uses the local-disk zone of
// the sandbox when no zone is given (d-series stock is in cn-hangzhou-i);
// all use opts.ReleaseVersion (EMR-5.21.0 by default).
func Template(name string, opts TemplateOptions) (*Cluster, error) {
	o := opts.withDefaults(name)
	switch name {
	case "dev":
		return devTemplate(o), nil
	case "production-separated":
		return separatedTemplate(o), nil
	case "production-integrated":
		return integratedTemplate(o), nil
	case "spot-task":
		return spotTemplate(o), nil
	}
	return nil, fmt.Errorf("spec: template %q: %w; choose one of %s", name, ErrUnknownTemplate, strings.Join(TemplateNames(), ", "))
}

func (o TemplateOptions) withDefaults(template string) TemplateOptions {
	names := map[string]string{
		"dev": "dev-datalake", "production-separated": "prod-datalake-disaggregated",
		"production-integrated": "prod-datalake-converged", "spot-task": "cost-optimized-cluster",
	}
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	set(&o.Name, names[template])
	set(&o.Region, SandboxRegion)
	if template == "production-integrated" && o.ZoneID == "" && o.VSwitchID == "" && o.Region == SandboxRegion {
		o.ZoneID, o.VSwitchID = SandboxLocalDiskZone, SandboxLocalDiskVSwitch
	}
	set(&o.ZoneID, SandboxZone)
	set(&o.VpcID, SandboxVpcID)
	set(&o.VSwitchID, SandboxVSwitchID)
	set(&o.SecurityGroupID, SandboxSecurityGroup)
	set(&o.KeyPairName, SandboxKeyPair)
	set(&o.ReleaseVersion, SandboxRelease)
	set(&o.OSSBucket, sandboxBucket)
	set(&o.MetastoreURL, "jdbc:mysql://"+sandboxRDSHost+":3306/hivemeta?createDatabaseIfNotExist=true&characterEncoding=UTF-8")
	return o
}

// base is what every template shares.
func (o TemplateOptions) base(description string, mode DeployMode, apps ...string) *Cluster {
	return &Cluster{
		APIVersion: APIVersion, Kind: KindCluster,
		Name: o.Name, Description: description, Provider: ProviderAliyun, Region: o.Region,
		ClusterType: ClusterTypeDataLake, ReleaseVersion: o.ReleaseVersion, DeployMode: mode,
		Payment:      &Payment{Type: PaymentPayAsYouGo},
		Applications: apps,
		Network: &Network{
			VpcID: o.VpcID, ZoneID: o.ZoneID, SecurityGroupID: o.SecurityGroupID,
			VSwitchIDs: []string{o.VSwitchID}, KeyPairName: o.KeyPairName,
		},
	}
}

// rdsMetastore is the external metastore of the HA templates.
func (o TemplateOptions) rdsMetastore() *Metastore {
	return &Metastore{Type: MetastoreUserRDS, RDS: &RDS{
		URL: o.MetastoreURL, Username: "hive_user", PasswordEnv: DefaultMetastorePasswordEnv, VpcID: o.VpcID,
	}}
}

func (o TemplateOptions) ossHDFS() *OSSHDFS {
	return &OSSHDFS{RootURI: fmt.Sprintf("oss://%s.%s.oss-dls.aliyuncs.com/", o.OSSBucket, o.Region)}
}

// group builds a node group with an ESSD system disk of 120 GB.
func group(name string, role NodeRole, n int, types []string, data DataDisk) NodeGroup {
	return NodeGroup{
		Name: name, Role: role, Count: ptr(n), InstanceTypes: types,
		SystemDisk: &SystemDisk{Category: DiskESSD, Size: 120},
		DataDisks:  []DataDisk{data},
	}
}

func essd(size, n int) DataDisk { return DataDisk{Category: DiskESSD, Size: size, Count: n} }

func devTemplate(o TemplateOptions) *Cluster {
	c := o.base("Dev/test data lake: NORMAL mode, pay-as-you-go, smallest specs", DeployNormal,
		"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3")
	c.Metastore = &Metastore{Type: MetastoreLocal}
	xl := []string{"ecs.g8i.xlarge"}
	c.NodeGroups = []NodeGroup{
		group("master", RoleMaster, 1, xl, essd(80, 1)),
		group("core", RoleCore, 2, xl, essd(80, 2)),
	}
	return c
}

func separatedTemplate(o TemplateOptions) *Cluster {
	c := o.base("Production data lake, storage-compute separated: HA, OSS-HDFS, JindoCache", DeployHA,
		"HADOOP-COMMON", "OSS-HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "TEZ", "JINDOCACHE")
	c.DeletionProtection = true
	c.OSSHDFS = o.ossHDFS()
	c.Metastore = o.rdsMetastore()
	x2 := []string{"ecs.g8i.2xlarge"}
	c.NodeGroups = []NodeGroup{
		group("master", RoleMaster, 3, x2, essd(80, 1)),
		group("core", RoleCore, 3, x2, essd(300, 4)),
		group("task", RoleTask, 2, x2, essd(80, 1)),
	}
	return c
}

func integratedTemplate(o TemplateOptions) *Cluster {
	c := o.base("Production data lake, storage-compute integrated: HA, HDFS on d-series local disks", DeployHA,
		"HADOOP-COMMON", "HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3", "TEZ")
	c.DeletionProtection = true
	c.Payment = &Payment{Type: PaymentSubscription, Subscription: &Subscription{
		Duration: 1, Unit: Month, AutoRenew: true, AutoRenewDuration: 1, AutoRenewUnit: Month,
	}}
	c.ApplicationConfigs = []AppConfig{{Application: "HDFS", File: "hdfs-site.xml", Key: "dfs.replication", Value: "3"}}
	c.Metastore = o.rdsMetastore()
	x4 := []string{"ecs.g8i.4xlarge"}
	master := group("master", RoleMaster, 3, x4, DataDisk{Category: DiskESSD, Size: 120, Count: 1, PerformanceLevel: "PL1"})
	master.SystemDisk.PerformanceLevel = "PL1"
	core := group("core", RoleCore, 6, []string{"ecs.d3s.4xlarge"}, DataDisk{Category: DiskLocalHDD, Size: 11918, Count: 8})
	core.DeploymentSetStrategy = "CLUSTER"
	c.NodeGroups = []NodeGroup{master, core, group("task", RoleTask, 4, x4, essd(80, 1))}
	return c
}

func spotTemplate(o TemplateOptions) *Cluster {
	c := o.base("Cost-optimized data lake: HA, OSS-HDFS, spot TASK nodes", DeployHA,
		"HADOOP-COMMON", "OSS-HDFS", "YARN", "ZOOKEEPER", "HIVE", "SPARK3")
	c.DeletionProtection = true
	c.OSSHDFS = o.ossHDFS()
	c.Metastore = o.rdsMetastore()
	xl := []string{"ecs.g8i.xlarge"}
	task := group("task-spot", RoleTask, 4, []string{"ecs.g8i.2xlarge", "ecs.g8i.xlarge", "ecs.c8i.2xlarge"}, essd(80, 1))
	task.Spot = &Spot{Strategy: SpotAsPriceGo}
	c.NodeGroups = []NodeGroup{
		group("master", RoleMaster, 3, xl, essd(80, 1)),
		group("core", RoleCore, 3, xl, essd(200, 4)),
		task,
	}
	return c
}
