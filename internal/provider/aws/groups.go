package aws

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
)

// InstanceGroup is an instance group: a node group with its auto-scaling
// policy, if any.
type InstanceGroup struct {
	provider.NodeGroup
	AutoScaling *AutoScalingPolicy `json:"autoScalingPolicy,omitempty"`
}

// InstanceFleet is an instance fleet.
type InstanceFleet struct {
	ClusterID                   string                `json:"clusterId"`
	ID                          string                `json:"id"`
	Name                        string                `json:"name"`
	Role                        string                `json:"role"`
	State                       string                `json:"state"`
	StateReason                 *provider.StateReason `json:"stateReason,omitempty"`
	TargetOnDemandCapacity      int                   `json:"targetOnDemandCapacity"`
	TargetSpotCapacity          int                   `json:"targetSpotCapacity"`
	ProvisionedOnDemandCapacity int                   `json:"provisionedOnDemandCapacity"`
	ProvisionedSpotCapacity     int                   `json:"provisionedSpotCapacity"`
	InstanceTypes               []FleetInstanceType   `json:"instanceTypes,omitempty"`
}

// BootstrapAction is a script run on every node before applications start.
type BootstrapAction struct {
	Name string   `json:"name"`
	Path string   `json:"path"`
	Args []string `json:"args,omitempty"`
}

