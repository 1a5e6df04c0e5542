package engine

import (
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
)

// Diagnosis explains a failure: its likely cause and the fix
// (operations.md "Troubleshooting" and getting-started.md "Common Creation
// Failure Causes").
type Diagnosis struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Cause   string `json:"cause"`
	Fix     string `json:"fix"`
	Check   string `json:"check,omitempty"`
}

// diagnosisRule matches a state-change reason by code and by a marker in
// its message, ignoring case (the services put sub-codes such as
// InvalidVSwitchId.ZoneMismatch there). The first matching rule wins, so
// specific rules come before general ones.
type diagnosisRule struct {
	code, marker      string
	cause, fix, check string
}

var diagnosisRules = []diagnosisRule{
	{marker: "InvalidSecurityGroupType", cause: "The security group is an enterprise (advanced) security group; EMR supports only basic (normal) security groups.",
		fix: "Create or pick a normal security group in the same VPC and set network.securityGroupId.", check: "emrctl prereq check --vpc <vpc-id>"},
	{marker: "InvalidSecurityGroupId.VpcMismatch", cause: "The security group belongs to another VPC than NodeAttributes.VpcId.",
		fix: "Pick a normal security group of the cluster's VPC, or set network.vpcId to the group's VPC.", check: "emrctl prereq check --vpc <vpc-id>"},
	{marker: "InvalidSecurityGroupId", cause: "The security group does not exist or is not in the cluster's VPC.",
		fix: "Pick a normal security group of the cluster's VPC.", check: "emrctl prereq check --vpc <vpc-id>"},
	{marker: "ZoneMismatch", cause: "A vSwitch is in a different zone from NodeAttributes.ZoneId.",
		fix: "Use vSwitches of the cluster's zone, or set network.zoneId to the vSwitch's zone.", check: "emrctl prereq check --vpc <vpc-id>"},
	{marker: "InvalidVSwitchId.VpcMismatch", cause: "A vSwitch belongs to another VPC.", fix: "Use vSwitches of the cluster's VPC."},
	{marker: "InvalidVSwitchId.IpNotEnough", cause: "The vSwitch has too few free IP addresses for the nodes.",
		fix: "Use a vSwitch with more free addresses (another zone's vSwitch means changing network.zoneId too), or fewer nodes."},
	{marker: "InvalidVSwitchId", cause: "The vSwitch does not exist in this region.", fix: "Take the vSwitch ID from 'emrctl prereq check'."},
	{marker: "InvalidVpcId", cause: "The VPC does not exist in this region.", fix: "Take the VPC ID from 'emrctl prereq check'."},
	{marker: "InvalidKeyPairName", cause: "The key pair does not exist in this region.", fix: "Create the key pair or set network.keyPairName to an existing one.", check: "emrctl prereq check"},
	{marker: "EntityNotExist.Role", cause: "The RAM role the nodes use (AliyunECSInstanceForEMRRole by default) does not exist.",
		fix: "Create AliyunECSInstanceForEMRRole (the console's one-click authorization for EMR) or set network.ramRole to an existing role, then create the cluster again."},
	{code: "OperationDenied.InsufficientBalance", cause: "The account balance is too low to buy the instances.", fix: "Recharge the account, then create the cluster again (from 'emrctl cluster export <id>')."},
	{marker: "InsufficientBalance", cause: "The account balance is too low to buy the instances.", fix: "Recharge the account, then create the cluster again (from 'emrctl cluster export <id>')."},
	{marker: "ResourceNotEnough", cause: "The instance type is out of stock in the zone.",
		fix: "Pick another instance type (list them with 'emrctl discover instance-types --zone <zone> --role <role>') or another zone; add several instanceTypes to the node group.", check: "emrctl discover instance-types"},
	{marker: "InvalidResourceType.NotSupported", cause: "An instance type is not offered for this node group in the zone.",
		fix: "Choose from 'emrctl discover instance-types --zone <zone> --type <type> --payment <payment> --role <role>'.", check: "emrctl discover instance-types"},
	{code: "OutOfStock", cause: "The instance type is out of stock in the zone.",
		fix: "Pick another instance type (list them with 'emrctl discover instance-types --zone <zone> --role <role>') or another zone; add several instanceTypes to the node group.", check: "emrctl discover instance-types"},
	{code: "NotAuthorized", cause: "A RAM role is missing (AliyunECSInstanceForEMRRole) or not authorized.", fix: "Create AliyunECSInstanceForEMRRole (console one-click authorization) or set network.ramRole to an existing role."},
	{marker: "dataDiskCount is not supported", cause: "Older instance families (g6, hfg6, ...) do not take a single cloud_essd data disk.",
		fix: "Use cloud_efficiency data disks or count 4 or more, or a newer family such as g8i."},
	{marker: "ApplicationConfigs missing item: HIVE", cause: "HIVE was selected without hive.metastore.type.",
		fix: "Set metastore.type in the spec (LOCAL for dev/test in NORMAL mode; USER_RDS or DLF otherwise)."},
	{marker: "hive.metastore.type is", cause: "Spark and Hive use different metastore types.", fix: "Let the spec's metastore block set both (it writes HIVE and SPARK configs together)."},
	{marker: "need 3 MASTER", cause: "HA clusters need exactly 3 MASTER nodes.", fix: "Set the MASTER node group's count to 3, or use deployMode NORMAL with 1 MASTER."},
	{marker: "need 1 MASTER", cause: "NORMAL clusters have exactly 1 MASTER node.", fix: "Set the MASTER node group's count to 1, or use deployMode HA with 3."},
	{marker: "need ZOOKEEPER", cause: "HA needs ZooKeeper for master failover.", fix: "Add ZOOKEEPER to applications."},
	{marker: "external Hive metastore", cause: "HA clusters cannot keep Hive metadata on one MASTER.", fix: "Use metastore.type USER_RDS (an RDS MySQL in the same VPC, port 3306 open to the cluster) or DLF."},
	{marker: "OSS_ROOT_URI", cause: "OSS-HDFS was selected without its bucket path.", fix: "Set ossHdfs.rootUri (oss://<bucket>.<region>.oss-dls.aliyuncs.com/) after enabling HDFS on the bucket."},
	{marker: "No space left", cause: "A disk filled up (system or data disk) and services on the nodes failed.",
		fix: "Free disk space or enlarge the data disks; move logs and data to OSS; then restart the failed services or replace the nodes."},
	{marker: "disk full", cause: "A disk filled up (system or data disk) and services on the nodes failed.",
		fix: "Free disk space or enlarge the data disks; move logs and data to OSS; then restart the failed services or replace the nodes."},
	{marker: "out of memory", cause: "Nodes ran out of memory (OOM) and services failed.",
		fix: "Move to an instance type with more memory or scale out so the load spreads; lower container memory settings (YARN, Spark) that oversubscribe."},
	{marker: "OutOfMemory", cause: "Nodes ran out of memory (OOM) and services failed.",
		fix: "Move to an instance type with more memory or scale out so the load spreads; lower container memory settings (YARN, Spark) that oversubscribe."},
	{marker: "arrears", cause: "The account is in arrears; pay-as-you-go clusters are released when the balance runs out.", fix: "Recharge the account, then create the cluster again (from 'emrctl cluster export')."},
	{code: "AccountException", cause: "The account is in arrears; pay-as-you-go clusters are released when the balance runs out.", fix: "Recharge the account, then create the cluster again (from 'emrctl cluster export')."},
	{code: "QuotaExceeded", cause: "An account or resource quota was reached.", fix: "Raise the quota in the console or use fewer or smaller nodes."},
	{code: "BootstrapFailure", cause: "A bootstrap script failed.", fix: "Check the script in your bucket and its logs; make it idempotent, or set failStrategy FAILED_CONTINUE."},
	{code: "NodeFailure", cause: "Nodes failed (disk full or out of memory are common).", fix: "Check the abnormal nodes ('emrctl node list <id> --state Stopped'); free disk space or use larger instance types."},
	{code: "ValidationFail", cause: "The cluster configuration was rejected while creating it.", fix: "Read the message, fix the spec, run 'emrctl cluster plan -f <spec>' and create again."},
}

// DiagnoseReason maps a state-change reason to its cause and fix.
func DiagnoseReason(r *provider.StateReason) *Diagnosis {
	if r == nil || (r.Code == "" && r.Message == "") || r.Code == "UserRequest" {
		return nil
	}
	for _, rule := range diagnosisRules {
		if (rule.code == "" || rule.code == r.Code) && (rule.marker == "" || strings.Contains(strings.ToLower(r.Message), strings.ToLower(rule.marker))) {
			return &Diagnosis{Code: r.Code, Message: r.Message, Cause: rule.cause, Fix: rule.fix, Check: rule.check}
		}
	}
	return &Diagnosis{Code: r.Code, Message: r.Message, Cause: "The cloud reported " + r.Code + ".", Fix: "Read the message; " + orText(provider.Advice(r.Code), "contact support with the cluster ID if it is unclear.")}
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
