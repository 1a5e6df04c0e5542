package spec

// Stable rule identifiers of Validate. They appear in Problem.Rule and in
// the output of every surface; never rename one.
const (
	ruleAPIVersion           = "api-version"
	ruleName                 = "name"
	ruleDescription          = "description"
	ruleProvider             = "provider"
	ruleProviderFields       = "provider-fields"
	ruleRegion               = "region"
	ruleReleaseVersion       = "release-version"
	ruleTags                 = "tags"
	ruleBootstrap            = "bootstrap-script"
	ruleNodeGroupName        = "node-group-name"
	ruleNodeCount            = "node-count"
	ruleTotalNodes           = "total-nodes"
	ruleInstanceTypes        = "instance-types"
	ruleClusterType          = "cluster-type"
	ruleDeployMode           = "deploy-mode"
	ruleSecurityMode         = "security-mode"
	ruleResourceGroup        = "resource-group"
	ruleApplicationsRequired = "applications-required"
	ruleComponentUnknown     = "component-unknown"
	ruleComponentDuplicate   = "component-duplicate"
	ruleComponentDependency  = "component-dependency"
	ruleComponentExclusive   = "component-exclusive"
	ruleComponentType        = "component-cluster-type"
	ruleMasterGroup          = "master-group"
	ruleMasterCount          = "master-count"
	ruleHAZooKeeper          = "ha-zookeeper"
	ruleHAMetastore          = "ha-metastore"
	ruleHiveMetastore        = "hive-metastore"
	ruleSparkMetastore       = "spark-metastore"
	ruleMetastore            = "metastore"
	ruleMetastoreRDS         = "metastore-rds"
	ruleMetastoreVPC         = "metastore-vpc"
	ruleOSSHDFSRoot          = "oss-hdfs-root"
	ruleAppConfig            = "application-config"
	ruleInlineSecret         = "inline-secret"
	ruleNetwork              = "network"
	ruleVSwitchRequired      = "vswitch-required"
	ruleLogin                = "login"
	ruleNodeRole             = "node-role"
	ruleMasterExtend         = "master-extend"
	ruleGateway              = "gateway"
	ruleCoreCount            = "core-count"
	ruleDiskCategory         = "disk-category"
	ruleDiskSize             = "disk-size"
	ruleDiskCount            = "disk-count"
	ruleDiskPerformance      = "disk-performance-level"
	ruleDiskOldFamily        = "disk-old-family"
	ruleDiskEfficiencyCount  = "disk-efficiency-count"
	ruleSpot                 = "spot"
	ruleCostOptimized        = "cost-optimized"
	ruleDeploymentSet        = "deployment-set"
	rulePrivatePool          = "private-pool"
	ruleNodeGroupPayment     = "node-group-payment"
	rulePayment              = "payment"
	ruleSubscription         = "subscription"
	ruleSubscriptionAck      = "subscription-cost-ack"
	ruleDeletionProtection   = "deletion-protection"
	rulePublicIP             = "public-ip"
	ruleDiskEncryption       = "disk-encryption"
	ruleAWSRoles             = "aws-roles"
	ruleAWSLogURI            = "aws-log-uri"
	ruleAWSInstances         = "aws-instances"
	ruleAWSApplications      = "aws-applications"
	ruleAWSSteps             = "aws-steps"
	ruleAWSFleets            = "aws-fleets"
	ruleAWSManagedScaling    = "aws-managed-scaling"
	ruleAWSIdleTimeout       = "aws-idle-timeout"
	ruleAWSStepConcurrency   = "aws-step-concurrency"
	ruleAWSSubnet            = "aws-subnet"
	ruleAWSConfigurations    = "aws-configurations"
	ruleAWSKeepAlive         = "aws-keep-alive"
)

// RuleInfo describes one validation rule.
type RuleInfo struct {
	ID      string `json:"id"`
	Summary string `json:"summary"`
}

