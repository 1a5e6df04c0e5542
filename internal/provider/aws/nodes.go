package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// usesFleets reports whether a cluster has instance fleets rather than
// instance groups (a cluster has one or the other).
func (p *Provider) usesFleets(ctx context.Context, clusterID string) (bool, error) {
	out, err := p.emr.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: &clusterID}, p.emrRead)
	if err != nil {
		return false, mapError(ctx, "DescribeCluster", true, err)
	}
	return out.Cluster != nil && out.Cluster.InstanceCollectionType == types.InstanceCollectionTypeInstanceFleet, nil
}

// instanceGroups lists the instance groups of a cluster as EMR returns
// them (every page).
func (p *Provider) instanceGroups(ctx context.Context, clusterID string) ([]types.InstanceGroup, error) {
	var out []types.InstanceGroup
	var marker *string
	for {
		page, err := p.emr.ListInstanceGroups(ctx, &emr.ListInstanceGroupsInput{ClusterId: &clusterID, Marker: marker}, p.emrRead)
		if err != nil {
			return nil, mapError(ctx, "ListInstanceGroups", true, err)
		}
		out = append(out, page.InstanceGroups...)
		if marker = page.Marker; str(marker) == "" {
			return out, nil
		}
	}
}

func groupOf(clusterID string, g types.InstanceGroup) provider.NodeGroup {
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
	return ng
}

// fleetGroup is an instance fleet as a node group: sizes in capacity
// units, requested (target) and provisioned.
func fleetGroup(f provider.InstanceFleet) provider.NodeGroup {
	ng := provider.NodeGroup{
		ClusterID: f.ClusterID, ID: f.ID, Name: f.Name, Role: f.Role, State: f.State, StateReason: f.StateReason, Fleet: true,
		RunningNodes: f.ProvisionedOnDemandCapacity + f.ProvisionedSpotCapacity,
		DesiredNodes: f.TargetOnDemandCapacity + f.TargetSpotCapacity,
	}
	switch {
	case f.TargetSpotCapacity > 0 && f.TargetOnDemandCapacity > 0:
		ng.Market = "ON_DEMAND+SPOT"
	case f.TargetSpotCapacity > 0:
		ng.Market = string(types.MarketTypeSpot)
	default:
		ng.Market = string(types.MarketTypeOnDemand)
	}
	for _, t := range f.InstanceTypes {
		ng.InstanceTypes = append(ng.InstanceTypes, t.InstanceType)
	}
	return ng
}

// ListNodeGroups implements provider.NodeGroups: the instance groups of a
// cluster, or its instance fleets (Fleet set). EMR filters none of them:
// f is applied here.
func (p *Provider) ListNodeGroups(ctx context.Context, clusterID string, f provider.NodeGroupFilter) ([]provider.NodeGroup, error) {
	all, err := p.allNodeGroups(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	out := []provider.NodeGroup{}
	for _, g := range all {
		if matches(f.IDs, g.ID) && matches(f.Names, g.Name) && matchesFold(f.Roles, g.Role) && matchesFold(f.States, g.State) {
			out = append(out, g)
		}
	}
	return out, nil
}

func (p *Provider) allNodeGroups(ctx context.Context, clusterID string) ([]provider.NodeGroup, error) {
	fleets, err := p.usesFleets(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	var out []provider.NodeGroup
	if fleets {
		fs, err := p.InstanceFleets(ctx, clusterID)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			out = append(out, fleetGroup(f))
		}
		p.roles.keep(out)
		return out, nil
	}
	gs, err := p.instanceGroups(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		out = append(out, groupOf(clusterID, g))
	}
	p.roles.keep(out)
	return out, nil
}

// matches reports whether v is in want; an empty want matches anything.
func matches(want []string, v string) bool { return len(want) == 0 || slices.Contains(want, v) }

func matchesFold(want []string, v string) bool {
	return len(want) == 0 || slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, v) })
}

