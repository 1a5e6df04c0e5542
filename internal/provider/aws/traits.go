package aws

import (
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Instance group states of EMR on EC2 that the engine waits through or
// settles in.
const (
	groupProvisioning  = "PROVISIONING"
	groupBootstrapping = "BOOTSTRAPPING"
	groupRunning       = "RUNNING"
	groupResizing      = "RESIZING"
	groupReconfiguring = "RECONFIGURING"
)

// Instance group roles (InstanceGroupType, InstanceFleetType).
const (
	roleMaster = "MASTER"
	roleCore   = "CORE"
	roleTask   = "TASK"
)

// Console is where people do what emrctl refuses to do.
const Console = "the AWS EMR console (https://console.aws.amazon.com/emr)"

// Traits implements provider.Provider.
func (p *Provider) Traits() provider.Traits {
	return provider.Traits{
		Name:   provider.AWS,
		Cloud:  "AWS",
		Region: p.region,
		CheckClusterID: func(field, id string) *validate.Error {
			return validate.ID(validate.AWSClusterID, field, id)
		},
		CheckNodeGroupID: checkGroupID,
		CheckNodeID:      checkInstanceID,
		// WAITING is a running cluster with no step to run: it is up, so
		// "running" and "active" include it; "run" in 'emrctl aws list'
		// (and the state RUNNING itself) does not.
		ClusterStateNames: map[string][]string{
			"active":     {StateStarting, StateBootstrapping, StateRunning, StateWaiting},
			"starting":   {StateStarting, StateBootstrapping},
			"running":    {StateRunning, StateWaiting},
			"waiting":    {StateWaiting},
			"failed":     {StateTerminatedWithErrors},
			"terminated": {StateTerminating, StateTerminated, StateTerminatedWithErrors},
		},
		ClusterWait:   clusterWait,
		NodeGroupBusy: []string{groupProvisioning, groupBootstrapping, groupResizing, groupReconfiguring},
		NodeGroupIdle: []string{groupRunning},
		NodeStates: []string{provider.AWSInstanceAwaitingFulfillment, provider.AWSInstanceProvisioning,
			provider.AWSInstanceBootstrapping, provider.AWSInstanceRunning, provider.AWSInstanceTerminated},
		AbnormalNodeStates: []string{provider.AWSInstanceTerminated},
		NodeGroupRoles:     []string{roleMaster, roleCore, roleTask},
		// ListSupportedInstanceTypes needs the release label only.
		InstanceTypeQuery: []string{"releaseVersion"},
		// Termination protection is EMR's deletion protection; RunJobFlow
		// sets the name and description, nothing changes them later.
		Attributes: []string{provider.AttrDeletionProtection},
		Console:    Console,
	}
}

// clusterWait declares the states a wait for target passes through. A
// RUNNING cluster with no step to run is WAITING: both count as up. A
// cluster being terminated may show RUNNING or WAITING for a while; a
// transient cluster runs its steps first: for TERMINATED those are pending.
func clusterWait(target string) provider.WaitSpec {
	switch target {
	case StateTerminated:
		return provider.WaitSpec{
			Pending: []string{StateStarting, StateBootstrapping, StateRunning, StateWaiting, StateTerminating},
			Target:  []string{StateTerminated, StateTerminatedWithErrors},
			Gone:    true,
		}
	case "", StateRunning, StateWaiting:
		return provider.WaitSpec{
			Pending: []string{StateStarting, StateBootstrapping},
			Target:  []string{StateRunning, StateWaiting},
			Failed:  []string{StateTerminating, StateTerminated, StateTerminatedWithErrors},
		}
	}
	return provider.WaitSpec{Target: []string{target}}
}

// nodePhase says where an instance is in the words every cloud shares.
func nodePhase(state string) provider.NodePhase {
	switch state {
	case provider.AWSInstanceAwaitingFulfillment, provider.AWSInstanceProvisioning, provider.AWSInstanceBootstrapping:
		return provider.PhasePending
	case provider.AWSInstanceRunning:
		return provider.PhaseRunning
	case provider.AWSInstanceTerminated:
		return provider.PhaseReleased
	}
	return ""
}

// checkGroupID accepts instance group (ig-) and instance fleet (if-) IDs,
// and the i- form moto gives its instance groups (upper case, unlike EC2
// instance IDs).
func checkGroupID(field, id string) *validate.Error {
	if validate.ID(validate.AWSInstanceGroupID, field, id) == nil || validate.ID(validate.AWSInstanceFleetID, field, id) == nil {
		return nil
	}
	if len(id) >= 10 && len(id) <= 18 && id[:2] == "i-" && onlyRunes(id[2:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") {
		return nil
	}
	return &validate.Error{
		Field: field, Value: validate.Render(id),
		Rule: "is not an instance group (ig-) or instance fleet (if-) ID",
		Fix:  "write it as EMR shows it, e.g. ig-1234567890AB; list them with 'emrctl nodegroup list CLUSTER_ID'",
	}
}

// checkInstanceID accepts EC2 instance IDs: i- and 8 to 17 lower-case
// hexadecimal digits.
func checkInstanceID(field, id string) *validate.Error {
	if len(id) >= 10 && len(id) <= 19 && id[:2] == "i-" && onlyRunes(id[2:], "0123456789abcdef") {
		return nil
	}
	return &validate.Error{
		Field: field, Value: validate.Render(id),
		Rule: "is not an EC2 instance ID",
		Fix:  "write it as i- and 8 to 17 lower-case hexadecimal digits, e.g. i-0abc123def4567890; list them with 'emrctl node list CLUSTER_ID'",
	}
}

// onlyRunes reports whether every character of s is in allowed.
func onlyRunes(s, allowed string) bool { return strings.Trim(s, allowed) == "" }
