package policy

import (
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/safetext"
)

// Node group roles, as the APIs spell them.
const (
	RoleMaster = "MASTER"
	RoleCore   = "CORE"
	RoleTask   = "TASK"
)

// Payment types, as the Alibaba APIs spell them.
const (
	PaymentSubscription = "Subscription"
	PaymentPayAsYouGo   = "PayAsYouGo"
)

// Providers, as profiles name them.
const (
	ProviderAliyun  = "aliyun"
	ProviderSandbox = "sandbox"
	ProviderAWS     = "aws"
)

// Auto-scaling rule trigger and activity types.
const (
	TriggerMetrics = "METRICS_TRIGGER"
	TriggerTime    = "TIME_TRIGGER"
	ScaleOut       = "SCALE_OUT"
	ScaleIn        = "SCALE_IN"
)

// Job kinds of SubmitJob.
const (
	JobSpark   = "spark"
	JobPySpark = "pyspark"
	JobHive    = "hive"
	JobSQL     = "sql"
	JobJar     = "jar"
	JobCommand = "command"
)

// isRole compares roles without regard to case, since providers differ.
func isRole(role, want string) bool { return strings.EqualFold(role, want) }

// GroupCount is one node group of a cluster to create.
type GroupCount struct {
	// Name is the node group name (free text: only shown).
	Name string
	// Role is MASTER, CORE, TASK or GATEWAY.
	Role string
	// Count is the number of nodes.
	Count int
	// Spot says the group (or AWS instance fleet) has spot instances,
	// which the cloud may reclaim at any time.
	Spot bool
}

// CreateCluster creates a cluster (RunCluster or CreateCluster on Alibaba
// Cloud, RunJobFlow on AWS).
type CreateCluster struct {
	Region      string
	ClusterName string
	// PaymentType is the billing method where the cloud has a choice
	// (Alibaba); empty where it has none (AWS bills per second of use).
	PaymentType string
	// SubscriptionMonths is the subscription term; 0 for pay-as-you-go.
	SubscriptionMonths int
	Groups             []GroupCount
}

// API returns "CreateCluster".
func (CreateCluster) API() string { return "CreateCluster" }

// Target returns the new cluster's name and region.
func (o CreateCluster) Target() string { return newName("cluster", o.ClusterName, o.Region) }

func (o CreateCluster) target() safetext.Text {
	if o.Region == "" {
		return safetext.F("new cluster %s", o.ClusterName)
	}
	return safetext.F("new cluster %s in %s", o.ClusterName, safetext.ID(o.Region))
}

// CreateNodeGroup adds a node group to a cluster.
type CreateNodeGroup struct {
	ClusterID   string
	Name        string
	Role        string
	PaymentType string
	// Count is the new group's node count.
	Count int
	// ClusterNodes is the cluster's node count now.
	ClusterNodes int
}

// API returns "CreateNodeGroup".
func (CreateNodeGroup) API() string { return "CreateNodeGroup" }

// Target returns the cluster ID.
func (o CreateNodeGroup) Target() string { return o.ClusterID }

func (o CreateNodeGroup) target() safetext.Text { return safetext.ID(o.ClusterID) }

// IncreaseNodes adds nodes to a node group.
type IncreaseNodes struct {
	ClusterID   string
	NodeGroupID string
	Role        string
	// Count is the number of nodes to add; MinCount the least that counts as
	// success (0: all of them).
	Count, MinCount int
	// GroupNodes and ClusterNodes are the node counts now.
	GroupNodes, ClusterNodes int
	// SubscriptionMonths is the term of new subscription nodes; 0 for
	// pay-as-you-go.
	SubscriptionMonths int
}

// API returns "IncreaseNodes".
func (IncreaseNodes) API() string { return "IncreaseNodes" }

// Target returns the cluster and node group IDs.
func (o IncreaseNodes) Target() string { return o.ClusterID + "/" + o.NodeGroupID }

func (o IncreaseNodes) target() safetext.Text { return groupTarget(o.ClusterID, o.NodeGroupID) }