// GetNodeGroup implements provider.NodeGroups: one instance group or
// fleet.
func (p *Provider) GetNodeGroup(ctx context.Context, clusterID, groupID string) (*provider.NodeGroup, error) {
	gs, err := p.ListNodeGroups(ctx, clusterID, provider.NodeGroupFilter{IDs: []string{groupID}})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, groupNotFound(clusterID, groupID)
	}
	return &gs[0], nil
}

func groupNotFound(clusterID, groupID string) error {
	return &provider.APIError{Provider: provider.AWS, Action: "ListInstanceGroups", Kind: provider.KindNotFound, Code: "NoSuchInstanceGroup",
		Message: "cluster " + clusterID + " has no instance group or fleet " + groupID + "; list them with 'emrctl nodegroup list " + clusterID + "'"}
}

// ListNodes implements provider.NodeGroups: one page of a cluster's EC2
// instances (ListInstances pages by 50 whatever size says). Each carries
// its group's role, which ListInstances does not return; a filter on
// several groups or on node IDs is applied to the page, so a page may
// hold fewer instances than EMR returned.
func (p *Provider) ListNodes(ctx context.Context, clusterID string, f provider.NodeFilter, pageToken string, _ int) (*provider.Page[provider.Node], error) {
	in := &emr.ListInstancesInput{ClusterId: &clusterID, Marker: optStr(pageToken)}
	for _, s := range f.States {
		in.InstanceStates = append(in.InstanceStates, types.InstanceState(strings.ToUpper(s)))
	}
	if len(f.NodeGroupIDs) == 1 {
		g, err := p.roles.find(ctx, p, clusterID, f.NodeGroupIDs[0])
		if err != nil {
			return nil, err
		}
		if g.fleet {
			in.InstanceFleetId = &f.NodeGroupIDs[0]
		} else {
			in.InstanceGroupId = &f.NodeGroupIDs[0]
		}
	}
	out, err := p.emr.ListInstances(ctx, in, p.emrRead)
	if err != nil {
		return nil, mapError(ctx, "ListInstances", true, err)
	}
	if err := p.roles.learn(ctx, p, clusterID, out.Instances); err != nil {
		return nil, err
	}
	page := &provider.Page[provider.Node]{NextToken: str(out.Marker), Items: []provider.Node{}}
	for _, i := range out.Instances {
		n := nodeOf(clusterID, i)
		n.Role = p.roles.role(n.NodeGroupID)
		// The emulator may ignore a filter: apply every one here too.
		if matches(f.NodeGroupIDs, n.NodeGroupID) && matches(f.NodeIDs, n.ID) && matchesFold(f.States, n.State) {
			page.Items = append(page.Items, n)
		}
	}
	return page, nil
}

func nodeOf(clusterID string, i types.Instance) provider.Node {
	n := provider.Node{
		ClusterID: clusterID, ID: str(i.Ec2InstanceId), Name: str(i.Id), NodeGroupID: str(i.InstanceGroupId),
		InstanceType: str(i.InstanceType), PrivateIP: str(i.PrivateIpAddress), PublicIP: str(i.PublicIpAddress),
		PaymentType: string(i.Market),
	}
	if n.NodeGroupID == "" {
		n.NodeGroupID = str(i.InstanceFleetId)
	}
	if s := i.Status; s != nil {
		n.State = string(s.State)
		if t := s.Timeline; t != nil {
			n.CreateTime = tm(t.CreationDateTime)
		}
	}
	n.Phase = nodePhase(n.State)
	return n
}

// NodeGroupRequest is an AddInstanceGroups request built from a spec group.
type NodeGroupRequest struct {
	in *emr.AddInstanceGroupsInput
}

// Shown implements provider.NodeGroupRequest: the exact request (a group
// carries no secrets).
func (r *NodeGroupRequest) Shown() any { return Wire(r.in) }

