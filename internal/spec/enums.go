package spec

import "slices"

// Each enumerated field has its own string type whose Values method lists
// the accepted values; validation and the JSON Schema both read them, so the
// two never disagree.

// enumerated is the constraint of every enum type of the spec.
type enumerated interface {
	~string
	Values() []string
}

// validEnum reports whether v is one of its type's values.
func validEnum[E enumerated](v E) bool { return slices.Contains(v.Values(), string(v)) }

// Provider is the cloud a spec is for.
type Provider string

// Providers.
const (
	ProviderAliyun Provider = "aliyun"
	ProviderAWS    Provider = "aws"
)

// Values lists the valid providers.
func (Provider) Values() []string { return []string{"aliyun", "aws"} }

// ClusterType is the Alibaba EMR cluster type.
type ClusterType string

// Cluster types.
const (
	ClusterTypeDataLake    ClusterType = "DATALAKE"
	ClusterTypeOLAP        ClusterType = "OLAP"
	ClusterTypeDataFlow    ClusterType = "DATAFLOW"
	ClusterTypeDataServing ClusterType = "DATASERVING"
	ClusterTypeCustom      ClusterType = "CUSTOM"
)

// Values lists the cluster types RunCluster creates.
func (ClusterType) Values() []string {
	return []string{"DATALAKE", "OLAP", "DATAFLOW", "DATASERVING", "CUSTOM"}
}

// DeployMode is NORMAL (1 MASTER) or HA (3 MASTER).
type DeployMode string

// Deploy modes.
const (
	DeployNormal DeployMode = "NORMAL"
	DeployHA     DeployMode = "HA"
)

// Values lists the deploy modes.
func (DeployMode) Values() []string { return []string{"NORMAL", "HA"} }

// SecurityMode is the Kerberos mode of the cluster.
type SecurityMode string

// Security modes.
const (
	SecurityNormal   SecurityMode = "NORMAL"
	SecurityKerberos SecurityMode = "KERBEROS"
)

// Values lists the security modes.
func (SecurityMode) Values() []string { return []string{"NORMAL", "KERBEROS"} }

// PaymentType is the billing method of a cluster or node group.
type PaymentType string

// Payment types.
const (
	PaymentPayAsYouGo   PaymentType = "PayAsYouGo"
	PaymentSubscription PaymentType = "Subscription"
)

// Values lists the payment types.
func (PaymentType) Values() []string { return []string{"PayAsYouGo", "Subscription"} }

// DurationUnit is the unit of a subscription term.
type DurationUnit string

// Duration units.
const (
	Month DurationUnit = "Month"
	Year  DurationUnit = "Year"
)

// Values lists the duration units.
func (DurationUnit) Values() []string { return []string{"Month", "Year"} }

// MetastoreType is the value of hive.metastore.type.
type MetastoreType string

// Metastore types.
const (
	MetastoreLocal   MetastoreType = "LOCAL"
	MetastoreUserRDS MetastoreType = "USER_RDS"
	MetastoreDLF     MetastoreType = "DLF"
)

// Values lists the metastore types.
func (MetastoreType) Values() []string { return []string{"LOCAL", "USER_RDS", "DLF"} }

// ConfigScope is where an application config item applies.
type ConfigScope string

// Config scopes.
const (
	ScopeCluster   ConfigScope = "CLUSTER"
	ScopeNodeGroup ConfigScope = "NODE_GROUP"
)

// Values lists the config scopes.
func (ConfigScope) Values() []string { return []string{"CLUSTER", "NODE_GROUP"} }

// NodeRole is the type of a node group (NodeGroupType, AWS InstanceRole).
type NodeRole string

// Node roles.
const (
	RoleMaster       NodeRole = "MASTER"
	RoleMasterExtend NodeRole = "MASTER-EXTEND"
	RoleCore         NodeRole = "CORE"
	RoleTask         NodeRole = "TASK"
	RoleGateway      NodeRole = "GATEWAY"
)

// Values lists the node roles.
func (NodeRole) Values() []string {
	return []string{"MASTER", "MASTER-EXTEND", "CORE", "TASK", "GATEWAY"}
}

// DiskCategory is an ECS disk category.
type DiskCategory string

// Disk categories.
const (
	DiskESSD       DiskCategory = "cloud_essd"
	DiskSSD        DiskCategory = "cloud_ssd"
	DiskEfficiency DiskCategory = "cloud_efficiency"
	DiskAuto       DiskCategory = "cloud_auto"
	DiskBasic      DiskCategory = "cloud"
	DiskLocalHDD   DiskCategory = "local_hdd_pro"
	DiskLocalSSD   DiskCategory = "local_ssd_pro"
)

