package spec

// APIVersion is the only spec version this package reads and writes.
const APIVersion = "emrctl.io/v1alpha1"

// KindCluster is the kind of a cluster spec.
const KindCluster = "Cluster"

// Fields whose yaml tag has no omitempty are required: the JSON Schema lists
// them under "required" and Marshal always writes them.

// Cluster is one cluster spec: everything RunCluster (Alibaba) or RunJobFlow
// (AWS) needs, in a provider-neutral shape with typed provider extensions.
type Cluster struct {
	APIVersion         string            `json:"apiVersion" yaml:"apiVersion"`
	Kind               string            `json:"kind" yaml:"kind"`
	Name               string            `json:"name" yaml:"name"`
	Description        string            `json:"description,omitempty" yaml:"description,omitempty"`
	Provider           Provider          `json:"provider,omitempty" yaml:"provider,omitempty"`
	Region             string            `json:"region" yaml:"region"`
	ClusterType        ClusterType       `json:"clusterType,omitempty" yaml:"clusterType,omitempty"`
	ReleaseVersion     string            `json:"releaseVersion" yaml:"releaseVersion"`
	DeployMode         DeployMode        `json:"deployMode,omitempty" yaml:"deployMode,omitempty"`
	SecurityMode       SecurityMode      `json:"securityMode,omitempty" yaml:"securityMode,omitempty"`
	Payment            *Payment          `json:"payment,omitempty" yaml:"payment,omitempty"`
	DeletionProtection bool              `json:"deletionProtection,omitempty" yaml:"deletionProtection,omitempty"`
	ResourceGroupID    string            `json:"resourceGroupId,omitempty" yaml:"resourceGroupId,omitempty"`
	Tags               map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Applications       []string          `json:"applications,omitempty" yaml:"applications,omitempty"`
	Metastore          *Metastore        `json:"metastore,omitempty" yaml:"metastore,omitempty"`
	OSSHDFS            *OSSHDFS          `json:"ossHdfs,omitempty" yaml:"ossHdfs,omitempty"`
	ApplicationConfigs []AppConfig       `json:"applicationConfigs,omitempty" yaml:"applicationConfigs,omitempty"`
	Network            *Network          `json:"network,omitempty" yaml:"network,omitempty"`
	DiskEncryption     *DiskEncryption   `json:"diskEncryption,omitempty" yaml:"diskEncryption,omitempty"`
	NodeGroups         []NodeGroup       `json:"nodeGroups,omitempty" yaml:"nodeGroups,omitempty"`
	BootstrapScripts   []BootstrapScript `json:"bootstrapScripts,omitempty" yaml:"bootstrapScripts,omitempty"`
	AWS                *AWS              `json:"aws,omitempty" yaml:"aws,omitempty"`
}

// Payment is the billing of the cluster (Alibaba).
type Payment struct {
	Type         PaymentType   `json:"type,omitempty" yaml:"type,omitempty"`
	Subscription *Subscription `json:"subscription,omitempty" yaml:"subscription,omitempty"`
}

// Subscription is the prepaid term of a Subscription cluster.
type Subscription struct {
	Duration          int          `json:"duration,omitempty" yaml:"duration,omitempty"`
	Unit              DurationUnit `json:"unit,omitempty" yaml:"unit,omitempty"`
	AutoRenew         bool         `json:"autoRenew,omitempty" yaml:"autoRenew,omitempty"`
	AutoRenewDuration int          `json:"autoRenewDuration,omitempty" yaml:"autoRenewDuration,omitempty"`
	AutoRenewUnit     DurationUnit `json:"autoRenewUnit,omitempty" yaml:"autoRenewUnit,omitempty"`
}

// Metastore is where Hive (and Spark through it) keeps table metadata. It
// expands to the ApplicationConfigs RunCluster requires but does not document
// as required.
type Metastore struct {
	Type MetastoreType `json:"type,omitempty" yaml:"type,omitempty"`
	RDS  *RDS          `json:"rds,omitempty" yaml:"rds,omitempty"`
}

// RDS is an external MySQL metastore. The password is never written in a
// spec: PasswordEnv names the environment variable that holds it.
type RDS struct {
	URL         string `json:"url,omitempty" yaml:"url,omitempty"`
	Username    string `json:"username,omitempty" yaml:"username,omitempty"`
	PasswordEnv string `json:"passwordEnv,omitempty" yaml:"passwordEnv,omitempty"`
	// VpcID is where the RDS instance lives; only checked against the
	// cluster's VPC, never sent.
	VpcID string `json:"vpcId,omitempty" yaml:"vpcId,omitempty"`
}

