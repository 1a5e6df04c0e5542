package engine

import (
	"slices"
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

// diagnosisRule maps a state-change reason to its cause and fix. Rules
// match the reason's code. A marker, matched in the message ignoring case,
// is kept only where the reference documents the exact text the service
// writes (quoted next to the rule): messages are free text, and a cloud's
// wording, or the emulator's, is no contract. The first matching rule
// wins, so marker rules come first.
type diagnosisRule struct {
	code, marker      string
	cause, fix, check string
}

// Causes and fixes shared by several codes.
const (
	stockCause = "The instance type is out of stock in the zone."
	stockFix   = "Pick another instance type (list them with 'emrctl discover instance-types --zone <zone> --role <role>') or another zone; " +
		"add several instanceTypes to the node group."
	balanceCause = "The account balance is too low to buy the instances."
	balanceFix   = "Recharge the account, then create the cluster again (from 'emrctl cluster export <id>')."
	ramRoleCause = "A RAM role the cluster needs is missing (the nodes use AliyunECSInstanceForEMRRole by default) or not authorized."
	ramRoleFix   = "Create AliyunECSInstanceForEMRRole (the console's one-click authorization for EMR) or set network.ramRole to an existing role, " +
		"then create the cluster again."
)

var diagnosisRules = []diagnosisRule{
	// SKILL.md, "Required Configuration for Cluster Creation", item 4:
	// "some instance specs (like `ecs.g6`, `ecs.hfg6` etc. older series)
	// data disks don't support `cloud_essd` + `Count=1` (reports
	// `dataDiskCount is not supported`)".
	{marker: "dataDiskCount is not supported", cause: "Older instance families (g6, hfg6, ...) do not take a single cloud_essd data disk.",
		fix: "Use cloud_efficiency data disks or count 4 or more, or a newer family such as g8i."},
	// SKILL.md, "Required Configuration for Cluster Creation", item 2:
	// "When HIVE component is selected, must set Hive's
	// `hive.metastore.type` in ApplicationConfigs via
	// `hivemetastore-site.xml`——otherwise reports `ApplicationConfigs
	// missing item`".
	{marker: "ApplicationConfigs missing item", cause: "A selected application lacks a configuration item it needs (HIVE needs hive.metastore.type).",
		fix: "Set metastore.type in the spec (LOCAL for dev/test in NORMAL mode; USER_RDS or DLF otherwise) and, for OSS-HDFS, ossHdfs.rootUri; " +
			"check it with 'emrctl cluster plan -f <spec>' and create again."},

	// Codes the reference names: SKILL.md "Error Handling"
	// (OperationDenied.InsufficientBalance: "Account balance insufficient")
	// and error-recovery.md "Category 4: Resource Constraints" ("Symptoms:
	// `QuotaExceeded`, `ResourceNotEnough`, `InvalidResourceType.NotSupported`").
	{code: "OperationDenied.InsufficientBalance", cause: balanceCause, fix: balanceFix},
	{code: "ResourceNotEnough", cause: stockCause, fix: stockFix, check: "emrctl discover instance-types"},
	{code: "InvalidResourceType.NotSupported", cause: "An instance type is not offered for this node group in the zone.",
		fix: "Choose from 'emrctl discover instance-types --zone <zone> --type <type> --payment <payment> --role <role>'.", check: "emrctl discover instance-types"},
	{code: "QuotaExceeded", cause: "An account or resource quota was reached (instances, or the free IP addresses of a vSwitch).",
		fix: "Raise the quota in the console, use a vSwitch with more free addresses, or use fewer or smaller nodes.", check: "emrctl prereq check"},

	// Codes the sandbox gives its START_FAILED and TERMINATED_WITH_ERRORS
	// clusters (internal/emulator); the reference names no codes for
	// these causes.
	{code: "ValidationFail", cause: "The service rejected the cluster's configuration while creating it; the message names what it rejected.",
		fix: "Fix what the message names in the spec; 'emrctl cluster diagnose' checks the cluster's network again and " +
			"'emrctl cluster plan -f <spec>' checks a spec before it is created.", check: "emrctl prereq check"},
	{code: "OutOfStock", cause: stockCause, fix: stockFix, check: "emrctl discover instance-types"},
	{code: "NotAuthorized", cause: ramRoleCause, fix: ramRoleFix},
	{code: "AccountException", cause: "The account is in arrears; pay-as-you-go clusters are released when the balance runs out.", fix: balanceFix},

	// AWS EMR's ClusterStateChangeReason codes.
	{code: "VALIDATION_ERROR", cause: "AWS EMR rejected the cluster's configuration; the message names what it rejected.",
		fix: "Fix what the message names in the spec, check it with 'emrctl cluster plan -f <spec>' and create again."},
	{code: "BOOTSTRAP_FAILURE", cause: "A bootstrap action failed on a node.",
		fix: "Read the bootstrap action's logs (under the cluster's log URI in S3), fix the script in your bucket and create again."},
	{code: "INSTANCE_FAILURE", cause: "Instances of the cluster failed.",
		fix: "Read the message and the instance logs; a full disk or too little memory are common causes: use larger instance types or more storage."},
	{code: "INSTANCE_FLEET_TIMEOUT", cause: "An instance fleet did not get its capacity in time.",
		fix: "Add instance types or subnets (Availability Zones) to the fleet, or raise its provisioning timeout."},
	{code: "STEP_FAILURE", cause: "A step failed, and its action on failure ended the cluster.",
		fix: "Read the step's logs ('emrctl step list <id>'), fix the step, and use ActionOnFailure CONTINUE for steps the cluster should survive."},
	{code: "INTERNAL_ERROR", cause: "AWS EMR failed internally.", fix: "Create the cluster again; if it persists, contact AWS support with the cluster ID."},
}

// notFailures are the codes of state changes that are no failure: a
// release someone asked for (the sandbox's UserRequest, AWS's
// USER_REQUEST) or a cluster that ended after its last step.
var notFailures = []string{"UserRequest", "USER_REQUEST", "ALL_STEPS_COMPLETED"}

// userEnded reports whether a state-change reason is no failure.
func userEnded(r *provider.StateReason) bool {
	return r != nil && slices.Contains(notFailures, r.Code)
}

// DiagnoseReason maps a state-change reason to its cause and fix; a
// reason that is no failure gets none.
func DiagnoseReason(r *provider.StateReason) *Diagnosis {
	if r == nil || (r.Code == "" && r.Message == "") || userEnded(r) {
		return nil
	}
	for _, rule := range diagnosisRules {
		if rule.matches(r) {
			return &Diagnosis{Code: r.Code, Message: r.Message, Cause: rule.cause, Fix: rule.fix, Check: rule.check}
		}
	}
	return &Diagnosis{Code: r.Code, Message: r.Message, Cause: "The cloud reported " + orText(r.Code, "a failure") + ".",
		Fix: "Read the message; " + orText(provider.Advice(r.Code), "contact support with the cluster ID if it is unclear.")}
}

func (rule diagnosisRule) matches(r *provider.StateReason) bool {
	if rule.marker != "" {
		return strings.Contains(strings.ToLower(r.Message), strings.ToLower(rule.marker))
	}
	return rule.code == r.Code
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
