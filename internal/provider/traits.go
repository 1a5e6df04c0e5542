package provider

import "github.com/emrctl/emrctl/internal/validate"

// Traits describe a cloud's vocabulary: what the engine must know about
// identifiers, states and wording without asking which cloud it talks to.
type Traits struct {
	// Name is the provider's name (Aliyun, AWS); Cloud is how messages
	// name the cloud ("Alibaba Cloud", "AWS").
	Name   string
	Cloud  string
	Region string
	// CheckClusterID, CheckNodeGroupID and CheckNodeID validate an
	// identifier before anything is sent (nil: any non-empty text).
	CheckClusterID   func(field, id string) *validate.Error
	CheckNodeGroupID func(field, id string) *validate.Error
	CheckNodeID      func(field, id string) *validate.Error
	// ClusterStateNames maps the names list filters accept (active,
	// failed, ...) to the cloud's cluster states.
	ClusterStateNames map[string][]string
	// ClusterWait declares the states a wait for target passes through
	// ("" waits for the cluster to be up).
	ClusterWait func(target string) WaitSpec
	// NodeGroupBusy lists the states of a node group that is still
	// changing (another resize meanwhile is refused); NodeGroupIdle the
	// states it settles in.
	NodeGroupBusy []string
	NodeGroupIdle []string
	// NodeStates are the node states list filters accept, in lifecycle
	// order; AbnormalNodeStates those a health check looks for.
	NodeStates         []string
	AbnormalNodeStates []string
	// NodeGroupRoles are the roles of node groups (MASTER, CORE, TASK...).
	NodeGroupRoles []string
	// ClusterTypes and PaymentTypes are the cloud's cluster types
	// (DATALAKE, ...) and billing methods, where it has such choices.
	ClusterTypes []string
	PaymentTypes []string
	// InstanceTypeQuery lists the InstanceTypeQuery fields the cloud
	// needs (by their JSON names: zoneId, clusterType, paymentType,
	// nodeGroupType, releaseVersion), documented as optional or not.
	InstanceTypeQuery []string
	// Attributes lists the cluster attributes AttributeUpdater changes:
	// "name", "description", "deletionProtection".
	Attributes []string
	// Console is where people do what emrctl refuses to do.
	Console string
}

// Attribute names of Traits.Attributes.
const (
	AttrName               = "name"
	AttrDescription        = "description"
	AttrDeletionProtection = "deletionProtection"
)

// NodePhase is where a node is in its life, in words every cloud shares;
// the cloud's own state stays in Node.State for display.
type NodePhase string

// Node phases.
const (
	PhasePending   NodePhase = "pending"   // being created or booting
	PhaseRunning   NodePhase = "running"   // serving
	PhaseStopped   NodePhase = "stopped"   // exists but down (abnormal)
	PhaseReleasing NodePhase = "releasing" // being released
	PhaseReleased  NodePhase = "released"  // gone
)

// Live reports whether a node counts towards its group: not being
// released and not gone. A node whose adapter set no phase counts.
func (n Node) Live() bool { return n.Phase != PhaseReleasing && n.Phase != PhaseReleased }

// Cluster states, in the words both clouds use (Alibaba adds START_FAILED
// and TERMINATE_FAILED, AWS adds WAITING).
const (
	ClusterStarting             = "STARTING"
	ClusterBootstrapping        = "BOOTSTRAPPING"
	ClusterRunning              = "RUNNING"
	ClusterWaiting              = "WAITING"
	ClusterStartFailed          = "START_FAILED"
	ClusterTerminating          = "TERMINATING"
	ClusterTerminated           = "TERMINATED"
	ClusterTerminatedWithErrors = "TERMINATED_WITH_ERRORS"
	ClusterTerminateFailed      = "TERMINATE_FAILED"
)