// PrepareNodeGroup implements provider.NodeGroupCreator: a validated TASK
// group (spec.ValidateNodeGroup) as AddInstanceGroups: its first instance
// type, its count, the SPOT market for a spot strategy with its bid price.
// Nothing is sent.
func (p *Provider) PrepareNodeGroup(clusterID string, g spec.NodeGroup) (provider.NodeGroupRequest, error) {
	gs := GroupFromSpec(g)
	if gs.Role != roleTask {
		return nil, invalid("AddInstanceGroups", "nodeGroup.role", fmt.Sprintf("%s groups cannot be added to a running cluster", gs.Role), "add a TASK group")
	}
	if gs.InstanceType == "" {
		return nil, invalid("AddInstanceGroups", "nodeGroup.instanceTypes", "no instance type", "name one instance type")
	}
	return &NodeGroupRequest{in: &emr.AddInstanceGroupsInput{JobFlowId: &clusterID, InstanceGroups: []types.InstanceGroupConfig{sdkGroup(gs)}}}, nil
}

// CreateNodeGroup implements provider.NodeGroupCreator. AddInstanceGroups
// has no client token: the engine looks for a group of that name before
// it sends again after an unknown outcome. When the response names no
// group (moto answers so), the group is found by its name.
func (p *Provider) CreateNodeGroup(ctx context.Context, clusterID string, r provider.NodeGroupRequest) (*provider.WriteResult, error) {
	nr, ok := r.(*NodeGroupRequest)
	if !ok || nr == nil || nr.in == nil {
		return nil, fmt.Errorf("aws: CreateNodeGroup needs a request from this provider's PrepareNodeGroup, got %T", r)
	}
	if str(nr.in.JobFlowId) != clusterID {
		return nil, fmt.Errorf("aws: CreateNodeGroup: the request was prepared for cluster %s, not %s", str(nr.in.JobFlowId), clusterID)
	}
	out, err := p.emr.AddInstanceGroups(ctx, nr.in)
	if err != nil {
		return nil, mapError(ctx, "AddInstanceGroups", false, err)
	}
	res := &provider.WriteResult{IDs: out.InstanceGroupIds, RequestID: requestID(out.ResultMetadata)}
	if len(res.IDs) > 0 {
		return res, nil
	}
	name := str(nr.in.InstanceGroups[0].Name)
	if gs, ferr := p.ListNodeGroups(ctx, clusterID, provider.NodeGroupFilter{Names: []string{name}}); ferr == nil && len(gs) == 1 {
		res.IDs = []string{gs[0].ID}
	}
	return res, nil
}

// IncreaseRequest implements provider.NodeScaler: ModifyInstanceGroups
// with the group's new absolute size, From+Count.
func (p *Provider) IncreaseRequest(clusterID, groupID string, in provider.IncreaseInput) any {
	return Wire(modifyInput(clusterID, groupID, in.From+in.Count, nil))
}

// DecreaseRequest implements provider.NodeScaler: ModifyInstanceGroups
// with the new size, From less the nodes released, naming them.
func (p *Provider) DecreaseRequest(clusterID, groupID string, in provider.DecreaseInput) any {
	return Wire(modifyInput(clusterID, groupID, in.From-len(in.NodeIDs), in.NodeIDs))
}

func modifyInput(clusterID, groupID string, count int, terminate []string) *emr.ModifyInstanceGroupsInput {
	return &emr.ModifyInstanceGroupsInput{
		ClusterId: &clusterID,
		InstanceGroups: []types.InstanceGroupModifyConfig{{
			InstanceGroupId: &groupID, InstanceCount: ptr(int32(count)), EC2InstanceIdsToTerminate: slices.Clone(terminate),
		}},
	}
}

// IncreaseNodes implements provider.NodeScaler. ModifyInstanceGroups sets
// an absolute size and has no token.
func (p *Provider) IncreaseNodes(ctx context.Context, clusterID, groupID string, in provider.IncreaseInput) (*provider.WriteResult, error) {
	if in.Count < 1 {
		return nil, invalid("ModifyInstanceGroups", "count", fmt.Sprintf("must be at least 1, got %d", in.Count), "pass the number of nodes to add")
	}
	return p.modify(ctx, modifyInput(clusterID, groupID, in.From+in.Count, nil))
}