// OSSHDFS is the OSS-HDFS bucket of a storage-compute separated cluster.
type OSSHDFS struct {
	RootURI string `json:"rootUri,omitempty" yaml:"rootUri,omitempty"`
}

// AppConfig is one application configuration item (Alibaba ApplicationConfig).
type AppConfig struct {
	Application   string      `json:"application" yaml:"application"`
	File          string      `json:"file" yaml:"file"`
	Key           string      `json:"key" yaml:"key"`
	Value         string      `json:"value" yaml:"value"`
	Scope         ConfigScope `json:"scope,omitempty" yaml:"scope,omitempty"`
	NodeGroupName string      `json:"nodeGroupName,omitempty" yaml:"nodeGroupName,omitempty"`
}

// Network is the Alibaba NodeAttributes plus the default vSwitches of the
// node groups. The root password is named by its environment variable only.
type Network struct {
	VpcID                 string   `json:"vpcId,omitempty" yaml:"vpcId,omitempty"`
	ZoneID                string   `json:"zoneId,omitempty" yaml:"zoneId,omitempty"`
	SecurityGroupID       string   `json:"securityGroupId,omitempty" yaml:"securityGroupId,omitempty"`
	VSwitchIDs            []string `json:"vSwitchIds,omitempty" yaml:"vSwitchIds,omitempty"`
	KeyPairName           string   `json:"keyPairName,omitempty" yaml:"keyPairName,omitempty"`
	MasterRootPasswordEnv string   `json:"masterRootPasswordEnv,omitempty" yaml:"masterRootPasswordEnv,omitempty"`
	RAMRole               string   `json:"ramRole,omitempty" yaml:"ramRole,omitempty"`
}

// DiskEncryption turns on KMS encryption of the nodes' disks (Alibaba).
type DiskEncryption struct {
	SystemDisk         bool   `json:"systemDisk,omitempty" yaml:"systemDisk,omitempty"`
	SystemDiskKMSKeyID string `json:"systemDiskKmsKeyId,omitempty" yaml:"systemDiskKmsKeyId,omitempty"`
	DataDisk           bool   `json:"dataDisk,omitempty" yaml:"dataDisk,omitempty"`
	DataDiskKMSKeyID   string `json:"dataDiskKmsKeyId,omitempty" yaml:"dataDiskKmsKeyId,omitempty"`
}

// NodeGroup is one node group. For AWS it is an instance group: Role,
// InstanceTypes[0], Count and Spot are used.
type NodeGroup struct {
	Name                       string                `json:"name" yaml:"name"`
	Role                       NodeRole              `json:"role" yaml:"role"`
	Count                      *int                  `json:"count" yaml:"count"`
	InstanceTypes              []string              `json:"instanceTypes" yaml:"instanceTypes"`
	VSwitchIDs                 []string              `json:"vSwitchIds,omitempty" yaml:"vSwitchIds,omitempty"`
	SystemDisk                 *SystemDisk           `json:"systemDisk,omitempty" yaml:"systemDisk,omitempty"`
	DataDisks                  []DataDisk            `json:"dataDisks,omitempty" yaml:"dataDisks,omitempty"`
	PublicIP                   bool                  `json:"publicIp,omitempty" yaml:"publicIp,omitempty"`
	PaymentType                PaymentType           `json:"paymentType,omitempty" yaml:"paymentType,omitempty"`
	Spot                       *Spot                 `json:"spot,omitempty" yaml:"spot,omitempty"`
	GracefulShutdown           bool                  `json:"gracefulShutdown,omitempty" yaml:"gracefulShutdown,omitempty"`
	SpotInstanceRemedy         bool                  `json:"spotInstanceRemedy,omitempty" yaml:"spotInstanceRemedy,omitempty"`
	CompensateWithOnDemand     bool                  `json:"compensateWithOnDemand,omitempty" yaml:"compensateWithOnDemand,omitempty"`
	ResizeStrategy             ResizeStrategy        `json:"resizeStrategy,omitempty" yaml:"resizeStrategy,omitempty"`
	CostOptimized              *CostOptimized        `json:"costOptimized,omitempty" yaml:"costOptimized,omitempty"`
	DeploymentSetStrategy      DeploymentSetStrategy `json:"deploymentSetStrategy,omitempty" yaml:"deploymentSetStrategy,omitempty"`
	AdditionalSecurityGroupIDs []string              `json:"additionalSecurityGroupIds,omitempty" yaml:"additionalSecurityGroupIds,omitempty"`
	PrivatePool                *PrivatePool          `json:"privatePool,omitempty" yaml:"privatePool,omitempty"`
}