// Values lists the disk categories (local ones are data disks only).
func (DiskCategory) Values() []string {
	return []string{"cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto", "cloud", "local_hdd_pro", "local_ssd_pro"}
}

// local reports whether the category is an instance's local disk.
func (d DiskCategory) local() bool { return d == DiskLocalHDD || d == DiskLocalSSD }

// PerformanceLevel is the performance level of an ESSD.
type PerformanceLevel string

// Values lists the ESSD performance levels.
func (PerformanceLevel) Values() []string { return []string{"PL0", "PL1", "PL2", "PL3"} }

// SpotStrategy is the preemptible-instance strategy of a node group.
type SpotStrategy string

// Spot strategies.
const (
	NoSpot             SpotStrategy = "NoSpot"
	SpotWithPriceLimit SpotStrategy = "SpotWithPriceLimit"
	SpotAsPriceGo      SpotStrategy = "SpotAsPriceGo"
)

// Values lists the spot strategies.
func (SpotStrategy) Values() []string {
	return []string{"NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"}
}

// ResizeStrategy is NodeResizeStrategy.
type ResizeStrategy string

// Resize strategies.
const (
	ResizePriority      ResizeStrategy = "PRIORITY"
	ResizeCostOptimized ResizeStrategy = "COST_OPTIMIZED"
)

// Values lists the resize strategies.
func (ResizeStrategy) Values() []string { return []string{"PRIORITY", "COST_OPTIMIZED"} }

// DeploymentSetStrategy spreads a group's instances over physical servers.
type DeploymentSetStrategy string

// Values lists the deployment set strategies.
func (DeploymentSetStrategy) Values() []string { return []string{"NONE", "CLUSTER", "NODE_GROUP"} }

// MatchCriteria is the private pool matching mode.
type MatchCriteria string

// Values lists the private pool match criteria.
func (MatchCriteria) Values() []string { return []string{"Open", "Target", "None"} }

// ScriptMoment is when a bootstrap script runs.
type ScriptMoment string

// Script moments.
const (
	BeforeInstall ScriptMoment = "BEFORE_INSTALL"
	AfterStarted  ScriptMoment = "AFTER_STARTED"
)

// Values lists the script moments.
func (ScriptMoment) Values() []string { return []string{"BEFORE_INSTALL", "AFTER_STARTED"} }

// FailStrategy is what a failed bootstrap script does to the creation.
type FailStrategy string

// Fail strategies.
const (
	FailedBlock    FailStrategy = "FAILED_BLOCK"
	FailedContinue FailStrategy = "FAILED_CONTINUE"
)

// Values lists the fail strategies.
func (FailStrategy) Values() []string { return []string{"FAILED_BLOCK", "FAILED_CONTINUE"} }

// NodeSelectType is how a bootstrap script picks its nodes.
type NodeSelectType string

// Node select types.
const (
	SelectCluster   NodeSelectType = "CLUSTER"
	SelectNodeGroup NodeSelectType = "NODE_GROUP"
	SelectNode      NodeSelectType = "NODE"
)

// Values lists the node select types.
func (NodeSelectType) Values() []string { return []string{"CLUSTER", "NODE_GROUP", "NODE"} }

// StepType is the kind of an AWS step.
type StepType string

// Step types.
const (
	StepSpark   StepType = "spark"
	StepPySpark StepType = "pyspark"
	StepHive    StepType = "hive"
	StepJar     StepType = "jar"
	StepCommand StepType = "command"
)

// Values lists the step types.
func (StepType) Values() []string { return []string{"spark", "pyspark", "hive", "jar", "command"} }

// ActionOnFailure is what a failed AWS step does to the cluster.
type ActionOnFailure string

// Values lists the step failure actions.
func (ActionOnFailure) Values() []string {
	return []string{"CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER"}
}

// SparkDeployMode is spark-submit's --deploy-mode.
type SparkDeployMode string

// Values lists the spark deploy modes.
func (SparkDeployMode) Values() []string { return []string{"cluster", "client"} }

// SpotTimeoutAction is what a fleet does when spot capacity is not found.
type SpotTimeoutAction string

// Values lists the spot timeout actions.
func (SpotTimeoutAction) Values() []string {
	return []string{"SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"}
}

// ScalingUnits is the unit of an AWS managed scaling policy.
type ScalingUnits string

// Values lists the managed scaling unit types.
func (ScalingUnits) Values() []string { return []string{"Instances", "InstanceFleetUnits", "VCPU"} }