// DecreaseNodes implements provider.NodeScaler: the group shrinks by the
// named instances, which EMR terminates.
func (p *Provider) DecreaseNodes(ctx context.Context, clusterID, groupID string, in provider.DecreaseInput) (*provider.WriteResult, error) {
	if len(in.NodeIDs) == 0 || in.From < len(in.NodeIDs) {
		return nil, invalid("ModifyInstanceGroups", "nodeIds", fmt.Sprintf("%d nodes to release from a group of %d", len(in.NodeIDs), in.From), "name the instances to release, at most the group's size")
	}
	res, err := p.modify(ctx, modifyInput(clusterID, groupID, in.From-len(in.NodeIDs), in.NodeIDs))
	if err == nil {
		res.IDs = slices.Clone(in.NodeIDs)
	}
	return res, err
}

func (p *Provider) modify(ctx context.Context, in *emr.ModifyInstanceGroupsInput) (*provider.WriteResult, error) {
	out, err := p.emr.ModifyInstanceGroups(ctx, in)
	if err != nil {
		return nil, mapError(ctx, "ModifyInstanceGroups", false, err)
	}
	return &provider.WriteResult{IDs: []string{str(in.InstanceGroups[0].InstanceGroupId)}, RequestID: requestID(out.ResultMetadata)}, nil
}

// groupRoles remembers the role (MASTER, CORE, TASK) of the instance
// groups and fleets a provider has seen. A group's role and kind never
// change, so ListNodes asks for the groups only when an instance names
// one it does not know: one call per page (ListInstances) instead of
// three (DescribeCluster, ListInstanceGroups, ListInstances).
type groupRoles struct {
	mu     sync.Mutex
	groups map[string]groupRole
}

// maxGroupRoles bounds what a long-lived provider (emrctl serve) keeps.
const maxGroupRoles = 20000

type groupRole struct {
	role  string
	fleet bool
}

func (r *groupRoles) role(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.groups[id].role
}

func (r *groupRoles) known(id string) (groupRole, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.groups[id]
	return g, ok
}

func (r *groupRoles) keep(groups []provider.NodeGroup) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.groups == nil || len(r.groups) > maxGroupRoles {
		r.groups = map[string]groupRole{}
	}
	for _, g := range groups {
		r.groups[g.ID] = groupRole{role: g.Role, fleet: g.Fleet}
	}
}

// find returns a group of the cluster, listing its groups if unknown
// (an unknown ID stays unknown: ListInstances then refuses it).
func (r *groupRoles) find(ctx context.Context, p *Provider, clusterID, id string) (groupRole, error) {
	if g, ok := r.known(id); ok {
		return g, nil
	}
	if _, err := p.allNodeGroups(ctx, clusterID); err != nil {
		return groupRole{}, err
	}
	g, _ := r.known(id) // allNodeGroups kept them
	return g, nil
}

// learn lists the cluster's groups (or fleets: the instances say which)
// if an instance belongs to one not seen before.
func (r *groupRoles) learn(ctx context.Context, p *Provider, clusterID string, instances []types.Instance) error {
	fleets, missing := false, false
	for _, i := range instances {
		n := nodeOf(clusterID, i)
		fleets = fleets || i.InstanceFleetId != nil && *i.InstanceFleetId != ""
		if _, ok := r.known(n.NodeGroupID); !ok {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	var groups []provider.NodeGroup
	if fleets {
		fs, err := p.InstanceFleets(ctx, clusterID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			groups = append(groups, fleetGroup(f))
		}
	} else {
		gs, err := p.instanceGroups(ctx, clusterID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			groups = append(groups, groupOf(clusterID, g))
		}
	}
	r.keep(groups)
	return nil
}