// DecreaseNodes releases nodes of a node group.
type DecreaseNodes struct {
	ClusterID        string
	NodeGroupID      string
	Role             string
	GroupPaymentType string
	// NodeIDs are the nodes to release.
	NodeIDs []string
	// VerifiedNodeIDs are the IDs ListNodes found in this node group.
	VerifiedNodeIDs []string
	// SubscriptionNodeIDs are the nodes of the group billed by subscription.
	SubscriptionNodeIDs []string
	// GroupNodes is the number of nodes running in the group now.
	GroupNodes int
	// BatchSize is the number of nodes each call releases; the engine
	// releases NodeIDs in ceil(len/BatchSize) calls, BatchInterval apart.
	BatchSize     int
	BatchInterval time.Duration
	// WallInterval is how long the engine really waits between batches
	// when it differs from BatchInterval (a sandbox whose clock runs
	// faster); zero means the same.
	WallInterval time.Duration
	// AckZero: the person acknowledged that the group goes to zero nodes.
	AckZero bool
	// ByCount: the user asked for a number of nodes and the engine chose
	// NodeIDs among the verified ones.
	ByCount bool
}

// API returns "DecreaseNodes".
func (DecreaseNodes) API() string { return "DecreaseNodes" }

// Target returns the cluster and node group IDs.
func (o DecreaseNodes) Target() string { return o.ClusterID + "/" + o.NodeGroupID }

func (o DecreaseNodes) target() safetext.Text { return groupTarget(o.ClusterID, o.NodeGroupID) }

// Rule is one auto-scaling rule.
type Rule struct {
	// Name is the rule name (free text: only shown).
	Name string
	// TriggerType is METRICS_TRIGGER or TIME_TRIGGER.
	TriggerType string
	// ActivityType is SCALE_OUT or SCALE_IN.
	ActivityType string
	// Adjustment is the number of nodes added or removed.
	Adjustment int
	// CoolDownSeconds is the rule's cooldown; HasCoolDown says whether one
	// was given.
	CoolDownSeconds int
	HasCoolDown     bool
}

// PolicySnapshot is an auto-scaling policy as GetAutoScalingPolicy returns it.
type PolicySnapshot struct {
	MinCapacity, MaxCapacity int
	Rules                    []Rule
}

// PutAutoScalingPolicy replaces the auto-scaling policy of a node group.
type PutAutoScalingPolicy struct {
	ClusterID   string
	NodeGroupID string
	Role        string
	MinCapacity int
	MaxCapacity int
	Rules       []Rule
	// Current is the policy in place now; nil when there is none.
	Current *PolicySnapshot
	// Diff shows what changes against Current, prepared by the engine as
	// lines (safetext.Lines) whose rule fields are data.
	Diff safetext.Text
}

// API returns "PutAutoScalingPolicy".
func (PutAutoScalingPolicy) API() string { return "PutAutoScalingPolicy" }

// Target returns the cluster and node group IDs.
func (o PutAutoScalingPolicy) Target() string { return o.ClusterID + "/" + o.NodeGroupID }

func (o PutAutoScalingPolicy) target() safetext.Text { return groupTarget(o.ClusterID, o.NodeGroupID) }

// RemoveAutoScalingPolicy removes the auto-scaling policy of a node group.
type RemoveAutoScalingPolicy struct {
	ClusterID   string
	NodeGroupID string
	// Current is the policy in place now; nil when there is none.
	Current *PolicySnapshot
}

// API returns "RemoveAutoScalingPolicy".
func (RemoveAutoScalingPolicy) API() string { return "RemoveAutoScalingPolicy" }

// Target returns the cluster and node group IDs.
func (o RemoveAutoScalingPolicy) Target() string { return o.ClusterID + "/" + o.NodeGroupID }

func (o RemoveAutoScalingPolicy) target() safetext.Text {
	return groupTarget(o.ClusterID, o.NodeGroupID)
}

