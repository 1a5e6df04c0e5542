package aliyun

import (
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// Cluster states of EMR on ECS (ClusterState).
const (
	StateStarting             = provider.ClusterStarting
	StateBootstrapping        = provider.ClusterBootstrapping
	StateRunning              = provider.ClusterRunning
	StateStartFailed          = provider.ClusterStartFailed
	StateTerminating          = provider.ClusterTerminating
	StateTerminated           = provider.ClusterTerminated
	StateTerminatedWithErrors = provider.ClusterTerminatedWithErrors
	StateTerminateFailed      = provider.ClusterTerminateFailed
)

// Node states (NodeState).
const (
	nodePending    = "Pending"
	nodeStarting   = "Starting"
	nodeRunning    = "Running"
	nodeStopping   = "Stopping"
	nodeStopped    = "Stopped"
	nodeTerminated = "Terminated"
)

// Traits implements provider.Provider.
func (p *Provider) Traits() provider.Traits {
	return provider.Traits{
		Name:   provider.Aliyun,
		Cloud:  "Alibaba Cloud",
		Region: p.Region(),
		CheckClusterID: func(field, id string) *validate.Error {
			return validate.ID(validate.ClusterID, field, id)
		},
		CheckNodeGroupID: func(field, id string) *validate.Error {
			return validate.ID(validate.NodeGroupID, field, id)
		},
		CheckNodeID: func(field, id string) *validate.Error {
			return validate.ID(validate.NodeID, field, id)
		},
		ClusterStateNames: map[string][]string{
			"active":     {StateStarting, StateBootstrapping, StateRunning},
			"starting":   {StateStarting, StateBootstrapping},
			"running":    {StateRunning},
			"failed":     {StateStartFailed, StateTerminatedWithErrors, StateTerminateFailed},
			"terminated": {StateTerminating, StateTerminated, StateTerminatedWithErrors},
		},
		ClusterWait:   clusterWait,
		NodeGroupBusy: []string{"INCREASING", "DECREASING", "CREATING", "RESIZING"},
		NodeGroupIdle: []string{"RUNNING"},
		NodeStates:    []string{nodePending, nodeStarting, nodeRunning, nodeStopping, nodeStopped, nodeTerminated},
		// operations.md: "list-nodes --node-states Stopped Terminated".
		AbnormalNodeStates: []string{nodeStopped, nodeTerminated},
		NodeGroupRoles:     spec.NodeRole("").Values(),
		ClusterTypes:       spec.ClusterType("").Values(),
		PaymentTypes:       spec.PaymentType("").Values(),
		// ListInstanceTypes fails without them, though its documentation
		// marks them optional (error-recovery.md, category 3).
		InstanceTypeQuery: []string{"zoneId", "clusterType", "paymentType", "nodeGroupType"},
		Attributes:        []string{provider.AttrName, provider.AttrDescription, provider.AttrDeletionProtection},
		Console:           "the EMR console (https://emr.console.aliyun.com)",
	}
}

// clusterWait declares the states a wait for target passes through. A
// cluster being released may still show RUNNING (or any live state) for a
// while after DeleteCluster: for TERMINATED those are pending, not failures.
func clusterWait(target string) provider.WaitSpec {
	switch target {
	case "", StateRunning:
		return provider.WaitSpec{
			Pending: []string{StateStarting, StateBootstrapping},
			Target:  []string{StateRunning},
			Failed:  []string{StateStartFailed, StateTerminating, StateTerminated, StateTerminatedWithErrors, StateTerminateFailed},
		}
	case StateTerminated:
		return provider.WaitSpec{
			Pending: []string{StateStarting, StateBootstrapping, StateRunning, StateTerminating},
			Target:  []string{StateTerminated},
			Failed:  []string{StateTerminateFailed, StateTerminatedWithErrors},
			Gone:    true,
		}
	}
	return provider.WaitSpec{Target: []string{target}}
}

// nodePhase says where a node is in the words every cloud shares.
func nodePhase(state string) provider.NodePhase {
	switch state {
	case nodePending, nodeStarting:
		return provider.PhasePending
	case nodeRunning:
		return provider.PhaseRunning
	case nodeStopped:
		return provider.PhaseStopped
	case nodeStopping:
		return provider.PhaseReleasing
	case nodeTerminated:
		return provider.PhaseReleased
	}
	return ""
}