// Rules lists every rule Validate applies, for documentation and help.
func Rules() []RuleInfo {
	return []RuleInfo{
		{ruleAPIVersion, "apiVersion is " + APIVersion + " and kind is " + KindCluster},
		{ruleName, "the cluster name follows the input rules: 1-128 letters, Chinese characters, digits, '-' and '_'"},
		{ruleDescription, "the description has at most 256 printable characters and no shell metacharacters"},
		{ruleProvider, "provider is aliyun or aws"},
		{ruleProviderFields, "no field of the other provider is set"},
		{ruleRegion, "region is a region ID, and zones belong to it"},
		{ruleReleaseVersion, "releaseVersion is EMR-x.y.z (aliyun) or emr-x.y.z (aws)"},
		{ruleTags, "at most 20 (aliyun) or 50 (aws) tags, keys and values per the input rules, no reserved prefixes"},
		{ruleBootstrap, "bootstrap scripts live in the user's own oss:// (aliyun) or s3:// (aws) bucket, never at an http(s) URL"},
		{ruleNodeGroupName, "every node group has a unique, valid name"},
		{ruleNodeCount, "every node group sets count, at least 0 and at most the policy limit at creation"},
		{ruleTotalNodes, "a cluster above the total node threshold needs a cost acknowledgement (warning)"},
		{ruleInstanceTypes, "every node group lists valid instance types"},
		{ruleClusterType, "clusterType is DATALAKE, OLAP, DATAFLOW, DATASERVING or CUSTOM"},
		{ruleDeployMode, "deployMode is NORMAL or HA"},
		{ruleSecurityMode, "securityMode is NORMAL or KERBEROS (KERBEROS with the KERBEROS component)"},
		{ruleResourceGroup, "resourceGroupId is a resource group ID"},
		{ruleApplicationsRequired, "at least one application is selected"},
		{ruleComponentUnknown, "every application is a known component, with a suggestion for near misses"},
		{ruleComponentDuplicate, "no application is listed twice"},
		{ruleComponentDependency, "every hard dependency is selected, transitively (HDFS|OSS-HDFS means either)"},
		{ruleComponentExclusive, "SPARK2/SPARK3, HDFS/OSS-HDFS and STARROCKS2/STARROCKS3 are not selected together"},
		{ruleComponentType, "every application is offered for the cluster type"},
		{ruleMasterGroup, "there is exactly one MASTER node group"},
		{ruleMasterCount, "HA has 3 MASTER nodes, NORMAL has 1"},
		{ruleHAZooKeeper, "HA selects ZOOKEEPER"},
		{ruleHAMetastore, "HA with HIVE uses an external metastore (USER_RDS or DLF)"},
		{ruleHiveMetastore, "HIVE has hive.metastore.type set"},
		{ruleSparkMetastore, "SPARK2/SPARK3 use the same metastore type as HIVE"},
		{ruleMetastore, "the metastore block has a valid type and is used"},
		{ruleMetastoreRDS, "USER_RDS has a JDBC URL with a database, a username and passwordEnv"},
		{ruleMetastoreVPC, "the RDS instance is in the cluster's VPC"},
		{ruleOSSHDFSRoot, "OSS-HDFS has ossHdfs.rootUri oss://<bucket>.<region>.oss-dls.aliyuncs.com/"},
		{ruleAppConfig, "application configs name a selected application, a file and a key, once, and do not override the metastore or ossHdfs blocks"},
		{ruleInlineSecret, "no password is written in a spec"},
		{ruleNetwork, "network has vpcId, zoneId and securityGroupId in the right formats"},
		{ruleVSwitchRequired, "every node group has vSwitchIds (its own or network.vSwitchIds)"},
		{ruleLogin, "network has keyPairName or masterRootPasswordEnv naming an environment variable"},
		{ruleNodeRole, "every node group has a valid role"},
		{ruleMasterExtend, "MASTER-EXTEND only in HA on EMR-5.17.1+ or EMR-3.51.1+"},
		{ruleGateway, "GATEWAY only on DATALAKE/DATAFLOW EMR-5.10.1+ and CUSTOM EMR-5.17.1+"},
		{ruleCoreCount, "at least 2 CORE nodes (warning)"},
		{ruleDiskCategory, "disk categories are valid; local disks are data disks only"},
		{ruleDiskSize, "system disks 60-500 GB, cloud data disks 20-32768 GB, ESSD PL2/PL3 minimum sizes"},
		{ruleDiskCount, "one data disk entry with count 1-16 (local disks 1-32)"},
		{ruleDiskPerformance, "performanceLevel only for cloud_essd, PL0-PL3"},
		{ruleDiskOldFamily, "older instance families (g6, hfg6, g5, sn2ne, ...) do not take a single cloud_essd data disk"},
		{ruleDiskEfficiencyCount, "OLAP/DATAFLOW/CUSTOM with cloud_efficiency data disks use count >= 4 (warning)"},
		{ruleSpot, "spot only on TASK (warning on CORE), bid prices only and always with SpotWithPriceLimit"},
		{ruleCostOptimized, "cost-optimized settings only with resizeStrategy COST_OPTIMIZED, in range"},
		{ruleDeploymentSet, "deploymentSetStrategy is NONE, CLUSTER or NODE_GROUP"},
		{rulePrivatePool, "private pool options are valid"},
		{ruleNodeGroupPayment, "node group payment types are valid and Subscription groups need a Subscription cluster"},
		{rulePayment, "payment.type is PayAsYouGo or Subscription"},
		{ruleSubscription, "subscription duration is 1-9, 12, 24, 36, 48 or 60 months (1-5 years), unit Month or Year"},
		{ruleSubscriptionAck, "a subscription longer than the policy limit needs a cost acknowledgement (warning)"},
		{ruleDeletionProtection, "HA (production) clusters enable deletion protection (warning)"},
		{rulePublicIP, "HA (production) clusters give nodes no public IP (warning)"},
		{ruleDiskEncryption, "disk encryption KMS key IDs come with encryption turned on"},
		{ruleAWSRoles, "aws sets serviceRole and jobFlowRole"},
		{ruleAWSLogURI, "aws.logUri is an s3:// location (warning when missing)"},
		{ruleAWSInstances, "aws uses instance groups (nodeGroups) or instance fleets, not both, with one MASTER"},
		{ruleAWSApplications, "aws applications are EMR application names (Spark, Hadoop, Hive, ...)"},
		{ruleAWSSteps, "aws steps have the fields of their type, with code in s3://"},
		{ruleAWSFleets, "aws instance fleets have valid roles, capacities and instance type configs"},
		{ruleAWSManagedScaling, "aws managed scaling limits are ordered and within the policy maximum"},
		{ruleAWSIdleTimeout, "aws.autoTerminationIdleTimeout is a duration from 1m to 7 days"},
		{ruleAWSStepConcurrency, "aws.stepConcurrencyLevel is 1-256"},
		{ruleAWSSubnet, "aws subnets are subnet IDs; ec2SubnetIds only with instance fleets"},
		{ruleAWSConfigurations, "aws configurations have a classification"},
		{ruleAWSKeepAlive, "a cluster that does not stay alive has steps to run (warning)"},
	}
}