// UpdateClusterAttribute renames a cluster, changes its description or
// switches its deletion protection.
type UpdateClusterAttribute struct {
	ClusterID  string
	Rename     bool
	Redescribe bool
	// DeletionProtection is the requested setting; nil leaves it alone.
	DeletionProtection *bool
	// CurrentProtection is the setting now.
	CurrentProtection bool
}

// API returns "UpdateClusterAttribute".
func (UpdateClusterAttribute) API() string { return "UpdateClusterAttribute" }

// Target returns the cluster ID.
func (o UpdateClusterAttribute) Target() string { return o.ClusterID }

func (o UpdateClusterAttribute) target() safetext.Text { return safetext.ID(o.ClusterID) }

// UpdateAutoRenew switches auto-renewal of a subscription cluster.
type UpdateAutoRenew struct {
	ClusterID string
	Enable    bool
	// Months is the renewal term.
	Months            int
	RenewAllInstances bool
}

// API returns "UpdateClusterAutoRenew".
func (UpdateAutoRenew) API() string { return "UpdateClusterAutoRenew" }

// Target returns the cluster ID.
func (o UpdateAutoRenew) Target() string { return o.ClusterID }

func (o UpdateAutoRenew) target() safetext.Text { return safetext.ID(o.ClusterID) }

// DeleteCluster releases a cluster: Alibaba DeleteCluster, AWS
// TerminateJobFlows, or deleting an EMR Serverless application.
type DeleteCluster struct {
	// Provider is "aliyun", "sandbox" or "aws".
	Provider    string
	ClusterID   string
	ClusterName string
	// Serverless: the target is an EMR Serverless application.
	Serverless            bool
	DeletionProtection    bool
	TerminationProtection bool
}

// API returns the provider's API name.
func (o DeleteCluster) API() string {
	switch {
	case o.Provider == ProviderAWS && o.Serverless:
		return "DeleteApplication"
	case o.Provider == ProviderAWS:
		return "TerminateJobFlows"
	}
	return "DeleteCluster"
}

// Target returns the cluster ID.
func (o DeleteCluster) Target() string { return o.ClusterID }

func (o DeleteCluster) target() safetext.Text { return safetext.ID(o.ClusterID) }

// SubmitJob submits a job: a step on a cluster or a job run in a
// workspace or application.
type SubmitJob struct {
	Provider string
	// TargetID is the cluster, workspace or application ID.
	TargetID string
	// Kind is spark, pyspark, hive, sql, jar or command.
	Kind string
	// CodeURIs are the locations of the job's code and files.
	CodeURIs []string
	// OwnBuckets are the user's own buckets from the configuration; they
	// add to the policy's OwnBuckets.
	OwnBuckets []string
	// SparkSubmit is the equivalent spark-submit command, for the summary.
	SparkSubmit string
}

// API returns the provider's API name.
func (o SubmitJob) API() string {
	if o.Provider == ProviderAWS && strings.HasPrefix(o.TargetID, "j-") {
		return "AddJobFlowSteps"
	}
	return "StartJobRun"
}

// Target returns the cluster, workspace or application ID.
func (o SubmitJob) Target() string { return o.TargetID }

func (o SubmitJob) target() safetext.Text { return safetext.ID(o.TargetID) }

// CancelJob cancels a running step or job run.
type CancelJob struct {
	Provider string
	// TargetID is the step or job run, e.g. "w-…/jr-…".
	TargetID string
}

// API returns the provider's API name.
func (o CancelJob) API() string {
	if o.Provider == ProviderAWS && strings.HasPrefix(o.TargetID, "j-") {
		return "CancelSteps"
	}
	return "CancelJobRun"
}

// Target returns the step or job run.
func (o CancelJob) Target() string { return o.TargetID }

func (o CancelJob) target() safetext.Text { return safetext.ID(o.TargetID) }

// groupTarget shows a cluster and node group ID as one target, each
// quoted on its own when it is not plainly an ID.
func groupTarget(clusterID, nodeGroupID string) safetext.Text {
	return safetext.F("%s/%s", safetext.ID(clusterID), safetext.ID(nodeGroupID))
}
