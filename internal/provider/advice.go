package provider

import "strings"

// advice maps cloud error codes to what to do next (error-recovery.md and
// the SKILL error table). Keys match exactly, or as prefix up to a dot.
var advice = map[string]string{
	"Throttling":                          "The API rate limit was hit. emrctl retried with growing pauses (reads also slow their pace); wait about 30 s and run the command again.",
	"Throttling.User":                     "The API rate limit was hit. emrctl retried with growing pauses (reads also slow their pace); wait about 30 s and run the command again.",
	"Throttling.Api":                      "The API rate limit was hit. emrctl retried with growing pauses (reads also slow their pace); wait about 30 s and run the command again.",
	"InvalidRegionId":                     "Check the region ID spelling: use cn-hangzhou, not hangzhou. List regions with 'emrctl prereq check --region <id>'.",
	"ClusterNotFound":                     "The cluster ID is unknown in this region. Find the right ID with 'emrctl cluster list' (and check --region).",
	"InvalidClusterId":                    "The cluster ID is unknown in this region. Find the right ID with 'emrctl cluster list' (and check --region).",
	"NodeGroupNotFound":                   "The node group ID is unknown. List node groups with 'emrctl nodegroup list <cluster-id>'.",
	"IncompleteSignature":                 "The request signature is incomplete: check the credentials with 'emrctl config show' (AccessKey ID and secret).",
	"SignatureDoesNotMatch":               "The AccessKey secret does not match the AccessKey ID: check the credentials with 'emrctl config show'.",
	"InvalidAccessKeyId":                  "The AccessKey ID is unknown or disabled: check the credentials with 'emrctl config show'.",
	"InvalidAccessKeyId.NotFound":         "The AccessKey ID is unknown or disabled: check the credentials with 'emrctl config show'.",
	"CredentialsUnavailable":              "No credentials were found: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or name a profile of ~/.aliyun/config.json with 'emrctl config set-profile NAME --credential-profile P'; on ECS, attach a RAM role.",
	"InvalidTimeStamp.Expired":            "The request was signed with a clock more than 15 minutes off: fix the system clock (NTP).",
	"Forbidden.RAM":                       "The RAM user lacks the permission named in the message. Ask your administrator to grant that action (see the RAM policies of EMR; for Serverless Spark, AliyunEMRServerlessSparkFullAccess or AliyunEMRServerlessSparkDeveloperAccess).",
	"OperationDenied.ClusterStatus":       "The cluster's state does not allow this now. Check it with 'emrctl cluster get <id>' and wait for RUNNING ('emrctl cluster wait <id>').",
	"OperationDenied.InsufficientBalance": "The account balance is too low. Recharge the account, then retry.",
	"ConcurrentModification":              "The node group is still INCREASING or DECREASING from an earlier scaling call (this can take 15+ minutes). Wait for RUNNING with 'emrctl nodegroup get', then retry.",
	"InvalidParameter":                    "A parameter is wrong: read the field named in the message, fix it in the spec or flags, then retry once. Do not retry unchanged.",
	"MissingParameter":                    "A required parameter is missing: add the field named in the message (some are required though documented as optional, e.g. NodeAttributes.ZoneId, ListInstanceTypes' ZoneId/ClusterType/PaymentType/NodeGroupType).",
	"MissingVpcId":                        "NodeAttributes needs VpcId, ZoneId and SecurityGroupId: set network.vpcId in the spec.",
	"MissingZoneId":                       "A zone is required: for a cluster set network.zoneId in the spec (the zone of your vSwitch); ListInstanceTypes needs it too ('emrctl discover instance-types --zone <zone> ...').",
	"MissingClusterType":                  "ListInstanceTypes needs ZoneId, ClusterType, PaymentType and NodeGroupType though its docs mark them optional: use 'emrctl discover instance-types --zone <zone> --type <type> --payment <payment> --role <role>'.",
	"MissingPaymentType":                  "ListInstanceTypes needs ZoneId, ClusterType, PaymentType and NodeGroupType though its docs mark them optional: use 'emrctl discover instance-types --zone <zone> --type <type> --payment <payment> --role <role>'.",
	"MissingNodeGroupType":                "ListInstanceTypes needs ZoneId, ClusterType, PaymentType and NodeGroupType though its docs mark them optional: use 'emrctl discover instance-types --zone <zone> --type <type> --payment <payment> --role <role>'.",
	"InvalidZoneId.NotFound":              "The zone is not in this region: take the zone of your vSwitch ('emrctl prereq check --vpc <vpc-id>' lists vSwitches and zones).",
	"InvalidVpcId.NotFound":               "The VPC does not exist in this region: list the region's VPCs with 'emrctl prereq check' (and check --region).",
	"InvalidVSwitchId.NotFound":           "The vSwitch does not exist in this region: list the VPC's vSwitches with 'emrctl prereq check --vpc <vpc-id>'.",
	"InvalidSecurityGroupId.NotFound":     "The security group does not exist in this region: list the VPC's normal security groups with 'emrctl prereq check --vpc <vpc-id>'.",
	"InvalidKeyPairName.NotFound":         "The key pair does not exist in this region: list key pairs with 'emrctl prereq check'.",
	"InvalidInstanceType.NotFound":        "The instance type is unknown here: list the valid ones with 'emrctl discover instance-types'.",
	"InvalidAction.NotFound":              "The API name is wrong (e.g. ListClusterVersions for ListReleaseVersions, GetInstanceTypes for ListInstanceTypes, DescribeClusters for ListClusters). emrctl calls the right ones; if you see this, the endpoint may not be EMR 2021-03-20.",
	"ScalingActivityNotFound":             "The scaling activity ID is unknown for this cluster: list them with 'emrctl autoscaling activities <cluster-id>'.",
	"OperationNotFound":                   "The operation ID is unknown for this cluster: it may belong to another cluster or region.",
	"Forbidden":                           "The caller lacks a permission: read the action in the message and ask your administrator to grant it.",
	"EntityNotExist.Role":                 "The RAM role does not exist: create AliyunECSInstanceForEMRRole (the console's one-click EMR authorization) or name an existing role in network.ramRole.",
	"MissingSecurityGroupId":              "NodeAttributes needs VpcId, ZoneId and SecurityGroupId: set network.securityGroupId (a normal, not enterprise, security group).",
	"QuotaExceeded":                       "A quota was reached: check the account quotas in the console, or try a smaller instance type.",
	"ResourceNotEnough":                   "The instance type is out of stock in this zone: try another instance type or zone (a vSwitch in another zone), or lower the count (MinIncreaseNodeCount allows partial success).",
	"InvalidResourceType.NotSupported":    "The instance type is not offered here: list the valid ones with 'emrctl discover instance-types'.",
	"IdempotentParameterMismatch":         "The client token was reused with different parameters. emrctl reuses a token only for the identical request; run the command again to get a new token.",
	"OperationDenied":                     "The operation is not allowed in the resource's current state: check its state and wait, or read the message for the rule (a Serverless Spark workspace accepts queue changes and jobs only once RUNNING, 1-3 minutes after creation).",
	"OperationDenied.NodeGroupType":       "This node group's type does not support the operation (for example DecreaseNodes works only on TASK groups; MASTER groups cannot scale).",
	"OperationDenied.Subscription":        "Subscription nodes cannot be released through the API: use the ECS console to unsubscribe, or wait for expiry without renewal.",
	"OperationDenied.DeletionProtection":  "Deletion protection is on. Turning it off is a separate, deliberate step.",
	"ServiceUnavailable":                  "The service is temporarily unavailable. For reads, retry shortly; for writes, emrctl checks the state before any retry.",
	"InternalError":                       "The service failed internally. Retry later; if it persists, contact support with the request ID.",
	"ScalingPolicyNotFound":               "The node group has no auto scaling policy.",
	"RequestTimeout":                      "No answer in time. For a write the outcome is unknown: emrctl reconciles from the cluster state before retrying (see 'emrctl audit list').",
	"MissingParameter.regionId":           "Serverless Spark needs the region in the URL of writes (?regionId=): emrctl sends the profile's region; pass --region (e.g. cn-hangzhou) if none is set.",
	"UnSupportedOperator":                 "The queues of a Serverless Spark workspace together would exceed the workspace's CU limit: scale another queue down first, or raise the workspace's CU.",
	"Error.Internal":                      "The service failed internally. Right after another queue change this means the previous change is still being applied: wait 5-10 s between queue changes, then retry; otherwise retry later with the request ID at hand.",
	"ResourceNotFound":                    "The file or resource does not exist. A Spark job that failed at startup may have no log files: read the run's state reason instead (job run details); logs of a running job are on its Spark UI link.",
	"WorkspaceNotFound":                   "The Serverless Spark workspace ID is unknown in this region: list the region's workspaces to find the right ID (and check --region).",
	"ValidationException":                 "AWS rejected a parameter: read the message, fix the spec or flags, then retry once.",
	"InvalidRequestException":             "AWS rejected the request: read the message for the field, fix it, then retry once.",
	"ThrottlingException":                 "The AWS API rate limit was hit; wait a little and retry.",
	"AccessDeniedException":               "The IAM identity lacks a permission: read the message for the action and ask your administrator.",
	"ResourceNotFoundException":           "The resource does not exist in this region: list them to find the right ID.",
}

// Advice returns what to do about an error code, or "".
func Advice(code string) string {
	if a, ok := advice[code]; ok {
		return a
	}
	for c := code; strings.Contains(c, "."); {
		c = c[:strings.LastIndex(c, ".")]
		if a, ok := advice[c]; ok {
			return a
		}
	}
	if strings.HasPrefix(code, "Missing") {
		return advice["MissingParameter"]
	}
	if strings.HasPrefix(code, "Invalid") {
		return advice["InvalidParameter"]
	}
	return ""
}