// InstanceGroups lists the instance groups of a cluster (every page).
func (p *Provider) InstanceGroups(ctx context.Context, clusterID string) ([]InstanceGroup, error) {
	out := []InstanceGroup{}
	var marker *string
	for {
		page, err := p.emr.ListInstanceGroups(ctx, &emr.ListInstanceGroupsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListInstanceGroups", true, err)
		}
		for _, g := range page.InstanceGroups {
			out = append(out, groupOf(clusterID, g))
		}
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

func groupOf(clusterID string, g types.InstanceGroup) InstanceGroup {
	ng := provider.NodeGroup{
		ClusterID:    clusterID,
		ID:           str(g.Id),
		Name:         str(g.Name),
		Role:         string(g.InstanceGroupType),
		RunningNodes: i32(g.RunningInstanceCount),
		DesiredNodes: i32(g.RequestedInstanceCount),
		Market:       string(g.Market),
		BidPrice:     str(g.BidPrice),
	}
	if t := str(g.InstanceType); t != "" {
		ng.InstanceTypes = []string{t}
	}
	if s := g.Status; s != nil {
		ng.State = string(s.State)
		if r := s.StateChangeReason; r != nil {
			ng.StateReason = reasonOf(string(r.Code), str(r.Message))
		}
	}
	out := InstanceGroup{NodeGroup: ng}
	if a := g.AutoScalingPolicy; a != nil && (a.Constraints != nil || len(a.Rules) > 0) {
		pol := autoScalingOf(a.Constraints, a.Rules)
		if a.Status != nil {
			pol.State = string(a.Status.State)
		}
		out.AutoScaling = &pol
	}
	return out
}

// InstanceFleets lists the instance fleets of a cluster (every page).
func (p *Provider) InstanceFleets(ctx context.Context, clusterID string) ([]InstanceFleet, error) {
	out := []InstanceFleet{}
	var marker *string
	for {
		page, err := p.emr.ListInstanceFleets(ctx, &emr.ListInstanceFleetsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListInstanceFleets", true, err)
		}
		for _, f := range page.InstanceFleets {
			fl := InstanceFleet{
				ClusterID: clusterID, ID: str(f.Id), Name: str(f.Name), Role: string(f.InstanceFleetType),
				TargetOnDemandCapacity: i32(f.TargetOnDemandCapacity), TargetSpotCapacity: i32(f.TargetSpotCapacity),
				ProvisionedOnDemandCapacity: i32(f.ProvisionedOnDemandCapacity), ProvisionedSpotCapacity: i32(f.ProvisionedSpotCapacity),
			}
			if s := f.Status; s != nil {
				fl.State = string(s.State)
				if r := s.StateChangeReason; r != nil {
					fl.StateReason = reasonOf(string(r.Code), str(r.Message))
				}
			}
			for _, t := range f.InstanceTypeSpecifications {
				it := FleetInstanceType{InstanceType: str(t.InstanceType), WeightedCapacity: i32(t.WeightedCapacity), BidPrice: str(t.BidPrice)}
				if t.BidPriceAsPercentageOfOnDemandPrice != nil {
					it.BidPricePercent = *t.BidPriceAsPercentageOfOnDemandPrice
				}
				fl.InstanceTypes = append(fl.InstanceTypes, it)
			}
			out = append(out, fl)
		}
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

// BootstrapActions lists the bootstrap actions of a cluster.
func (p *Provider) BootstrapActions(ctx context.Context, clusterID string) ([]BootstrapAction, error) {
	out := []BootstrapAction{}
	var marker *string
	for {
		page, err := p.emr.ListBootstrapActions(ctx, &emr.ListBootstrapActionsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListBootstrapActions", true, err)
		}
		for _, c := range page.BootstrapActions {
			a := BootstrapAction{Name: str(c.Name), Path: str(c.ScriptPath)}
			if len(c.Args) > 0 {
				a.Args = c.Args
			}
			out = append(out, a)
		}
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

// Instance states of EMR.
const (
	InstanceAwaitingFulfillment = "AWAITING_FULFILLMENT"
	InstanceProvisioning        = "PROVISIONING"
	InstanceBootstrapping       = "BOOTSTRAPPING"
	InstanceRunning             = "RUNNING"
	InstanceTerminated          = "TERMINATED"
)

// InstanceFilter selects instances of a cluster. Roles are MASTER, CORE,
// TASK; Fleets says the cluster uses instance fleets.
type InstanceFilter struct {
	Roles   []string `json:"roles,omitempty"`
	States  []string `json:"states,omitempty"`
	GroupID string   `json:"groupId,omitempty"`
	Fleets  bool     `json:"fleets,omitempty"`
}

// Instances lists the EC2 instances of a cluster, one role at a time so
// each carries its role (ListInstances does not return it).
func (p *Provider) Instances(ctx context.Context, clusterID string, f InstanceFilter) ([]provider.Node, error) {
	roles := f.Roles
	if len(roles) == 0 {
		roles = []string{"MASTER", "CORE", "TASK"}
	}
	var states []types.InstanceState
	for _, s := range f.States {
		states = append(states, types.InstanceState(strings.ToUpper(s)))
	}
	out := []provider.Node{}
	for _, role := range roles {
		in := &emr.ListInstancesInput{ClusterId: &clusterID, InstanceStates: states, InstanceGroupId: optStr(f.GroupID)}
		if f.Fleets {
			in.InstanceFleetType = types.InstanceFleetType(role)
			if f.GroupID != "" {
				in.InstanceGroupId, in.InstanceFleetId = nil, optStr(f.GroupID)
			}
		} else {
			in.InstanceGroupTypes = []types.InstanceGroupType{types.InstanceGroupType(role)}
		}
		for {
			page, err := p.emr.ListInstances(ctx, in, p.emrRead)
			if err != nil {
				return nil, mapError(ctx, "ListInstances", true, err)
			}
			for _, i := range page.Instances {
				n := provider.Node{
					ClusterID: clusterID, ID: str(i.Ec2InstanceId), Name: str(i.Id), Role: role,
					InstanceType: str(i.InstanceType), PrivateIP: str(i.PrivateIpAddress), PublicIP: str(i.PublicIpAddress),
					PaymentType: string(i.Market),
				}
				n.NodeGroupID = str(i.InstanceGroupId)
				if n.NodeGroupID == "" {
					n.NodeGroupID = str(i.InstanceFleetId)
				}
				if s := i.Status; s != nil {
					n.State = string(s.State)
					if t := s.Timeline; t != nil {
						n.CreateTime = tm(t.CreationDateTime)
					}
				}
				// The emulator may ignore the state filter: apply it here too.
				if len(f.States) > 0 && !slices.Contains(upperAll(f.States), n.State) {
					continue
				}
				out = append(out, n)
			}
			if in.Marker = page.Marker; str(in.Marker) == "" {
				break
			}
		}
	}
	return out, nil
}

func upperAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(s)
	}
	return out
}

// AddInstanceGroups adds instance groups to a running cluster and returns
// their IDs.
func (p *Provider) AddInstanceGroups(ctx context.Context, clusterID string, groups []GroupSpec) (*provider.WriteResult, error) {
	in := &emr.AddInstanceGroupsInput{JobFlowId: &clusterID}
	for _, g := range groups {
		in.InstanceGroups = append(in.InstanceGroups, sdkGroup(g))
	}
	out, err := p.emr.AddInstanceGroups(ctx, in)
	if err != nil {
		return nil, mapError(ctx, "AddInstanceGroups", false, err)
	}
	return &provider.WriteResult{IDs: out.InstanceGroupIds, RequestID: requestID(out.ResultMetadata)}, nil
}

// AddInstanceFleet adds an instance fleet (TASK) to a cluster.
func (p *Provider) AddInstanceFleet(ctx context.Context, clusterID string, f FleetSpec) (*provider.WriteResult, error) {
	fl := sdkFleet(f)
	out, err := p.emr.AddInstanceFleet(ctx, &emr.AddInstanceFleetInput{ClusterId: &clusterID, InstanceFleet: &fl})
	if err != nil {
		return nil, mapError(ctx, "AddInstanceFleet", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(out.InstanceFleetId)}, RequestID: requestID(out.ResultMetadata)}, nil
}

// ModifyInstanceGroup sets an instance group's instance count; terminate
// names the EC2 instances to release when it shrinks.
func (p *Provider) ModifyInstanceGroup(ctx context.Context, clusterID, groupID string, count int, terminate []string) (*provider.WriteResult, error) {
	out, err := p.emr.ModifyInstanceGroups(ctx, &emr.ModifyInstanceGroupsInput{
		ClusterId: &clusterID,
		InstanceGroups: []types.InstanceGroupModifyConfig{{
			InstanceGroupId: &groupID, InstanceCount: ptr(int32(count)), EC2InstanceIdsToTerminate: terminate,
		}},
	})
	if err != nil {
		return nil, mapError(ctx, "ModifyInstanceGroups", false, err)
	}
	return &provider.WriteResult{IDs: []string{groupID}, RequestID: requestID(out.ResultMetadata)}, nil
}