// SystemDisk is the system disk of every node in a group.
type SystemDisk struct {
	Category         DiskCategory     `json:"category,omitempty" yaml:"category,omitempty"`
	Size             int              `json:"size,omitempty" yaml:"size,omitempty"`
	PerformanceLevel PerformanceLevel `json:"performanceLevel,omitempty" yaml:"performanceLevel,omitempty"`
}

// DataDisk is a set of identical data disks on every node in a group.
type DataDisk struct {
	Category         DiskCategory     `json:"category,omitempty" yaml:"category,omitempty"`
	Size             int              `json:"size,omitempty" yaml:"size,omitempty"`
	Count            int              `json:"count,omitempty" yaml:"count,omitempty"`
	PerformanceLevel PerformanceLevel `json:"performanceLevel,omitempty" yaml:"performanceLevel,omitempty"`
}

// Spot is the preemptible-instance setting of a node group. Alibaba uses
// Strategy and BidPrices; AWS uses Strategy (any spot strategy means the SPOT
// market) and BidPrice.
type Spot struct {
	Strategy  SpotStrategy `json:"strategy,omitempty" yaml:"strategy,omitempty"`
	BidPrices []BidPrice   `json:"bidPrices,omitempty" yaml:"bidPrices,omitempty"`
	// BidPrice is the AWS maximum hourly price in USD, a decimal string.
	BidPrice string `json:"bidPrice,omitempty" yaml:"bidPrice,omitempty"`
}

// BidPrice is the Alibaba maximum hourly price for one instance type.
type BidPrice struct {
	InstanceType string  `json:"instanceType" yaml:"instanceType"`
	Price        float64 `json:"price" yaml:"price"`
}

// CostOptimized is the on-demand/spot mix of a COST_OPTIMIZED node group.
type CostOptimized struct {
	OnDemandBaseCapacity                int `json:"onDemandBaseCapacity,omitempty" yaml:"onDemandBaseCapacity,omitempty"`
	OnDemandPercentageAboveBaseCapacity int `json:"onDemandPercentageAboveBaseCapacity,omitempty" yaml:"onDemandPercentageAboveBaseCapacity,omitempty"`
	SpotInstancePools                   int `json:"spotInstancePools,omitempty" yaml:"spotInstancePools,omitempty"`
}

// PrivatePool selects ECS private pools (capacity reservations).
type PrivatePool struct {
	MatchCriteria MatchCriteria `json:"matchCriteria,omitempty" yaml:"matchCriteria,omitempty"`
	IDs           []string      `json:"ids,omitempty" yaml:"ids,omitempty"`
}

// BootstrapScript runs a script from the user's own bucket on the nodes:
// oss:// for Alibaba, s3:// for AWS (a bootstrap action there).
type BootstrapScript struct {
	Name string `json:"name" yaml:"name"`
	Path string `json:"path" yaml:"path"`
	// Args is passed as one string (Alibaba ScriptArgs); for AWS it is split
	// on white space into the action's arguments.
	Args         string        `json:"args,omitempty" yaml:"args,omitempty"`
	Moment       ScriptMoment  `json:"moment,omitempty" yaml:"moment,omitempty"`
	FailStrategy FailStrategy  `json:"failStrategy,omitempty" yaml:"failStrategy,omitempty"`
	NodeSelector *NodeSelector `json:"nodeSelector,omitempty" yaml:"nodeSelector,omitempty"`
}

// NodeSelector picks the nodes a bootstrap script runs on (Alibaba).
type NodeSelector struct {
	Type           NodeSelectType `json:"type,omitempty" yaml:"type,omitempty"`
	NodeGroupNames []string       `json:"nodeGroupNames,omitempty" yaml:"nodeGroupNames,omitempty"`
	NodeGroupTypes []NodeRole     `json:"nodeGroupTypes,omitempty" yaml:"nodeGroupTypes,omitempty"`
	NodeNames      []string       `json:"nodeNames,omitempty" yaml:"nodeNames,omitempty"`
}
